"""The number-diff comment on a pull request, computed by the trusted job wherever it can be.

CI's *Numbers* run executes the pull request's own code, so the list it uploads (``diff.md``)
says whatever that code wrote, "nothing changed" included. The comment job (``python -m
analysis comment --number-diff FILE``) therefore decides from GitHub's API which files the pull
request changes, never from anything its run uploaded:

* **Only data files and pages** (``analysis/data/*.yaml``, files under ``docs/``, Markdown files
  at the top): the job computes the comparison itself, with its own checkout's code (the
  default branch's) on both sides: the data and pages of the merge base, against the same with
  the pull request's versions of the changed files. Those are fetched from the API as blobs
  whose ids are checked against their content, and read as data: the bundle validates them
  as it validates every data file (safe YAML loading, the schemas and checks); nothing of the
  pull request is executed.
* **Anything else** (code, configuration, the lock file): the uploaded list is shown as literal
  text under a plain statement that its figures were produced by the pull request's own code
  and are for the reviewer to check.
"""

from __future__ import annotations

import base64
import hashlib
import io
import re
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from ..errors import AnalysisError
from ..wire.bundle import BUNDLE_JSON
from .comment import GitHubApi, Posted, api_for, upsert_comment
from .comment import comment_command as post_comment
from .compare import compare, render_markdown
from .snapshot import pages_placing, read_snapshot
from .trees import DEFAULT_CACHE, compute_bundles, repository_root, side_for

__all__ = ["MAX_BLOB", "classify", "number_diff_comment", "post_number_diff"]

MAX_BLOB = 2 * 1024 * 1024  # a data file or page is tens of kilobytes
MAX_FILES_LISTED = 3000  # GitHub's API lists at most this many files of a pull request
MAX_REPORTED = 50_000  # characters of the pull request's own list quoted in the comment
_SEGMENT = r"[A-Za-z0-9_][A-Za-z0-9_.-]*"
_DATA = re.compile(rf"analysis/data/{_SEGMENT}\.ya?ml")
_PAGE = re.compile(rf"docs/(?:{_SEGMENT}/)*{_SEGMENT}|{_SEGMENT}\.md")
_SHA = re.compile(r"[0-9a-f]{40}")
_CODE_INPUTS = ("pyproject.toml", "mkdocs.yml")  # copied from the checkout with analysis/


def classify(path: str) -> str:
    """``"data"``, ``"page"`` or ``"code"`` (anything that could change how numbers are
    computed, or a path this job does not recognise)."""
    if ".." in path.split("/"):
        return "code"
    if _DATA.fullmatch(path):
        return "data"
    if _PAGE.fullmatch(path):
        return "page"
    return "code"


def _changed_files(api: GitHubApi, repo: str, number: int) -> list[dict[str, object]]:
    files: list[dict[str, object]] = []
    for page in range(1, MAX_FILES_LISTED // 100 + 1):
        batch = api("GET", f"/repos/{repo}/pulls/{number}/files?per_page=100&page={page}")
        files += [f for f in batch or [] if isinstance(f, dict)]
        if len(batch or []) < 100:
            break
    return files


def _fence(text: str) -> str:
    """``text`` as a Markdown code block shown literally (no links, headings or HTML)."""
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{text.rstrip()}\n{fence}"


def reported_body(reported: str, code_files: list[str], *, complete: bool) -> str:
    """The comment for a pull request that changes code: its own run's list, quoted."""
    shown = ", ".join(f"`{name}`" for name in code_files[:8])
    if len(code_files) > 8:
        shown += f" and {len(code_files) - 8} more"
    what = (
        f"changes code or configuration ({shown})"
        if complete
        else "changes more files than GitHub's API lists"
    )
    if len(reported) > MAX_REPORTED:
        reported = reported[:MAX_REPORTED] + "\n… (cut: the full list is in the run's summary)"
    warning = (
        f"> This pull request {what}, so the comment job cannot compute its numbers with the "
        "default branch's code. The list below was written by the pull request's own run, with "
        "its own code: it may be wrong or made up. The reviewer checks the code changes, then "
        "runs `make diff BASE=main` on the branch and compares."
    )
    title = "## Computed numbers reported by the pull request's own run"
    quoted = _fence(reported or "(the run reported nothing)")
    return f"{title}\n\n> [!WARNING]\n{warning}\n\n{quoted}\n"


def _blob(api: GitHubApi, repo: str, sha: object, path: str) -> bytes:
    if not isinstance(sha, str) or not _SHA.fullmatch(sha):
        raise AnalysisError(f"{path}: the API gave no blob id for the changed file")
    data = api("GET", f"/repos/{repo}/git/blobs/{sha}")
    size = int((data or {}).get("size") or 0)
    if size > MAX_BLOB:
        msg = f"{path}: {size:,} bytes; a data file or page is expected under {MAX_BLOB:,}"
        raise AnalysisError(msg)
    if (data or {}).get("encoding") != "base64":
        raise AnalysisError(f"{path}: the API's blob {sha[:12]} is not base64-encoded")
    content = base64.b64decode(str(data["content"]), validate=False)
    actual = hashlib.sha1(b"blob %d\0" % len(content) + content).hexdigest()  # git's blob id
    if actual != sha:
        raise AnalysisError(f"{path}: the blob's content hashes to {actual[:12]}, not {sha[:12]}")
    return content


def _tree_at(project: Path, commit: str, dest: Path) -> None:
    """``dest`` holds the checkout's code with the data and pages of ``commit``."""
    shutil.copytree(
        project / "analysis",
        dest / "analysis",
        ignore=lambda folder, names: [
            n
            for n in names
            if n == "__pycache__" or (Path(folder) / n) == project / "analysis" / "data"
        ],
    )
    for name in _CODE_INPUTS:
        if (project / name).is_file():
            shutil.copy(project / name, dest / name)
    archive = subprocess.run(
        ["git", "archive", "--format=tar", commit, "--", "analysis/data", "docs"],
        cwd=project,
        capture_output=True,
        check=False,
    )
    if archive.returncode != 0:
        msg = (
            f"merge base {commit[:12]}: not in this checkout ({archive.stderr.decode().strip()}); "
            "the comment job checks out the whole history (fetch-depth: 0)"
        )
        raise AnalysisError(msg)
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(dest, filter="data")


def computed_body(
    api: GitHubApi,
    repo: str,
    number: int,
    pull: dict[str, Any],  # GitHub's JSON for the pull request
    files: list[dict[str, Any]],
    project: Path,
    cache: Path,
) -> str:
    """The comment for a pull request that changes only data and pages, computed here."""
    base, head = str((pull.get("base") or {}).get("sha")), str((pull.get("head") or {}).get("sha"))
    merge_base = str(
        (
            (api("GET", f"/repos/{repo}/compare/{base}...{head}") or {}).get("merge_base_commit")
            or {}
        ).get("sha")
    )
    if not _SHA.fullmatch(merge_base):
        raise AnalysisError(f"pull request #{number}: the API gave no merge base")
    with tempfile.TemporaryDirectory(prefix="pr-numbers-") as tmp:
        old, new = Path(tmp) / "merge-base", Path(tmp) / "pull-request"
        _tree_at(project, merge_base, old)
        shutil.copytree(old, new)
        for entry in files:
            path, status = str(entry.get("filename")), entry.get("status")
            previous = entry.get("previous_filename")
            if isinstance(previous, str):
                (new / previous).unlink(missing_ok=True)
            if status == "removed":
                (new / path).unlink(missing_ok=True)
            elif classify(path) == "data" or (path.startswith("docs/") and path.endswith(".md")):
                (new / path).parent.mkdir(parents=True, exist_ok=True)
                (new / path).write_bytes(_blob(api, repo, entry.get("sha"), path))
        label = f"merge base {merge_base[:12]}"
        sides = [side_for(label, old, cache, None), side_for(f"#{number}", new, cache, None)]
        try:
            compute_bundles(sides, None, lambda _line: None)
        except AnalysisError as exc:
            found = _fence(str(exc).replace(f"{tmp}/", "")[-6000:])
            why = (
                "The pull request changes only data and pages, but its data does not pass the "
                "checks every build runs, so no number could be computed. The comment job ran "
                "the default branch's code on it and reported:"
            )
            return f"## Computed numbers: pull request #{number}\n\n{why}\n\n{found}\n"
        changes = compare(
            read_snapshot(sides[0].entry / BUNDLE_JSON), read_snapshot(sides[1].entry / BUNDLE_JSON)
        )
        placed = pages_placing(old)
        placed.update(pages_placing(new))
    title = (
        f"Computed numbers: merge base `{merge_base[:12]}` → pull request #{number} (`{head[:12]}`)"
    )
    text = render_markdown(changes, placed, title=title)
    heading, _, rest = text.partition("\n")
    provenance = (
        "*Computed by the comment job with the default branch's code, from the data files and "
        "pages of the merge base and of the pull request (it changes nothing else); none of "
        "the pull request's code ran to produce these figures.*"
    )
    return f"{heading}\n\n{provenance}\n{rest}"


def number_diff_comment(
    repo: str,
    number: int,
    head_sha: str,
    reported: str,
    *,
    project: Path,
    cache: Path,
    api: GitHubApi,
) -> str:
    """The body of the number-diff comment for pull request ``number`` (see the module)."""
    pull = api("GET", f"/repos/{repo}/pulls/{number}") or {}
    if (pull.get("head") or {}).get("sha") != head_sha:
        msg = (
            f"pull request #{number} has head commit {(pull.get('head') or {}).get('sha')}, not "
            f"{head_sha} (the commit the diff was computed for); not commenting"
        )
        raise AnalysisError(msg)
    files = _changed_files(api, repo, number)
    listed = pull.get("changed_files")
    complete = isinstance(listed, int) and listed == len(files) and len(files) < MAX_FILES_LISTED
    names = []
    for entry in files:
        names += [str(entry.get("filename"))]
        if isinstance(entry.get("previous_filename"), str):
            names.append(str(entry["previous_filename"]))
    code = [name for name in names if classify(name) == "code"]
    if code or not complete:
        return reported_body(reported, code, complete=complete)
    return computed_body(api, repo, number, pull, files, project, cache)


def post_number_diff(
    repo: str, number: int, head_sha: str | None, reported_file: Path, marker: str
) -> Posted:
    """``python -m analysis comment --number-diff FILE``: compute or quote, then post; print
    what was done."""
    if head_sha is None:
        raise AnalysisError("--number-diff needs --head-sha: the commit the run was for")
    try:
        reported = reported_file.read_text(encoding="utf-8", errors="replace")
    except OSError:
        reported = ""
    api = api_for(repo, number, marker, head_sha)
    project = repository_root(Path.cwd())
    cache = project / DEFAULT_CACHE
    body = number_diff_comment(
        repo, number, head_sha, reported, project=project, cache=cache, api=api
    )
    return upsert_comment(repo, number, body, marker=marker, head_sha=head_sha)


def comment_command(
    repo: str,
    number: int,
    marker: str,
    *,
    body_file: Path | None,
    number_diff: Path | None,
    head_sha: str | None,
) -> int:
    """``python -m analysis comment``: post or update one marked comment, from ``--body-file``
    (:func:`analysis.review.comment.comment_command`) or from a pull request run's number list
    (``--number-diff``: :func:`post_number_diff`)."""
    if number_diff is None:
        return post_comment(repo, number, body_file, marker, head_sha)
    if body_file is not None:
        raise AnalysisError("give one of --body-file FILE or --number-diff FILE")
    post_number_diff(repo, number, head_sha, number_diff, marker)
    return 0
