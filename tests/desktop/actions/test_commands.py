"""Every command is declared once; the README's keyboard table is generated from
the declarations, and every default key runs its command in the real window."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest

from desktop.actions.commands import COMMANDS, README_MARKERS, keyboard_markdown
from desktop.main_window import MainWindow
from tests.desktop.conftest import activate

ROOT = Path(__file__).resolve().parents[3]


def test_readme_keyboard_table_matches_the_registry() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start, end = README_MARKERS
    table = text.split(start, 1)[1].split(end, 1)[0]
    assert table == keyboard_markdown(), "run: .venv/bin/python -m desktop.actions.commands README.md"


def test_no_two_commands_share_a_key() -> None:
    seen: dict[str, str] = {}
    for spec in COMMANDS:
        for key in spec.keys:
            normal = QKeySequence(key).toString()
            assert normal not in seen, f"{key} is bound to {seen.get(normal)} and {spec.id}"
            seen[normal] = spec.id


def test_every_default_key_runs_its_command(qtbot, window: MainWindow, monkeypatch) -> None:
    activate(qtbot, window)
    handlers = {cid: cmd.handler for cid, cmd in window.commands.commands.items()}
    for command in window.commands.commands.values():  # record, do not act (dialogs, quit)
        command.handler = lambda: None
        window.commands.actions[command.id].setEnabled(True)  # undo/redo are off when there is nothing
    for spec in COMMANDS:
        for key in spec.keys:
            activate(qtbot, window)
            before = len(window.commands.ran)
            sequence = QKeySequence(key)
            for i in range(sequence.count()):
                combo = sequence[i]
                QTest.keyClick(window.table, combo.key(), combo.keyboardModifiers())
            assert window.commands.ran[before:] == [spec.id], f"{key} should run {spec.id}"
    assert set(handlers) == {spec.id for spec in COMMANDS}
