"""`pre-commit install`, as CONTRIBUTING says, works from the locked tools: pre-commit is in the
environment, its configuration is valid, and every hook runs a program the environment has."""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

import yaml

from testsupport.project import PROJECT

BIN = Path(sys.executable).parent
CONFIG = PROJECT / ".pre-commit-config.yaml"


def test_the_pre_commit_config_is_valid_for_the_locked_pre_commit() -> None:
    result = subprocess.run(
        [str(BIN / "pre-commit"), "validate-config", str(CONFIG)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_hook_runs_a_program_of_the_project_environment() -> None:
    hooks = [hook for repo in yaml.safe_load(CONFIG.read_text())["repos"] for hook in repo["hooks"]]
    assert hooks, "no hooks configured"
    missing = [
        (hook["id"], program)
        for hook in hooks
        if not (PROJECT / (program := shlex.split(hook["entry"])[0])).is_file()
    ]
    assert missing == [], f"hooks whose program is not in the environment: {missing}"
