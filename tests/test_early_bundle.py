"""The bundle is started as soon as the analysis plugin's options are read, and the build takes
that job only if its inputs are still the same when the build starts (``on_config``)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import properdocs.__main__  # noqa: F401 - first: it makes `mkdocs` the engine's own package
import pytest
from properdocs.config import load_config

from analysis.mkdocs_side.artifacts.jobs import BundleJob
from analysis.mkdocs_side.artifacts.plugin import ArtifactsPlugin
from testsupport.project import STUDY_FILE, copy_site_sources

PROSE_BEFORE = "source: The median duration of first remission was 5 months"
PROSE_AFTER = "source: The median length of first remission was 5 months"


def _project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the site reading a study file of its own (``study.yaml``), with an empty cache,
    made the current folder (the build runs there)."""
    project = copy_site_sources(tmp_path / "site")
    shutil.copy(STUDY_FILE, project / "study.yaml")
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    assert config.count("  - study-analysis:\n") == 1
    config = config.replace(
        "  - study-analysis:\n", "  - study-analysis:\n      study: study.yaml\n"
    )
    (project / "mkdocs.yml").write_text(config, encoding="utf-8")
    monkeypatch.chdir(project)
    monkeypatch.setenv("STUDY_GIT_DATES", "false")
    return project


def _started(project: Path) -> tuple[Any, ArtifactsPlugin]:
    """The config as the engine reads it, and the analysis plugin it made."""
    config = load_config(str(project / "mkdocs.yml"))
    plugin = config.plugins["study-analysis"]
    assert isinstance(plugin, ArtifactsPlugin)
    return config, plugin


def _started_ahead(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[Path, Any, ArtifactsPlugin, BundleJob]:
    """A project whose config the engine has read, and the job its plugin started then."""
    project = _project(tmp_path, monkeypatch)
    config, plugin = _started(project)
    assert plugin._early is not None, "no bundle was started as the config was read"
    return project, config, plugin, plugin._early


def _build_starts(config: Any, plugin: ArtifactsPlugin) -> None:
    """The build's first hooks, as the engine runs them: the edition (the citation plugin's
    ``on_config``), then the analysis plugin's; the Vega runtime it asks for is waited for."""
    plugin.on_startup(command="build", dirty=False)
    config.plugins["study-citation"].on_config(config)
    plugin.on_config(config)
    assert plugin._runtime_job is not None
    plugin._runtime_job.result()


@pytest.mark.slow  # computes a bundle
def test_the_job_started_with_the_config_is_the_builds_when_nothing_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, config, plugin, early = _started_ahead(tmp_path, monkeypatch)
    assert not early.cached  # an empty cache: a child computes it
    _build_starts(config, plugin)
    assert plugin._job is early
    assert plugin._early is None
    assert plugin.bundle().values  # the child's bundle, read
    early.finish()


def test_a_job_started_for_inputs_edited_before_the_build_starts_is_stopped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project, config, plugin, early = _started_ahead(tmp_path, monkeypatch)
    study = project / "study.yaml"
    study.write_text(study.read_text("utf-8").replace(PROSE_BEFORE, PROSE_AFTER), "utf-8")
    _build_starts(config, plugin)
    assert plugin._job is not None
    assert plugin._job is not early
    assert plugin._job.key != early.key  # the edited file's key
    assert early.stopped
    assert early.done  # its child has ended
    plugin._job.end()


def test_a_config_read_again_stops_the_job_started_with_the_first_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project, _, plugin, first = _started_ahead(tmp_path, monkeypatch)
    # The engine keeps a plugin with on_startup across readings of the config (serve does so).
    errors, _ = plugin.load_config(
        {"study": "study.yaml"}, config_file_path=str(project / "mkdocs.yml")
    )
    assert not errors
    assert first.stopped
    assert first.done
    second = plugin._early
    assert second is not None
    assert second is not first
    second.end()


def test_no_job_is_started_ahead_on_a_rebuild_under_serve(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project, _, plugin, early = _started_ahead(tmp_path, monkeypatch)
    early.end()
    plugin._early = None
    plugin._serving = True  # as on_startup(command="serve") leaves it
    errors, _ = plugin.load_config(
        {"study": "study.yaml"}, config_file_path=str(project / "mkdocs.yml")
    )
    assert not errors
    assert plugin._early is None
