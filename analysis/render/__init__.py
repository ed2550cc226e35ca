"""Rendering in the analysis child process: tables to HTML, charts to SVG, Vega and PNG, and the one
chart theme. Imported by the domains only for the theme; imports no domain."""
