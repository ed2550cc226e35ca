"""Link check of a built site: every internal link and anchor resolves, nothing loads from afar.

Usage: ``python scripts/check_links.py SITE_DIR`` (exit 1 and one line per problem otherwise).
Links to other sites (``href="https://…"``) are allowed and not fetched (CI has no network to
spare for that); resources the browser would *load* from another site (``src``, stylesheets)
are errors, because the site promises readers no third-party requests.
"""

from __future__ import annotations

import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

__all__ = ["check_site"]

# Pages whose links are relative to wherever the server shows them, not to their own folder.
_SKIP_PAGES = {"404.html"}


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[tuple[str, str, str]] = []  # (tag, attribute, url)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v for k, v in attrs if v is not None}
        for key in ("id", "name"):
            if key in values:
                self.ids.add(values[key])
        if tag == "link" and "href" in values:
            rel = values.get("rel", "")
            kind = "load" if rel in {"stylesheet", "icon", "preload", "modulepreload"} else "ref"
            if rel != "canonical":
                self.links.append((tag, kind, values["href"]))
        elif "href" in values and tag in {"a", "area"}:
            self.links.append((tag, "ref", values["href"]))
        for key in ("src", "srcset", "data", "poster"):
            if key in values and tag not in {"a"}:
                self.links.append((tag, "load", values[key].split()[0]))


def _target(site: Path, page: Path, path: str) -> Path:
    base = site if path.startswith("/") else page.parent
    target = (base / unquote(path.lstrip("/"))).resolve()
    if target.is_dir() or path.endswith("/"):
        target = target / "index.html"
    return target


def check_site(site: Path) -> list[str]:
    """Problems found in the built site at ``site``: one readable line each, empty if none."""
    site = site.resolve()
    pages: dict[Path, _Page] = {}
    for html in sorted(site.rglob("*.html")):
        parser = _Page()
        parser.feed(html.read_text(encoding="utf-8"))
        pages[html.resolve()] = parser
    problems = []
    for html, parser in pages.items():
        if html.name in _SKIP_PAGES:
            continue
        where = html.relative_to(site)
        for tag, kind, url in parser.links:
            parts = urlsplit(url)
            if parts.scheme in {"mailto", "data", "javascript", "tel"}:
                continue
            if parts.scheme or url.startswith("//"):
                if kind == "load":
                    problems.append(f"{where}: <{tag}> loads {url} from another site")
                continue
            target = _target(site, html, parts.path) if parts.path else html
            if not target.exists():
                problems.append(f"{where}: <{tag}> links to {url}, which is not in the site")
                continue
            fragment = unquote(parts.fragment)
            if fragment and target.suffix == ".html":
                ids = pages.get(target)
                if ids is not None and fragment not in ids.ids:
                    problems.append(f"{where}: <{tag}> links to {url}: no id '{fragment}' there")
    return problems


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python scripts/check_links.py SITE_DIR", file=sys.stderr)
        return 2
    site = Path(args[0])
    problems = check_site(site)
    for problem in problems:
        print(problem)
    count = sum(1 for _ in site.rglob("*.html"))
    print(f"{count} pages checked, {len(problems)} broken or third-party links")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
