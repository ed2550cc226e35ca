"""Serve a folder on 127.0.0.1, text gzip-encoded when asked, as GitHub Pages serves it."""

from __future__ import annotations

import contextlib
import functools
import gzip
import http.server
import io
import threading
from collections.abc import Iterator
from pathlib import Path

__all__ = ["COMPRESSIBLE", "StaticHandler", "serve_directory"]

COMPRESSIBLE = {".html", ".css", ".js", ".json", ".svg", ".xml", ".csv", ".txt", ".map"}


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


class StaticHandler(QuietHandler):
    """A static server that sends text gzip-encoded when asked, as GitHub Pages does.

    Without compression a browser (and Lighthouse's network simulation) would see transfer sizes
    no reader of the published site ever sees.
    """

    def send_head(self):  # type: ignore[no-untyped-def]
        asked = Path(self.translate_path(self.path))
        if asked.is_dir() and not self.path.split("?")[0].endswith("/"):
            return super().send_head()  # the parent class redirects "/dir" to "/dir/"
        path = asked / "index.html" if asked.is_dir() else asked
        wants_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (wants_gzip and path.suffix in COMPRESSIBLE and path.is_file()):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), 6, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        return io.BytesIO(body)


@contextlib.contextmanager
def serve_directory(folder: Path, *, compress: bool = True) -> Iterator[str]:
    """Serve ``folder`` on 127.0.0.1 (a free port), gzip-encoded like a real host; yields the URL.

    ``compress=False`` sends every file as it is on disk (Python's plain static server).
    """
    handler_class = StaticHandler if compress else QuietHandler
    handler = functools.partial(handler_class, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
