"""The GitHub workflows follow the deploy rules: least privilege, pinned actions, no races.

actionlint cannot be installed here (its build downloads a binary), so this checks the rules
the project relies on directly, and runs zizmor (offline) and the workflow JSON schema.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from .conftest import PROJECT

WORKFLOWS = PROJECT / ".github" / "workflows"
SHA_PIN = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")
BIN = Path(sys.executable).parent


def load(name: str) -> dict[str, Any]:
    return yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))


def triggers(workflow: dict[str, Any]) -> dict[str, Any]:
    on = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    return on if isinstance(on, dict) else dict.fromkeys([on] if on else [])


def steps(workflow: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(job_id, step) for job_id, job in workflow["jobs"].items() for step in job["steps"]]


def writes(permissions: object) -> bool:
    if permissions in ("write-all",):
        return True
    return isinstance(permissions, dict) and "write" in permissions.values()


ALL = sorted(p.name for p in WORKFLOWS.glob("*.yml"))


def test_there_is_a_ci_and_a_deploy_workflow() -> None:
    assert {"ci.yml", "deploy.yml"} <= set(ALL)


@pytest.mark.parametrize("name", ALL)
def test_workflow_grants_nothing_by_default_and_has_a_concurrency_group(name: str) -> None:
    workflow = load(name)
    assert workflow["permissions"] == {}, "top-level permissions must be {}"
    assert workflow["concurrency"]["group"]
    for job_id, job in workflow["jobs"].items():
        assert "permissions" in job, f"job {job_id} must state its permissions"


@pytest.mark.parametrize("name", ALL)
def test_every_action_is_pinned_to_a_full_commit_sha(name: str) -> None:
    for job_id, step in steps(load(name)):
        uses = step.get("uses")
        if uses and not uses.startswith("./"):
            assert SHA_PIN.match(uses), f"{name} job {job_id}: {uses} is not pinned to a SHA"


@pytest.mark.parametrize("name", ALL)
def test_no_workflow_that_pull_requests_trigger_gets_a_write_token(name: str) -> None:
    workflow = load(name)
    on = triggers(workflow)
    assert "pull_request_target" not in on, "pull_request_target runs fork code with secrets"
    if "pull_request" in on:
        assert not writes(workflow.get("permissions"))
        for job_id, job in workflow["jobs"].items():
            assert not writes(job.get("permissions")), f"{name} job {job_id} can write"
        for job_id, step in steps(workflow):
            if str(step.get("uses", "")).startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False, f"{name} job {job_id}"


def test_deploy_runs_only_for_main_and_edition_tags_never_for_pull_requests() -> None:
    on = triggers(load("deploy.yml"))
    assert set(on) == {"push"}
    assert on["push"]["branches"] == ["main"]
    assert all(tag.startswith("v") for tag in on["push"]["tags"])


# The only jobs that may write, and exactly what each may write. None runs pull-request code.
WRITERS = {
    ("deploy.yml", "deploy"): {"contents": "write"},
    ("numbers-comment.yml", "comment"): {"actions": "read", "pull-requests": "write"},
    ("note-from-issue.yml", "note"): {
        "contents": "write",
        "pull-requests": "write",
        "issues": "write",
    },
}


def test_only_the_listed_jobs_can_write_and_only_what_they_need() -> None:
    for name in ALL:
        for job_id, job in load(name)["jobs"].items():
            if writes(job.get("permissions")):
                assert (name, job_id) in WRITERS, f"{name} job {job_id} can write"
                assert job["permissions"] == WRITERS[name, job_id]


def test_deploys_queue_instead_of_racing_or_being_cancelled_half_way() -> None:
    concurrency = load("deploy.yml")["concurrency"]
    assert "${{" not in concurrency["group"], "one group for every ref: gh-pages is shared"
    assert concurrency["cancel-in-progress"] is False


def test_deploy_fetches_full_history_and_dates_builds_from_the_commit() -> None:
    workflow = load("deploy.yml")
    checkout = [
        s for _, s in steps(workflow) if str(s.get("uses", "")).startswith("actions/checkout@")
    ]
    assert checkout[0]["with"]["fetch-depth"] == 0
    text = (WORKFLOWS / "deploy.yml").read_text(encoding="utf-8")
    assert "SOURCE_DATE_EPOCH=$(git log -1 --format=%ct)" in text


def test_deploy_uses_the_same_publish_command_as_maintainers() -> None:
    runs = " ".join(str(s.get("run", "")) for _, s in steps(load("deploy.yml")))
    assert 'make publish VERSION="${REF_NAME#v}" ALIAS=latest' in runs
    assert "make publish VERSION=dev" in runs
    assert "mike " not in runs, "call the publish command, not mike directly"


def test_ci_lints_tests_builds_link_checks_and_uploads_the_preview() -> None:
    workflow = load("ci.yml")
    runs = " ".join(str(s.get("run", "")) for _, s in steps(workflow))
    for command in ("make lint", "make test", "make build", "scripts/check_links.py site"):
        assert command in runs
    assert "SOURCE_DATE_EPOCH" in runs
    uploads = [s for _, s in steps(workflow) if "upload-artifact@" in str(s.get("uses", ""))]
    assert uploads[0]["with"]["path"] == "site/"


def test_zizmor_finds_nothing_in_the_workflows() -> None:
    result = subprocess.run(
        [str(BIN / "zizmor"), "--offline", "--quiet", str(WORKFLOWS)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("schema", "files"),
    [
        ("vendor.github-workflows", sorted(WORKFLOWS.glob("*.yml"))),
        ("vendor.dependabot", [PROJECT / ".github" / "dependabot.yml"]),
        (
            "vendor.github-issue-forms",
            sorted(
                p
                for p in (PROJECT / ".github" / "ISSUE_TEMPLATE").glob("*.yml")
                if p.name != "config.yml"
            ),
        ),
        ("vendor.citation-file-format", [PROJECT / "CITATION.cff"]),
    ],
)
def test_repository_files_match_their_schemas(schema: str, files: list[Path]) -> None:
    assert files
    result = subprocess.run(
        [str(BIN / "check-jsonschema"), "--builtin-schema", schema, *map(str, files)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_citation_cff_names_the_same_version_as_pyproject() -> None:
    with (PROJECT / "pyproject.toml").open("rb") as handle:
        version = tomllib.load(handle)["project"]["version"]
    citation = yaml.safe_load((PROJECT / "CITATION.cff").read_text(encoding="utf-8"))
    assert citation["version"] == version, (
        f"CITATION.cff says {citation['version']}, pyproject.toml says {version}: "
        "set both to the edition being prepared"
    )


def test_changelog_has_a_section_for_the_current_version() -> None:
    with (PROJECT / "pyproject.toml").open("rb") as handle:
        version = tomllib.load(handle)["project"]["version"]
    changelog = (PROJECT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert re.search(rf"(?m)^## {re.escape(version)}$", changelog), (
        f"CHANGELOG.md has no '## {version}' section for the version in pyproject.toml"
    )
