"""Shared fixtures: the project's paths and a strict site build into a temporary folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]
STUDY_FILE = PROJECT / "analysis" / "data" / "study.yaml"


def run_mkdocs_build(
    site_dir: Path, *, project: Path = PROJECT, extra_env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``mkdocs build --strict`` of ``project`` into ``site_dir``, as CI runs it."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1700000000"}
    env.update(extra_env or {})
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(site_dir)],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def copy_site_sources(dest: Path) -> Path:
    """Copy what a site build reads (config, pages, snippets) so a test may change it."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(PROJECT / "mkdocs.yml", dest / "mkdocs.yml")
    for folder in ("docs", "includes"):
        shutil.copytree(PROJECT / folder, dest / folder)
    shutil.copytree(PROJECT / "overrides", dest / "overrides")  # theme.custom_dir
    shutil.copy(PROJECT / "CHANGELOG.md", dest / "CHANGELOG.md")  # included by docs/changelog.md
    return dest


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The whole site, built once per test session with ``--strict``."""
    site = tmp_path_factory.mktemp("site")
    result = run_mkdocs_build(site)
    assert result.returncode == 0, result.stderr
    return site
