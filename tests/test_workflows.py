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


def test_there_are_ci_deploy_and_preview_workflows() -> None:
    assert {"ci.yml", "deploy.yml", "preview.yml", "pr-closed.yml"} <= set(ALL)


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


def test_deploy_starts_only_from_a_ci_run_that_passed_for_a_push_to_this_repository() -> None:
    workflow = load("deploy.yml")
    on = triggers(workflow)
    assert set(on) == {"workflow_run"}
    assert on["workflow_run"] == {"workflows": [load("ci.yml")["name"]], "types": ["completed"]}
    condition = " ".join(workflow["jobs"]["deploy"]["if"].split())
    for clause in (
        "github.event.workflow_run.conclusion == 'success'",
        "github.event.workflow_run.event == 'push'",
        "github.event.workflow_run.head_repository.full_name == github.repository",
    ):
        assert clause in condition


def test_ci_runs_for_main_and_every_edition_tag_so_a_tag_publishes_only_after_green_ci() -> None:
    push = triggers(load("ci.yml"))["push"]
    assert push["branches"] == ["main"]
    assert push["tags"] == ["v[0-9][0-9][0-9][0-9].[0-9]*"]
    runs = {s.get("name"): s for _, s in steps(load("deploy.yml"))}
    tag = runs["Publish the tagged edition as latest (CI passed on the tag)"]
    assert tag["if"] == "startsWith(github.event.workflow_run.head_branch, 'v')"
    assert tag["env"]["TAG"] == "${{ github.event.workflow_run.head_branch }}"
    dev = runs["Publish dev (CI passed on main)"]
    assert dev["if"] == "github.event.workflow_run.head_branch == 'main'"


def test_deploy_builds_the_commit_ci_passed_not_the_default_branch() -> None:
    checkout = [s for _, s in steps(load("deploy.yml")) if "checkout@" in str(s.get("uses"))]
    assert checkout[0]["with"]["ref"] == "${{ github.event.workflow_run.head_sha }}"


# The only jobs that may write, and exactly what each may write. None runs pull-request code:
# they start from a finished CI run (workflow_run) or from a maintainer's label on an issue.
WRITERS = {
    ("deploy.yml", "deploy"): {"contents": "write"},
    ("preview.yml", "publish"): {
        "contents": "write",
        "actions": "read",
        "pull-requests": "read",
    },
    ("preview.yml", "remove"): {"contents": "write", "actions": "read", "pull-requests": "read"},
    ("numbers-comment.yml", "comment"): {"actions": "read", "pull-requests": "write"},
    ("note-from-issue.yml", "note"): {
        "contents": "write",
        "pull-requests": "write",
        "issues": "write",
    },
}


def test_only_the_listed_jobs_can_write_and_only_what_they_need() -> None:
    writers = set()
    for name in ALL:
        for job_id, job in load(name)["jobs"].items():
            if writes(job.get("permissions")):
                writers.add((name, job_id))
                assert (name, job_id) in WRITERS, f"{name} job {job_id} can write"
                assert job["permissions"] == WRITERS[name, job_id]
    assert writers == set(WRITERS)
    for name in {name for name, _ in writers}:
        assert set(triggers(load(name))) <= {"workflow_run", "issues"}, f"{name} runs PR code"


def test_the_preview_jobs_never_check_out_or_run_the_pull_requests_code() -> None:
    workflow = load("preview.yml")
    for job_id, step in steps(workflow):
        if "checkout@" in str(step.get("uses")):
            assert "ref" not in step.get("with", {}), f"{job_id} checks out another ref"
            assert "repository" not in step.get("with", {})
        run = str(step.get("run", ""))
        if run:
            assert run == "make .venv/.synced" or run.startswith(
                ".venv/bin/python -m analysis preview "
            ), f"{job_id}: {run}"
    publish = " ".join(workflow["jobs"]["publish"]["if"].split())
    assert "github.event.workflow_run.event == 'pull_request'" in publish
    assert "github.event.workflow_run.conclusion == 'success'" in publish
    remove = " ".join(workflow["jobs"]["remove"]["if"].split())
    assert "'Pull request closed'" in remove
    assert triggers(workflow)["workflow_run"]["workflows"] == [
        load("ci.yml")["name"],
        load("pr-closed.yml")["name"],
    ]


def test_the_untrusted_pull_request_runs_upload_their_event_and_site_and_nothing_else() -> None:
    uploads = {}
    for name in ("ci.yml", "pr-closed.yml"):
        for _, step in steps(load(name)):
            if "upload-artifact@" in str(step.get("uses")):
                uploads.setdefault(step["with"]["name"], set()).add(step["with"]["path"])
    assert uploads == {"site": {"site/"}, "pull-request-event": {"${{ github.event_path }}"}}
    closed = load("pr-closed.yml")
    assert triggers(closed) == {"pull_request": {"types": ["closed"]}}
    assert all(job["permissions"] == {} for job in closed["jobs"].values())


def test_deploys_and_previews_queue_in_one_group_instead_of_racing_or_being_cancelled() -> None:
    deploy, preview = load("deploy.yml")["concurrency"], load("preview.yml")["concurrency"]
    assert "${{" not in deploy["group"], "one group for every ref: gh-pages is shared"
    assert preview["group"] == deploy["group"]
    assert deploy["cancel-in-progress"] is False
    assert preview["cancel-in-progress"] is False


def test_deploy_fetches_full_history_and_the_makefile_dates_builds_from_the_commit() -> None:
    checkout = [s for _, s in steps(load("deploy.yml")) if "checkout@" in str(s.get("uses"))]
    assert checkout[0]["with"]["fetch-depth"] == 0
    makefile = (PROJECT / "Makefile").read_text(encoding="utf-8")
    assert "export SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct" in makefile


def test_deploy_uses_the_same_publish_command_as_maintainers() -> None:
    runs = [str(s.get("run", "")) for _, s in steps(load("deploy.yml")) if s.get("run")]
    assert runs == ["make publish VERSION=dev", 'make publish VERSION="${TAG#v}" ALIAS=latest']


def test_ci_lints_tests_builds_link_checks_and_uploads_the_preview() -> None:
    workflow = load("ci.yml")
    runs = " ".join(str(s.get("run", "")) for _, s in steps(workflow))
    for command in ("make lint", "make test", "make build", "scripts/check_links.py site"):
        assert command in runs
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


# `python -m analysis comment` runs on the runner's own Python: it needs only the standard
# library, so the trusted job that posts comments installs nothing (tests/test_pr_comment.py).
RUN_COMMAND = re.compile(
    r"^(make [\w./-]+|\.venv/bin/python -m analysis [a-z-]+|\.venv/bin/python scripts/\S+\.py"
    r"|python -m analysis comment|scripts/[\w-]+\.sh|\.ci/[\w-]+)( |$)"
)


@pytest.mark.parametrize("name", ALL)
def test_every_run_step_is_one_make_target_or_script_the_tests_also_run(name: str) -> None:
    for job_id, step in steps(load(name)):
        run = step.get("run")
        if run is None or (name, job_id) == ("ci.yml", "all-green"):
            continue  # the gate only reads the other jobs' results
        assert "\n" not in run.strip(), f"{name} {job_id}: one command per step, got {run!r}"
        assert RUN_COMMAND.match(run), f"{name} {job_id}: {run!r} is not a make target or script"


def test_uv_caches_where_the_workflows_cache_it() -> None:
    """uv's default cache folder is what actions/cache saves (uv would not expand a `~`)."""
    for name in ALL:
        workflow = load(name)
        envs = [workflow.get("env", {})]
        envs += [job.get("env", {}) for job in workflow["jobs"].values()]
        envs += [step.get("env", {}) for _, step in steps(workflow)]
        assert not any("UV_CACHE_DIR" in env for env in envs), f"{name}: use uv's default cache"
    home = Path("/home/runner")
    env = {"HOME": str(home), "PATH": "/usr/bin:/bin"}
    uv = PROJECT / ".tools" / "bin" / "uv"
    default = subprocess.run(
        [str(uv), "cache", "dir"], env=env, capture_output=True, text=True, check=True
    ).stdout.strip()
    cached = {
        str(step["with"]["path"])
        for name in ALL
        for _, step in steps(load(name))
        if "actions/cache@" in str(step.get("uses"))
    }
    assert cached == {"~/.cache/uv"}
    assert default == str(home / ".cache" / "uv")


def test_pyproject_requires_the_uv_version_the_makefile_installs() -> None:
    with (PROJECT / "pyproject.toml").open("rb") as handle:
        required = tomllib.load(handle)["tool"]["uv"]["required-version"]
    makefile = (PROJECT / "Makefile").read_text(encoding="utf-8")
    pinned = re.search(r"(?m)^UV_VERSION := (\S+)$", makefile)
    assert pinned is not None
    assert required == f"=={pinned[1]}"


def test_ci_and_the_ci_script_install_chromium_only_when_it_is_missing() -> None:
    runs = [str(s.get("run")) for _, s in steps(load("ci.yml"))]
    assert ".ci/install-chromium" in runs
    assert "apt-get" not in " ".join(runs), "the script decides; the workflow only calls it"
    assert ".ci/install-chromium" in (PROJECT / ".ci" / "run").read_text(encoding="utf-8")
    result = subprocess.run(
        [str(PROJECT / ".ci" / "install-chromium")], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "chromium: /usr/bin/chromium is installed; skipping apt-get"
