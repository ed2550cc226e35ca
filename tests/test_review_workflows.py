"""The number-diff workflows: the untrusted pull request computes the diff with no write token;
a separate trusted job, which never runs the pull request's code, posts it as one comment."""

from __future__ import annotations

from typing import Any

import yaml

from testsupport.found import some
from testsupport.project import PROJECT

WORKFLOWS = PROJECT / ".github" / "workflows"


def load(name: str) -> dict[str, Any]:
    return yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))


def on(workflow: dict[str, Any]) -> dict[str, Any]:
    return workflow.get("on", workflow.get(True))


def test_the_pull_requests_run_writes_the_diff_to_the_job_summary_and_an_artifact() -> None:
    workflow = load("numbers.yml")
    assert set(on(workflow)) == {"pull_request"}
    (job,) = workflow["jobs"].values()
    assert job["permissions"] == {"contents": "read"}
    runs = "\n".join(s.get("run", "") for s in job["steps"])
    assert 'make diff BASE="$BASE_SHA" OUT=number-diff/diff.md PR="$PR_NUMBER"' in runs
    upload = next(s for s in job["steps"] if "upload-artifact@" in s.get("uses", ""))
    assert (upload["with"]["name"], upload["with"]["path"]) == ("number-diff", "number-diff/")


def test_the_comment_job_reads_the_artifact_as_data_and_never_checks_out_the_pr() -> None:
    workflow = load("numbers-comment.yml")
    assert on(workflow)["workflow_run"] == {"workflows": ["Numbers"], "types": ["completed"]}
    (job,) = workflow["jobs"].values()
    assert "github.event.workflow_run.event == 'pull_request'" in job["if"]
    checkout = next(s for s in job["steps"] if "checkout@" in s.get("uses", ""))
    assert "ref" not in checkout["with"], "the default branch only, never the pull request"
    download = next(s for s in job["steps"] if "download-artifact@" in s.get("uses", ""))
    assert download["with"]["run-id"] == "${{ github.event.workflow_run.id }}"
    install, step = [s for s in job["steps"] if "run" in s]
    assert install["run"] == "make .venv/.synced", "the default branch's locked environment"
    assert step["run"].startswith(".venv/bin/python -m analysis comment ")
    assert '--head-sha "$HEAD_SHA"' in step["run"]
    assert step["env"]["HEAD_SHA"] == "${{ github.event.workflow_run.head_sha }}"
    assert "--marker number-diff" in step["run"]
    assert '--number-diff "$DIFF/diff.md"' in step["run"], "computed or quoted, never posted as is"
    assert "--body-file" not in step["run"]
    assert checkout["with"]["fetch-depth"] == 0, "the merge base's data is the comparison's base"


def test_no_workflow_puts_an_expression_into_a_shell_command() -> None:
    for path in some(sorted(WORKFLOWS.glob("*.yml")), "workflows", at_least=3):
        for job_id, job in load(path.name)["jobs"].items():
            for step in job["steps"]:
                assert "${{" not in step.get("run", ""), f"{path.name} job {job_id}: use env"
