"""Hostile notes: each payload is rejected by the check, and its sanitised HTML, loaded in a
real browser (Playwright driving the system Chromium), runs no script and opens no dialog."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from analysis.notes.check import check_notes
from analysis.notes.markdown_ext import render_markdown, url_scheme
from analysis.notes.sanitise import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, sanitise
from testsupport.notes import TODAY, make_docs, write_note

PAYLOADS = [
    "<script>alert(1)</script>",
    "<ScRiPt>alert(1)</sCrIpT>",
    "<img src=x onerror=alert(1)>",
    '<img src="x" OnErRoR="alert(1)">',
    "<body onload=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">x</text></a></svg>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<math href="javascript:alert(1)">x</math>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1))",
    "[click](java&#x09;script:alert(1))",
    "[click](<javascript:alert(1)>)",
    "[click][1]\n\n[1]: javascript:alert(1)",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href=" jav&#x09;ascript:alert(1)">x</a>',
    "[x](vbscript:msgbox(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "![x](javascript:alert(1))",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>parent.alert(1)</script>"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<form action="javascript:alert(1)"><button>x</button></form>',
    "<input autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    '<sup style="background:url(javascript:alert(1))">x</sup>',
    "<sup onmouseover=alert(1)>x</sup>",
    "<img src=x onerror=alert(1)//",
    "<<script>script>alert(1)<</script>/script>",
    '<img """><script>alert(1)</script>">',
    '<a href="x" title=\'"><script>alert(1)</script>\'>x</a>',
    '[x](https://example.org/"onmouseover="alert(1))',
    '<!--<img src="--><img src=x onerror=alert(1)//">',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<style>@import 'javascript:alert(1)';</style>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    "![tracker](https://evil.example/pixel.png)",
    "![tracker](//evil.example/pixel.png)",
]
REJECTING_RULES = {"forbidden-html", "forbidden-link", "external-image"}


def test_the_corpus_has_at_least_25_distinct_payloads() -> None:
    assert len(set(PAYLOADS)) == len(PAYLOADS) >= 25


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_check_rejects_the_payload_with_a_reason(tmp_path: Path, payload: str) -> None:
    docs = make_docs(tmp_path)
    write_note(docs, f"A note.\n\n{payload}\n")
    result = check_notes(docs, today=TODAY)
    assert result.notes == []
    rules = {p.rule for p in result.problems}
    assert rules & REJECTING_RULES, result.problems
    assert all(p.file == "docs/notes/a-note.md" and p.line >= 9 for p in result.problems)


def _outputs(payload: str) -> list[str]:
    rendered, _ = render_markdown(payload, slug="x", note_dir="notes")
    return [sanitise(payload), sanitise(rendered)]


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_sanitiser_leaves_only_allowed_tags_attributes_and_urls(payload: str) -> None:
    for html in _outputs(payload):
        parser = _Elements()
        parser.feed(html)
        for tag, attrs in parser.found:
            assert tag in ALLOWED_TAGS, html
            for name, value in attrs:
                assert name in {*ALLOWED_ATTRIBUTES.get(tag, ()), "class", "rel"}, html
                if name in ("href", "src"):
                    assert url_scheme(value or "") in {None, "http", "https", "mailto"}, html
                    assert tag != "img" or url_scheme(value or "") is None, html


def test_sanitised_payloads_run_no_script_in_chromium(browser: Browser) -> None:
    origin = "http://notes.test/"
    dialogs: list[str] = []
    outside: list[str] = []
    page = browser.new_page()
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    current: dict[str, str] = {"html": ""}

    def serve(route) -> None:  # type: ignore[no-untyped-def]
        url = route.request.url
        if url == origin:
            route.fulfill(status=200, content_type="text/html", body=current["html"])
        elif url.startswith(origin):
            route.fulfill(status=404, body="")
        else:
            outside.append(url)
            route.abort()

    page.route("**/*", serve)
    probe = """() => {
      window.__clicked = 0;
      document.addEventListener('click', e => {
        const a = e.target.closest('a');
        if (a && /^(https?|mailto):$/.test(a.protocol)) e.preventDefault();
      }, true);
      for (const el of document.querySelectorAll('#note *')) {
        for (const type of ['mouseover', 'focus', 'click', 'load', 'error', 'toggle']) {
          el.dispatchEvent(new Event(type, {bubbles: true}));
        }
        if (el.tagName === 'A') { el.click(); window.__clicked++; }
      }
      return window.__pwned === undefined;
    }"""
    for payload in PAYLOADS:
        for html in _outputs(payload.replace("alert(1)", "alert(1),window.__pwned=1")):
            current["html"] = (
                "<!doctype html><html><head><title>t</title></head><body>"
                f'<div id="note">{html}</div></body></html>'
            )
            page.goto(origin)
            page.wait_for_timeout(30)
            assert page.evaluate(probe), (payload, html)
            page.wait_for_timeout(30)
            assert page.url == origin, (payload, page.url)
            assert page.evaluate("window.__pwned") is None, (payload, html)
    page.close()
    assert dialogs == []
    assert outside == []
