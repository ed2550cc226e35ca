"""Publishing editions of the site with mike: the edition model, the edition as a citable work
(JSON-LD, BibTeX, RIS, link-preview tags) and the publish command. Imports no domain; runs the
site build as a subprocess."""
