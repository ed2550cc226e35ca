"""Two clean builds of the same sources produce byte-identical sites."""

from __future__ import annotations

import filecmp
from pathlib import Path

import pytest

from testsupport.found import some
from testsupport.project import copy_site_sources, run_mkdocs_build

pytestmark = pytest.mark.slow  # two cold builds of the whole site


def _tree(root: Path) -> list[str]:
    files = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
    return some(files, f"files in {root.name}", at_least=50)


def test_two_clean_builds_are_identical(tmp_path: Path) -> None:
    sites = []
    for name in ("first", "second"):
        project = copy_site_sources(tmp_path / name)  # each copy has its own empty cache
        site = tmp_path / f"{name}-site"
        result = run_mkdocs_build(site, project=project)
        assert result.returncode == 0, result.stderr
        sites.append(site)
    first, second = sites
    assert _tree(first) == _tree(second)
    differing = [
        rel for rel in _tree(first) if not filecmp.cmp(first / rel, second / rel, shallow=False)
    ]
    assert differing == []
