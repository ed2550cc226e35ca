"""The step cache: one file per computed step (a domain's outputs, the patient-level analysis,
a chart's drawing, a scenario's reconstruction), named by the digest of what the step read and
of its code (:func:`~.digest.step_key`).

Whoever computes a step makes its key from the inputs it actually used and files the result
under it, so an entry never holds results of other inputs. Entries are written to a temporary
file and renamed into place (builds running at once never see half an entry); each holds the
SHA-256 of its payload, so a truncated or garbled entry is found, removed and computed again,
never trusted. Reading an entry marks it used (its modification time); past a count or size cap
the entries used longest ago are removed. Standard library only.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import threading
from collections import Counter
from pathlib import Path
from typing import Any

__all__ = ["MAX_BYTES", "MAX_ENTRIES", "STEPS_DIR", "STEP_NAMES", "Steps"]

STEPS_DIR = "steps"  # beside the bundle entries, in the analysis cache folder
MAX_ENTRIES = 400  # a build files about 30 (7 charts' drawings and PNGs, 5 reconstructions, 4 domains, 3 domains' charts)
MAX_BYTES = 200 * 2**20
# every step the analysis caches
STEP_NAMES = ("analysis", "charts", "domain", "drawing", "png", "reconstruction")
_MAGIC = b"analysis-step 1\n"
_SUFFIX = ".step"


class Steps:
    """Cached steps under ``root``, with counts of what was reused, made and found corrupt.

    Steps named in ``off`` are never read nor filed (each is then made every time).
    """

    def __init__(
        self,
        root: Path,
        *,
        max_entries: int = MAX_ENTRIES,
        max_bytes: int = MAX_BYTES,
        off: frozenset[str] = frozenset(),
    ) -> None:
        self.root = root
        self.off = off
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.counts: Counter[tuple[str, str]] = Counter()  # (step, "reused" | "made" | ...)
        self._lock = threading.Lock()

    def path(self, step: str, key: str) -> Path:
        return self.root / f"{step}-{key}{_SUFFIX}"

    def get(self, step: str, key: str) -> Any | None:
        """The step's cached result, or ``None`` (absent, or unreadable: then it is removed)."""
        if step in self.off:
            return None
        path = self.path(step, key)
        try:
            raw = path.read_bytes()
        except OSError:
            return None
        head, _, rest = raw.partition(b"\n")
        digest, _, payload = rest.partition(b"\n")
        try:
            if head + b"\n" != _MAGIC or hashlib.sha256(payload).hexdigest().encode() != digest:
                raise ValueError(path)
            value = pickle.loads(payload)  # our own entry, its digest checked
        except (
            ValueError,
            pickle.UnpicklingError,
            EOFError,
            AttributeError,
            ImportError,
            TypeError,
        ):
            self._count(step, "corrupt")
            path.unlink(missing_ok=True)
            return None
        with contextlib.suppress(OSError):  # evicted meanwhile by another build: still read
            os.utime(path)  # used now: evicted last
        self._count(step, "reused")
        return value

    def put(self, step: str, key: str, value: Any) -> None:
        """File ``value`` under the step's key (atomically), then evict past the caps."""
        if step in self.off:
            self._count(step, "made")
            return
        payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        digest = hashlib.sha256(payload).hexdigest().encode()
        self.root.mkdir(parents=True, exist_ok=True)
        path = self.path(step, key)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        tmp.write_bytes(_MAGIC + digest + b"\n" + payload)
        tmp.replace(path)
        self._count(step, "made")
        self.evict()

    def evict(self) -> None:
        """Remove the entries used longest ago until both caps are met."""
        entries = []
        for path in self.root.glob(f"*{_SUFFIX}"):
            try:
                info = path.stat()
            except FileNotFoundError:  # removed meanwhile by another build
                continue
            entries.append((info.st_mtime_ns, info.st_size, path))
        entries.sort()
        count, size = len(entries), sum(s for _, s, _ in entries)
        for _, entry_size, path in entries:
            if count <= self.max_entries and size <= self.max_bytes:
                break
            path.unlink(missing_ok=True)
            count, size = count - 1, size - entry_size

    def summary(self) -> str:
        """One line for the log, e.g. ``steps: drawing made=0 reused=7; ...``."""
        steps = sorted({step for step, _ in self.counts})
        parts = [
            f"{step} "
            + " ".join(
                f"{what}={self.counts[step, what]}" for what in ("made", "reused", "corrupt")
            )
            for step in steps
        ]
        return "steps: " + ("; ".join(parts) if parts else "none")

    def _count(self, step: str, what: str) -> None:
        with self._lock:
            self.counts[step, what] += 1
