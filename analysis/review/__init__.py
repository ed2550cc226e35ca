"""Reviewing a change: which computed numbers it moves, page by page.

:mod:`.snapshot` reads the numbers out of an analysis bundle (every value, every table's and
chart's tidy data) and finds which page places which artifact; :mod:`.compare` lists what
differs between two snapshots and writes it as Markdown; :mod:`.trees` builds the bundle of a
git revision and of the working tree (``python -m analysis diff``); :mod:`.comment` posts the
result as one pull-request comment that later runs update. Standard library only, so the
comment step of CI needs no installed environment; never imports MkDocs or the registry.
"""

__all__: list[str] = []
