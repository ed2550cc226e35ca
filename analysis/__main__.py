"""Command line: ``python -m analysis check`` validates the data; ``bundle`` renders everything.

Each command is declared here and run by its owner's command function (the registry's, the
child side's, a domain's or a tool's), imported only when that command runs, so that
``python -m analysis --help`` imports no heavy library.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import AnalysisError

if TYPE_CHECKING:
    Commands = argparse._SubParsersAction[argparse.ArgumentParser]

__all__ = ["main"]


# Each command's function: it imports what the command needs and runs it.


def _check(args: argparse.Namespace) -> int:
    from .registry import check_command

    return check_command(args.study, comparators_file=args.comparators)


def _bundle(args: argparse.Namespace) -> int:
    from .child_side.bundle import bundle_command

    return bundle_command(
        args.out,
        study=args.study,
        comparators=args.comparators,
        fingerprint=args.fingerprint,
        patients=args.patients,
        cohorts=args.cohorts,
        pictures_last=args.pictures_last,
        steps_dir=args.steps,
        steps_off=frozenset(args.no_step),
    )


def _runtime(args: argparse.Namespace) -> int:
    from .child_side.runtime import runtime_command

    return runtime_command(args.dir)


def _notes_check(args: argparse.Namespace) -> int:
    from .notes.cli import notes_check

    return notes_check(args.docs)


def _notes_from_issue(args: argparse.Namespace) -> int:
    from .notes.from_issue import from_issue_command

    return from_issue_command(
        args.body_file, number=args.number, author=args.author, date=args.date, docs=args.docs
    )


def _notebook(args: argparse.Namespace) -> int:
    from .child_side.notebook import execute_notebook

    execute_notebook(args.source, args.out, patients_file=args.patients)
    return 0


def _publish(args: argparse.Namespace) -> int:
    from .publish.deploy import publish_command

    return publish_command(
        args.version, args.alias, remote=args.remote, push=not args.no_push, project=Path.cwd()
    )


def _diff(args: argparse.Namespace) -> int:
    from .review.trees import diff_command

    return diff_command(args.base, args.cache_dir, args.cohorts, args.out)


def _comment(args: argparse.Namespace) -> int:
    from .review.pr_numbers import comment_command

    return comment_command(
        args.repo,
        args.number,
        args.marker,
        body_file=args.body_file,
        number_diff=args.number_diff,
        head_sha=args.head_sha,
    )


def _preview(args: argparse.Namespace) -> int:
    from .publish.preview import run_preview_command

    names = ("pr", "branch", "event", "head_sha", "site", "environment")
    options = {k: getattr(args, k) for k in names}
    print(run_preview_command(args.action, remote=args.remote, project=Path.cwd(), **options))
    return 0


# The commands' arguments.


_COMPARATORS_HELP = "comparators YAML file, checked against the study (default: the site's)"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m analysis", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="validate the study data file and run the checks")
    check.add_argument("--study", type=Path, default=None, help="study YAML file")
    check.add_argument("--comparators", type=Path, default=None, help=_COMPARATORS_HELP)
    check.set_defaults(run=_check)
    _bundle_parser(sub)
    runtime = sub.add_parser("runtime", help="make the self-hosted Vega runtime if missing")
    runtime.add_argument("--dir", type=Path, default=None, help="where to keep it")
    runtime.set_defaults(run=_runtime)
    _notes_parser(sub)
    notebook = sub.add_parser("notebook", help="execute a notebook into a file (errors stop)")
    notebook.add_argument("--source", type=Path, required=True, help="the notebook to run")
    notebook.add_argument("--out", type=Path, required=True, help="where to write the result")
    notebook.add_argument("--patients", type=Path, default=None, help="patient-level CSV")
    notebook.set_defaults(run=_notebook)
    publish = sub.add_parser("publish", help="publish an edition to gh-pages with mike")
    publish.add_argument("version", help="edition name: YYYY.N (e.g. 2026.2) or dev")
    publish.add_argument("--alias", action="append", default=[], help="e.g. latest (repeatable)")
    publish.add_argument("--remote", default="origin", help="git remote holding gh-pages")
    publish.add_argument("--no-push", action="store_true", help="commit gh-pages locally only")
    publish.set_defaults(run=_publish, ends_on_sigterm=True)
    diff = sub.add_parser("diff", help="the computed numbers a change moves, as Markdown")
    diff.add_argument("--base", required=True, help="revision to compare with, e.g. main")
    diff.add_argument("--cohorts", type=int, default=None, help="fewer cohorts: quicker")
    diff.add_argument("--cache-dir", type=Path, default=Path(".cache/analysis"))
    diff.add_argument("--out", type=Path, default=None, help="also write the Markdown here")
    diff.set_defaults(run=_diff)
    _comment_parser(sub)
    _preview_parser(sub)
    return parser


def _bundle_parser(sub: Commands) -> None:
    from .wire.steps import STEP_NAMES

    bundle = sub.add_parser("bundle", help="compute and render every artifact to a JSON bundle")
    bundle.add_argument("--out", type=Path, required=True, help="the cache entry folder to write")
    bundle.add_argument("--study", type=Path, default=None, help="study YAML file")
    bundle.add_argument("--comparators", type=Path, default=None, help=_COMPARATORS_HELP)
    bundle.add_argument("--fingerprint", default="", help="input fingerprint to record")
    bundle.add_argument(
        "--patients",
        type=Path,
        default=None,
        help="patient-level CSV to use instead of the reconstruction",
    )
    bundle.add_argument(
        "--cohorts", type=int, default=None, help="reconstructed cohorts (default: the site's)"
    )
    bundle.add_argument(
        "--pictures-last",
        action="store_true",
        help="draw the PNGs only once the bundle is handed over (serve: pages never wait for them)",
    )
    bundle.add_argument(
        "--steps",
        type=Path,
        default=None,
        help="the step cache folder (default: steps/ beside --out)",
    )
    bundle.add_argument(
        "--no-step",
        action="append",
        default=[],
        choices=STEP_NAMES,
        help="compute this step without the step cache (repeatable; to measure what it buys)",
    )
    bundle.set_defaults(run=_bundle)


def _notes_parser(sub: Commands) -> None:
    notes = sub.add_parser(
        "notes", help="readers' notes: `check` them, or write one `from-issue` (the Note form)"
    )
    actions = notes.add_subparsers(dest="action", required=True, metavar="{check,from-issue}")
    check = actions.add_parser("check", help="check every note (the build runs the same check)")
    from_issue = actions.add_parser(
        "from-issue", help="write the note a Note form's issue body describes, and check it"
    )
    for each in (check, from_issue):
        each.add_argument("--docs", type=Path, default=Path("docs"), help="the site's docs folder")
    check.set_defaults(run=_notes_check)
    from_issue.add_argument("body_file", nargs="?", type=Path, help="the issue's body")
    from_issue.add_argument("--number", type=int, default=None, help="the issue number")
    from_issue.add_argument("--author", default=None, help="the issue author's login")
    from_issue.add_argument("--date", default=None, help="YYYY-MM-DD (default today)")
    from_issue.set_defaults(run=_notes_from_issue)


def _comment_parser(sub: Commands) -> None:
    comment = sub.add_parser("comment", help="post or update one marked issue/PR comment")
    comment.add_argument("--repo", required=True, help="owner/name")
    comment.add_argument("--number", type=int, required=True, help="issue or pull request")
    comment.add_argument("--marker", required=True, help="names the comment, e.g. number-diff")
    comment.add_argument("--body-file", type=Path, default=None, help="the comment's Markdown")
    comment.add_argument(
        "--number-diff", type=Path, default=None, help="a PR run's number list: compute or quote"
    )
    comment.add_argument("--head-sha", default=None, help="the pull request's expected head")
    comment.set_defaults(run=_comment)


def _preview_parser(sub: Commands) -> None:
    preview = sub.add_parser("preview", help="a pull request's site at pr/<N>/ on gh-pages")
    preview.add_argument("action", choices=["publish", "remove"], help="publish or remove it")
    preview.add_argument("--pr", type=int, default=None, help="the pull request's number")
    preview.add_argument("--branch", default=None, help="its branch, shown in the banner")
    preview.add_argument("--event", type=Path, default=None, help="a pull_request event file")
    preview.add_argument("--head-sha", default=None, help="with --event: the commit built")
    preview.add_argument("--site", type=Path, default=None, help="a built site (else build)")
    preview.add_argument("--remote", default="origin", help="git remote holding gh-pages")
    preview.add_argument(
        "--environment", default=None, help="with --event: the approval this run must have"
    )
    preview.set_defaults(run=_preview, ends_on_sigterm=True)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if getattr(args, "ends_on_sigterm", False):
        # SIGTERM (a CI job cancelled) ends these as an error does: each ends the build (and
        # mike) it started, removes its temporary site, and publish puts gh-pages back. The
        # other commands end at once, and what they started with them (analysis.lifetime).
        from .lifetime import exit_on_sigterm

        exit_on_sigterm()
    try:
        return int(args.run(args))
    except AnalysisError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
