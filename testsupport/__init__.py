"""Helpers shared by the tests (``tests/``) and the benchmarks (``benchmarks/``), in one place.

* :mod:`testsupport.project`: the project's paths, a strict site build, a copy of the site's
  sources to change, ``properdocs serve`` on a free port.
* :mod:`testsupport.serving`: a static server that sends text gzip-encoded, as GitHub Pages does.
* :mod:`testsupport.browser`: Debian's Chromium through Playwright.
* :mod:`testsupport.chart_text`: the rendered size and clipping of every chart text.
* :mod:`testsupport.notes`: a tiny docs folder, a note writer, a Note issue form's body.
* :mod:`testsupport.editions`: an edition prepared as CONTRIBUTING.md says.
* :mod:`testsupport.variants`: one changed copy of the site, built once for the tests that
  read a changed but valid site.
* :mod:`testsupport.shared`: what the processes of one run share (one build for all workers).
* :mod:`testsupport.found`: :func:`~testsupport.found.some`, the guard of a loop over what a
  test found (files, pages, notes), so that finding nothing fails instead of passing.

Not shipped: the wheel holds ``analysis`` only (``[tool.hatch.build.targets.wheel]``). Playwright
is imported only inside the functions that drive a browser, so a benchmark or test that needs
none loads none of the browser stack. ``tests/conftest.py`` holds the fixtures only.
"""
