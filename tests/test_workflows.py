"""The GitHub workflows follow the deploy rules: least privilege, pinned actions, no races.

actionlint cannot be installed here (its build downloads a binary), so this checks the rules
the project relies on directly, and runs zizmor (offline) and the workflow JSON schema.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest
import yaml

from analysis.publish.edition import VERSION_FILE, VERSION_LINE, project_version
from testsupport.found import some
from testsupport.project import PROJECT

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


ALL = some(sorted(p.name for p in WORKFLOWS.glob("*.yml")), "workflows", at_least=3)


def test_there_are_ci_deploy_and_preview_workflows() -> None:
    assert {"ci.yml", "deploy.yml", "preview.yml", "pr-closed.yml"} <= set(ALL)


@pytest.mark.parametrize("name", ALL)
def test_workflow_grants_nothing_by_default_and_every_job_has_a_concurrency_group(
    name: str,
) -> None:
    workflow = load(name)
    assert workflow["permissions"] == {}, "top-level permissions must be {}"
    for job_id, job in workflow["jobs"].items():
        assert "permissions" in job, f"job {job_id} must state its permissions"
        concurrency = job.get("concurrency", workflow.get("concurrency"))
        assert concurrency, f"{name} job {job_id}: no concurrency group"
        assert concurrency["group"], f"{name} job {job_id}: an empty concurrency group"


@pytest.mark.parametrize("name", ALL)
def test_every_job_has_a_time_limit(name: str) -> None:
    """GitHub's default is six hours: a hung or flooded job would hold its group that long."""
    for job_id, job in load(name)["jobs"].items():
        minutes = job.get("timeout-minutes")
        assert isinstance(minutes, int), f"{name} job {job_id} has no timeout-minutes"
        assert 0 < minutes <= 60, f"{name} job {job_id}: {minutes} minutes"


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


def github_filter(pattern: str) -> re.Pattern[str]:
    """A branch or tag filter of GitHub's workflow syntax as a regular expression: ``*`` is any
    text without ``/``, ``**`` any text, ``?`` and ``+`` repeat the character before, ``[…]``
    is a range, and every other character stands for itself (the filter cheat sheet of
    GitHub's workflow syntax)."""
    out, i = [], 0
    while i < len(pattern):
        c = pattern[i]
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if c == "*":
            out.append("[^/]*")
        elif c in "?+":
            out.append(c)
        elif c == "[":
            end = pattern.index("]", i)
            out.append(pattern[i : end + 1])
            i = end
        else:
            out.append(re.escape(c))
        i += 1
    return re.compile("".join(out))


def test_ci_runs_for_main_and_exactly_the_edition_tags_so_a_tag_publishes_only_after_green_ci() -> (
    None
):
    from analysis.publish.edition import EDITION_PATTERN

    push = triggers(load("ci.yml"))["push"]
    assert push["branches"] == ["main"]
    filters = [github_filter(p) for p in push["tags"]]
    names = ["2026.1", "2031.12", "2099.999", "2026.1000", "2026.0", "2026.01", "1999.1"]
    names += ['2026.1";id;"', "2026.1;id", "2026.1-rc1", "2026.1/x", "20261", "2026.", "2026.1 "]
    for name in names:
        tag = f"v{name}"
        admitted = any(f.fullmatch(tag) for f in filters)
        assert admitted == bool(EDITION_PATTERN.match(name)), f"tag filter on {tag!r}"
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
    ("numbers-comment.yml", "comment"): {
        "actions": "read",
        "contents": "read",
        "pull-requests": "write",
    },
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


# --- Concurrency, as GitHub applies it -------------------------------------------------------
#
# GitHub's rule (docs.github.com, "Control the concurrency of workflows and jobs"): a concurrency
# group holds at most one running job or run and, by default (`queue: single`), one pending; when
# another is queued while one is pending, the pending one is CANCELLED and the new one takes its
# place, whatever either is for. `queue: max` keeps up to 100 pending, in order, and cancels only
# runs that arrive when the queue is full. `cancel-in-progress: true` cancels the running one as
# well. A workflow-level group is entered by every run, even one whose jobs are all skipped (each
# pull request's CI run starts a Deploy and a Preview run); here a job-level group is assumed to
# be entered even when the job's `if` would skip it, the worse case.

_EXPRESSION = re.compile(r"\$\{\{(.*?)\}\}", re.DOTALL)
_TOKEN = re.compile(r"\s*(?:(?P<str>'(?:[^']|'')*')|(?P<op>==|!=|&&|\|\||[(),])|(?P<name>[\w.-]+))")


def evaluate(expression: str, context: dict[str, object]) -> object:
    """A workflow expression of the kinds the concurrency groups use: context paths, 'strings',
    ==, !=, &&, || (with GitHub's value-returning semantics) and format()."""
    tokens = []
    pos = 0
    while pos < len(expression.rstrip()):
        match = _TOKEN.match(expression, pos)
        assert match, f"cannot read {expression[pos:]!r}"
        tokens.append((match.lastgroup, match.group(match.lastgroup)))
        pos = match.end()
    position = 0

    def peek() -> str | None:
        return tokens[position][1] if position < len(tokens) else None

    def take() -> tuple[str | None, str]:
        nonlocal position
        position += 1
        return tokens[position - 1]

    def primary() -> object:
        kind, text = take()
        if kind == "str":
            return text[1:-1].replace("''", "'")
        if text == "(":
            value = disjunction()
            assert take()[1] == ")"
            return value
        if text == "format":
            assert take()[1] == "("
            args = [disjunction()]
            while peek() == ",":
                take()
                args.append(disjunction())
            assert take()[1] == ")"
            template = str(args[0])
            return re.sub(r"\{(\d+)\}", lambda m: str(args[1 + int(m[1])]), template)
        value: object = context
        for part in text.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        return value

    def comparison() -> object:
        left = primary()
        while peek() in ("==", "!="):
            op = take()[1]
            right = primary()
            equal = str(left).casefold() == str(right).casefold()
            left = equal if op == "==" else not equal
        return left

    def conjunction() -> object:
        left = comparison()
        while peek() == "&&":
            take()
            right = comparison()
            left = right if left else left
        return left

    def disjunction() -> object:
        left = conjunction()
        while peek() == "||":
            take()
            right = conjunction()
            left = left if left else right
        return left

    value = disjunction()
    assert position == len(tokens), f"unread: {tokens[position:]}"
    return value


def interpolate(text: object, context: dict[str, object]) -> str:
    return _EXPRESSION.sub(lambda m: str(evaluate(m[1], context)), str(text))


@dataclass(frozen=True)
class Run:
    """One job (or run, for a workflow-level group) entering a concurrency group."""

    label: str
    workflow: str
    job: str
    group: str
    queue: str


def runs_started_by(workflow_name: str, run: dict[str, object], run_id: int) -> list[Run]:
    """Every job of every workflow that a finished run of ``workflow_name`` starts, with the
    concurrency group GitHub would put it in."""
    found = []
    for name in ALL:
        workflow = load(name)
        on = triggers(workflow).get("workflow_run") or {}
        if workflow_name not in on.get("workflows", []):
            continue
        context = {
            "github": {
                "event": {"workflow_run": {**run, "name": workflow_name}},
                "run_id": run_id,
                "repository": "owner/site",
            }
        }
        for job_id, job in workflow["jobs"].items():
            concurrency = job.get("concurrency") or workflow["concurrency"]
            assert not concurrency.get("cancel-in-progress"), f"{name}: cancels running jobs"
            group = interpolate(concurrency["group"], context).casefold()
            label = f"{name}/{job_id} for {workflow_name} of {run['event']} {run['head_branch']}"
            queue = concurrency.get("queue", "single")
            found.append(Run(label, name, job_id, group, queue))
    return found


def cancelled_when_queued(order: list[Run]) -> dict[Run, Run]:
    """GitHub's rule, with nothing finishing meanwhile: which runs are cancelled, and by which."""
    running: dict[str, Run] = {}
    pending: dict[str, list[Run]] = {}
    cancelled: dict[Run, Run] = {}
    for run in order:
        if run.group not in running:
            running[run.group] = run
            continue
        waiting = pending.setdefault(run.group, [])
        if run.queue == "max":
            if len(waiting) >= 100:
                cancelled[run] = run
            else:
                waiting.append(run)
            continue
        for old in waiting:
            cancelled[old] = run
        pending[run.group] = [run]
    return cancelled


REPOSITORY = {"full_name": "owner/site"}
FORK = {"full_name": "fork/site"}
FINISHED = [  # (workflow that finished, its run)
    ("CI", {"event": "push", "head_branch": "main", "head_repository": REPOSITORY}),
    ("CI", {"event": "push", "head_branch": "v2031.1", "head_repository": REPOSITORY}),
    ("CI", {"event": "pull_request", "head_branch": "feature", "head_repository": FORK}),
    ("CI", {"event": "pull_request", "head_branch": "main", "head_repository": FORK}),
    ("CI", {"event": "pull_request", "head_branch": "v2031.1", "head_repository": FORK}),
    ("Pull request closed", {"event": "pull_request", "head_branch": "feature",
                             "head_repository": FORK}),
    ("CI", {"event": "push", "head_branch": "main", "head_repository": REPOSITORY}),
    ("CI", {"event": "push", "head_branch": "v2031.2", "head_repository": REPOSITORY}),
]  # fmt: skip


def all_runs() -> list[Run]:
    runs = []
    for n, (workflow_name, run) in enumerate(FINISHED):
        for job in runs_started_by(workflow_name, {**run, "conclusion": "success"}, 1000 + n):
            runs.append(Run(f"#{n} {job.label}", job.workflow, job.job, job.group, job.queue))
    return runs


def test_no_deploy_and_no_removal_is_ever_cancelled_whatever_order_the_runs_arrive_in() -> None:
    """Every order of a busy day: two main pushes, two edition tags, pull requests from a fork
    (one on a branch named main, one named like a tag) and a closed one, all queued while
    every group is busy. A deploy that is pending must never be cancelled (an edition would
    never be published); a removal neither (a closed pull request's preview would stay). Only
    a newer preview of the same pull-request branch may replace a pending preview."""
    runs = all_runs()
    deploys = [r for r in runs if r.workflow == "deploy.yml" and "of push" in r.label]
    assert len(deploys) == 4
    rng = random.Random(20)
    orders = [runs, list(reversed(runs))] + [rng.sample(runs, len(runs)) for _ in range(3000)]
    for order in orders:
        for victim, by in cancelled_when_queued(order).items():
            assert (victim.workflow, victim.job) == ("preview.yml", "publish"), (
                f"{victim.label} was cancelled by {by.label}"
            )
            assert (by.workflow, by.job, by.group) == ("preview.yml", "publish", victim.group)


def test_the_old_shared_group_would_let_a_preview_cancel_a_waiting_edition() -> None:
    """The rule above, applied to one group shared by Deploy and Preview: a preview queued
    while dev deploys and the edition waits cancels the edition's deploy."""
    dev = Run("deploy dev", "deploy.yml", "deploy", "gh-pages", "single")
    edition = Run("deploy v2031.1", "deploy.yml", "deploy", "gh-pages", "single")
    a_preview = Run("preview of a fork", "preview.yml", "publish", "gh-pages", "single")
    assert cancelled_when_queued([dev, edition, a_preview]) == {edition: a_preview}
    assert cancelled_when_queued([dev, edition, a_preview]) != {}
    ours = {r.group for r in all_runs() if r.workflow == "deploy.yml" and "of push" in r.label}
    assert ours == {"deploy-gh-pages"}
    previews = {r.group for r in all_runs() if r.workflow == "preview.yml"}
    assert not ours & previews, "no preview ever queues in a deploy's group"


def test_the_deploy_queue_keeps_every_waiting_deploy() -> None:
    deploy = load("deploy.yml")["concurrency"]
    assert deploy["queue"] == "max"
    assert deploy["cancel-in-progress"] is False


def test_the_preview_job_waits_for_a_maintainers_approval_and_checks_it() -> None:
    """The job's environment must have required reviewers (CONTRIBUTING.md, "Previews"); the
    command refuses to publish unless the API shows this run approved for that environment,
    so a missing or unprotected environment publishes nothing."""
    workflow = load("preview.yml")
    publish, remove = workflow["jobs"]["publish"], workflow["jobs"]["remove"]
    environment = publish["environment"]
    name = environment["name"] if isinstance(environment, dict) else environment
    assert name == "preview"
    (run,) = [s["run"] for s in publish["steps"] if "run" in s and "preview publish" in s["run"]]
    assert run.startswith(".venv/bin/python -m analysis preview publish --event ")
    assert run.endswith(f" --environment {name}")
    assert "environment" not in remove, "removing a closed pull request's preview needs no one"
    contributing = (PROJECT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    assert f"`{name}`" in contributing
    assert "Required reviewers" in contributing


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
        ("custom.github-workflows-require-timeout", sorted(WORKFLOWS.glob("*.yml"))),
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


def _citation_version() -> str:
    return str(yaml.safe_load((PROJECT / "CITATION.cff").read_text(encoding="utf-8"))["version"])


def test_the_edition_is_typed_once_in_citation_cff_and_the_lock_records_no_version() -> None:
    """Preparing an edition edits CITATION.cff (and the CHANGELOG heading) only: pyproject.toml
    reads the version from it, so uv.lock, which records no version for the project, stays
    valid and no resolution is needed (a fresh machine could not repeat it offline)."""
    with (PROJECT / "pyproject.toml").open("rb") as handle:
        pyproject = tomllib.load(handle)
    assert "version" not in pyproject["project"], "type the edition in CITATION.cff only"
    assert pyproject["project"]["dynamic"] == ["version"]
    source = pyproject["tool"]["hatch"]["version"]
    assert source["path"] == VERSION_FILE
    assert source["pattern"] == VERSION_LINE.pattern, "the publish command reads it alike"
    typed = re.search(source["pattern"], (PROJECT / "CITATION.cff").read_text(encoding="utf-8"))
    assert typed is not None, "the pattern hatchling reads the version with finds nothing"
    assert typed["version"] == _citation_version()
    assert {"file": "CITATION.cff"} in pyproject["tool"]["uv"]["cache-keys"]
    lock = (PROJECT / "uv.lock").read_text(encoding="utf-8")
    entry = re.search(r'(?ms)^\[\[package\]\]\nname = "mll-relapse-study"\n(.*?)^\[', lock)
    assert entry is not None, "uv.lock has no entry for the project"
    assert not re.search(r"(?m)^version = ", entry[1]), "uv.lock records the project's version"
    makefile = (PROJECT / "Makefile").read_text(encoding="utf-8")
    synced = re.search(r"(?m)^\.venv/\.synced: (.*)$", makefile)
    assert synced is not None
    assert "CITATION.cff" in synced[1].split(), "make must reinstall when the edition changes"


def test_the_installed_package_and_the_publish_command_see_the_edition_of_citation_cff() -> None:
    assert metadata.version("mll-relapse-study") == _citation_version()
    assert project_version(PROJECT) == _citation_version()


def test_changelog_has_a_section_for_the_current_version() -> None:
    version = _citation_version()
    changelog = (PROJECT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert re.search(rf"(?m)^## {re.escape(version)}$", changelog), (
        f"CHANGELOG.md has no '## {version}' section for the edition in CITATION.cff"
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


def test_the_ci_script_runs_make_test_as_a_new_machine_would(tmp_path: Path) -> None:
    """`.ci/run` (CI runs it on a clean clone) runs `make lint` (ruff and mypy, the GitHub
    workflow's lint command) and then `make test` with new, empty uv, pip and npm caches, removed
    afterwards, and with no .venv, .tools, node_modules or .cache left from before: anything the
    tests need must come from the commit and the package registries."""
    work = tmp_path / "work"
    shutil.copytree(PROJECT / ".ci", work / ".ci")
    for leftover in (".venv", ".tools", "node_modules", ".cache"):
        (work / leftover / "bin").mkdir(parents=True)
    stub = tmp_path / "stub"
    stub.mkdir()
    record = tmp_path / "make.json"
    calls = tmp_path / "make-calls.txt"
    (stub / "make").write_text(
        "#!/usr/bin/env python3\n"
        "import json, os, sys\n"
        f"open({str(calls)!r}, 'a').write(' '.join(sys.argv[1:]) + '\\n')\n"
        "if sys.argv[1:] == ['lint']:\n"
        "    sys.exit(0)\n"
        "caches = {v: os.environ.get(v) for v in ('UV_CACHE_DIR', 'PIP_CACHE_DIR', "
        "'npm_config_cache')}\n"
        "json.dump({'args': sys.argv[1:], 'caches': caches,\n"
        "           'contents': {v: os.listdir(p) if p and os.path.isdir(p) else None\n"
        "                        for v, p in caches.items()},\n"
        "           'left': sorted(n for n in ('.venv', '.tools', 'node_modules', '.cache')\n"
        "                          if os.path.exists(n))},\n"
        f"          open({str(record)!r}, 'w'))\n"
        "sys.exit(3)\n",
        encoding="utf-8",
    )
    (stub / "make").chmod(0o755)
    env = {**os.environ, "PATH": f"{stub}{os.pathsep}{os.environ['PATH']}"}
    env.pop("UV_CACHE_DIR", None)
    result = subprocess.run(
        ["bash", str(work / ".ci" / "run")], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 3, "the script must fail as make test fails"
    assert calls.read_text(encoding="utf-8").splitlines() == ["lint", "test"]
    seen = json.loads(record.read_text(encoding="utf-8"))
    assert seen["args"] == ["test"]
    assert seen["left"] == [], f"carried over from before: {seen['left']}"
    caches = seen["caches"]
    assert all(caches.values()), caches
    assert len(set(caches.values())) == 3, caches
    assert all(not contents for contents in seen["contents"].values()), seen["contents"]
    home_cache = Path.home() / ".cache"
    assert not any(Path(p).is_relative_to(home_cache) for p in caches.values()), caches
    assert not any(Path(p).exists() for p in caches.values()), "the caches outlived the run"
