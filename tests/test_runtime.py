"""The self-hosted chart runtime is Vega alone, and it draws the site's compiled specs."""

from __future__ import annotations

import json
from importlib import metadata
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from analysis.child_side.runtime import ensure_runtime
from analysis.registry import build_artifacts
from analysis.render import draw
from analysis.render.blocks import vegalite_version
from analysis.wire import digest
from analysis.wire import runtime as where_kept
from analysis.wire.runtime import runtime_file, runtime_key


@pytest.fixture(scope="module")
def runtime(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return ensure_runtime(tmp_path_factory.mktemp("runtime"))


def test_the_runtime_defines_vega_and_neither_vega_lite_nor_vega_embed(
    browser: Browser, runtime: Path
) -> None:
    page = browser.new_page()
    page.add_script_tag(content=runtime.read_text(encoding="utf-8"))
    found = page.evaluate(
        "() => [typeof window.vega?.View, typeof window.vega?.parse, typeof window.vegaLite,"
        " typeof window.vegaEmbed]"
    )
    page.close()
    assert found == ["function", "function", "undefined", "undefined"]


def test_the_runtime_draws_a_spec_compiled_at_build_time_with_its_tooltips(
    browser: Browser, runtime: Path
) -> None:
    chart = build_artifacts().charts["proportions"]
    spec = draw.vega(chart.narrow.to_dict(), vegalite_version())
    page = browser.new_page()
    page.add_script_tag(content=runtime.read_text(encoding="utf-8"))
    svg = page.evaluate(
        "spec => new vega.View(vega.parse(JSON.parse(spec)), {renderer: 'none'}).toSVG()", spec
    )
    page.close()
    assert "Remission after salvage" in svg
    assert "95% CI lower (%)" in svg  # the marks carry their tooltip fields (ARIA description)


def test_a_runtime_made_for_other_packages_or_with_vega_lite_and_vega_embed_is_made_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "old.js").write_text("window.vegaEmbed = …", encoding="utf-8")
    manifest = {"file": "old.js", "key": runtime_key()}
    (tmp_path / "vega-runtime.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert runtime_file(tmp_path) == tmp_path / "old.js"  # made for what is installed now
    with monkeypatch.context() as patched:
        patched.setattr(where_kept, "BUNDLE", "vega-lite-and-vega-embed")  # made with both, before
        assert runtime_file(tmp_path) is None
    real = metadata.version
    monkeypatch.setattr(
        digest.metadata, "version", lambda n: "0.0.0" if n == "vl-convert-python" else real(n)
    )
    assert runtime_file(tmp_path) is None  # another vl-convert: another Vega
