"""Command line: ``python -m analysis check`` validates the data; ``bundle`` renders everything."""

from __future__ import annotations

import argparse
import os
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
    bundle.add_argument("--out", type=Path, required=True, help="where to write the bundle")
    bundle.add_argument("--study", type=Path, default=None, help="study YAML file")
    bundle.add_argument("--fingerprint", default="", help="input fingerprint to record")
    bundle.add_argument("--patients", type=Path, default=None,
                        help="patient-level CSV to use instead of the reconstruction")
    notebook = sub.add_parser("notebook", help="execute a notebook into a file (errors stop)")
    notebook.add_argument("--source", type=Path, required=True, help="the notebook to run")
    notebook.add_argument("--out", type=Path, required=True, help="where to write the result")
    notebook.add_argument("--patients", type=Path, default=None, help="patient-level CSV")
    return parser


def _check(study_path: Path | None) -> int:
    from .checks import run_checks
    from .load import STUDY_FILE, load_study

    study = load_study(study_path or STUDY_FILE)
    for check in run_checks(study):
        print(f"{check.symbol} {check.title}: {check.computed}")
    print(f"{study_path or STUDY_FILE}: valid")
    return 0


def _bundle(out: Path, study_path: Path | None, key: str) -> int:
    from .artifacts import build_artifacts
    from .load import STUDY_FILE
    from .render import render_bundle

    bundle = render_bundle(build_artifacts(study_path or STUDY_FILE), fingerprint=key)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(f".tmp{os.getpid()}")
    tmp.write_text(bundle.to_json(), encoding="utf-8")
    tmp.replace(out)  # atomic: a reader never sees half a bundle
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "check":
            return _check(args.study)
        if args.command == "notebook":
            from .notebook import execute_notebook

            execute_notebook(args.source, args.out, patients_file=args.patients)
            return 0
        if args.patients is not None:
            from .survival_artifacts import set_patient_file

            set_patient_file(args.patients)
        return _bundle(args.out, args.study, args.fingerprint)
    except AnalysisError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
