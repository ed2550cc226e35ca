"""The strict build refuses links that would break for a reader: a missing anchor, an absolute
link (it would leave an edition's folder), a link to a page that does not exist."""

from __future__ import annotations

from pathlib import Path

import pytest

from testsupport.project import copy_site_sources, run_mkdocs_build

pytestmark = pytest.mark.slow  # a strict build of a changed copy of the site


def test_a_link_to_a_missing_anchor_or_an_absolute_link_fails_the_strict_build(
    tmp_path: Path,
) -> None:
    project = copy_site_sources(tmp_path / "project")
    page = project / "docs" / "about.md"
    page.write_text(
        page.read_text()
        + "\nSee [the survival section](results.md#no-such-section)"
        + " and [the results](/results/).\n"
    )
    result = run_mkdocs_build(tmp_path / "site", project=project)
    assert result.returncode != 0, "the strict build passed despite the bad links"
    assert "'about.md'" in result.stderr
    assert "does not contain an anchor '#no-such-section'" in result.stderr
    assert "absolute link '/results/'" in result.stderr
