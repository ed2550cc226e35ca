"""The link check CI runs on the built site: it passes on the real site and catches breakage."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

from testsupport.project import PROJECT

_spec = importlib.util.spec_from_file_location(
    "check_links", PROJECT / "scripts" / "check_links.py"
)
assert _spec is not None
assert _spec.loader is not None
check_links = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(check_links)
check_site = check_links.check_site


def test_every_internal_link_and_anchor_of_the_built_site_resolves(built_site: Path) -> None:
    assert check_site(built_site) == []


def test_a_missing_page_a_missing_anchor_and_a_cdn_script_are_each_reported(
    built_site: Path, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    shutil.copytree(built_site, site)
    page = site / "about" / "index.html"
    html = page.read_text(encoding="utf-8")
    html = html.replace(
        "</article>",
        '<a href="../nowhere/">x</a><a href="../results/#no-such-heading">y</a>'
        '<script src="https://cdn.example.org/lib.js"></script></article>',
        1,
    )
    page.write_text(html, encoding="utf-8")
    problems = check_site(site)
    assert len(problems) == 3, problems
    assert any("../nowhere/" in p and "not in the site" in p for p in problems)
    assert any("no id 'no-such-heading'" in p for p in problems)
    assert any("loads https://cdn.example.org/lib.js from another site" in p for p in problems)
