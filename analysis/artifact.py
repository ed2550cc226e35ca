"""The shared artifact types every domain builds and the renderer reads: tables, charts, values,
and the :class:`Domain` that names a domain's builders for the registry.

A leaf module: it imports nothing from :mod:`analysis`, so any domain may import it.
"""

from __future__ import annotations

import html
import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:  # annotations only: a domain's chart and table modules import them
    import altair as alt
    import pandas as pd

__all__ = ["Artifacts", "ChartArtifact", "DataFile", "Domain", "Table", "literal_text"]

T = TypeVar("T")

# Python-Markdown's own backslash escapes (``Markdown.ESCAPED_CHARS`` without the tables
# extension's ``|``, which is written as an entity so that it holds whatever the extensions).
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!])")
_WHITESPACE = re.compile("[ \t\n\r\f\v\x85\u2028\u2029]+")  # not a no-break space


def literal_text(text: str) -> str:
    """``text`` as a value that shows exactly as typed when pasted into a page's Markdown.

    Values are Markdown (a domain may build a list or a citation in italics), so text that
    comes from a data file as it was typed (a source sentence, a title, a label) is passed
    through here: HTML special characters become entities; Markdown's (emphasis, code, links,
    ``{: attributes}``, a ``--8<--`` include, a heading or list marker) are backslash-escaped;
    ``|`` becomes an entity, so a value in a table row never splits the row; runs of white
    space, line breaks included, become one space, so a value never starts a new block.
    """
    text = html.escape(_WHITESPACE.sub(" ", text), quote=False)
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text).replace("|", "&#124;")


@dataclass(frozen=True)
class Table:
    """A named table: ``data`` is tidy and numeric (for download), ``display`` is for reading."""

    name: str
    caption: str
    source: str
    data: pd.DataFrame
    display: pd.DataFrame
    fields: dict[str, str] = field(default_factory=dict)
    file_prefix: str = ""  # e.g. "reconstructed-": starts the downloaded files' names

    @property
    def file_stem(self) -> str:
        """Name of the downloaded files, without extension."""
        return self.file_prefix + self.name

    def __post_init__(self) -> None:
        missing = [c for c in self.data.columns if c not in self.fields]
        if missing:
            msg = f"table '{self.name}': no description for data column(s) {missing}"
            raise ValueError(msg)


@dataclass(frozen=True)
class ChartArtifact:
    """A chart with what a reader needs beside it: caption, text alternative, data, source.

    ``chart`` is drawn for a wide column; ``narrow``, the same chart laid out for a phone's
    column (see :class:`analysis.render.theme.Layout`), is shown instead where the column is
    narrower. Without it the wide chart is shown everywhere, scaled down.
    """

    name: str
    caption: str
    description: str
    chart: alt.TopLevelMixin | None  # None only in a chart from the step cache (see below)
    data: pd.DataFrame
    fields: dict[str, str]
    source: str
    narrow: alt.TopLevelMixin | None = None
    file_prefix: str = ""  # e.g. "reconstructed-": starts the downloaded files' names
    specs: dict[str, dict[str, Any]] = field(default_factory=dict, compare=False, repr=False)
    """Each layout's Vega-Lite spec once made (:class:`~analysis.render.blocks.ChartDrawings`):
    kept with the chart, so a chart from the step cache is not turned into a spec again."""

    @property
    def file_stem(self) -> str:
        """Name of the downloaded files, without extension."""
        return self.file_prefix + self.name

    @property
    def layouts(self) -> tuple[str, ...]:
        """The chart's layouts: ``wide``, and ``narrow`` if it has one."""
        if self.chart is None:  # pickled without its drawings: their specs say
            return tuple(self.specs)
        return ("wide", "narrow") if self.narrow is not None else ("wide",)

    def drawing(self, layout: str) -> alt.TopLevelMixin | None:
        """The altair chart of ``layout``; ``None`` once pickled without it (its spec is kept)."""
        return self.chart if layout == "wide" else self.narrow

    def spec_of(self, layout: str, *, validate: bool = False) -> dict[str, Any]:
        """The Vega-Lite spec of ``layout``'s altair chart, its data inline however many rows
        it has (validated against the schema if ``validate``)."""
        import altair as alt

        drawing = self.drawing(layout)
        if drawing is None:
            msg = f"chart '{self.name}': no altair chart of the layout {layout!r} is left"
            raise ValueError(msg)
        with alt.data_transformers.disable_max_rows():
            spec: dict[str, Any] = drawing.to_dict(validate=validate)
        return spec

    def __getstate__(self) -> dict[str, Any]:
        """Pickled (into the step cache) without its altair charts once each layout's spec is
        made: the specs are all that drawing it needs, and unpickling altair's objects would
        import altair, about a third of a build's time when every chart is in the cache."""
        state = dict(self.__dict__)
        if self.chart is not None and set(self.layouts) <= set(self.specs):
            state["chart"] = state["narrow"] = None
            state["specs"] = {layout: self.specs[layout] for layout in self.layouts}
        return state


@dataclass(frozen=True)
class DataFile:
    """A data file offered for download as it is: where it is read from and what it holds."""

    path: Path
    contents: str


@dataclass(frozen=True)
class Artifacts:
    tables: dict[str, Table] = field(default_factory=dict)
    charts: dict[str, ChartArtifact] = field(default_factory=dict)
    values: dict[str, str] = field(default_factory=dict)
    data_files: dict[str, DataFile] = field(default_factory=dict)
    citation: dict[str, object] = field(default_factory=dict)  # the paper's reference


@dataclass(frozen=True)
class Domain(Generic[T]):
    """One domain as the registry sees it: what its builders are built from, and the builders.

    Attributes
    ----------
    name
        The domain's package name (``"study"``).
    built_from
        The property of :class:`analysis.registry.Inputs` that reads (once per build) what
        every builder below takes: the domain's results object or its validated data file.
    tables, charts
        Each builds one table or chart from it, in the order the Data page's catalogue lists
        them.
    values
        Builds the domain's inline values (``{{ value NAME }}``) from it.
    charts_from
        A module whose ``CHARTS`` are the charts, instead of :attr:`charts`: imported when they
        are first built (:meth:`chart_builders`), so a build that takes every chart from the
        step cache never imports altair.
    """

    name: str
    built_from: str
    tables: tuple[Callable[[T], Table], ...] = ()
    charts: tuple[Callable[[T], ChartArtifact], ...] = ()
    values: Callable[[T], dict[str, str]] | None = None
    charts_from: str = ""

    def chart_builders(self) -> tuple[Callable[[T], ChartArtifact], ...]:
        """The domain's chart builders: :attr:`charts`, or the ``CHARTS`` of the module
        :attr:`charts_from`, imported now."""
        if not self.charts_from:
            return self.charts
        builders: tuple[Callable[[T], ChartArtifact], ...] = importlib.import_module(
            self.charts_from
        ).CHARTS
        return builders
