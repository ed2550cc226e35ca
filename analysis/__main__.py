"""Command line: ``python -m analysis check`` validates the data; ``bundle`` renders everything."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .errors import AnalysisError

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m analysis", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="validate the study data file and run the checks")
    check.add_argument("--study", type=Path, default=None, help="study YAML file")
    bundle = sub.add_parser("bundle", help="compute and render every artifact to a JSON bundle")
    bundle.add_argument("--out", type=Path, required=True, help="the cache entry folder to write")
    bundle.add_argument("--study", type=Path, default=None, help="study YAML file")
    bundle.add_argument("--fingerprint", default="", help="input fingerprint to record")
    runtime = sub.add_parser("runtime", help="make the self-hosted Vega runtime if missing")
    runtime.add_argument("--dir", type=Path, default=None, help="where to keep it")
    notes = sub.add_parser("notes", help="readers' notes: `notes check` checks every note")
    notes.add_argument("action", choices=["check"], help="what to do with the notes")
    notes.add_argument("--docs", type=Path, default=Path("docs"), help="the site's docs folder")
    bundle.add_argument(
        "--patients",
        type=Path,
        default=None,
        help="patient-level CSV to use instead of the reconstruction",
    )
    notebook = sub.add_parser("notebook", help="execute a notebook into a file (errors stop)")
    notebook.add_argument("--source", type=Path, required=True, help="the notebook to run")
    notebook.add_argument("--out", type=Path, required=True, help="where to write the result")
    notebook.add_argument("--patients", type=Path, default=None, help="patient-level CSV")
    publish = sub.add_parser("publish", help="publish an edition to gh-pages with mike")
    publish.add_argument("version", help="edition name: YYYY.N (e.g. 2026.2) or dev")
    publish.add_argument("--alias", action="append", default=[], help="e.g. latest (repeatable)")
    publish.add_argument("--remote", default="origin", help="git remote holding gh-pages")
    publish.add_argument("--no-push", action="store_true", help="commit gh-pages locally only")
    return parser


def _publish(args: argparse.Namespace) -> int:
    from .publish.deploy import publish

    plan = publish(Path.cwd(), args.version, args.alias, remote=args.remote, push=not args.no_push)
    names = ", ".join((plan.version, *plan.aliases))
    where = f"{plan.remote}/gh-pages" if not args.no_push else "the local gh-pages branch"
    print(f"published {names} from {plan.commit[:12]} to {where}")
    return 0


def _check(study_path: Path | None) -> int:
    from .study.checks import run_checks
    from .study.load import STUDY_FILE, load_study

    study = load_study(study_path or STUDY_FILE)
    for check in run_checks(study):
        print(f"{check.symbol} {check.title}: {check.computed}")
    print(f"{study_path or STUDY_FILE}: valid")
    from .context.schema import COMPARATORS_FILE, load_comparators

    load_comparators(COMPARATORS_FILE, study=study)
    print(f"{COMPARATORS_FILE}: valid")
    return 0


def _bundle(out: Path, study_path: Path | None, key: str) -> int:
    from .render.draw import Drawer

    # The drawer's helper process draws each chart as soon as it is built, while this process
    # computes the rest; the bundle is handed over before the PNGs are drawn (write_entry).
    with Drawer() as drawer:
        from .mkdocs_side.bundle import write_entry
        from .registry import build_artifacts
        from .render.blocks import ChartDrawings, render_bundle
        from .study.load import STUDY_FILE

        drawings = ChartDrawings(drawer)
        artifacts = build_artifacts(study_path or STUDY_FILE, on_chart=drawings.add)
        bundle, pictures = render_bundle(artifacts, fingerprint=key, drawings=drawings)
        write_entry(out, bundle, pictures)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "check":
            return _check(args.study)
        if args.command == "runtime":
            from .mkdocs_side.runtime import RUNTIME_DIR, ensure_runtime

            print(ensure_runtime(args.dir or RUNTIME_DIR))
            return 0
        if args.command == "notes":
            from .notes.cli import notes_check

            return notes_check(args.docs)
        if args.command == "notebook":
            from .mkdocs_side.notebook import execute_notebook

            execute_notebook(args.source, args.out, patients_file=args.patients)
            return 0
        if args.patients is not None:
            from .patient_level.artifacts import set_patient_file

            set_patient_file(args.patients)
        if args.command == "publish":
            return _publish(args)
        return _bundle(args.out, args.study, args.fingerprint)
    except AnalysisError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
