"""Under `serve` every rebuild has a new template environment; the theme's templates are compiled
once, and again only when their source changes."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest

from analysis.mkdocs_side.artifacts.serve import TemplateCache


@pytest.fixture
def compiled(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the templates Jinja compiles from source, in order."""
    names: list[str] = []
    compile_source = jinja2.Environment.compile

    def counting(self, source, name=None, filename=None, raw=False, defer_init=False):  # type: ignore[no-untyped-def]
        names.append(name)
        return compile_source(self, source, name, filename, raw, defer_init)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    return names


def _rebuild(folder: Path, cache: TemplateCache) -> str:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(folder), bytecode_cache=cache)
    return env.get_template("page.html").render(title="Results")


def test_a_template_is_compiled_in_the_first_rebuild_only(
    tmp_path: Path, compiled: list[str]
) -> None:
    (tmp_path / "page.html").write_text("<h1>{{ title }}</h1>", encoding="utf-8")
    cache = TemplateCache()
    assert [_rebuild(tmp_path, cache) for _ in range(3)] == ["<h1>Results</h1>"] * 3
    assert compiled == ["page.html"]


def test_an_edited_template_is_compiled_again_and_shows_the_edit(
    tmp_path: Path, compiled: list[str]
) -> None:
    page = tmp_path / "page.html"
    page.write_text("<h1>{{ title }}</h1>", encoding="utf-8")
    cache = TemplateCache()
    _rebuild(tmp_path, cache)
    page.write_text("<h2>{{ title }}</h2>", encoding="utf-8")
    assert _rebuild(tmp_path, cache) == "<h2>Results</h2>"
    assert _rebuild(tmp_path, cache) == "<h2>Results</h2>"
    assert compiled == ["page.html", "page.html"]
