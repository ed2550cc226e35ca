"""Every command of ``python -m analysis``, and each action of ``notes``, has its own ``--help``,
run as people run it; asking for help imports no heavy library."""

from __future__ import annotations

import subprocess
import sys

import pytest

from testsupport.project import PROJECT

COMMANDS = [
    "check",
    "bundle",
    "runtime",
    "notes",
    "notes check",
    "notes from-issue",
    "notebook",
    "publish",
    "diff",
    "comment",
    "preview",
]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "analysis", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=PROJECT,
    )


def test_the_commands_listed_here_are_the_ones_the_command_line_has() -> None:
    usage = _run("--help").stdout
    listed = usage.split("{", 1)[1].split("}", 1)[0].split(",")
    assert listed == [c for c in COMMANDS if " " not in c]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_its_own_help(command: str) -> None:
    result = _run(*command.split(), "--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"usage: python -m analysis {command} "), result.stdout


def test_each_notes_action_takes_only_its_own_options() -> None:
    check = _run("notes", "check", "--help").stdout
    from_issue = _run("notes", "from-issue", "--help").stdout
    assert "--docs" in check
    assert "--number" not in check
    assert {"--docs", "--number", "--author", "--date", "body_file"} <= set(from_issue.split())
    wrong = _run("notes", "check", "--number", "7")
    assert wrong.returncode == 2
    assert "unrecognized arguments: --number 7" in wrong.stderr


def test_asking_for_help_imports_no_heavy_library() -> None:
    code = (
        "import sys\n"
        "from analysis.__main__ import main\n"
        "try:\n"
        "    main(['bundle', '--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(sorted(set(sys.modules) & {'pandas', 'altair', 'scipy', 'numpy', 'mkdocs'}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=PROJECT
    )
    assert result.stdout.strip().endswith("[]")
