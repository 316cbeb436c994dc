"""Typing in a long note costs no more than in a short one: the preview of a
long note is rendered once typing pauses, not on every key (rendering 50,000
characters of Markdown a keystroke kept the window busy for minutes)."""

from __future__ import annotations

from PySide6.QtGui import QTextCursor

from lectern.desktop.main_window import MainWindow

PARAGRAPH = "Compare with the *baseline* in [the paper](https://arxiv.org/abs/1234.5678); `code` too.\n\n"


def test_typing_in_a_50k_note_renders_its_preview_once_typing_pauses(qtbot, window: MainWindow) -> None:
    long_note = PARAGRAPH * (50_000 // len(PARAGRAPH) + 1)
    assert len(long_note) > 50_000
    window.notes.set_paper(window.current_paper_id(), long_note)
    renders: list[int] = []
    window.notes.preview.document().contentsChanged.connect(lambda: renders.append(1))
    window.notes.editor.setFocus()
    window.notes.editor.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(window.notes.editor, "more words")
    assert window.notes.text().endswith("more words")  # every key reached the editor...
    assert renders == []  # ...and none of them re-rendered the preview
    qtbot.waitUntil(lambda: "more words" in window.notes.preview.toPlainText(), timeout=5000)
    assert renders  # rendered once typing paused


def test_a_short_note_previews_as_it_is_typed(qtbot, window: MainWindow) -> None:
    window.notes.editor.setFocus()
    qtbot.keyClicks(window.notes.editor, "a *short* note")
    assert window.notes.preview.toPlainText().strip() == "a short note"
