"""Everything that runs inside MkDocs, one package per plugin as Material splits its plugins
(``<name>/config.py`` its settings, ``<name>/plugin.py`` its hooks, beside them the light code they
call): ``citation`` (the edition and the references' metadata), ``artifacts`` (the analysis's
tables, charts and values placed in pages, and link previews), ``notebooks`` and ``notes``.
The only package that imports MkDocs; it imports no heavy library (pandas, altair, scipy,
lifelines) and shares only :mod:`analysis.wire` with the analysis child, which never imports it.
"""
