"""The pinned uv is installed hash-checked, from nothing, the way every job and contributor
installs it: ``make .tools/bin/uv`` in a scratch copy holding only the Makefile and the
requirements file (pip reaches the package index; nothing comes from this checkout)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import yaml

from testsupport.found import some
from testsupport.project import PROJECT

REQUIREMENTS = PROJECT / "uv-requirements.txt"


def bootstrap(tmp_path: Path, requirements: str) -> tuple[subprocess.CompletedProcess[str], Path]:
    work = tmp_path / "fresh"
    work.mkdir()
    shutil.copy(PROJECT / "Makefile", work / "Makefile")
    (work / "uv-requirements.txt").write_text(requirements, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in {"VIRTUAL_ENV", "MAKEFLAGS"}}
    result = subprocess.run(
        ["make", "--no-print-directory", ".tools/bin/uv"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    return result, work / ".tools" / "bin" / "uv"


def pinned() -> tuple[str, list[str]]:
    text = REQUIREMENTS.read_text(encoding="utf-8")
    version = re.search(r"(?m)^uv==(\S+) ", text)
    assert version is not None
    return version[1], re.findall(r"--hash=sha256:([0-9a-f]{64})", text)


def test_make_installs_the_pinned_uv_from_nothing(tmp_path: Path) -> None:
    result, uv = bootstrap(tmp_path, REQUIREMENTS.read_text(encoding="utf-8"))
    assert result.returncode == 0, result.stdout + result.stderr
    version = subprocess.run([str(uv), "--version"], capture_output=True, text=True, check=True)
    assert version.stdout.split()[:2] == ["uv", pinned()[0]]


def test_make_refuses_a_uv_whose_wheel_does_not_match_a_listed_hash(tmp_path: Path) -> None:
    text = REQUIREMENTS.read_text(encoding="utf-8")
    for digest in pinned()[1]:
        text = text.replace(digest, digest[::-1])  # every hash wrong
    result, uv = bootstrap(tmp_path, text)
    assert result.returncode != 0
    assert "DO NOT MATCH THE HASHES" in result.stderr
    assert not uv.exists()


def test_the_makefile_pyproject_and_requirements_pin_one_uv_with_a_hash_per_platform() -> None:
    version, digests = pinned()
    makefile = (PROJECT / "Makefile").read_text(encoding="utf-8")
    assert re.search(rf"(?m)^UV_VERSION := {re.escape(version)}\b", makefile)
    with (PROJECT / "pyproject.toml").open("rb") as handle:
        assert tomllib.load(handle)["tool"]["uv"]["required-version"] == f"=={version}"
    assert len(set(digests)) == 5, "Linux x86_64 glibc and musl, Linux aarch64, macOS x2"
    installs = [line for line in makefile.splitlines() if "pip install" in line]
    command = "pip install --quiet --require-hashes --no-deps --only-binary=:all: -r "
    assert installs == [f"\t.tools/bin/python -m {command}uv-requirements.txt"]


def test_no_workflow_installs_a_tool_other_than_through_the_makefile() -> None:
    """Every job that holds a token bootstraps through make, so through the hash check."""
    workflows = some(sorted((PROJECT / ".github" / "workflows").glob("*.yml")), "workflows")
    for path in workflows:
        for job_id, job in yaml.safe_load(path.read_text(encoding="utf-8"))["jobs"].items():
            for step in job["steps"]:
                run = str(step.get("run", ""))
                assert "pip install" not in run, f"{path.name} {job_id}: {run}"
                assert "uv==" not in run, f"{path.name} {job_id}: {run}"
