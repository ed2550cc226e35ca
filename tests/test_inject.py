"""The placeholder syntax: what it replaces, what it leaves alone, and how it fails."""

from __future__ import annotations

import pytest

from analysis.errors import PlaceholderError, UnknownArtifactError
from analysis.mkdocs_side.artifacts.inject import (
    inject,
    restore_blocks,
    restore_pictures,
)
from analysis.wire.bundle import ROOT_TOKEN, Bundle

BUNDLE = Bundle(
    blocks={
        "table:checks": f'<figure id="table-checks"><a href="{ROOT_TOKEN}downloads/x.csv">csv</a></figure>',
        "chart:flow": "<figure id='chart-flow'></figure>",
    },
    values={"os_5y": "25.6% ± 6.9%", "cohort": "80"},
)


def test_values_are_replaced_inline() -> None:
    md, stash = inject("OS was {{ value os_5y }} in {{value cohort}} infants.\n", BUNDLE)
    assert md == "OS was 25.6% ± 6.9% in 80 infants.\n"
    assert stash.blocks == {}


def test_blocks_become_tokens_that_restore_to_html_with_root_relative_links() -> None:
    md, stash = inject("Intro\n\n{{ table checks }}\n", BUNDLE)
    assert "{{" not in md
    html = restore_blocks(f"<p>Intro</p>\n<p>{md.split()[-1]}</p>", stash, root="../")
    assert '<figure id="table-checks"><a href="../downloads/x.csv">' in html
    assert "<p><figure" not in html


def test_placeholders_inside_code_are_left_alone() -> None:
    text = "Use `{{ table nope }}` like this:\n\n```md\n{{ chart nope }}\n```\n"
    md, stash = inject(text, BUNDLE)
    assert md == text
    assert not stash.blocks


def test_an_unknown_name_lists_the_valid_names_and_the_page_line() -> None:
    with pytest.raises(UnknownArtifactError) as info:
        inject("a\n{{ table chekcs }}\n", BUNDLE, where="docs/results.md")
    msg = str(info.value)
    assert msg.startswith("docs/results.md:2: unknown table 'chekcs'")
    assert "valid table names are: checks" in msg


def test_an_unknown_value_lists_the_valid_values() -> None:
    with pytest.raises(UnknownArtifactError, match="valid value names are: cohort, os_5y"):
        inject("{{ value os_10y }}", BUNDLE)


def test_a_misspelt_kind_is_an_error_not_a_leftover() -> None:
    with pytest.raises(
        PlaceholderError, match=r"page:1: malformed placeholder '\{\{ tabel checks \}\}'"
    ):
        inject("{{ tabel checks }}\n", BUNDLE)


def test_a_block_inside_a_sentence_is_refused() -> None:
    with pytest.raises(PlaceholderError, match="must stand alone on its line"):
        inject("See {{ chart flow }} here.\n", BUNDLE)


def test_blocks_work_indented_inside_admonitions() -> None:
    md, stash = inject("!!! note\n    {{ chart flow }}\n", BUNDLE)
    assert len(stash.blocks) == 1
    assert "{{" not in md


CHART = (
    '<figure><svg role="img" aria-label="Flow"><g><text>80 infants</text>'
    "<text><tspan>39 &amp; more</tspan></text></g></svg>"
    '<svg viewBox="0 0 1 1"><path d="M0 0"/></svg></figure>'
)
DRAWN = Bundle(blocks={"chart:flow": CHART}, values={})


def _held(page_markdown: str) -> tuple[str, str, dict[str, str]]:
    """The page rendered with its blocks restored, and restored with the drawings held."""
    md, stash = inject(page_markdown, DRAWN)
    rendered = "\n".join(f"<p>{line}</p>" if line.strip() else "" for line in md.splitlines())
    held: dict[str, str] = {}
    whole = restore_blocks(rendered, stash, root="../")
    return whole, restore_blocks(rendered, stash, root="../", held=held), held


def test_held_drawings_leave_their_text_and_come_back_byte_for_byte() -> None:
    whole, held_page, held = _held("Before\n\n{{ chart flow }}\n\nAfter\n")
    assert "<svg" in whole
    assert "<svg" not in held_page
    assert "<path" not in held_page
    # What the search plugin reads: the same text, in the same place, without the markup.
    assert "<figure><!--STUDYPICTURE0000-->80 infants39 &amp; more<!--/STUDYPICTURE0000-->" in (
        held_page
    )
    assert len(held) == 2
    assert restore_pictures(held_page, held) == whole
    assert restore_pictures("<p>no pictures</p>", {}) == "<p>no pictures</p>"


def test_only_the_blocks_own_drawings_are_held_never_the_pages() -> None:
    """An SVG written in the page (or the start of one in a comment) stays as it is: the
    page's headings and text around it are not swallowed into a held drawing."""
    page = "<!-- an <svg element -->\n\n## Results\n\n<svg><text>own</text></svg>\n\n{{ chart flow }}\n"
    whole, held_page, held = _held(page)
    assert "<!-- an <svg element -->" in held_page
    assert "<svg><text>own</text></svg>" in held_page
    assert "## Results" in held_page
    assert len(held) == 2
    assert restore_pictures(held_page, held) == whole


def test_a_page_that_already_holds_the_mark_is_refused() -> None:
    md, stash = inject("<p>STUDYPICTURE0000</p>\n\n{{ chart flow }}\n", DRAWN)
    with pytest.raises(
        PlaceholderError, match=r"docs/x\.md: the page contains the text 'STUDYPICTURE'"
    ):
        restore_blocks(md, stash, root="", where="docs/x.md", held={})


@pytest.mark.parametrize(
    "damage",
    [
        lambda html: html.replace("<!--/STUDYPICTURE0001-->", ""),  # an end dropped
        lambda html: html.replace("<!--STUDYPICTURE0000-->", ""),  # a start dropped
        lambda html: html + html,  # the page copied into itself (a template using it twice)
        lambda html: html.replace("<!--STUDYPICTURE0000-->", "").replace(
            "<!--/STUDYPICTURE0000-->", "<!--/STUDYPICTURE0000--><!--STUDYPICTURE0000-->"
        ),  # start after end
    ],
)
def test_a_drawing_lost_copied_or_out_of_order_in_the_written_page_fails(damage: object) -> None:
    _, held_page, held = _held("{{ chart flow }}\n")
    assert callable(damage)
    with pytest.raises(PlaceholderError, match=r"docs/x\.md: a chart's drawing \(STUDYPICTURE"):
        restore_pictures(damage(held_page), held, where="docs/x.md")


def test_drawings_held_for_a_page_by_a_build_that_failed_are_not_put_into_the_next() -> None:
    """Under serve the plugin outlives a build that stops between a page's content and its
    writing: the next build of that page, with no chart on it now, is written as rendered."""
    from types import SimpleNamespace

    import properdocs.__main__  # noqa: F401 - first: it makes `mkdocs` the engine's own package

    from analysis.mkdocs_side.artifacts.plugin import ArtifactsPlugin

    plugin = ArtifactsPlugin()
    page = SimpleNamespace(file=SimpleNamespace(src_uri="results.md"), url="results/")
    plugin._pictures_held["results.md"] = {"STUDYPICTURE0000": "<svg></svg>"}  # left over
    html = plugin.on_page_content("<p>No chart now</p>", page=page, config=None, files=None)  # type: ignore[arg-type]
    assert html == "<p>No chart now</p>"
    written = plugin.on_post_page("<html><p>No chart now</p></html>", page=page, config=None)  # type: ignore[arg-type]
    assert written == "<html><p>No chart now</p></html>"
