"""Under ``serve`` the work left after the pages (pictures drawn, the notebook executed again)
brings one rebuild once all of it is done, not one per piece."""

from __future__ import annotations

from pathlib import Path

from analysis.mkdocs_side.signals import SIGNAL_FILE, FollowUps, follow_ups


def _signals(folder: Path) -> list[str]:
    """The signals written so far (each write replaces the file: its text is the time)."""
    file = folder / SIGNAL_FILE
    return [file.read_text()] if file.exists() else []


def test_serve_is_signalled_once_when_every_expected_piece_is_done(tmp_path: Path) -> None:
    follow = FollowUps(tmp_path)
    pictures, notebook = follow.expect("pictures"), follow.expect("notebook")
    follow.done(pictures)
    assert _signals(tmp_path) == []  # the notebook is still running: no rebuild yet
    follow.done(notebook)
    (first,) = _signals(tmp_path)
    follow.done(notebook)  # told twice: still one signal
    assert _signals(tmp_path) == [first]


def test_a_piece_with_nothing_to_show_signals_only_with_one_that_has(tmp_path: Path) -> None:
    follow = FollowUps(tmp_path)
    superseded = follow.expect("pictures")
    follow.done(superseded, shown=False)  # stopped by a newer edit: nothing to show
    assert _signals(tmp_path) == []
    pictures, notebook = follow.expect("pictures"), follow.expect("notebook")
    follow.done(notebook, shown=False)  # failed: nothing new, but the pictures are
    follow.done(pictures)
    assert len(_signals(tmp_path)) == 1


def test_both_plugins_of_one_serve_share_the_folders_follow_ups(tmp_path: Path) -> None:
    assert follow_ups(tmp_path / "serve") is follow_ups(tmp_path / "x" / ".." / "serve")
    assert follow_ups(tmp_path / "serve") is not follow_ups(tmp_path / "other")
