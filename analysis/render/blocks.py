"""Render artifacts to HTML fragments and downloadable files (no knowledge of any site generator)."""

from __future__ import annotations

import functools
import html
import json
import math
import re
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd

from ..artifact import Artifacts, ChartArtifact, Table
from ..errors import ChartError
from ..wire.bundle import ROOT_TOKEN, Bundle
from ..wire.digest import step_key
from ..wire.steps import Steps
from . import draw
from .draw import Drawer

__all__ = [
    "INLINE_ROWS",
    "ChartDrawings",
    "ChartFiles",
    "chart_html",
    "drawing_key",
    "inline_svg",
    "render_bundle",
    "svg_for",
    "table_html",
    "validated_spec",
    "vegalite_version",
]

T = TypeVar("T")


_SCHEMA_VERSION = re.compile(r"/vega-lite/v(\d+)\.(\d+)[.\d]*\.json$")


@functools.cache
def vegalite_version(schema: str = "") -> str:
    """The Vega-Lite version Altair writes specs for, as vl-convert names it (e.g. '6.4').

    ``schema``: a spec's ``$schema``, the version Altair wrote it for; read from it, a spec from
    the step cache is drawn without importing altair. Default: Altair's own version.
    """
    import vl_convert as vlc

    found = _SCHEMA_VERSION.search(schema)
    if found:
        major_minor = f"{found.group(1)}.{found.group(2)}"
    else:
        import altair as alt

        major_minor = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    if major_minor not in vlc.get_vegalite_versions():
        vlc_version = vlc.__version__  # type: ignore[attr-defined]  # vl_convert's stubs omit __version__
        msg = (
            f"vl-convert {vlc_version} cannot render Vega-Lite {major_minor} "
            f"(the spec's $schema: {schema or 'none'}); it supports "
            f"{', '.join(vlc.get_vegalite_versions())}"
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


def _html_table(frame: pd.DataFrame, caption: str | None = None, *, searchable: bool = True) -> str:
    head = "".join(f'<th scope="col">{_e(c)}</th>' for c in frame.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{_e(v)}</td>" for v in row) + "</tr>"
        for row in frame.itertuples(index=False)
    )
    cap = f"<caption>{_e(caption)}</caption>" if caption else ""
    # A chart's data points are for reading beside it, not for finding: kept out of the search
    # index, which every page loads before any interaction.
    attrs = "" if searchable else " data-search-exclude"
    return f"<table{attrs}>{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


# A chart's data table of more rows than this is not written into the page: the page names it
# (rows, columns) and links its CSV, and the site's chart script builds the table from that CSV
# when the reader opens the "Text description and data" block. Each row is 1 + columns elements
# (7 or 8 for the charts here), so 100 rows stay under the 800 elements at which Lighthouse
# starts to count a whole page's DOM as large; the tables of this study's charts are of 3 to 31
# rows, which stay inline, or of hundreds (the survival envelope: 847), which go.
INLINE_ROWS = 100


def _chart_data_table(chart: ChartArtifact, csv_path: str) -> str:
    """The chart's data as an inline table, or, above :data:`INLINE_ROWS` rows, a line naming it
    with a link to its CSV, from which the chart script builds the table when it is opened."""
    if len(chart.data) <= INLINE_ROWS:
        return _html_table(chart.data, searchable=False)
    rows, columns = len(chart.data), len(chart.data.columns)
    return (
        f'<div class="study-chart__table" data-table-rows="{rows}" data-search-exclude>'
        f"<p>The chart’s data, {rows:,} rows of {columns} columns: "
        f'<a href="{ROOT_TOKEN}{_e(csv_path)}" download>data (CSV)</a></p></div>'
    )


def table_html(table: Table) -> str:
    """A table as a ``<figure>``: caption, real HTML table, source line and downloads."""
    links = _download_links(
        [
            ("CSV", f"downloads/tables/{table.file_stem}.csv"),
            ("JSON", f"downloads/tables/{table.file_stem}.json"),
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


def validated_spec(chart: ChartArtifact, layout: str = "wide") -> dict[str, Any]:
    """The layout's validated spec. A chart from the step cache has none of its altair charts
    left, only their specs, each validated when it was made (:meth:`ChartDrawings.add`)."""
    if chart.drawing(layout) is None:
        return chart.specs[layout]
    from altair.utils.schemapi import SchemaValidationError

    try:
        return chart.spec_of(layout, validate=True)
    except SchemaValidationError as exc:
        first = str(exc).strip().splitlines()[0]
        msg = f"chart '{chart.name}': the Vega-Lite spec is invalid: {first}"
        raise ChartError(msg) from None


_CLIP_ID = re.compile(r'(?<=id=")clip(\d+)(?=")|(?<=url\(#)clip(\d+)(?=\))')


def _labelled(chart: ChartArtifact, svg: str, layout: str = "wide") -> str:
    """The SVG labelled for assistive technology, its clip-path ids named after the chart.

    vl-convert numbers clip paths with a counter that runs across every chart it draws, so
    the numbers depend on what was drawn before; renamed, they are the same in every build and
    unique on a page that shows several charts (and both layouts of one).
    """
    numbers: dict[str, int] = {}
    prefix = f"clip-{chart.name}-" + ("" if layout == "wide" else f"{layout}-")

    def rename(match: re.Match[str]) -> str:
        number = match.group(1) or match.group(2)
        return f"{prefix}{numbers.setdefault(number, len(numbers) + 1)}"

    svg = _CLIP_ID.sub(rename, svg)
    label = _e(chart.description)
    return svg.replace("<svg ", f'<svg role="img" aria-label="{label}" focusable="false" ', 1)


_TAG = re.compile(r"<[^>]+>")
# Attributes of the SVG's inner elements that a page does not need: the SVG is one labelled
# image (role="img"), so the roles and labels vl-convert gives each mark are never read, and no
# style or script on the site selects its classes.
_UNUSED = re.compile(r'\s(?:role|aria-[a-z]+|class|pointer-events)="[^"]*"|\sopacity="1"(?=[\s/>])')
_FONT_FAMILY = re.compile(r'\sfont-family="([^"]*)"')
_NUMBER = re.compile(r"(-?\d+\.\d\d)\d+")
_GEOMETRY = re.compile(r'(\s(?:d|transform|x|y|x1|x2|y1|y2|width|height)=")([^"]*)"')


def inline_svg(svg: str) -> str:
    """A labelled chart SVG made smaller for placing in a page, drawn the same.

    Each chart is in a page twice (wide and narrow layout), so its bytes count twice: inner
    roles, ARIA labels and classes go (the root keeps ``role="img"`` and its label), the font
    family is said once on the root instead of on every text, and coordinates keep two
    decimals (1/100 px).
    """
    root_end = svg.index(">") + 1
    root, body = svg[:root_end], svg[root_end:]
    families = set(_FONT_FAMILY.findall(body))
    body = _TAG.sub(lambda tag: _UNUSED.sub("", tag.group(0)), body)
    if len(families) == 1:
        body = _FONT_FAMILY.sub("", body)
        root = root.replace(' class="marks"', "")
        root = root[:-1] + f' font-family="{families.pop()}">'
    body = _GEOMETRY.sub(lambda m: m.group(1) + _NUMBER.sub(r"\1", m.group(2)) + '"', body)
    return root + body


def svg_for(chart: ChartArtifact) -> str:
    """Build-time SVG of a chart, labelled for assistive technology."""
    _check_finite(chart)
    spec = validated_spec(chart)
    return _labelled(chart, draw.svg(spec, vegalite_version(spec.get("$schema", ""))))


def chart_html(chart: ChartArtifact, svg: str, narrow_svg: str | None = None) -> str:
    """A chart as a ``<figure>``: build-time SVG (and its narrow layout, if any), an empty slot
    for the interactive view, caption, keyboard-reachable downloads and a collapsible text
    description with the data table (a table of more than :data:`INLINE_ROWS` rows is linked,
    as its CSV, and built by the chart script when the reader opens the description).

    ``data-spec`` (and ``data-spec-narrow``) tell the site's chart script where the compiled
    Vega specs are; the page itself carries no script. The stylesheet shows the SVG whose
    layout fits the figure's width (``data-layout``).
    """
    base = f"downloads/charts/{chart.file_stem}"
    links = _download_links(
        [
            ("data (CSV)", f"{base}.csv"),
            ("SVG", f"{base}.svg"),
            ("PNG", f"{base}.png"),
            ("Vega-Lite", f"{base}.vl.json"),
        ]
    )
    data_table = _chart_data_table(chart, f"{base}.csv")
    pictures = inline_svg(svg)
    narrow_attribute = ""
    if narrow_svg is not None:
        pictures = _tagged(pictures, "wide") + _tagged(inline_svg(narrow_svg), "narrow")
        narrow_attribute = f' data-spec-narrow="{ROOT_TOKEN}{base}.narrow.vg.json"'
    return (
        f'<figure class="study-chart" id="chart-{_e(chart.name)}" data-chart="{_e(chart.name)}" '
        f'data-spec="{ROOT_TOKEN}{base}.vg.json"{narrow_attribute}>'
        f'<div class="study-chart__svg">{pictures}</div>'
        '<div class="study-chart__view" hidden></div>'
        f"<figcaption>{_e(chart.caption)} "
        f'<span class="study-source">Source: {_e(chart.source)}</span> {links}'
        # Inside the caption: a figure may hold flow content and then one figcaption, and
        # nothing after it (the W3C checker rejects a <details> that follows the caption).
        '<details class="study-chart__data"><summary>Text description and data</summary>'
        f"<p>{_e(chart.description)}</p>{data_table}</details></figcaption>"
        "</figure>"
    )


def _tagged(svg: str, layout: str) -> str:
    return svg.replace("<svg ", f'<svg data-layout="{layout}" ', 1)


def _csv(frame: pd.DataFrame) -> str:
    return frame.to_csv(index=False, float_format="%.10g", lineterminator="\n")


def _json(frame: pd.DataFrame) -> str:
    return frame.to_json(orient="records", indent=1, double_precision=10) + "\n"


def _catalogue(artifacts: Artifacts) -> tuple[Table, Table]:
    """Tables describing every downloadable file and every field in it (for the Data page)."""
    files, fields = [], []
    for name, data_file in artifacts.data_files.items():
        files.append((f"downloads/{name}", "YAML", data_file.contents))
    for table in artifacts.tables.values():
        for fmt in ("csv", "json"):
            files.append((f"downloads/tables/{table.file_stem}.{fmt}", fmt.upper(), table.caption))
        fields += [(f"tables/{table.file_stem}", f, d) for f, d in table.fields.items()]
    for chart in artifacts.charts.values():
        files.append(
            (f"downloads/charts/{chart.file_stem}.csv", "CSV", f"data of: {chart.caption}")
        )
        files.append((f"downloads/charts/{chart.file_stem}.svg", "SVG", "the chart as an image"))
        files.append((f"downloads/charts/{chart.file_stem}.png", "PNG", "the chart as a picture"))
        files.append((f"downloads/charts/{chart.file_stem}.vl.json", "JSON", "Vega-Lite spec"))
        fields += [(f"charts/{chart.file_stem}", f, d) for f, d in chart.fields.items()]
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


Picture = tuple[str, Callable[[], bytes]]  # a site path and how to get the file's bytes


@dataclass(frozen=True)
class ChartFiles:
    """What is drawn of one chart: its validated Vega-Lite spec (wide layout), its labelled
    SVG and compiled Vega JSON per layout (``wide``, and ``narrow`` if it has one), and how to
    get its PNG (wide)."""

    spec: dict[str, Any]
    svg: dict[str, str]
    vega: dict[str, str]
    png: Callable[[], bytes]


class ChartDrawings:
    """Every chart's SVG, Vega and PNG, asked of a :class:`~analysis.render.draw.Drawer` as soon as the
    chart is built (:meth:`add`), so drawing overlaps the computing of what comes after it.

    SVG and Vega (of each layout) are needed for the pages and are drawn first; PNGs are drawn
    when nothing else is waiting.
    """

    def __init__(self, drawer: Drawer | None = None, *, steps: Steps | None = None) -> None:
        self._drawer = drawer or Drawer(helper=False)
        self._steps = steps
        self._drawn: dict[
            str, tuple[dict[str, Any], dict[str, Future[tuple[str, str]]], Future[bytes]]
        ] = {}
        self._keys: dict[str, tuple[dict[str, str], str]] = {}  # what to file, by chart

    def add(self, chart: ChartArtifact) -> None:
        """Ask for the chart's drawings, or take them from the step cache (``steps``).

        A drawing's key is the digest of its spec, the Vega-Lite version and the drawing code
        (:func:`drawing_key`). Each spec is validated once, when it is made from the altair
        chart, and kept with the chart (:attr:`~analysis.artifact.ChartArtifact.specs`): a chart
        from the step cache brings its specs, validated when they were made.
        """
        _check_finite(chart)
        layouts: dict[str, Future[tuple[str, str]]] = {}
        specs: dict[str, dict[str, Any]] = {}
        keys: dict[str, str] = {}
        missed: dict[str, str] = {}  # drawn now, to be filed once drawn
        for layout in chart.layouts:
            spec = chart.specs.get(layout) or validated_spec(chart, layout)
            specs[layout] = chart.specs[layout] = spec
            version = vegalite_version(specs["wide"].get("$schema", ""))
            cached = None
            if self._steps is not None:
                keys[layout] = key = drawing_key(spec, version)
                cached = self._steps.get("drawing", key)
            if cached is not None:
                layouts[layout] = _done(cached)
                continue
            layouts[layout] = self._drawer.submit(draw.vega_and_svg, spec, version)
            if layout in keys:
                missed[layout] = keys[layout]
        png_cached = self._steps.get("png", keys["wide"]) if self._steps is not None else None
        png = (
            _done(png_cached)
            if png_cached is not None
            else self._drawer.submit(draw.png, specs["wide"], version, now=False)
        )
        self._drawn[chart.name] = (specs["wide"], layouts, png)
        if self._steps is not None:
            self._keys[chart.name] = (missed, keys["wide"] if png_cached is None else "")

    def files(self, chart: ChartArtifact) -> ChartFiles:
        """The chart's validated spec, labelled SVGs, Vega JSON, and how to get its PNG."""
        if chart.name not in self._drawn:
            self.add(chart)
        spec, layouts, png = self._drawn[chart.name]
        drawn = {name: drawing.result() for name, drawing in layouts.items()}
        to_file, png_key = self._keys.get(chart.name, ({}, ""))
        if self._steps is not None:
            for layout, key in to_file.items():
                self._steps.put("drawing", key, drawn[layout])
        return ChartFiles(
            spec,
            {name: _labelled(chart, svg, name) for name, (_, svg) in drawn.items()},
            {name: vega for name, (vega, _) in drawn.items()},
            _filed(png, self._steps, png_key) if png_key else png.result,
        )


def drawing_key(spec: dict[str, Any], vl_version: str) -> str:
    """The step key of a chart's drawings: its spec, the Vega-Lite version it is drawn as, the
    versions of Altair (which validated it) and vl-convert, and the drawing code."""
    return step_key(
        f"drawing {vl_version}",
        spec,
        libraries=("altair", "vl-convert-python"),
        code=(Path(draw.__file__).resolve(),),
    )


def _done(value: T) -> Future[T]:
    done: Future[T] = Future()
    done.set_result(value)
    return done


def _filed(png: Future[bytes], steps: Steps | None, key: str) -> Callable[[], bytes]:
    def get() -> bytes:
        picture = png.result()
        if steps is not None:
            steps.put("png", key, picture)
        return picture

    return get


def render_bundle(
    artifacts: Artifacts, *, fingerprint: str = "", drawings: ChartDrawings | None = None
) -> tuple[Bundle, list[Picture]]:
    """Render every artifact to HTML, and every table and chart to downloadable files.

    Charts are drawn by ``drawings`` (default: in this process, when first needed). Returns the
    bundle and its pictures (the PNGs, listed in ``Bundle.external``), which the caller fetches
    after handing the bundle over: they take longest to draw.
    """
    drawings = drawings or ChartDrawings()
    blocks: dict[str, str] = {}
    files: dict[str, str] = {}
    pictures: list[Picture] = []
    for name, data_file in artifacts.data_files.items():
        files[f"downloads/{name}"] = data_file.path.read_text(encoding="utf-8")
    tables = dict(artifacts.tables)
    for extra in _catalogue(artifacts):
        tables[extra.name] = extra
    for table in tables.values():
        blocks[f"table:{table.name}"] = table_html(table)
        files[f"downloads/tables/{table.file_stem}.csv"] = _csv(table.data)
        files[f"downloads/tables/{table.file_stem}.json"] = _json(table.data)
    for chart in artifacts.charts.values():
        drawn = drawings.files(chart)
        blocks[f"chart:{chart.name}"] = chart_html(
            chart, drawn.svg["wide"], drawn.svg.get("narrow")
        )
        base = f"downloads/charts/{chart.file_stem}"
        files[f"{base}.csv"] = _csv(chart.data)
        files[f"{base}.svg"] = drawn.svg["wide"]
        files[f"{base}.vl.json"] = json.dumps(
            drawn.spec, indent=1, sort_keys=True, ensure_ascii=False
        )
        files[f"{base}.vl.json"] += "\n"
        for layout, vega in drawn.vega.items():
            files[f"{base}.vg.json" if layout == "wide" else f"{base}.{layout}.vg.json"] = vega
        pictures.append((f"{base}.png", drawn.png))
    bundle = Bundle(
        blocks=blocks,
        values=dict(artifacts.values),
        files=files,
        external=sorted(path for path, _ in pictures),
        fingerprint=fingerprint,
        citation=dict(artifacts.citation),
    )
    return bundle, pictures
