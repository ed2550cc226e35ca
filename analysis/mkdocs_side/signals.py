"""Under ``serve``, work done after the pages are written (pictures drawn, a notebook executed
again) is shown by one more rebuild: a file written into a signal folder that ``serve`` watches.

Each piece of such work is *expected* by the build that leaves it for later
(:meth:`FollowUps.expect`) and *done* when it ends (:meth:`FollowUps.done`); the file is written
once every piece expected is done, so that one edit brings one follow-up rebuild at most, not one
per piece. A piece that ends without anything to show (stopped because a newer edit superseded
it, or failed) is done without asking for a rebuild. Both plugins of a ``serve`` share the
folder's one :class:`FollowUps` (:func:`follow_ups`; give both the same ``serve_signal_dir``).
Standard library only.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

__all__ = ["SIGNAL_FILE", "FollowUps", "follow_ups"]

SIGNAL_FILE = "follow-up"  # the file in the signal folder that brings the rebuild


class FollowUps:
    """The work still expected after the builds of one ``serve``, and the one signal for it."""

    def __init__(self, signal_dir: Path) -> None:
        self.signal_dir = signal_dir
        self._lock = threading.Lock()
        self._pending: dict[object, str] = {}  # token -> what it is
        self._to_show = False  # some piece done since the last signal has something to show

    def expect(self, what: str) -> object:
        """Note a piece of work left for after the pages; its token goes to :meth:`done`."""
        token = object()
        with self._lock:
            self._pending[token] = what
        return token

    def done(self, token: object, *, shown: bool = True) -> None:
        """The piece ``token`` has ended (``shown``: with something a rebuild shows). Once no
        piece is pending, serve is signalled if any of them had something to show."""
        with self._lock:
            if self._pending.pop(token, None) is None:
                return  # done twice: once is enough
            self._to_show = self._to_show or shown
            if self._pending or not self._to_show:
                return
            self._to_show = False
        self.signal_dir.mkdir(parents=True, exist_ok=True)
        (self.signal_dir / SIGNAL_FILE).write_text(f"{time.time()}\n", encoding="utf-8")


_BY_FOLDER: dict[Path, FollowUps] = {}
_BY_FOLDER_LOCK = threading.Lock()


def follow_ups(signal_dir: Path) -> FollowUps:
    """The one :class:`FollowUps` of ``signal_dir`` in this process (both plugins share it)."""
    with _BY_FOLDER_LOCK:
        return _BY_FOLDER.setdefault(signal_dir.resolve(), FollowUps(signal_dir))
