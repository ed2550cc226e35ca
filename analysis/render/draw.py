"""Draw Vega-Lite specs with vl-convert: SVG, compiled Vega and PNG, here or in a helper process.

vl-convert holds Python's GIL while it draws, so a thread cannot overlap drawing with Python
work. A :class:`Drawer` draws in one helper process instead (started with the first drawing;
starting it earlier, during the heavy imports, measured no faster on two cores): it draws each
chart as soon as its spec is ready, while the main process goes on computing.
``Drawer(helper=False)`` draws in the calling process (same results; used by tests). No helper
is started ahead of its bundle, under ``serve`` either: it lives as long as its :class:`Drawer`.
"""

from __future__ import annotations

import json
import multiprocessing
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from types import TracebackType
from typing import Any, Self, TypeVar

from ..lifetime import pool_initializer

__all__ = [
    "Drawer",
    "png",
    "svg",
    "vega",
    "vega_and_svg",
]

T = TypeVar("T")
_Job = tuple[Callable[..., Any], tuple[Any, ...], Future[Any]]


def svg(spec: dict[str, Any], vl_version: str) -> str:
    """The chart as SVG."""
    import vl_convert as vlc

    return vlc.vegalite_to_svg(spec, vl_version=vl_version)


def vega(spec: dict[str, Any], vl_version: str) -> str:
    """The chart compiled to Vega, as JSON text (what the browser embeds, with no compiling)."""
    import vl_convert as vlc

    return json.dumps(vlc.vegalite_to_vega(spec, vl_version=vl_version), indent=None)


def vega_and_svg(spec: dict[str, Any], vl_version: str) -> tuple[str, str]:
    """The chart compiled to Vega (JSON text, as :func:`vega` gives it) and drawn as SVG from
    that Vega: the same SVG as :func:`svg`, with Vega-Lite compiled once instead of twice."""
    import vl_convert as vlc

    compiled = vlc.vegalite_to_vega(spec, vl_version=vl_version)
    return json.dumps(compiled, indent=None), vlc.vega_to_svg(compiled)


def png(spec: dict[str, Any], vl_version: str) -> bytes:
    """The chart as a PNG on a white background, at twice its size (for slides and documents)."""
    import vl_convert as vlc

    printable = {**spec, "config": {**spec.get("config", {}), "background": "white"}}
    return vlc.vegalite_to_png(printable, vl_version=vl_version, scale=2)


def _start_engine() -> None:
    """Start vl-convert's engine in this process now: its first drawing takes ~0.4 s more."""
    import vl_convert as vlc

    newest = vlc.get_vegalite_versions()[-1]
    vlc.vegalite_to_svg({"mark": "point"}, vl_version=newest)


def _helper_pool() -> ProcessPoolExecutor:
    # "spawn": a fresh interpreter that imports only this module, on every platform. The
    # helper ends with this process, however it ends.
    return ProcessPoolExecutor(
        max_workers=1,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=pool_initializer(_start_engine),
    )


class Drawer:
    """Draws charts in one helper process (default) or in this process.

    The helper draws one thing at a time: everything asked for ``now`` first, in order, then
    the rest (``now=False``: pictures nobody waits for until the end).
    """

    def __init__(self, *, helper: bool = True) -> None:
        self._pool: ProcessPoolExecutor | None = None
        self._queues: tuple[deque[_Job], deque[_Job]] = (deque(), deque())
        self._busy = False
        self._held_until: Future[Any] | None = None
        self._lock = threading.Lock()
        if helper:
            self._pool = _helper_pool()

    def submit(self, draw: Callable[..., T], *args: Any, now: bool = True) -> Future[T]:
        """Ask for a drawing; the result (or the drawing's error) comes from ``.result()``."""
        result: Future[T] = Future()
        if self._pool is None:
            try:
                result.set_result(draw(*args))
            except Exception as exc:  # noqa: BLE001 (handed to the caller, as the helper would)
                result.set_exception(exc)
            return result
        with self._lock:
            self._queues[0 if now else 1].append((draw, args, result))
        self._next()
        return result

    def hold_later(self, until: Future[Any]) -> None:
        """Start no drawing that can wait (``now=False``) before ``until`` is done."""
        with self._lock:
            self._held_until = until
        until.add_done_callback(lambda _: self._next())

    def _next(self) -> None:
        with self._lock:
            if self._busy or self._pool is None:
                return
            held = self._held_until is not None and not self._held_until.done()
            queue = self._queues[0] or (None if held else self._queues[1])
            if not queue:
                return
            draw, args, result = queue.popleft()
            self._busy = True
            drawing = self._pool.submit(draw, *args)

        def done(finished: Future[Any]) -> None:
            error = finished.exception()
            if error is None:
                result.set_result(finished.result())
            else:
                result.set_exception(error)
            with self._lock:
                self._busy = False
            self._next()

        drawing.add_done_callback(done)

    def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
            for queue in self._queues:
                for _, _, result in queue:
                    result.cancel()
                queue.clear()
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()
