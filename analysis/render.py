"""Render artifacts to HTML fragments and downloadable files (no knowledge of any site generator)."""

from __future__ import annotations

import base64
import html
import json
import math
from functools import cache

import pandas as pd

from .artifacts import Artifacts, ChartArtifact
from .bundle import ROOT_TOKEN, Bundle
from .errors import AnalysisError
from .tables import Table

__all__ = ["ChartError", "render_bundle", "svg_for", "table_html", "vegalite_version"]


class ChartError(AnalysisError):
    """A chart's spec or data is invalid; names the chart and the field."""


@cache
def vegalite_version() -> str:
    """The Vega-Lite version Altair writes specs for, as vl-convert names it (e.g. '6.4')."""
    import altair as alt
    import vl_convert as vlc

    major_minor = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    if major_minor not in vlc.get_vegalite_versions():
        msg = (
            f"vl-convert {vlc.__version__} cannot render Vega-Lite {major_minor} "
            f"(Altair {alt.__version__}); it supports {', '.join(vlc.get_vegalite_versions())}"
        )
        raise ChartError(msg)
    return major_minor


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _download_links(items: list[tuple[str, str]]) -> str:
    links = " · ".join(
        f'<a href="{ROOT_TOKEN}{_e(path)}" download>{_e(label)}</a>' for label, path in items
    )
    return f'<span class="study-downloads">Download: {links}</span>'


def _html_table(frame: pd.DataFrame, caption: str | None = None) -> str:
    head = "".join(f'<th scope="col">{_e(c)}</th>' for c in frame.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{_e(v)}</td>" for v in row) + "</tr>"
        for row in frame.itertuples(index=False)
    )
    cap = f"<caption>{_e(caption)}</caption>" if caption else ""
    return f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def table_html(table: Table) -> str:
    """A table as a ``<figure>``: caption, real HTML table, source line and downloads."""
    links = _download_links(
        [
            ("CSV", f"downloads/tables/{table.name}.csv"),
            ("JSON", f"downloads/tables/{table.name}.json"),
        ]
    )
    return (
        f'<figure class="study-table" id="table-{_e(table.name)}">'
        f"{_html_table(table.display, table.caption)}"
        f'<figcaption><span class="study-source">Source: {_e(table.source)}</span> {links}'
        "</figcaption></figure>"
    )


def _check_finite(chart: ChartArtifact) -> None:
    for column in chart.data.columns:
        series = chart.data[column]
        if series.isna().any():
            msg = f"chart '{chart.name}', field '{column}': found a missing value; expected none"
            raise ChartError(msg)
        if pd.api.types.is_numeric_dtype(series) and not all(
            math.isfinite(float(v)) for v in series
        ):
            msg = f"chart '{chart.name}', field '{column}': found a non-finite number"
            raise ChartError(msg)


def _spec(chart: ChartArtifact) -> dict:
    from altair.utils.schemapi import SchemaValidationError

    try:
        return chart.chart.to_dict(validate=True)
    except SchemaValidationError as exc:
        first = str(exc).strip().splitlines()[0]
        msg = f"chart '{chart.name}': the Vega-Lite spec is invalid: {first}"
        raise ChartError(msg) from None


def svg_for(chart: ChartArtifact) -> str:
    """Build-time SVG of a chart, labelled for assistive technology."""
    import vl_convert as vlc

    _check_finite(chart)
    svg = vlc.vegalite_to_svg(_spec(chart), vl_version=vegalite_version())
    label = _e(chart.description)
    return svg.replace("<svg ", f'<svg role="img" aria-label="{label}" focusable="false" ', 1)


def chart_html(chart: ChartArtifact, svg: str) -> str:
    """A chart as a ``<figure>``: build-time SVG, an empty slot for the interactive view, caption,
    keyboard-reachable downloads and a collapsible text description with the data table.

    ``data-spec`` tells the site's chart script where the Vega-Lite spec is; the page itself
    carries no script.
    """
    base = f"downloads/charts/{chart.name}"
    links = _download_links(
        [
            ("data (CSV)", f"{base}.csv"),
            ("SVG", f"{base}.svg"),
            ("PNG", f"{base}.png"),
            ("Vega-Lite", f"{base}.vl.json"),
        ]
    )
    data_table = _html_table(chart.data)
    return (
        f'<figure class="study-chart" id="chart-{_e(chart.name)}" data-chart="{_e(chart.name)}" '
        f'data-spec="{ROOT_TOKEN}{base}.vg.json">'
        f'<div class="study-chart__svg">{svg}</div>'
        '<div class="study-chart__view" hidden></div>'
        f"<figcaption>{_e(chart.caption)} "
        f'<span class="study-source">Source: {_e(chart.source)}</span> {links}</figcaption>'
        '<details class="study-chart__data"><summary>Text description and data</summary>'
        f"<p>{_e(chart.description)}</p>{data_table}</details>"
        "</figure>"
    )


def vega_for(spec: dict) -> str:
    """The Vega spec the interactive view embeds: compiled from Vega-Lite at build time, so the
    browser does no compiling (and shows no compiler warnings to readers)."""
    import vl_convert as vlc

    return json.dumps(vlc.vegalite_to_vega(spec, vl_version=vegalite_version()), indent=None)


def png_for(spec: dict) -> bytes:
    """A PNG of a chart on a white background (for slides and documents)."""
    import vl_convert as vlc

    printable = {**spec, "config": {**spec.get("config", {}), "background": "white"}}
    return vlc.vegalite_to_png(printable, vl_version=vegalite_version(), scale=2)


def _csv(frame: pd.DataFrame) -> str:
    return frame.to_csv(index=False, float_format="%.10g", lineterminator="\n")


def _json(frame: pd.DataFrame) -> str:
    return frame.to_json(orient="records", indent=1, double_precision=10) + "\n"


def _catalogue(artifacts: Artifacts) -> tuple[Table, Table]:
    """Tables describing every downloadable file and every field in it (for the Data page)."""
    files, fields = [], []
    for name in artifacts.data_files:
        files.append(
            (f"downloads/{name}", "YAML", "the reported figures with their source sentences")
        )
    for table in artifacts.tables.values():
        for fmt in ("csv", "json"):
            files.append((f"downloads/tables/{table.name}.{fmt}", fmt.upper(), table.caption))
        fields += [(f"tables/{table.name}", f, d) for f, d in table.fields.items()]
    for chart in artifacts.charts.values():
        files.append((f"downloads/charts/{chart.name}.csv", "CSV", f"data of: {chart.caption}"))
        files.append((f"downloads/charts/{chart.name}.svg", "SVG", "the chart as an image"))
        files.append((f"downloads/charts/{chart.name}.png", "PNG", "the chart as a picture"))
        files.append((f"downloads/charts/{chart.name}.vl.json", "JSON", "Vega-Lite spec"))
        fields += [(f"charts/{chart.name}", f, d) for f, d in chart.fields.items()]
    files_frame = pd.DataFrame(files, columns=["file", "format", "contents"])
    fields_frame = pd.DataFrame(fields, columns=["dataset", "field", "description"])
    source = "This site's build"
    return (
        Table(
            "downloads",
            "Every data file and computed table, downloadable",
            source,
            files_frame,
            files_frame.rename(columns=str.capitalize),
            {
                "file": "path from the site root",
                "format": "file format",
                "contents": "what it holds",
            },
        ),
        Table(
            "fields",
            "What each field of the downloadable tables means",
            source,
            fields_frame,
            fields_frame.rename(columns=str.capitalize),
            {"dataset": "table or chart", "field": "column name", "description": "meaning"},
        ),
    )


def render_bundle(artifacts: Artifacts, *, fingerprint: str = "") -> Bundle:
    """Render every artifact to HTML, and every table and chart to downloadable files."""
    import altair as alt

    blocks: dict[str, str] = {}
    files: dict[str, str] = {}
    binary: dict[str, bytes] = {}
    for name, path in artifacts.data_files.items():
        files[f"downloads/{name}"] = path.read_text(encoding="utf-8")
    tables = dict(artifacts.tables)
    for extra in _catalogue(artifacts):
        tables[extra.name] = extra
    for table in tables.values():
        blocks[f"table:{table.name}"] = table_html(table)
        files[f"downloads/tables/{table.name}.csv"] = _csv(table.data)
        files[f"downloads/tables/{table.name}.json"] = _json(table.data)
    with alt.data_transformers.disable_max_rows():
        for chart in artifacts.charts.values():
            svg = svg_for(chart)
            blocks[f"chart:{chart.name}"] = chart_html(chart, svg)
            base = f"downloads/charts/{chart.name}"
            files[f"{base}.csv"] = _csv(chart.data)
            files[f"{base}.svg"] = svg
            files[f"{base}.vl.json"] = chart.chart.to_json(indent=1) + "\n"
            spec = _spec(chart)
            binary[f"{base}.png"] = png_for(spec)
            files[f"{base}.vg.json"] = vega_for(spec)
    files.update({path: base64.b64encode(data).decode("ascii") for path, data in binary.items()})
    return Bundle(
        blocks=blocks,
        values=dict(artifacts.values),
        files=files,
        binary=sorted(binary),
        fingerprint=fingerprint,
    )
