"""Under ``serve``, work done after the pages are written (pictures drawn, a notebook executed
again) writes a file into a signal folder that ``serve`` watches: that brings the rebuild that
shows it. Standard library only."""

from __future__ import annotations

import time
from pathlib import Path

__all__ = ["signal"]


def signal(signal_dir: Path, what: str) -> None:
    """Say ``what`` is done: write the file ``signal_dir / what`` (``serve`` sees it change)."""
    signal_dir.mkdir(parents=True, exist_ok=True)
    (signal_dir / what).write_text(f"{time.time()}\n", encoding="utf-8")
