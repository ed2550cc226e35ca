"""Charts are drawn in a helper process, exactly as in this one, urgent drawings first."""

from __future__ import annotations

import re
import time
from concurrent.futures import Future

import pytest

from analysis.render import draw
from analysis.render.draw import Drawer

_CLIP = re.compile(r"clip\d+")
SPEC = {
    "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
    "data": {"values": [{"a": 1, "b": 2}, {"a": 2, "b": 3}]},
    "mark": "point",
    "encoding": {
        "x": {"field": "a", "type": "quantitative"},
        "y": {"field": "b", "type": "quantitative"},
    },
}


def _version() -> str:
    from analysis.render.blocks import vegalite_version

    return vegalite_version()


def finished_at(delay: float) -> int:
    """A stand-in drawing: wait, then say when it finished (monotonic, shared by processes)."""
    time.sleep(delay)
    return time.monotonic_ns()


def fails() -> None:
    msg = "cannot draw this"
    raise ValueError(msg)


def test_the_helper_process_draws_exactly_what_this_process_draws() -> None:
    version = _version()
    here = Drawer(helper=False)
    with Drawer() as helper:
        for make in (draw.svg, draw.vega, draw.vega_and_svg, draw.png):
            assert (
                helper.submit(make, SPEC, version).result()
                == here.submit(make, SPEC, version).result()
            )


def test_drawing_from_the_compiled_vega_gives_the_same_vega_and_svg() -> None:
    version = _version()
    spec = {**SPEC, "mark": {"type": "line", "clip": True}}
    vega, svg = draw.vega_and_svg(spec, version)
    assert vega == draw.vega(spec, version)
    again = draw.svg(spec, version)
    assert 'clip-path="url(#clip' in svg  # vl-convert's clip counter runs on between drawings
    assert _CLIP.sub("clip", svg) == _CLIP.sub("clip", again)


def test_drawings_asked_for_now_are_drawn_before_those_that_can_wait() -> None:
    with Drawer() as helper:
        first = helper.submit(finished_at, 0.5, now=False)  # starts at once: nothing else waits
        later = [helper.submit(finished_at, 0.0, now=False) for _ in range(2)]
        urgent = helper.submit(finished_at, 0.0)
        assert first.result() < urgent.result() < min(f.result() for f in later)


def test_drawings_that_can_wait_start_only_once_what_holds_them_is_done() -> None:
    # serve: the PNGs are drawn after the bundle is handed over, never before a chart's SVG.
    handed_over: Future[None] = Future()
    with Drawer() as helper:
        helper.hold_later(handed_over)
        picture = helper.submit(finished_at, 0.0, now=False)
        time.sleep(0.5)
        assert not picture.done()  # the helper is idle, yet does not start it
        urgent = helper.submit(finished_at, 0.0)
        assert urgent.result() < time.monotonic_ns()
        assert not picture.done()
        released = time.monotonic_ns()
        handed_over.set_result(None)
        assert picture.result() > max(urgent.result(), released)


@pytest.mark.parametrize("helper", [False, True])
def test_a_drawing_that_fails_raises_its_error_from_result_in_either_process(helper: bool) -> None:
    with Drawer(helper=helper) as drawer:
        failed = drawer.submit(fails)
        with pytest.raises(ValueError, match="cannot draw this"):
            failed.result()
