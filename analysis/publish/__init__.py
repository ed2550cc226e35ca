"""Publishing editions of the site with mike: the edition model and the publish command.
Imports no domain; runs the site build as a subprocess."""
