"""The site's one chart theme: Okabe–Ito colours, text in the page's own colour (light and dark)."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import altair as alt

__all__ = [
    "FONT",
    "LAYOUTS",
    "NARROW",
    "PALETTE",
    "THEME_NAME",
    "WIDE",
    "Layout",
    "both_layouts",
    "config",
    "semantic_colour",
    "wrap",
]

THEME_NAME = "study"

# Okabe & Ito (2008) colour-blind-safe palette, without black so marks show on dark pages too.
PALETTE = {
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}

# Meaning → colour, used the same way on every chart.
_SEMANTIC = {
    "cohort": PALETTE["blue"],
    "studied": PALETTE["reddish_purple"],
    "favourable": PALETTE["bluish_green"],
    "unfavourable": PALETTE["vermillion"],
    "unknown": PALETTE["orange"],
    "outside": PALETTE["sky_blue"],
    "estimate": PALETTE["blue"],
}


@dataclass(frozen=True)
class Layout:
    """How much room a chart is drawn for.

    Every chart is drawn once per layout at build time; the page shows the one that fits the
    chart's column (a container query in ``docs/stylesheets/study.css`` switches below
    ``WIDE.width``). ``width`` is the most CSS px the whole drawing may take, so that a chart
    shown in a column at least that wide is never scaled down and its text keeps its size.
    """

    name: str
    width: int


# Wide: a desktop or tablet column (Material's content column is 662-757 px from 768 px
# windows up). Narrow: a phone's column (358 px at a 390 px window, 332 px in a collapsed block).
WIDE = Layout("wide", 640)
NARROW = Layout("narrow", 330)
LAYOUTS = (WIDE, NARROW)


def wrap(text: str, layout: Layout, *, chars: int, lines: int | None = None) -> str | list[str]:
    """``text`` as is on the wide layout; on the narrow one, lines of at most ``chars``
    characters (a list, which Vega draws as one line each), padded with empty lines to
    ``lines`` if given (so that what is drawn under it can sit at a fixed offset)."""
    if layout != NARROW:
        return text
    wrapped = textwrap.wrap(text, chars, break_on_hyphens=False) or [""]
    if lines is not None:
        wrapped += [""] * (lines - len(wrapped))
    return wrapped if len(wrapped) > 1 else wrapped[0]


_Drawing = TypeVar("_Drawing")


def both_layouts(
    draw: Callable[..., _Drawing], /, *args: Any, **kwargs: Any
) -> tuple[_Drawing, _Drawing]:
    """``draw(*args, **kwargs)`` for a wide column and for a phone's (``layout=NARROW``): one
    call, so the two drawings of a chart cannot show different things."""
    return draw(*args, **kwargs), draw(*args, **kwargs, layout=NARROW)


FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"


def semantic_colour(meaning: str) -> str:
    """Colour for a meaning such as 'favourable' or 'unknown'."""
    try:
        return _SEMANTIC[meaning]
    except KeyError:
        msg = f"unknown chart meaning {meaning!r}; expected one of {', '.join(_SEMANTIC)}"
        raise ValueError(msg) from None


def config() -> dict[str, Any]:
    """Vega-Lite config. Text and axes use ``currentColor`` so one SVG follows the page theme."""
    ink = "currentColor"
    return {
        "background": None,
        "font": FONT,
        "view": {"stroke": None},
        "axis": {
            "labelColor": ink,
            "titleColor": ink,
            "domainColor": ink,
            "tickColor": ink,
            "gridColor": ink,
            "gridOpacity": 0.15,
            "labelFontSize": 12,
            "titleFontSize": 12,
            "titleFontWeight": "normal",
        },
        "legend": {"labelColor": ink, "titleColor": ink, "labelFontSize": 12},
        "title": {"color": ink, "subtitleColor": ink, "fontSize": 14, "anchor": "start"},
        "text": {"color": ink, "fontSize": 12},
        "mark": {"color": PALETTE["blue"]},
        "range": {"category": list(PALETTE.values())},
    }


@alt.theme.register(THEME_NAME, enable=True)
def _theme() -> alt.theme.ThemeConfig:
    return alt.theme.ThemeConfig(config=config())  # type: ignore[typeddict-item]
