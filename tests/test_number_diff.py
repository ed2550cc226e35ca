"""`python -m analysis diff --base REF` lists every computed number a change moves, by page.

The end-to-end tests commit a copy of the project into a temporary git repository, correct the
remission count there as a contributor would, and run the command as a person runs it. They ask
for 100 reconstructed cohorts instead of the site's 1000 (``--cohorts``), which makes each of
the two bundles about two seconds quicker; everything but the reconstruction's own figures is
the same either way.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from analysis.review.compare import NO_CHANGES, compare, render_markdown
from analysis.review.snapshot import Frame, Page, Snapshot, pages_placing
from analysis.review.trees import side_for
from analysis.wire.digest import fingerprint
from testsupport.project import PROJECT

COPIED = ("analysis", "docs", "includes", "mkdocs.yml", "pyproject.toml")
GIT = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org"]


def _commit(repo: Path, message: str) -> None:
    subprocess.run([*GIT, "add", "-A"], cwd=repo, check=True)
    subprocess.run([*GIT, "commit", "-q", "-m", message], cwd=repo, check=True)


def _diff(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "analysis", "diff", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def _sections(markdown: str) -> dict[str, str]:
    """The diff's text under each '### Page title (`file`)' heading, by file."""
    sections: dict[str, str] = {}
    for chunk in markdown.split("\n### ")[1:]:
        heading, _, body = chunk.partition("\n")
        sections[heading.rsplit("(`", 1)[-1].rstrip("`)") if "(`" in heading else heading] = body
    return sections


@pytest.fixture(scope="module")
def corrected_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A git repository with three commits: the project as it is (HEAD~2), the remission count
    corrected from 15 to 16 of 37 (HEAD~1), and then a wording change on a page (HEAD)."""
    repo = tmp_path_factory.mktemp("repo")
    for name in COPIED:
        source = PROJECT / name
        if source.is_dir():
            shutil.copytree(source, repo / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, repo / name)
    (repo / ".gitignore").write_text(".cache/\n__pycache__/\n", encoding="utf-8")
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    _commit(repo, "the project as it is")
    study = repo / "analysis" / "data" / "study.yaml"
    text = study.read_text(encoding="utf-8")
    for old, new in (
        ("    numerator: 15\n", "    numerator: 16\n"),
        ("    percent: 40.5\n", "    percent: 43.2\n"),  # the loader checks it against 16/37
        ("40.5% (15/37)", "43.2% (16/37)"),  # the source sentence
    ):
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    study.write_text(text, encoding="utf-8")
    _commit(repo, "Remission after salvage: 16 of 37")
    page = repo / "docs" / "results.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nA sentence added.\n", encoding="utf-8")
    _commit(repo, "A sentence on the results page")
    return repo


@pytest.mark.slow  # computes the analysis of two revisions
def test_correcting_the_remission_count_to_16_shows_every_number_it_moves(
    corrected_repo: Path,
) -> None:
    result = _diff(corrected_repo, "--base", "HEAD~2", "--cohorts", "100")
    assert result.returncode == 0, result.stderr
    pages = _sections(result.stdout)
    results = pages["results.md"]
    assert "value `salvage_remission`: `40.5% (15/37)` → `43.2% (16/37)`" in results
    assert "value `salvage_remission_ci`: `24.8–57.9%` → `27.1–60.5%`" in results
    assert "| `salvage_remission` | `numerator` | `15` → `16` |" in results  # table proportions
    assert "`24.8–57.9% (exact)` → `27.1–60.5% (exact)`" in pages["index.md"]  # key numbers
    checks = pages["checks.md"]
    assert (
        "| `salvage_percent_matches_count` | `computed` | "
        "`15/37 = 40.54% → 40.5% (reported 40.5%)` → `16/37 = 43.24% → 43.2% (reported 43.2%)` |"
    ) in checks
    assert (
        "`15 remissions after salvage, 9 transplanted in remission (6 unaccounted for)` → "
        "`16 remissions after salvage, 9 transplanted in remission (7 unaccounted for)`"
    ) in checks
    survival = pages["survival.md"]
    assert "| `salvage_yes` | `published` | `15` → `16` |" in survival  # reconstruction's target
    assert "table <code>survival_models</code>" in survival  # many cells: folded
    assert "value `survival_hr_spread_constant`" in survival  # a scenario's hazard ratios
    assert "| `salvage_remission` | `count` | `15` → `16` |" in pages["design.md"]  # flow chart
    assert "about.md" not in pages  # a page that places nothing that moved is not listed


@pytest.mark.slow  # computes the analysis of two revisions
def test_a_second_diff_reuses_both_cached_bundles_and_prints_the_same(
    corrected_repo: Path,
) -> None:
    first = _diff(corrected_repo, "--base", "HEAD~2", "--cohorts", "100")
    second = _diff(corrected_repo, "--base", "HEAD~2", "--cohorts", "100")
    assert second.returncode == 0, second.stderr
    assert second.stdout == first.stdout
    assert second.stderr.count(": cached (bundle-") == 2, second.stderr
    assert "computing" not in second.stderr


@pytest.mark.slow  # computes the analysis of two revisions
def test_a_change_to_page_wording_only_moves_no_computed_number(corrected_repo: Path) -> None:
    result = _diff(corrected_repo, "--base", "HEAD~1", "--cohorts", "100", "--out", "d/diff.md")
    assert result.returncode == 0, result.stderr
    assert NO_CHANGES in result.stdout
    assert "same code and data as the working tree: one bundle" in result.stderr
    assert (corrected_repo / "d" / "diff.md").read_text(encoding="utf-8") == result.stdout


def test_an_unknown_base_is_refused_with_a_message_and_no_traceback(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    (tmp_path / "f").write_text("x", encoding="utf-8")
    _commit(tmp_path, "one commit")
    result = _diff(tmp_path, "--base", "no-such-branch")
    assert result.returncode == 2
    assert "--base 'no-such-branch': no such commit" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_working_trees_bundle_is_the_one_the_site_build_caches() -> None:
    cache = PROJECT / ".cache" / "analysis"
    assert side_for("head", PROJECT, cache, None).entry == cache / f"bundle-{fingerprint()}"
    assert side_for("head", PROJECT, cache, 100).entry.name.endswith("-cohorts100")


def test_pages_are_found_from_their_placeholders_in_the_sites_order() -> None:
    placed = pages_placing(PROJECT)
    assert [p.path for p in placed[("value", "salvage_remission_ci")]][:1] == ["results.md"]
    home = placed[("table", "key_numbers")][0]
    assert (home.path, home.title) == ("index.md", "Home")


def _snapshot(**tables: Frame) -> Snapshot:
    return Snapshot(values={}, tables=dict(tables), charts={})


def test_rows_are_matched_by_their_id_whatever_their_order() -> None:
    old = Frame(("id", "n"), (("a", "1"), ("b", "2")))
    new = Frame(("id", "n"), (("b", "3"), ("a", "1")))
    (change,) = compare(_snapshot(t=old), _snapshot(t=new))
    assert [(c.row, c.field, c.old, c.new) for c in change.cells] == [("b", "n", "2", "3")]


def test_rows_without_a_unique_text_key_are_matched_by_position_within_their_group() -> None:
    old = Frame(("group", "months"), (("x", "0"), ("x", "1.5"), ("y", "0")))
    new = Frame(("group", "months"), (("x", "0"), ("x", "2.5"), ("y", "0")))
    (change,) = compare(_snapshot(t=old), _snapshot(t=new))
    assert [(c.row, c.old, c.new) for c in change.cells] == [("x #2", "1.5", "2.5")]


def test_added_and_removed_rows_and_columns_are_listed() -> None:
    old = Frame(("id", "n"), (("a", "1"), ("gone", "2")))
    new = Frame(("id", "n", "extra"), (("a", "1", "e"), ("new", "5", "f")))
    (change,) = compare(_snapshot(t=old), _snapshot(t=new))
    cells = {(c.row, c.field): (c.old, c.new) for c in change.cells}
    assert cells[("(columns)", "extra")] == (None, "new column")
    assert cells[("new", "n")] == (None, "5")
    assert cells[("gone", "n")] == ("2", None)


def test_cell_text_is_shown_literally_so_it_cannot_break_the_table_or_add_html() -> None:
    old = Snapshot(values={"v": "a | b"}, tables={}, charts={})
    new = Snapshot(values={"v": "<script>x</script> `tick` @someone"}, tables={}, charts={})
    text = render_markdown(compare(old, new), {("value", "v"): [Page("p.md", "P")]}, title="T")
    assert "`a \\| b` → `` <script>x</script> `tick` @someone ``" in text


def test_identical_snapshots_say_no_computed_number_changes() -> None:
    same = Snapshot(values={"v": "1"}, tables={"t": Frame(("id",), (("a",),))}, charts={})
    assert NO_CHANGES in render_markdown(compare(same, same), {}, title="T")


@pytest.mark.slow  # computes the analysis of two revisions
def test_make_diff_writes_the_markdown_ci_puts_in_the_job_summary(tmp_path: Path) -> None:
    out = tmp_path / "number-diff" / "diff.md"
    summary = tmp_path / "step-summary.md"
    summary.write_text("earlier steps' summary\n", encoding="utf-8")
    result = subprocess.run(
        ["make", "diff", "BASE=HEAD", f"OUT={out}", "PR=42"],
        env={**os.environ, "GITHUB_STEP_SUMMARY": str(summary)},
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    assert text.startswith("## Computed numbers: `HEAD` (")
    assert text in result.stdout
    assert summary.read_text(encoding="utf-8") == "earlier steps' summary\n" + text
    assert (out.parent / "pr-number").read_text(encoding="utf-8").strip() == "42"
