"""Edition names and the build's edition, and where "edit this page" links come from."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from analysis.errors import PublishError
from analysis.publish.deploy import repository_urls
from analysis.publish.edition import Edition, current_edition, edition_key, parse_edition_name
from testsupport.project import PROJECT


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


@pytest.mark.parametrize("name", ["2026.1", "2026.12", "dev"])
def test_well_formed_edition_names_are_accepted(name: str) -> None:
    assert parse_edition_name(name) == name


def test_a_tag_name_is_refused_with_the_edition_it_meant() -> None:
    with pytest.raises(PublishError, match=r"the edition is 2026\.2"):
        parse_edition_name("v2026.2")


def test_editions_sort_by_number_not_text() -> None:
    assert sorted(["2026.10", "2026.9", "2027.1"], key=edition_key) == [
        "2026.9",
        "2026.10",
        "2027.1",
    ]


def test_a_build_without_the_publish_command_is_an_unpublished_preview() -> None:
    edition = current_edition({}, project_dir=PROJECT)
    assert edition.kind == "preview"
    assert edition.version in edition.label


def test_the_edition_comes_from_the_environment_the_publish_command_sets() -> None:
    env = {"MIKE_DOCS_VERSION": "2026.3", "STUDY_SOURCE_COMMIT": "a" * 40, "SOURCE_DATE_EPOCH": "0"}
    edition = current_edition(env, project_dir=PROJECT)
    assert edition == Edition("2026.3", edition.version, "a" * 40, "1970-01-01")
    assert edition.to_dict()["short_commit"] == "aaaaaaa"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://github.com/o/r.git", "https://github.com/o/r"),
        ("git@github.com:o/r.git", "https://github.com/o/r"),
        ("https://github.com/o/r", "https://github.com/o/r"),
        ("/srv/git/r.git", None),
    ],
)
def test_edit_links_come_from_a_github_remote_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, url: str, expected: str | None
) -> None:
    monkeypatch.delenv("REPO_URL", raising=False)
    git(tmp_path, "init", "-q")
    git(tmp_path, "remote", "add", "origin", url)
    assert repository_urls(tmp_path, "origin").get("REPO_URL") == expected
