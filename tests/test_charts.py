"""Charts, checked through their Vega-Lite specs and their rendered SVG."""

from __future__ import annotations

import json
import re
from dataclasses import replace

import pandas as pd
import pytest

from analysis.errors import ChartError
from analysis.registry import build_artifacts
from analysis.render import draw
from analysis.render.blocks import (
    INLINE_ROWS,
    chart_html,
    inline_svg,
    svg_for,
    vegalite_version,
)
from analysis.render.theme import LAYOUTS, PALETTE, WIDE, Layout, config
from analysis.wire.bundle import ROOT_TOKEN
from testsupport.project import PROJECT


@pytest.fixture(scope="module")
def artifacts():
    return build_artifacts()


def test_every_chart_spec_validates_against_the_vega_lite_schema(artifacts) -> None:
    for chart in artifacts.charts.values():
        spec = chart.chart.to_dict(validate=True)
        assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/v6")


def test_charts_use_the_shared_theme_with_text_in_the_page_colour(artifacts) -> None:
    for chart in artifacts.charts.values():
        spec = chart.chart.to_dict()
        assert spec["config"]["axis"]["labelColor"] == "currentColor"
        assert spec["config"]["background"] is None


def test_the_palette_is_okabe_ito_without_black() -> None:
    assert "#000000" not in PALETTE.values()
    assert config()["range"]["category"] == list(PALETTE.values())


def test_patient_flow_shows_every_group_of_the_abstract(artifacts) -> None:
    spec = artifacts.charts["patient_flow"].chart.to_dict()
    texts = [row["text"] for rows in spec["datasets"].values() for row in rows if "text" in row]
    for needle in (
        "80 infants",
        "39 relapsed or refractory",
        "34 relapse · 5 induction failure",
        "15 in remission",
        "22 no remission",
        "2 not in the denominator",
        "23 received HSCT",
        "9 in remission · 12 not · 2 unknown",
        "16 no HSCT",
    ):
        assert any(needle in t for t in texts), needle


def test_patient_flow_marks_derived_counts_with_a_dashed_border(artifacts) -> None:
    spec = artifacts.charts["patient_flow"].chart.to_dict()
    dashed = [
        layer
        for layer in spec["layer"]
        if isinstance(layer.get("mark"), dict) and layer["mark"].get("strokeDash")
    ]
    assert len(dashed) == 1
    assert dashed[0]["transform"] == [{"filter": "datum.derived"}]


def test_proportion_chart_draws_exact_intervals_computed_from_the_counts(artifacts) -> None:
    data = artifacts.charts["proportions"].data.set_index("label")
    row = data.loc["Remission after salvage, of those evaluated"]
    assert (round(row["lower"], 1), round(row["upper"], 1)) == (24.8, 57.9)


def test_every_chart_has_a_text_alternative_with_its_numbers(artifacts) -> None:
    assert "13.4–39.7%" in artifacts.charts["os_5y"].description
    assert "39 relapsed" in artifacts.charts["patient_flow"].description


def test_rendered_svg_is_labelled_and_uses_current_color(artifacts) -> None:
    svg = svg_for(artifacts.charts["os_5y"])
    assert svg.startswith('<svg role="img" aria-label="Overall survival')
    assert 'fill="currentColor"' in svg


def test_svg_clip_ids_are_named_after_the_chart_whatever_was_drawn_before(artifacts) -> None:
    km = artifacts.charts["survival_km"]
    first = svg_for(km)
    svg_for(artifacts.charts["survival_envelope"])  # moves vl-convert's own id counter on
    again = svg_for(km)
    assert again == first
    ids = re.findall(r'id="(clip[^"]*)"', first)
    assert ids
    assert all(i.startswith("clip-survival_km-") for i in ids)
    assert sorted(re.findall(r"url\(#([^)]*)\)", first)) == sorted(ids)


def test_charts_are_handed_on_as_soon_as_they_are_built_before_their_domains_tables(
    monkeypatch,
) -> None:
    """Each domain's charts go to drawing as each is built, before that domain's tables are
    computed (each domain's charts are one step of the cache, then its tables and values
    another)."""
    from analysis import registry as module

    seen: list[tuple[str, str]] = []
    domain_of: dict[str, str] = {}

    def noting_chart(domain, build):
        def chart(inputs):
            made = build(inputs)
            domain_of[made.name] = domain
            return made

        return chart

    def noting_table(domain, build):
        def table(inputs):
            seen.append(("table", domain))
            return build(inputs)

        return table

    noted = tuple(
        replace(
            d,
            charts=tuple(noting_chart(d.name, b) for b in d.chart_builders()),
            charts_from="",
            tables=tuple(noting_table(d.name, b) for b in d.tables),
        )
        for d in module.DOMAINS
    )
    monkeypatch.setattr(module, "DOMAINS", noted)
    built = build_artifacts(
        module.Inputs(cohorts=20), on_chart=lambda chart: seen.append(("chart", chart.name))
    )
    assert [name for kind, name in seen if kind == "chart"] == list(built.charts)
    assert built.charts, "no chart was built"
    assert set(domain_of) == set(built.charts), "a chart was built without its builder noted"
    for chart, domain in domain_of.items():
        handed = seen.index(("chart", chart))
        first_table = seen.index(("table", domain)) if ("table", domain) in seen else len(seen)
        assert handed < first_table, f"{chart} was handed on after a table of {domain}"


def test_a_chart_with_missing_values_fails_naming_chart_and_field(artifacts) -> None:
    chart = artifacts.charts["os_5y"]
    broken = type(chart)(
        **{
            **chart.__dict__,
            "data": chart.data.assign(lower=[None] + [1.0] * (len(chart.data) - 1)),
        }
    )
    with pytest.raises(ChartError, match=r"chart 'os_5y', field 'lower': found a missing value"):
        svg_for(broken)


def test_a_chart_with_non_finite_numbers_fails_naming_chart_and_field(artifacts) -> None:
    chart = artifacts.charts["os_5y"]
    broken = type(chart)(
        **{
            **chart.__dict__,
            "data": chart.data.assign(upper=[float("inf")] + [1.0] * (len(chart.data) - 1)),
        }
    )
    with pytest.raises(ChartError, match=r"chart 'os_5y', field 'upper': found a non-finite"):
        svg_for(broken)


def test_an_invalid_spec_fails_naming_the_chart(artifacts) -> None:
    import altair as alt

    chart = artifacts.charts["os_5y"]
    bad = alt.Chart(pd.DataFrame({"a": [1]})).mark_point().encode(x="a:Q")
    bad.width = "very wide"  # attribute assignment is not validated until the spec is built
    broken = type(chart)(**{**chart.__dict__, "chart": bad})
    with pytest.raises(ChartError, match=r"chart 'os_5y': the Vega-Lite spec is invalid"):
        svg_for(broken)


def test_chart_data_downloads_round_trip_as_json(artifacts) -> None:
    spec = json.loads(artifacts.charts["proportions"].chart.to_json())
    assert spec["description"] == artifacts.charts["proportions"].description


@pytest.mark.parametrize("layout", LAYOUTS, ids=lambda layout: layout.name)
def test_every_chart_is_drawn_no_wider_than_its_layout_with_text_of_at_least_12_px(
    artifacts, layout: Layout
) -> None:
    """Shown in a column at least ``layout.width`` wide, a chart is never scaled down, so its
    text keeps the size it is drawn at (the page switches layout below WIDE.width)."""
    version = vegalite_version()
    for chart in artifacts.charts.values():
        drawing = chart.chart if layout == WIDE else chart.narrow
        assert drawing is not None, f"chart '{chart.name}' has no {layout.name} layout"
        svg = draw.svg(drawing.to_dict(), version)
        width = float(re.search(r'<svg[^>]*\swidth="([\d.]+)"', svg).group(1))
        assert width <= layout.width, (chart.name, width)
        sizes = [float(s) for s in re.findall(r'font-size="([\d.]+)px"', svg)]
        assert min(sizes) >= 12, (chart.name, min(sizes))


def test_the_stylesheet_switches_to_the_narrow_layout_below_the_wide_width() -> None:
    css = (PROJECT / "docs" / "stylesheets" / "study.css").read_text(encoding="utf-8")
    queries = re.findall(r"@container \(max-width: ([\d.]+)px\)", css)
    assert queries == [f"{WIDE.width - 0.02:.2f}"]


def test_the_inline_svg_keeps_every_mark_and_text_and_only_its_root_is_labelled(
    artifacts,
) -> None:
    svg = svg_for(artifacts.charts["survival_km"])
    inline = inline_svg(svg)
    assert len(inline) < 0.7 * len(svg)
    for element in ("<text", "<path", "<line", "clip-path="):
        assert inline.count(element) == svg.count(element), element
    assert re.findall(r">([^<]+)</(?:text|tspan)>", inline) == re.findall(
        r">([^<]+)</(?:text|tspan)>", svg
    )
    assert inline.startswith('<svg role="img" aria-label="Kaplan')
    assert "role=" not in inline[inline.index(">") :]
    assert "font-family" not in inline[inline.index(">") :]


def test_a_chart_page_carries_both_layouts_and_both_compiled_specs(artifacts) -> None:
    chart = artifacts.charts["os_5y"]
    wide, narrow = (f'<svg role="img" width="1"><text>{n}</text></svg>' for n in "wn")
    html = chart_html(chart, wide, narrow)
    assert '<svg data-layout="wide" role="img" width="1"><text>w' in html
    assert '<svg data-layout="narrow" role="img" width="1"><text>n' in html
    assert f'data-spec="{ROOT_TOKEN}downloads/charts/os_5y.vg.json"' in html
    assert f'data-spec-narrow="{ROOT_TOKEN}downloads/charts/os_5y.narrow.vg.json"' in html


def test_a_charts_small_data_table_is_in_the_page_and_a_large_one_is_its_csv_linked(
    artifacts,
) -> None:
    """A table of hundreds of rows made most of the Survival page's DOM, hidden in a closed
    block; the page names it and links its CSV, which the chart script shows when opened."""
    chart = artifacts.charts["os_5y"]
    svg = '<svg role="img"></svg>'
    rows = chart.data.iloc[[i % len(chart.data) for i in range(INLINE_ROWS)]]
    inline = chart_html(replace(chart, data=rows), svg)
    assert inline.count("<tr>") == INLINE_ROWS + 1  # the header and every row
    assert "data-table-rows" not in inline
    large = rows.iloc[[i % INLINE_ROWS for i in range(INLINE_ROWS + 1)]]
    linked = chart_html(replace(chart, data=large), svg)
    assert "<table" not in linked
    columns = len(chart.data.columns)
    details = linked[linked.index("<details") : linked.index("</details>")]
    assert f'<div class="study-chart__table" data-table-rows="{INLINE_ROWS + 1}"' in details
    assert f"{INLINE_ROWS + 1} rows of {columns} columns" in details
    assert f'<a href="{ROOT_TOKEN}downloads/charts/os_5y.csv" download>data (CSV)</a>' in details


def test_a_charts_phone_drawing_shows_the_same_data_as_its_wide_one(artifacts) -> None:
    """The narrow layout re-lays out a chart (positions and axis ticks may differ); every row of
    the chart's data must be drawn in both. The phone drawing once showed the time-0 remission
    comparison beside the wide landmark analysis."""

    def text(v: object) -> str:  # 16 and 16.0 are the same number
        return repr(float(v)) if isinstance(v, int | float) and not isinstance(v, bool) else str(v)

    def drawn_rows(node: object, columns: set[str], found: list[dict]) -> list[dict]:
        rows = isinstance(node, list) and node and all(isinstance(r, dict) for r in node)
        if rows and columns & set(node[0]):
            found.extend(node)
            return found
        if isinstance(node, list | dict):
            for key, value in node.items() if isinstance(node, dict) else enumerate(node):
                if key not in {"config", "encoding", "transform"}:
                    drawn_rows(value, columns, found)
        return found

    for chart in artifacts.charts.values():
        assert chart.narrow is not None, chart.name
        columns = set(chart.data.columns) - {"data_source"}
        for layout, drawing in (("wide", chart.chart), ("narrow", chart.narrow)):
            rows = drawn_rows(drawing.to_dict(), columns, [])
            shown = [c for c in chart.data.columns if c in columns and any(c in r for r in rows)]
            assert shown, (chart.name, layout)
            drawn = {tuple(text(r.get(c)) for c in shown) for r in rows}
            for row in chart.data[shown].itertuples(index=False):
                assert tuple(map(text, row)) in drawn, (chart.name, layout, row)
