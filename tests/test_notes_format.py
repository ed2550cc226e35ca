"""Each notes formatting rule of the source page, source → HTML, after sanitising."""

from __future__ import annotations

import datetime as dt
import re

import markdown
import pytest
import yaml

from analysis.notes.markdown_ext import ROOT_TOKEN, render_markdown
from analysis.notes.sanitise import sanitise
from analysis.notes.schema import parse_note
from testsupport.project import PROJECT


def note_html(source: str, *, slug: str = "n") -> str:
    html, _ = render_markdown(source, slug=slug, note_dir="notes")
    return sanitise(html)


def squash(html: str) -> str:
    return re.sub(r">\s+<", "><", html).strip()


def test_asterisks_make_italics() -> None:
    assert note_html("an *italic* word") == "<p>an <em>italic</em> word</p>"


def test_underscores_make_underline_in_notes() -> None:
    assert note_html("an _underlined_ word") == "<p>an <u>underlined</u> word</p>"


def test_underscores_inside_words_stay_as_they_are() -> None:
    assert note_html("snake_case_name") == "<p>snake_case_name</p>"


def test_underscores_stay_emphasis_on_the_rest_of_the_site() -> None:
    class Loader(yaml.SafeLoader):
        pass

    Loader.add_constructor("!ENV", lambda loader, node: None)
    config = yaml.load((PROJECT / "mkdocs.yml").read_text(), Loader=Loader)
    names = [e if isinstance(e, str) else next(iter(e)) for e in config["markdown_extensions"]]
    assert not any("notes" in name for name in names)
    site_md = markdown.Markdown(extensions=[n for n in names if not n.startswith("pymdownx")])
    assert site_md.convert("an _emphasised_ word") == "<p>an <em>emphasised</em> word</p>"


def test_double_asterisks_make_bold() -> None:
    assert note_html("a **bold** word") == "<p>a <strong>bold</strong> word</p>"


def test_superscript_and_subscript_tags_are_kept() -> None:
    assert note_html("10<sup>9</sup>/L and H<sub>2</sub>O") == (
        "<p>10<sup>9</sup>/L and H<sub>2</sub>O</p>"
    )


def test_numbered_lines_make_a_numbered_list() -> None:
    assert squash(note_html("1. one\n2. two\n3. three")) == (
        "<ol><li>one</li><li>two</li><li>three</li></ol>"
    )


@pytest.mark.parametrize("marker", ["-", "*"])
def test_hyphens_and_asterisks_make_a_bulleted_list(marker: str) -> None:
    assert squash(note_html(f"{marker} one\n{marker} two")) == "<ul><li>one</li><li>two</li></ul>"


def test_lists_nest_by_indentation() -> None:
    source = "1. one\n2. two\n    - two a\n    * two b\n3. three"
    assert squash(note_html(source)) == (
        "<ol><li>one</li><li>two<ul><li>two a</li><li>two b</li></ul></li><li>three</li></ol>"
    )


def test_links_keep_their_address_and_open_no_referrer() -> None:
    assert note_html("[my link to pubmed](http://pubmed.com)") == (
        '<p><a href="http://pubmed.com" rel="ugc nofollow noopener noreferrer">'
        "my link to pubmed</a></p>"
    )


def test_relative_links_to_pages_become_site_urls() -> None:
    assert f'href="{ROOT_TOKEN}results/#survival"' in note_html("[r](../results.md#survival)")


def test_images_keep_alt_text_and_title_and_resolve_beside_the_note() -> None:
    assert note_html('![alt text](study_graph.png "Image Title Text")') == (
        f'<p><img alt="alt text" src="{ROOT_TOKEN}notes/study_graph.png" '
        'title="Image Title Text"></p>'
    )


def test_inline_footnote_becomes_a_numbered_footnote() -> None:
    html = squash(note_html("A claim[^1](This is a footnote.).", slug="s"))
    assert '<sup id="note-s-fnref-1"><a class="footnote-ref" href="#note-s-fn-1"' in html
    assert re.search(r'<li id="note-s-fn-1"><p>This is a footnote\.(&nbsp;|\xa0)<a ', html)


def test_a_footnote_marker_after_a_number_reads_apart_from_it() -> None:
    """Copied, or read aloud, "39" and its footnote 1 must not run together as "391"."""
    html = note_html("together make **39**[^1].\n\n[^1]: Why.", slug="s")
    text = re.sub(r"<[^>]+>", "", html)  # what a copy of the rendered text holds
    assert "391" not in text
    assert "39[1]" in text


def test_reference_footnote_is_placed_at_the_end() -> None:
    html = squash(
        note_html("A claim[^1].\n\nMore text.\n\n[^1]: This is a long footnote.", slug="s")
    )
    assert (
        html.index('href="#note-s-fn-1"')
        < html.index("More text")
        < html.index("This is a long footnote.")
    )
    assert '<div class="footnote"><hr><ol><li id="note-s-fn-1">' in html


def test_both_footnote_forms_number_in_reading_order() -> None:
    html = squash(note_html("a[^x].\nb[^y](inline one).\n\n[^x]: reference one", slug="s"))
    assert re.findall(r'class="footnote-ref"[^>]*>\[(\d)\]<', html) == ["1", "2"]
    assert html.index("reference one") < html.index("inline one")


def test_inline_footnote_text_may_contain_parentheses() -> None:
    assert "A note (with an aside)." in note_html("x[^1](A note (with an aside).)")


def test_footnote_ids_of_two_notes_on_one_page_differ() -> None:
    assert 'id="note-first-fn-1"' in note_html("a[^1](one)", slug="first")
    assert 'id="note-second-fn-1"' in note_html("a[^1](one)", slug="second")


def test_template_shows_every_rule_but_images_which_need_a_file() -> None:
    note, problems = parse_note(
        (PROJECT / "docs/notes/_template.md").read_text(encoding="utf-8"),
        file="_template.md",
        docs_path="notes/_template.md",
        slug="t",
        today=dt.date.max,
    )
    assert note is not None, problems
    html = note_html(note.body)
    for tag in ("<em>", "<u>", "<strong>", "<sup>", "<sub>", "<ol>", "<ul>", "<a ", "footnote"):
        assert tag in html
