"""The step cache: an edit recomputes only what it touches; entries are checked, atomic, evicted."""

from __future__ import annotations

import json
import os
import pickle
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import cast

import numpy as np
import pytest
import yaml

from analysis.child_side.reconstruction_step import reconstructed, reconstruction_key
from analysis.child_side.registry_steps import domain_code, registry_step_key
from analysis.mkdocs_side.artifacts.jobs import BundleJob
from analysis.patient_level.reconstruct import reconstruct
from analysis.patient_level.results import UNREAD, analyse, analysis_reads, relabelled
from analysis.patient_level.scenarios import SCENARIOS
from analysis.registry import CHARTS_LEAVE_OUT, DOMAINS, PROSE_BLIND, DomainOutputs, Inputs
from analysis.study.load import load_study
from analysis.study.prose import PROSE
from analysis.wire.bundle import BUNDLE_JSON, Bundle
from analysis.wire.digest import fingerprint
from analysis.wire.launch import Child
from analysis.wire.steps import Steps
from testsupport.project import PROJECT, STUDY_FILE

COHORTS = 20  # few cohorts: the same steps, quicker
PROSE_BEFORE = "source: The median duration of first remission was 5 months"
PROSE_AFTER = "source: The median length of first remission was 5 months"
LABEL_BEFORE = "label: Remission after salvage chemotherapy\n"
LABEL_AFTER = "label: Remission after second-line chemotherapy\n"
NUMBER_BEFORE = "numerator: 15\n    denominator: 37\n    percent: 40.5\n"
NUMBER_AFTER = "numerator: 16\n    denominator: 37\n    percent: 43.2\n"


def _edited(tmp_path: Path, before: str, after: str, name: str) -> Path:
    text = STUDY_FILE.read_text(encoding="utf-8")
    assert text.count(before) == 1, f"{STUDY_FILE}: the text to edit is not there once: {before!r}"
    edited = tmp_path / name
    edited.write_text(text.replace(before, after), encoding="utf-8")
    return edited


def _counts(out: str) -> dict[str, dict[str, int]]:
    """What the bundle's child printed it reused and made, by step."""
    line = next(line for line in out.splitlines() if line.startswith("steps: "))
    found: dict[str, dict[str, int]] = {}
    for part in line.removeprefix("steps: ").split("; "):
        step, *pairs = part.split()
        found[step] = {k: int(v) for k, v in (p.split("=") for p in pairs)}
    return found


# Run as ``python -m analysis``, then print which of the libraries that only computing (not
# reusing) needs the bundle imported.
_REPORT_IMPORTS = (
    "import sys\n"
    "from analysis.__main__ import main\n"
    "code = main(sys.argv[1:])\n"
    "print('imported:', sorted({'altair', 'lifelines'} & set(sys.modules)))\n"
    "sys.exit(code)\n"
)


def _bundle(
    out: Path,
    *,
    study: Path = STUDY_FILE,
    cwd: Path = PROJECT,
    pythonpath: Path | None = None,
    imported: list[str] | None = None,
) -> dict[str, dict[str, int]]:
    """The bundle's step counts; ``imported`` is given which of altair and lifelines it
    imported."""
    env = dict(os.environ)
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    args = ["bundle", "--out", str(out), "--study", str(study), "--cohorts", str(COHORTS)]
    command = ["-m", "analysis"] if imported is None else ["-c", _REPORT_IMPORTS]
    done = subprocess.run(
        [sys.executable, *command, *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    if imported is not None:
        line = next(line for line in done.stdout.splitlines() if line.startswith("imported: "))
        imported.extend(json.loads(line.removeprefix("imported: ").replace("'", '"')))
    return _counts(done.stdout)


def _entry(entry: Path) -> Bundle:
    return Bundle.from_json((entry / BUNDLE_JSON).read_text(encoding="utf-8"))


def _cold(tmp_path: Path, name: str, study: Path) -> Path:
    """The bundle of ``study`` made with a step cache of its own, empty before."""
    entry = tmp_path / f"cold-{name}" / name  # its steps/ folder beside it, its own
    _bundle(entry, study=study)
    return entry


@pytest.mark.slow  # bundles in subprocesses
def test_a_prose_edit_redraws_no_chart_and_reconstructs_nothing_a_number_edit_does(
    tmp_path: Path,
) -> None:
    cache = tmp_path / "cache"
    cold_imports: list[str] = []
    first = _bundle(cache / "bundle-a", imported=cold_imports)
    assert cold_imports == ["altair", "lifelines"]  # what the check below looks for is seen
    assert first["drawing"] == {"made": 14, "reused": 0, "corrupt": 0}
    assert first["reconstruction"]["made"] == len(SCENARIOS)
    assert first["domain"] == {"made": 4, "reused": 0, "corrupt": 0}
    assert first["charts"] == {"made": 3, "reused": 0, "corrupt": 0}  # the appraisal has none
    assert first["analysis"] == {"made": 1, "reused": 0, "corrupt": 0}

    prose = _edited(tmp_path, PROSE_BEFORE, PROSE_AFTER, "prose.yaml")
    prose_imports: list[str] = []
    second = _bundle(cache / "bundle-b", study=prose, imported=prose_imports)
    assert second["drawing"] == {"made": 0, "reused": 14, "corrupt": 0}
    assert second["png"] == {"made": 0, "reused": 7, "corrupt": 0}
    # Only the study's own tables and values show the sentence: the other three domains come
    # from the cache, and with the patient-level domain the reconstruction is not even asked
    # for; no chart shows one, so every domain's charts come from the cache, and altair, which
    # only making a chart needs, is never imported (nor lifelines).
    assert second["domain"] == {"made": 1, "reused": 3, "corrupt": 0}
    assert second["charts"] == {"made": 0, "reused": 3, "corrupt": 0}
    assert prose_imports == []
    assert "reconstruction" not in second
    # What came from the cache is what the edited file gives with no cache at all.
    assert _entry(cache / "bundle-b") == _entry(_cold(tmp_path, "bundle-b", prose))

    # A label is shown by the study's and the patient-level tables (and so in values the
    # appraisal may cite): those three domains' tables and values are made again, the
    # patient-level ones from the analysis in the cache (the labels are put back into it); no
    # chart shows a label, so every chart comes from the cache; no reconstruction is asked.
    label = _edited(tmp_path, LABEL_BEFORE, LABEL_AFTER, "label.yaml")
    relabelled = _bundle(cache / "bundle-l", study=label)
    assert relabelled["domain"] == {"made": 3, "reused": 1, "corrupt": 0}
    assert relabelled["charts"] == {"made": 0, "reused": 3, "corrupt": 0}  # none shows a label
    assert relabelled["analysis"] == {"made": 0, "reused": 1, "corrupt": 0}
    assert "reconstruction" not in relabelled
    assert _entry(cache / "bundle-l") == _entry(_cold(tmp_path, "bundle-l", label))
    # The reused steps give the same files as the first bundle's (the prose is not in them).
    for path in (cache / "bundle-a" / "files").rglob("*"):
        if path.is_file():
            assert (
                path.read_bytes()
                == (cache / "bundle-b" / path.relative_to(cache / "bundle-a")).read_bytes()
            )

    number = _edited(tmp_path, NUMBER_BEFORE, NUMBER_AFTER, "number.yaml")
    third = _bundle(cache / "bundle-c", study=number)
    assert third["reconstruction"]["made"] == len(SCENARIOS)
    assert third["drawing"]["made"] > 0  # the charts that show the remissions
    assert third["domain"] == {"made": 4, "reused": 0, "corrupt": 0}  # the appraisal cites them
    assert third["charts"] == {"made": 3, "reused": 0, "corrupt": 0}
    assert third["analysis"] == {"made": 1, "reused": 0, "corrupt": 0}


@pytest.mark.slow  # bundles in subprocesses
def test_an_edit_of_the_drawing_code_redraws_every_chart_and_reconstructs_nothing(
    tmp_path: Path,
) -> None:
    tree = tmp_path / "tree"
    shutil.copytree(
        PROJECT / "analysis", tree / "analysis", ignore=shutil.ignore_patterns("__pycache__")
    )
    cache = tmp_path / "cache"
    _bundle(cache / "bundle-a", cwd=tree, pythonpath=tree)
    draw = tree / "analysis" / "render" / "draw.py"
    draw.write_text(draw.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    after = _bundle(cache / "bundle-b", cwd=tree, pythonpath=tree)
    assert after["drawing"] == {"made": 14, "reused": 0, "corrupt": 0}
    assert after["png"]["made"] == 7
    # The domains do not run the drawing code: all four come from the cache, and so nothing
    # asks for a reconstruction.
    assert after["domain"] == {"made": 0, "reused": 4, "corrupt": 0}
    assert after["charts"] == {"made": 0, "reused": 3, "corrupt": 0}
    assert "reconstruction" not in after


def test_the_reconstruction_reads_no_sentence_of_the_study_but_every_number(
    tmp_path: Path,
) -> None:
    study = load_study(STUDY_FILE)
    prose = load_study(_edited(tmp_path, PROSE_BEFORE, PROSE_AFTER, "prose.yaml"))
    number = load_study(_edited(tmp_path, NUMBER_BEFORE, NUMBER_AFTER, "number.yaml"))
    a = SCENARIOS[0].assumptions
    key = reconstruction_key(study, cohorts=COHORTS, assumptions=a)
    assert reconstruction_key(prose, cohorts=COHORTS, assumptions=a) == key
    assert reconstruction_key(number, cohorts=COHORTS, assumptions=a) != key
    assert reconstruction_key(study, cohorts=COHORTS + 1, assumptions=a) != key
    assert reconstruction_key(study, cohorts=COHORTS, assumptions=SCENARIOS[1].assumptions) != key

    steps = Steps(tmp_path / "steps")
    first = reconstructed(steps, study, cohorts=COHORTS, assumptions=a)
    hit = reconstructed(steps, prose, cohorts=COHORTS, assumptions=a)
    assert steps.counts["reconstruction", "reused"] == 1
    # The hit is what the edited study gives when drawn afresh: the sentence is not read.
    fresh = reconstruct(prose, cohorts=COHORTS, assumptions=a)
    for field in ("months", "death", "salvage"):
        assert np.array_equal(getattr(hit.ensemble, field), getattr(fresh.ensemble, field))
    miss = reconstructed(steps, number, cohorts=COHORTS, assumptions=a)
    assert steps.counts["reconstruction", "made"] == 2
    assert not np.array_equal(miss.ensemble.salvage, first.ensemble.salvage)


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda raw: b"garbage", id="garbage"),
        pytest.param(lambda raw: raw[: len(raw) // 2], id="truncated"),
        pytest.param(lambda raw: raw[:-1] + bytes([raw[-1] ^ 1]), id="one-bit"),
    ],
)
def test_a_damaged_entry_is_removed_and_computed_again_never_trusted(
    tmp_path: Path, damage: object
) -> None:
    steps = Steps(tmp_path)
    steps.put("drawing", "k", ("vega", "svg"))
    path = steps.path("drawing", "k")
    assert callable(damage)
    path.write_bytes(damage(path.read_bytes()))
    assert steps.get("drawing", "k") is None
    assert steps.counts["drawing", "corrupt"] == 1
    assert not path.exists()


def test_entries_past_the_count_cap_go_oldest_used_first(tmp_path: Path) -> None:
    steps = Steps(tmp_path, max_entries=3)
    for number, name in enumerate("abc"):
        steps.put("s", name, name)
        os.utime(steps.path("s", name), ns=(10**18 + number, 10**18 + number))
    assert steps.get("s", "a") == "a"  # used now: the newest
    steps.put("s", "d", "d")
    assert sorted(p.name for p in tmp_path.glob("*.step")) == ["s-a.step", "s-c.step", "s-d.step"]


def test_entries_past_the_size_cap_are_evicted(tmp_path: Path) -> None:
    steps = Steps(tmp_path, max_bytes=25_000)
    for number in range(4):
        steps.put("s", str(number), b"x" * 10_000)
        os.utime(steps.path("s", str(number)), ns=(10**18 + number, 10**18 + number))
    assert sorted(p.name for p in tmp_path.glob("*.step")) == ["s-2.step", "s-3.step"]


def test_a_step_turned_off_is_neither_read_nor_filed(tmp_path: Path) -> None:
    Steps(tmp_path).put("drawing", "k", "old")
    off = Steps(tmp_path, off=frozenset({"drawing"}))
    assert off.get("drawing", "k") is None
    off.put("drawing", "j", "new")
    assert not off.path("drawing", "j").exists()
    assert re.search(r"drawing made=1 reused=0", off.summary())


@pytest.mark.slow  # bundles in subprocesses
def test_a_child_records_the_key_only_if_the_files_it_read_are_those_of_the_key(
    tmp_path: Path,
) -> None:
    # An edit after the site generator made the key, before the child read the files: the
    # entry must not be taken for that key's by a later build.
    study = tmp_path / "study.yaml"
    shutil.copy(STUDY_FILE, study)
    key = f"{fingerprint(extra=(study,))}-cohorts{COHORTS}"
    recorded = {}
    for name, given in (("stale", "0" * 20 + f"-cohorts{COHORTS}"), ("current", key)):
        out = tmp_path / "cache" / f"bundle-{name}"
        args = ["--out", str(out), "--study", str(study), "--cohorts", str(COHORTS)]
        subprocess.run(
            [sys.executable, "-m", "analysis", "bundle", *args, "--fingerprint", given],
            cwd=PROJECT,
            capture_output=True,
            check=True,
            timeout=300,
        )
        recorded[name] = Bundle.from_json((out / BUNDLE_JSON).read_text("utf-8")).fingerprint
    assert recorded == {"stale": "", "current": key}


def test_an_entry_that_does_not_record_its_own_key_is_computed_again(tmp_path: Path) -> None:
    entry = tmp_path / "bundle-k"
    entry.mkdir()
    (entry / BUNDLE_JSON).write_text(Bundle(fingerprint="").to_json(), encoding="utf-8")
    started: list[tuple[str, ...]] = []

    def spawn(*args: str) -> Child:
        started.append(args)
        return cast("Child", object())

    job = BundleJob(tmp_path, "k", spawn=spawn)
    assert not job.cached
    assert started
    assert started[0][:3] == ("bundle", "--out", str(entry))
    (tmp_path / "bundle-j").mkdir()
    (tmp_path / "bundle-j" / BUNDLE_JSON).write_text(
        Bundle(fingerprint="j").to_json(), encoding="utf-8"
    )
    assert BundleJob(tmp_path, "j", spawn=spawn).cached


def test_builds_writing_the_same_entries_at_once_never_show_a_reader_half_an_entry(
    tmp_path: Path,
) -> None:
    writer = (
        "import sys\n"
        "from pathlib import Path\n"
        "from analysis.wire.steps import Steps\n"
        "steps = Steps(Path(sys.argv[1]), max_entries=3)\n"
        "for n in range(60):\n"
        "    steps.put('s', str(n % 5), bytes([n % 5]) * 400_000)\n"
    )
    writers = [
        subprocess.Popen([sys.executable, "-c", writer, str(tmp_path)], cwd=PROJECT)
        for _ in range(2)
    ]
    reader = Steps(tmp_path, max_entries=3)
    seen = 0
    try:
        while any(w.poll() is None for w in writers):
            for n in range(5):
                found = reader.get("s", str(n))
                if found is not None:
                    assert found == bytes([n]) * 400_000
                    seen += 1
    finally:
        for w in writers:
            w.wait(timeout=60)
    assert [w.returncode for w in writers] == [0, 0]
    assert reader.counts["s", "corrupt"] == 0
    assert seen > 0
    assert not list(tmp_path.glob(".*.tmp"))  # no temporary file left behind
    assert len(list(tmp_path.glob("*.step"))) <= 3


def _every_field_edited(tmp_path: Path, fields: frozenset[str], name: str) -> Path:
    """The study file with every text of the ``fields`` (wherever they are) rewritten."""
    data = yaml.safe_load(STUDY_FILE.read_text(encoding="utf-8"))

    def edit(node: object) -> object:
        if isinstance(node, dict):
            return {
                k: f"EDITED {v} EDITED" if k in fields and isinstance(v, str) else edit(v)
                for k, v in node.items()
            }
        if isinstance(node, list):
            return [edit(v) for v in node]
        return node

    edited = tmp_path / name
    edited.write_text(yaml.safe_dump(edit(data), sort_keys=False, allow_unicode=True), "utf-8")
    return edited


def _shown_charts(outputs: DomainOutputs) -> object:
    """What a domain's charts put on the pages: each layout's spec, the texts beside it and
    its data."""
    return [
        (
            [c.spec_of(layout) for layout in c.layouts],
            (c.caption, c.description, c.source, c.fields, c.file_stem),
            c.data.to_json(orient="split"),
        )
        for c in outputs.charts
    ]


def _shown(outputs: DomainOutputs) -> object:
    """What a domain's outputs put on the pages: charts, table cells, values."""
    tables = [(t.caption, t.source, t.display.to_json(orient="split")) for t in outputs.tables]
    return _shown_charts(outputs), tables, outputs.values


def test_the_prose_blind_domains_show_no_sentence_of_the_study(tmp_path: Path) -> None:
    """Their key leaves the study's prose out (a prose edit reuses them), so no output of
    theirs may hold it: with every sentence edited, they show exactly the same; the study's
    own domain does not, though its charts do (every domain's charts are keyed without the
    prose and the labels); a label (not prose) is in their key."""
    plain = Inputs(cohorts=COHORTS)
    edited = Inputs(
        study_file=_every_field_edited(tmp_path, PROSE, "every-sentence.yaml"), cohorts=COHORTS
    )
    for domain in DOMAINS:
        same = _shown(plain.outputs(domain)) == _shown(edited.outputs(domain))
        if domain.name in PROSE_BLIND or domain.name == "appraisal":
            assert same, f"{domain.name} shows a sentence of the study, yet its key leaves them out"
            assert registry_step_key(domain.name, plain.reads(domain)) == registry_step_key(
                domain.name, edited.reads(domain)
            )
        else:
            assert not same, f"{domain.name}: the edit did not reach the pages"
    # No domain's charts show a sentence or a label: their key leaves both out, in every domain.
    text = Inputs(
        study_file=_every_field_edited(tmp_path, CHARTS_LEAVE_OUT, "every-text.yaml"),
        cohorts=COHORTS,
    )
    for domain in DOMAINS:
        assert _shown_charts(plain.outputs(domain)) == _shown_charts(text.outputs(domain))
        assert plain.reads(domain, charts=True) == text.reads(domain, charts=True)
    label = Inputs(study_file=_edited(tmp_path, LABEL_BEFORE, LABEL_AFTER, "label.yaml"))
    number = Inputs(study_file=_edited(tmp_path, NUMBER_BEFORE, NUMBER_AFTER, "number.yaml"))
    for domain in DOMAINS:
        if domain.name in PROSE_BLIND:
            assert plain.reads(domain) != label.reads(domain), domain.name
        if domain.name != "appraisal":
            assert plain.reads(domain, charts=True) != number.reads(domain, charts=True)


def test_the_domains_key_names_every_module_computing_them_runs() -> None:
    """Every module of the package that computing all four domains loads is in their key's
    code (:func:`domain_code`): none of what it leaves out is run."""
    script = (
        "import sys, json\n"
        "from analysis.registry import DOMAINS, Inputs\n"
        f"inputs = Inputs(cohorts={COHORTS})\n"
        "[inputs.outputs(d) for d in DOMAINS]\n"
        "print(json.dumps(sorted(m.__file__ for n, m in sys.modules.items()"
        " if n.split('.')[0] == 'analysis' and getattr(m, '__file__', None))))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=PROJECT, capture_output=True, text=True, check=True
    )
    loaded = {Path(f).resolve() for f in json.loads(done.stdout.splitlines()[-1])}
    missing = loaded - set(domain_code())
    assert loaded, "no module of the package was loaded"
    assert not missing, f"run but not in the domains' key: {sorted(map(str, missing))}"


def test_the_analysis_reads_no_label_or_sentence_but_puts_the_labels_back(tmp_path: Path) -> None:
    """Its key leaves labels and sentences out; the analysis of the original study, relabelled
    with an edited one's labels, is exactly the edited study's own analysis."""
    edited_file = _every_field_edited(tmp_path, UNREAD, "every-label.yaml")
    study, edited = load_study(STUDY_FILE), load_study(edited_file)
    reads = analysis_reads(study, cohorts=COHORTS, patients=None)
    assert reads == analysis_reads(edited, cohorts=COHORTS, patients=None)
    assert reads != analysis_reads(study, cohorts=COHORTS + 1, patients=None)
    cached = analyse(study, cohorts=COHORTS)
    fresh = analyse(edited, cohorts=COHORTS)
    assert cached.rules != fresh.rules  # the labels differ ...
    assert pickle.dumps(relabelled(cached, edited)) == pickle.dumps(fresh)  # ... and come back


def test_a_patient_file_is_read_by_its_name_as_well_as_its_text(tmp_path: Path) -> None:
    """Everything computed from a real file is labelled with its name: the same rows under
    another name are another key, for the analysis and for the patient-level domain."""
    first, second = tmp_path / "cohort-a.csv", tmp_path / "cohort-b.csv"
    for path in (first, second):
        path.write_text("patient_id,months,death\n1,5.0,1\n", encoding="utf-8")
    (domain,) = [d for d in DOMAINS if d.name == "patient_level"]
    a, b = Inputs(patients_file=first), Inputs(patients_file=second)
    assert a.reads(domain) != b.reads(domain)
    assert a._patients_read() != b._patients_read()
    assert Inputs().reads(domain) != a.reads(domain)


def test_the_specs_a_cached_chart_keeps_are_what_the_charts_own_code_makes() -> None:
    """The charts step files each chart with its specs, kept by the drawing code
    (``render/blocks.py``, outside the step's key) as it asks for the drawings: they must be
    exactly what the chart's own code (``ChartArtifact.spec_of``, inside the key) gives, so an
    edit of the drawing code can never leave a stale spec in the cache."""
    from analysis.registry import build_artifacts
    from analysis.render.blocks import validated_spec

    charts = build_artifacts(Inputs(cohorts=COHORTS)).charts
    assert charts
    for chart in charts.values():
        for layout in chart.layouts:
            chart.specs[layout] = validated_spec(chart, layout)  # as ChartDrawings.add keeps it
            assert chart.specs[layout] == chart.spec_of(layout), (chart.name, layout)
        kept = pickle.loads(pickle.dumps(chart))
        assert kept.chart is None  # specs only: altair is not needed to read it back
        assert kept.layouts == chart.layouts
