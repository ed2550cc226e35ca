"""Readers' notes: knowledge, pearls, summaries and comments contributed by pull request.

One Markdown file per note in ``docs/notes/`` with front matter (:mod:`.schema`), written in the
notes dialect of Markdown (:mod:`.markdown_ext`), checked with file, line, rule and fix
(:mod:`.check`), sanitised by an allowlist (:mod:`.sanitise`), and shown on the page section
it refers to, on the notes index (:mod:`.display`) and in an Atom feed (:mod:`.feed`).
Nothing here imports MkDocs; the site glue is :mod:`analysis.mkdocs_side.notes`.
"""

__all__: list[str] = []
