"""The library is sacred, in the window: a locked library is "in use" and is
never offered a restore; damage found after start stops writing and offers
the library's own latest good backup by name, date and paper count; recent
work reaches the library file when the window is idle."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

import lectern.core.store.database
from lectern.core.domain.records import NewPaper
from lectern.core.library.facade import Library
from lectern.core.store.backups import backup, backup_dir
from lectern.core.transfer.importing import load_default_library_if_new
from lectern.desktop.app import main, offer_backup, open_window
from tests.core.store.test_library_safety import damage_pages, many_papers, titles
from tests.desktop.conftest import settle


def test_a_locked_library_says_in_use_and_offers_no_restore(qtbot, library_path: Path, message_boxes,
                                                            monkeypatch) -> None:
    with Library.open(library_path) as lib:
        load_default_library_if_new(lib)
    backup(library_path, "daily")
    before = library_path.read_bytes()
    monkeypatch.setattr(lectern.core.store.database, "BUSY_TIMEOUT_MS", 200)
    holder = sqlite3.connect(library_path)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        message_boxes.answer = QMessageBox.StandardButton.Yes  # even a careless Yes restores nothing
        assert main(["--library", str(library_path)]) == 1
    finally:
        holder.rollback()
        holder.close()
    assert message_boxes.titles() == ["Lectern cannot open the library"]
    assert "in use by another program" in message_boxes[0][1] and "is damaged" not in message_boxes[0][1]
    assert library_path.read_bytes() == before
    assert not [p for p in library_path.parent.iterdir() if ".damaged-" in p.name]


def test_the_restore_question_names_the_backup_its_date_and_paper_count(qtbot, library_path: Path,
                                                                        message_boxes) -> None:
    with Library.open(library_path) as lib:
        load_default_library_if_new(lib)
    taken = backup(library_path, "daily")
    library_path.write_bytes(b"")  # emptied: its backups show a library was there
    message_boxes.answer = QMessageBox.StandardButton.No
    assert main(["--library", str(library_path)]) == 1
    title, text, text_format, default = message_boxes[0]
    assert title == "The library is damaged" and text_format == Qt.TextFormat.PlainText
    assert taken.name in text and "222 papers" in text and str(backup_dir(library_path)) in text
    assert default == QMessageBox.StandardButton.No
    assert library_path.stat().st_size == 0  # No changed nothing
    message_boxes.answer = QMessageBox.StandardButton.Yes
    window = offer_backup(library_path, RuntimeError("emptied"))
    assert window is not None
    qtbot.addWidget(window)
    assert window.model.rowCount() == 222
    window.close()
    window.library.close()


def test_damage_found_after_start_stops_writes_and_takes_no_backup(qtbot, library_path: Path) -> None:
    with Library.open(library_path) as lib:
        lib.papers.add_many([NewPaper(title=t) for t in many_papers(400)])
    good = backup(library_path, "before-v99")  # the only backup: no daily one, so one is due
    damage_pages(library_path)
    damaged_bytes = library_path.read_bytes()
    window = open_window(library_path)
    qtbot.addWidget(window)
    found: list[Exception] = []
    window.damageFound.connect(found.append)
    window.show()
    qtbot.waitUntil(lambda: bool(found), timeout=20000)
    assert len(found) == 1 and "damaged" in str(found[0])
    window.index_worker.wait()
    assert [p.name for p in backup_dir(library_path).iterdir()] == [good.name]  # no backup of the damage
    assert window.damage is not None and "damaged" in window.statusBar().currentMessage()
    window.commands.run("paper.star")  # refused: nothing more is written into the damaged file
    window.close()
    window.library.close()
    assert library_path.read_bytes() == damaged_bytes  # not rebuilt, not rewritten


def test_when_idle_recent_work_reaches_the_library_file(qtbot, library_path: Path, tmp_path: Path,
                                                        message_boxes) -> None:
    window = open_window(library_path)
    qtbot.addWidget(window)
    window.show()
    window.index_worker.wait()
    window.checkpoint_timer.setInterval(50)
    first = window.model.paper_id(0)
    window.commands.run("paper.star")
    settle(qtbot, window)
    assert window.library.rows([first])[first].starred
    qtbot.waitUntil(lambda: not window.checkpoint_timer.isActive(), timeout=5000)
    window.upkeep_worker.wait()
    copy = tmp_path / "plain-copy.sqlite"
    shutil.copy(library_path, copy)  # the main file alone, as a file manager would copy it
    conn = sqlite3.connect(copy)
    try:
        assert conn.execute("SELECT starred FROM paper WHERE id = ?", (first,)).fetchone()[0] == 1
    finally:
        conn.close()
    window.close()
    window.library.close()
    assert titles(library_path)
