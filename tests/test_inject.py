"""The placeholder syntax: what it replaces, what it leaves alone, and how it fails."""

from __future__ import annotations

import pytest

from analysis.errors import PlaceholderError, UnknownArtifactError
from analysis.mkdocs_side.artifacts.inject import (
    hold_pictures,
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


PAGE = (
    '<p>Before</p><figure><svg role="img" aria-label="Flow"><g><text>80 infants</text>'
    "<text><tspan>39 &amp; more</tspan></text></g></svg></figure>"
    '<figure><svg viewBox="0 0 1 1"><path d="M0 0"/></svg></figure><p>After</p>'
)


def test_held_pictures_leave_their_text_and_come_back_byte_for_byte() -> None:
    held_page, held = hold_pictures(PAGE)
    assert "<svg" not in held_page
    assert "<path" not in held_page
    # What the search plugin reads: the same text, in the same place, without the markup.
    assert "<p>Before</p><figure><!--STUDYPICTURE0000-->80 infants39 &amp; more" in held_page
    assert len(held) == 2
    assert restore_pictures(held_page, held) == PAGE
    assert restore_pictures("<p>no pictures</p>", {}) == "<p>no pictures</p>"


def test_a_page_that_already_holds_the_mark_is_refused() -> None:
    with pytest.raises(
        PlaceholderError, match=r"docs/x\.md: the page contains the text 'STUDYPICTURE'"
    ):
        hold_pictures("<p>STUDYPICTURE0000</p>" + PAGE, where="docs/x.md")


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
def test_a_picture_lost_copied_or_out_of_order_in_the_written_page_fails(damage: object) -> None:
    held_page, held = hold_pictures(PAGE)
    assert callable(damage)
    with pytest.raises(PlaceholderError, match=r"docs/x\.md: a chart's drawing \(STUDYPICTURE"):
        restore_pictures(damage(held_page), held, where="docs/x.md")
