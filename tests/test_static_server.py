"""The static server the browser tests and benchmarks use behaves like the real host (gzip)."""

from __future__ import annotations

import gzip
import urllib.request
from pathlib import Path

from testsupport.serving import serve_directory


def _get(url: str, encoding: str | None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers={"Accept-Encoding": encoding} if encoding else {})
    with urllib.request.urlopen(request) as response:
        return response.status, dict(response.headers), response.read()


def test_text_is_sent_gzip_encoded_when_the_browser_asks_as_github_pages_does(tmp_path: Path):
    page = "<!doctype html><title>t</title>" + "<p>study</p>" * 500
    (tmp_path / "results").mkdir()
    (tmp_path / "results" / "index.html").write_text(page)
    with serve_directory(tmp_path) as url:
        status, headers, body = _get(url + "results/", "gzip, deflate")
    assert status == 200
    assert headers["Content-Encoding"] == "gzip"
    assert int(headers["Content-Length"]) == len(body) < len(page) / 10
    assert gzip.decompress(body).decode() == page


def test_files_are_sent_as_they_are_without_accept_encoding_or_when_not_text(tmp_path: Path):
    (tmp_path / "index.html").write_text("<p>plain</p>")
    (tmp_path / "favicon.png").write_bytes(b"\x89PNG not really")
    with serve_directory(tmp_path) as url:
        _, headers, body = _get(url, None)
        assert "Content-Encoding" not in headers
        assert body == b"<p>plain</p>"
        _, headers, body = _get(url + "favicon.png", "gzip")
        assert "Content-Encoding" not in headers
        assert body == b"\x89PNG not really"


def test_uncompressed_serving_can_be_asked_for(tmp_path: Path):
    (tmp_path / "index.html").write_text("<p>plain</p>" * 100)
    with serve_directory(tmp_path, compress=False) as url:
        _, headers, body = _get(url, "gzip")
    assert "Content-Encoding" not in headers
    assert body == b"<p>plain</p>" * 100


def test_a_folder_without_its_slash_is_redirected_not_compressed(tmp_path: Path):
    (tmp_path / "results").mkdir()
    (tmp_path / "results" / "index.html").write_text("<p>r</p>")
    with serve_directory(tmp_path) as url:
        status, _, body = _get(url + "results", "gzip")  # urllib follows the 301
    assert status == 200
    assert gzip.decompress(body) == b"<p>r</p>"
