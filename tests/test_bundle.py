"""The rendered bundle is cached by the content of its inputs, and a cache hit stays light."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

import pytest

from analysis.errors import AnalysisError
from analysis.mkdocs_side.artifacts.jobs import start_bundle
from analysis.wire import digest
from analysis.wire.bundle import Bundle
from analysis.wire.digest import VERSIONED, fingerprint
from analysis.wire.launch import PRELOAD, Child
from testsupport.found import some
from testsupport.project import PROJECT, STUDY_FILE, reading_its_input


def test_fingerprint_changes_when_a_data_file_changes(tmp_path: Path) -> None:
    pkg = tmp_path / "analysis"
    shutil.copytree(PROJECT / "analysis", pkg, ignore=shutil.ignore_patterns("__pycache__"))
    before = fingerprint(package_dir=pkg)
    assert fingerprint(package_dir=pkg) == before
    data = pkg / "data" / "study.yaml"
    data.write_text(data.read_text().replace("value: 80", "value: 81"))
    assert fingerprint(package_dir=pkg) != before


def test_the_key_covers_every_library_the_analysis_imports() -> None:
    """A new lifelines (or any library the child computes with) must not reuse an old bundle."""
    owners = metadata.packages_distributions()
    imported = set()
    for path in some((PROJECT / "analysis").rglob("*.py"), "modules of the package", at_least=50):
        # Not the site generator's side or publishing, nor the notebook's execution: the
        # executed notebook's own key covers the libraries that execute it.
        if {"mkdocs_side", "publish"} & set(path.parts) or path.name == "notebook.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                imported.add(node.module.split(".")[0])
    dists = {d.lower() for name in imported if name != "analysis" for d in owners.get(name, [])}
    assert "lifelines" in dists
    assert dists <= {d.lower() for d in VERSIONED}


@pytest.mark.parametrize("dist", ["lifelines", "scipy", "altair", "vl-convert-python"])
def test_the_key_changes_when_a_computing_library_changes_version(
    dist: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = fingerprint()
    real = metadata.version
    monkeypatch.setattr(
        digest.metadata, "version", lambda name: "0.0.0+other" if name == dist else real(name)
    )
    assert fingerprint() != before


def test_versions_are_read_once_inside_a_bundle_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """A bundle reads each version once (:func:`versions_read_once`); the site generator's
    process, which may outlive an upgrade, reads them anew every time."""
    read: list[str] = []
    real = metadata.version

    def version(name: str) -> str:
        read.append(name)
        return "0.0.0+upgraded" if len(read) > 1 else real(name)

    monkeypatch.setattr(digest.metadata, "version", version)
    with digest.versions_read_once():
        first = digest.versions(["pandas"])
        assert digest.versions(["pandas"]) == first
    assert read == ["pandas"]
    assert digest.versions(["pandas"]) == {"pandas": "0.0.0+upgraded"} != first


def test_fingerprint_ignores_bytecode_caches(tmp_path: Path) -> None:
    pkg = tmp_path / "analysis"
    shutil.copytree(PROJECT / "analysis", pkg, ignore=shutil.ignore_patterns("__pycache__"))
    before = fingerprint(package_dir=pkg)
    (pkg / "__pycache__").mkdir(exist_ok=True)
    (pkg / "__pycache__" / "x.cpython-311.pyc").write_bytes(b"junk")
    assert fingerprint(package_dir=pkg) == before


def test_bundle_round_trips_through_json() -> None:
    bundle = Bundle(
        blocks={"table:a": "<p>"}, values={"v": "1"}, files={"f.csv": "a\n"}, fingerprint="k"
    )
    assert Bundle.from_json(bundle.to_json()) == bundle


@pytest.mark.slow  # computes whole bundles in child processes
def test_a_cache_hit_imports_no_heavy_library_and_a_bad_file_fails_with_its_message(
    tmp_path: Path,
) -> None:
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from analysis.mkdocs_side.artifacts.jobs import start_bundle\n"
        "job = start_bundle(Path(sys.argv[1]))\n"
        "bundle = job.result()\n"
        "job.finish()\n"
        "heavy = {'pandas', 'altair', 'scipy', 'lifelines', 'vl_convert'}\n"
        "pngs = [job.external_file(p).read_bytes()[:8] for p in bundle.external]\n"
        "print(job.cached, sorted(heavy & set(sys.modules)), len(bundle.blocks),\n"
        "      len(pngs), all(png == b'\\x89PNG\\r\\n\\x1a\\n' for png in pngs))\n"
    )
    first, second = (
        subprocess.run(
            [sys.executable, "-c", code, str(tmp_path)],
            capture_output=True,
            text=True,
            check=True,
            cwd=PROJECT,
        )
        for _ in range(2)  # one after the other: the second finds the first one's cache entry
    )
    assert first.stdout.split()[0] == "False"
    assert second.stdout.startswith("True []")
    charts = sum(
        name.startswith("chart:")
        for name in Bundle.from_json(next(tmp_path.glob("bundle-*/bundle.json")).read_text()).blocks
    )
    assert first.stdout.split()[-2:] == [str(charts), "True"]  # one PNG per chart, all PNGs
    assert second.stdout.split()[-2:] == [str(charts), "True"]

    bad = tmp_path / "bad.yaml"
    bad.write_text(STUDY_FILE.read_text().replace("percent: 40.5", "percent: 41.5"))
    with pytest.raises(
        AnalysisError, match=r"entry 'salvage_remission' \(figures\[4\]\), field 'percent'"
    ):
        start_bundle(tmp_path, study_file=bad).result()


@pytest.mark.slow  # computes whole bundles in child processes
def test_a_child_started_ahead_writes_the_same_entry_as_a_fresh_one(tmp_path: Path) -> None:
    # Under serve the bundle's child is started before the edit, libraries imported (analysis/wire/launch.py).
    fresh = start_bundle(tmp_path / "fresh")
    waiting = Child.waiting()
    ahead = start_bundle(tmp_path / "ahead", spawn=lambda *args: waiting.run(*args))
    for job in (fresh, ahead):
        assert not job.cached
        job.finish()
    files = sorted(p.relative_to(fresh.entry) for p in fresh.entry.rglob("*") if p.is_file())
    assert len(files) > 1  # bundle.json and the pictures
    assert files == sorted(
        p.relative_to(ahead.entry) for p in ahead.entry.rglob("*") if p.is_file()
    )
    assert all((fresh.entry / f).read_bytes() == (ahead.entry / f).read_bytes() for f in files)


def test_a_child_started_ahead_and_never_used_ends_by_itself_without_running_anything() -> None:
    waiting = Child.waiting(preload=("json",))
    assert waiting.usable
    waiting.stop()
    assert waiting.returncode == 0  # not killed: it read "no command" and exited
    assert not waiting.usable
    with pytest.raises(RuntimeError, match="once"):
        waiting.run("check")


def test_a_child_started_ahead_is_refused_a_module_of_the_package() -> None:
    # What it imported ahead could be edited before its command comes: libraries only.
    with pytest.raises(ValueError, match=r"\['analysis.registry'\] names the package's own"):
        Child.waiting(preload=("json", "analysis.registry"))


@pytest.mark.slow  # imports the libraries, then runs a command
def test_a_child_started_ahead_imports_no_module_of_the_package_and_runs_it_as_edited(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Under serve it waits with its libraries imported; a module of the package edited while it
    # waits must run as edited, since none was imported before the command came.
    shutil.copytree(
        PROJECT / "analysis", tmp_path / "analysis", ignore=shutil.ignore_patterns("__pycache__")
    )
    # Imported last: notes which of the package's modules the libraries before it brought in.
    (tmp_path / "marker.py").write_text(
        "import os, sys\nfrom pathlib import Path\n"
        "ours = [n for n in sys.modules if n.split('.')[0] == 'analysis']\n"
        "Path('child').write_text(str(os.getpid()))\n"
        "Path('loaded').write_text(' '.join(ours))\n"
    )
    monkeypatch.setattr("analysis.wire.launch._PROJECT", tmp_path)  # where it runs
    waiting = Child.waiting(preload=(*PRELOAD, "marker"))
    try:
        deadline = time.monotonic() + 120
        while not (tmp_path / "loaded").exists() or not reading_its_input(
            int((tmp_path / "child").read_text())
        ):
            assert time.monotonic() < deadline, "the waiting child never read its input"
            time.sleep(0.05)
        assert (tmp_path / "loaded").read_text() == ""  # no module of the package
        checks = tmp_path / "analysis" / "study" / "checks.py"
        checks.write_text(checks.read_text() + "\nprint('the edited checks module')\n")
        assert waiting.usable
        out = waiting.run("check").wait()
    finally:
        waiting.stop()
    assert out.startswith("the edited checks module\n")
    assert "valid" in out
