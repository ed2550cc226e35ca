"""The copier template (copier.yml, template/): a new study's site made with ``copier copy`` as a
person makes it, committed, cloned fresh and tested with its own ``make test`` on a fresh uv
cache, with hostile answers that must come out escaped; and copier's refusal of a malformed DOI
or PMID, with a message."""

from __future__ import annotations

import html
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from testsupport.project import PROJECT

# Quotes, copier's and the engine's own {{ }}, a script element, YAML specials, non-ASCII.
# (A pair of * or ` would be Markdown emphasis or code: the pages render the title as Markdown.)
HOSTILE_TITLE = 'L\'étude "MLL" {{ value x }} <script>alert(1)</script>: - & * # | ! % @ ` ü'
ANSWERS = {
    "title": HOSTILE_TITLE,
    "authors": "Ünal A, O'Brien B, Smith C <b>",
    "journal": "Leuk & Lymph: #1",
    "year": "2015",
    "volume": "29",
    "issue": "2",
    "first_page": "290",
    "last_page": "297",
    "doi": "10.1038/leu.2014.172",
}
# What would point the generated project at this checkout or at this machine's caches.
_LEAKY = {"VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "UV_PROJECT_ENVIRONMENT", "SOURCE_DATE_EPOCH"}
_LEAKY |= {"UV_CACHE_DIR", "MIKE_DOCS_VERSION", "SITE_URL"}


def copier(dest: Path, answers: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``copier copy --vcs-ref HEAD`` of this repository, as CONTRIBUTING gives it (the commit
    checked out, not the newest tag), every answer on the command line (no task runs, so no
    --trust)."""
    data = [arg for key, value in answers.items() for arg in ("--data", f"{key}={value}")]
    command = [str(Path(sys.executable).parent / "copier"), "copy", "--vcs-ref", "HEAD"]
    command += ["--defaults", *data]
    return subprocess.run(
        [*command, str(PROJECT), str(dest)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def fresh_env(root: Path) -> dict[str, str]:
    """This process's environment without this checkout's venv, with an empty uv cache and no
    git user configuration (the commits' identity comes from GIT_* variables)."""
    env = {k: v for k, v in os.environ.items() if k not in _LEAKY}
    bin_dir = str(Path(sys.executable).parent)
    env["PATH"] = os.pathsep.join(p for p in env["PATH"].split(os.pathsep) if p != bin_dir)
    env.update(GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1")
    env.update(GIT_AUTHOR_NAME="Editor", GIT_AUTHOR_EMAIL="editor@example.org")
    env.update(GIT_COMMITTER_NAME="Editor", GIT_COMMITTER_EMAIL="editor@example.org")
    env["UV_CACHE_DIR"] = str(root / "uv-cache")  # nothing downloaded before
    return env


def sh(where: Path, command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        command, cwd=where, env=env, capture_output=True, text=True, timeout=1800, check=False
    )
    assert done.returncode == 0, f"{command}\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
    return done


@dataclass
class Generated:
    clone: Path
    test: subprocess.CompletedProcess[str]
    site: Path
    env: dict[str, str]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    root = tmp_path_factory.mktemp("template")
    env = fresh_env(root)
    made = copier(root / "made", ANSWERS)
    assert made.returncode == 0, made.stdout + made.stderr
    sh(root / "made", ["git", "init", "-q", "-b", "main"], env)
    sh(root / "made", ["git", "add", "-A"], env)
    sh(root / "made", ["git", "commit", "-q", "-m", "A new study's site"], env)
    clone = root / "clone"
    sh(root, ["git", "clone", "-q", str(root / "made"), str(clone)], env)
    test = sh(clone, ["make", "test"], env)
    sh(clone, ["make", "build"], env)
    return Generated(clone, test, clone / "site", env)


@pytest.mark.clone
@pytest.mark.slow
def test_the_generated_sites_make_test_passes_from_a_fresh_clone(generated: Generated) -> None:
    out = generated.test.stdout
    assert " passed" in out, out[-2000:]
    assert "failed" not in out, out[-2000:]
    assert "skipped" not in out, out[-2000:]
    for test in ("test_every_figure_appears_on_a_page", "test_pages_hold_no_typed_number"):
        assert test in (generated.clone / "tests" / "test_site.py").read_text("utf-8")
    assert (generated.clone / ".tools" / "bin" / "uv").is_file(), "make installed no uv"
    where = subprocess.run(
        [str(generated.clone / ".venv" / "bin" / "python"), "-c", "import analysis as a; print(a.__file__)"],
        cwd=generated.clone.parent,  # not this checkout, whose analysis/ `-c` would import
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert Path(where.stdout.strip()).is_relative_to(generated.clone), "runs its own engine"


@pytest.mark.clone
@pytest.mark.slow
def test_the_generated_sites_typed_number_rule_allows_names_with_digits(
    generated: Generated,
) -> None:
    """Its test of typed numbers, run as its editors run it: a trial's or a marker's name with
    digits (MLL96, CD19, Interfant-99) may stand on a page; a number of its own may not, and the
    message names every page and number."""
    page = generated.clone / "docs" / "typed.md"
    run = [str(generated.clone / ".venv" / "bin" / "pytest"), "-q", "-k", "typed_number"]
    try:
        page.write_text("MLL96, MLL98, CD19 and Interfant-99 came first.\n", encoding="utf-8")
        names = subprocess.run(
            run, cwd=generated.clone, env=generated.env, capture_output=True, text=True, check=False
        )
        assert names.returncode == 0, names.stdout[-2000:]
        page.write_text("Interfant-99 gave a 5-year survival of 47.2%.\n", encoding="utf-8")
        numbers = subprocess.run(
            run, cwd=generated.clone, env=generated.env, capture_output=True, text=True, check=False
        )
        assert numbers.returncode == 1, numbers.stdout[-2000:]
        assert "docs/typed.md: 5, 47.2" in numbers.stdout, numbers.stdout[-2000:]
    finally:
        page.unlink(missing_ok=True)


@pytest.mark.clone
@pytest.mark.slow
def test_the_generated_sites_test_fails_on_a_figure_no_sentence_places(
    generated: Generated,
) -> None:
    """A figure listed only in the table of every figure is not placed: the site's test names
    it (the table alone would show every figure, so the test could not fail)."""
    results = generated.clone / "docs" / "results.md"
    kept = results.read_text(encoding="utf-8")
    run = [str(generated.clone / ".venv" / "bin" / "pytest"), "-q", "-k", "every_figure"]
    try:
        assert "{{ value fig.placeholder_hr }}" in kept
        results.write_text(kept.replace("{{ value fig.placeholder_hr }}", "a ratio"), "utf-8")
        unplaced = subprocess.run(
            run, cwd=generated.clone, env=generated.env, capture_output=True, text=True, check=False
        )
        assert unplaced.returncode == 1, unplaced.stdout[-2000:]
        assert "study.yaml: no page places placeholder_hr" in unplaced.stdout, unplaced.stdout[
            -2000:
        ]
    finally:
        results.write_text(kept, encoding="utf-8")


@pytest.mark.clone
@pytest.mark.slow
def test_the_generated_site_publishes_its_edition_with_make_publish(
    generated: Generated, tmp_path: Path
) -> None:
    """The README's publish command, run in the generated clone as its editors run it, puts the
    edition typed in CITATION.cff and its alias on the gh-pages branch of its origin."""
    remote = tmp_path / "pages.git"
    sh(tmp_path, ["git", "init", "-q", "--bare", str(remote)], generated.env)
    clone = generated.clone
    sh(clone, ["git", "remote", "set-url", "origin", str(remote)], generated.env)
    edition = yaml.safe_load((clone / "CITATION.cff").read_text("utf-8"))["version"]
    sh(clone, ["make", "publish", f"VERSION={edition}", "ALIAS=latest"], generated.env)

    def show(path: str) -> str:
        return sh(remote, ["git", "show", f"gh-pages:{path}"], generated.env).stdout

    versions = json.loads(show("versions.json"))
    assert [(v["version"], v["aliases"]) for v in versions] == [(edition, ["latest"])]
    page = show(f"{edition}/index.html")
    assert HOSTILE_TITLE in html.unescape(page)
    assert "<script>alert(1)" not in page
    assert show("404.html")  # the root 404 page of the latest edition


@pytest.mark.clone
@pytest.mark.slow
def test_the_answers_come_out_unchanged_through_yaml(generated: Generated) -> None:
    study = yaml.safe_load((generated.clone / "study.yaml").read_text("utf-8"))
    assert study["citation"]["title"] == HOSTILE_TITLE
    assert study["citation"]["authors"] == ["Ünal A", "O'Brien B", "Smith C <b>"]
    assert study["citation"]["journal"] == ANSWERS["journal"]
    assert "pmid" not in study["citation"]
    assert "PMID: not found in the sources checked here." in study["citation"]["not_verified"]
    config = yaml.load((generated.clone / "mkdocs.yml").read_text("utf-8"), Loader=yaml.BaseLoader)
    # HTML-escaped in the file: the theme writes site_name into the HTML as it is.
    assert html.unescape(config["site_name"]) == HOSTILE_TITLE
    assert not set("<>\"'") & set(config["site_name"]), config["site_name"]
    answers = yaml.safe_load((generated.clone / ".copier-answers.yml").read_text("utf-8"))
    assert answers["title"] == HOSTILE_TITLE


@pytest.mark.clone
@pytest.mark.slow
def test_the_answers_come_out_escaped_in_the_html(generated: Generated) -> None:
    pages = {p: p.read_text("utf-8") for p in generated.site.rglob("*.html")}
    assert pages
    for path, page in pages.items():
        assert "<script>alert(1)" not in page, path
        assert "Smith C <b>" not in page, path
    home = pages[generated.site / "index.html"]
    assert "<title>" in home
    shown = html.unescape(home)
    assert HOSTILE_TITLE in shown, "the title shows as typed"
    assert "Leuk &amp; Lymph: #1" in home
    assert "290–297" in shown, "the page range"
    assert "PMID: not found in the sources checked here" in shown


@pytest.mark.parametrize(
    ("field", "bad", "message"),
    [
        ("doi", "doi:10.1038/leu", "The DOI must look like 10.1038/leu.2014.172"),
        ("doi", "10.1/x", "The DOI must look like"),
        ("pmid", "PMID 123", "The PMID must be 1 to 9 digits"),
        ("pmid", "0123", "The PMID must be 1 to 9 digits"),
    ],
)
def test_copier_refuses_a_malformed_doi_or_pmid_with_a_message(
    tmp_path: Path, field: str, bad: str, message: str
) -> None:
    done = copier(tmp_path / "made", {**ANSWERS, field: bad})
    assert done.returncode != 0
    said = " ".join((done.stdout + done.stderr).split())
    assert message in said, said[-2000:]
    assert f'got "{bad}"' in said
    assert not (tmp_path / "made" / "study.yaml").exists()


def test_the_engine_escapes_the_papers_text_and_places_pages_and_pmid(tmp_path: Path) -> None:
    """What the template's pages place from the citation: the page range, the PMID or that it
    was not found, and text from the file escaped (values are pasted into Markdown, which
    passes HTML through)."""
    import markdown

    from analysis.figures.site import build_figure_artifacts

    study = tmp_path / "study.yaml"
    citation = {
        "title": "A <script>x</script> & b",
        "authors": ["Ünal A"],
        "journal": "J",
        "year": 2015,
        "volume": "29",
        "issue": "2",
        "first_page": "290",
        "last_page": "297",
        "doi": "10.1038/leu.2014.172",
    }
    figure = {"name": "cohort", "kind": "count", "value": 3, "source": "Three <i>x</i>."}
    body = {"model": "reported-figures", "citation": citation, "figures": [figure]}
    study.write_text(yaml.safe_dump(body, allow_unicode=True), encoding="utf-8")
    values = build_figure_artifacts(study).values

    def shown(name: str) -> str:  # the value as a page's Markdown renders it
        return markdown.markdown(values[name]).removeprefix("<p>").removesuffix("</p>")

    assert shown("fig.citation.title") == "A &lt;script&gt;x&lt;/script&gt; &amp; b"
    assert shown("fig.citation.where") == "29(2):290–297"
    assert values["fig.citation.pmid"] == "not found in the sources checked here"
    study.write_text(
        yaml.safe_dump({**body, "citation": {**citation, "pmid": "12345678"}}), encoding="utf-8"
    )
    assert build_figure_artifacts(study).values["fig.citation.pmid"] == "12345678"


def test_the_templates_engine_needs_what_this_projects_engine_needs() -> None:
    """template/pyproject.toml installs the copied engine: the same runtime dependencies and
    site plugins as this project's (a new one here must be added there, then
    `.tools/bin/uv lock --directory template`)."""
    import tomllib

    ours = tomllib.loads((PROJECT / "pyproject.toml").read_text("utf-8"))["project"]
    theirs = tomllib.loads((PROJECT / "template" / "pyproject.toml").read_text("utf-8"))["project"]
    assert theirs["dependencies"] == ours["dependencies"]
    plugins = theirs["entry-points"]["mkdocs.plugins"]
    assert plugins.items() <= ours["entry-points"]["mkdocs.plugins"].items()
    assert (PROJECT / "template" / "analysis").resolve() == PROJECT / "analysis"
