"""The papers' text in the real window: a PDF imported with Ctrl+O or attached
with `a`, a word only on page 3 searched and shown as "p. 3: …", `o` opening the
PDF at that page, PDFs read in the background (pending at start, after an attach)
while browsing goes on, and reasons and page text shown as plain text."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QFileDialog

from lectern.core.domain.records import NewPaper
from lectern.core.library.facade import Library
from lectern.desktop.app import open_window
from lectern.desktop.runtime import pdf_viewer
from tests.desktop.conftest import activate, settle


def type_query(qtbot, win, text: str) -> None:
    win.search_bar.box.setFocus()
    win.search_bar.box.clear()
    qtbot.keyClicks(win.search_bar.box, text)
    qtbot.waitUntil(lambda: win.model.text == text and not win.searcher.busy(), timeout=10000)
    settle(qtbot, win)


@pytest.fixture
def opened(monkeypatch) -> list[str]:
    calls: list[str] = []

    def record(url: QUrl) -> bool:
        calls.append(url.toString())
        return True

    monkeypatch.setattr(QDesktopServices, "openUrl", record)
    return calls


@pytest.fixture
def launched(monkeypatch) -> list[list[str]]:
    """Commands started as a PDF viewer (recorded, not run)."""
    calls: list[list[str]] = []

    class Recorded:
        DEVNULL = subprocess.DEVNULL

        class Popen:
            def __init__(self, command, **kwargs) -> None:
                calls.append(list(command))

    monkeypatch.setattr(pdf_viewer, "subprocess", Recorded)  # the viewer's only: the PDF worker still starts
    return calls


def import_with_ctrl_o(qtbot, window, monkeypatch, paths: list[Path]) -> None:
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(p) for p in paths], ""))
    before = window.library.count()
    activate(qtbot, window)
    qtbot.keyClick(window.table, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.library.count() > before and window.fulltext._importing is None, timeout=30000)
    settle(qtbot, window)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None, timeout=5000)  # the progress dialog is gone


def test_a_pdf_imported_with_ctrl_o_is_found_by_a_word_on_page_3_and_o_opens_that_page(
        qtbot, window, monkeypatch, pdfs, launched, opened, message_boxes):
    import_with_ctrl_o(qtbot, window, monkeypatch, [pdfs["paper"]])
    type_query(qtbot, window, "zeppelin")
    assert window.model.rowCount() == 1
    window.go_to_row(0)
    qtbot.waitUntil(lambda: "p. 3:" in window.detail.toPlainText(), timeout=5000)
    text = window.detail.toPlainText()
    line = next(x for x in text.splitlines() if x.startswith("p. 3:"))
    assert "zeppelin" in line and "Deep Transformers for Reading Lists" in text
    spans = [text[a:b] for a, b in window.detail.match_spans]
    assert "zeppelin" in spans  # highlighted like the title and abstract matches
    monkeypatch.setattr(pdf_viewer.shutil, "which", lambda name: f"/usr/bin/{name}" if name == "evince" else None)
    activate(qtbot, window)
    qtbot.keyClick(window.table, Qt.Key.Key_O)
    assert window.commands.ran[-1] == "paper.open_url"
    [command] = launched
    copy = window.library.attachments_of(window.current_paper_id())[0].path
    assert command == ["/usr/bin/evince", "--page-label=3", str(copy)]
    assert opened == []


def test_o_without_a_page_viewer_hands_the_pdf_to_the_desktop(qtbot, window, monkeypatch, pdfs, opened,
                                                             message_boxes):
    import_with_ctrl_o(qtbot, window, monkeypatch, [pdfs["paper"]])
    type_query(qtbot, window, "zeppelin")
    monkeypatch.setattr(pdf_viewer.shutil, "which", lambda name: None)
    activate(qtbot, window)
    qtbot.keyClick(window.table, Qt.Key.Key_O)
    copy = window.library.attachments_of(window.current_paper_id())[0].path
    assert opened == [QUrl.fromLocalFile(str(copy)).toString()]


def test_pdfs_pending_at_start_are_read_in_the_background(qtbot, library_path, pdfs, tmp_path):
    with Library.open(library_path) as lib:
        lib.papers.add_many([NewPaper(title="Waiting for its text")])
        [paper_id] = lib.paper_ids()
        lib.attachments.add(paper_id, [pdfs["paper"]], "link")
    window = open_window(library_path)
    qtbot.addWidget(window)
    window.show()
    try:
        qtbot.waitUntil(lambda: window.library.fulltext.pending() == [] and window.ops.idle(), timeout=30000)
        assert "Text read from 1 PDF" in window.statusBar().currentMessage()
        type_query(qtbot, window, "fulltext:zeppelin")
        assert [window.model.paper_id(r) for r in range(window.model.rowCount())] == [paper_id]
    finally:
        window.close()
        window.library.close()


def test_a_pdf_without_text_says_why_in_the_detail_pane_and_html_stays_text(
        qtbot, window, monkeypatch, pdfs, message_boxes):
    import_with_ctrl_o(qtbot, window, monkeypatch, [pdfs["user_password"], pdfs["html_title"]])
    type_query(qtbot, window, "locked")
    window.go_to_row(0)
    qtbot.waitUntil(lambda: "text not extracted" in window.detail.toPlainText(), timeout=5000)
    assert "locked.pdf: text not extracted: encrypted (needs a password)" in window.detail.toPlainText()
    type_query(qtbot, window, "alert")
    window.go_to_row(0)
    qtbot.waitUntil(lambda: "<script>" in window.detail.toPlainText(), timeout=5000)
    assert "<b>Bold</b> <a href='x'>link</a> <script>alert(1)</script>" in window.detail.toPlainText()
    assert any("text not extracted" in m[1] for m in message_boxes)  # the import's report named it


def test_importing_a_folder_of_pdfs_with_a_duplicate_reports_it(qtbot, window, monkeypatch, pdfs, tmp_path,
                                                               message_boxes):
    folder = tmp_path / "folder"
    folder.mkdir()
    shutil.copyfile(pdfs["paper"], folder / "a.pdf")
    shutil.copyfile(pdfs["paper"], folder / "b.pdf")
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(folder))
    window.commands.run("file.import_folder")  # File > Import a folder of PDFs…
    qtbot.waitUntil(lambda: window.fulltext._importing is None, timeout=30000)
    settle(qtbot, window)
    assert window.library.search("fulltext:zeppelin").ids and len(window.library.search("zeppelin").ids) == 1
    assert any("b.pdf: a duplicate" in m[1] for m in message_boxes)


def test_a_damaged_page_index_is_rebuilt_at_start_and_the_page_hits_come_back(qtbot, library_path, pdfs):
    import sqlite3

    from lectern.core.fulltext.pdf_import import import_pdfs

    with Library.open(library_path) as lib:
        import_pdfs(lib, [pdfs["paper"]])
    conn = sqlite3.connect(library_path)
    conn.execute("UPDATE page_fts_data SET block = randomblob(length(block)) WHERE id > 10")
    conn.commit()
    conn.close()
    win = open_window(library_path)
    qtbot.addWidget(win)
    qtbot.waitUntil(lambda: "rebuilt" in win.statusBar().currentMessage(), timeout=30000)
    assert "full-text index is damaged" in win.statusBar().currentMessage()
    type_query(qtbot, win, "zeppelin")
    win.go_to_row(0)
    qtbot.waitUntil(lambda: "p. 3:" in win.detail.toPlainText(), timeout=5000)
    assert win.library.index.check() is None
    win.close()
    win.library.close()


def test_a_page_index_damaged_while_the_window_is_open_is_rebuilt_when_a_page_hit_fails(qtbot, library_path, pdfs):
    import sqlite3

    from lectern.core.fulltext.pdf_import import import_pdfs

    with Library.open(library_path) as lib:
        import_pdfs(lib, [pdfs["paper"]])
    win = open_window(library_path)
    qtbot.addWidget(win)
    with qtbot.waitSignal(win.index_worker.finished, timeout=30000):
        pass  # the start-up check: nothing wrong
    conn = sqlite3.connect(library_path)
    conn.execute("UPDATE page_fts_data SET block = randomblob(length(block)) WHERE id > 10")
    conn.commit()
    conn.close()
    shown: list[str] = []
    win.statusBar().messageChanged.connect(shown.append)
    type_query(qtbot, win, "zeppelin")  # found in document_fts; its page is looked up in page_fts, which fails
    win.go_to_row(0)
    qtbot.waitUntil(lambda: any("was rebuilt (the full-text index is damaged" in m for m in shown), timeout=30000)
    qtbot.waitUntil(lambda: "p. 3:" in win.detail.toPlainText(), timeout=5000)
    assert win.library.index.check() is None
    win.close()
    win.library.close()


def test_a_pdf_attached_with_a_is_read_in_the_background_found_on_page_3_and_opened_there(
        qtbot, window, monkeypatch, pdfs, launched, opened):
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(pdfs["paper"])], ""))
    activate(qtbot, window)
    paper_id = window.current_paper_id()
    qtbot.keyClick(window.table, Qt.Key.Key_A)
    qtbot.waitUntil(lambda: window.library.attachments_of(paper_id) != (), timeout=10000)
    qtbot.waitUntil(lambda: window.library.fulltext.pending() == [] and window.ops.idle(), timeout=30000)
    assert window.library.fulltext.states([paper_id])[paper_id][0].describe() == "text of 4 pages indexed"
    type_query(qtbot, window, "zeppelin")
    assert [window.model.paper_id(r) for r in range(window.model.rowCount())] == [paper_id]
    window.go_to_row(0)
    qtbot.waitUntil(lambda: "p. 3:" in window.detail.toPlainText(), timeout=5000)
    monkeypatch.setattr(pdf_viewer.shutil, "which", lambda name: f"/usr/bin/{name}" if name == "evince" else None)
    activate(qtbot, window)
    qtbot.keyClick(window.table, Qt.Key.Key_O)
    [attachment] = window.library.attachments_of(paper_id)
    assert launched == [["/usr/bin/evince", "--page-label=3", str(attachment.path)]]


def test_browsing_goes_on_while_a_long_pdf_is_read_and_the_status_bar_says_which(qtbot, library_path, tmp_path):
    from tests import pdfs as make

    long_one = make.many_pages_pdf(tmp_path / "long.pdf", 100_000)  # read up to the 2,000-page cap: seconds
    with Library.open(library_path) as lib:
        lib.papers.add_many([NewPaper(title=f"Paper {n}") for n in range(5)])
        lib.attachments.add(lib.paper_ids()[0], [long_one], "link")
    window = open_window(library_path)
    qtbot.addWidget(window)
    window.show()
    try:
        shown: list[str] = []
        window.statusBar().messageChanged.connect(shown.append)
        qtbot.waitUntil(lambda: any(m.startswith("Reading the PDFs' text: 1 of 1 (long.pdf)") for m in shown),
                        timeout=30000)
        activate(qtbot, window)
        window.go_to_row(0)
        for row in (1, 2, 3):
            qtbot.keyClick(window.table, Qt.Key.Key_J)
            assert window.table.currentIndex().row() == row
        assert window.library.fulltext.pending() != []  # j moved while the PDF was still being read
        qtbot.waitUntil(lambda: window.library.fulltext.pending() == [] and window.ops.idle(), timeout=60000)
        assert "Text read from 1 PDF" in window.statusBar().currentMessage()
    finally:
        window.close()
        window.library.close()


def test_markup_in_a_pdfs_page_text_is_shown_as_text_in_the_page_hit(qtbot, window, monkeypatch, tmp_path,
                                                                    message_boxes):
    from tests import pdfs as make

    page = "A zeppelin <b>bold</b> <a href='x'>link</a> <script>alert(2)</script> here."
    pdf = make.paper_pdf(tmp_path / "markup.pdf", ["First page.", page], title="Markup in the page text")
    import_with_ctrl_o(qtbot, window, monkeypatch, [pdf])
    type_query(qtbot, window, "fulltext:zeppelin")
    window.go_to_row(0)
    qtbot.waitUntil(lambda: "p. 2:" in window.detail.toPlainText(), timeout=5000)
    line = next(x for x in window.detail.toPlainText().splitlines() if x.startswith("p. 2:"))
    assert "zeppelin <b>bold</b> <a href='x'>link</a> <script>alert(2)" in line  # (the snippet is cut after)


def test_the_search_shown_takes_in_text_read_meanwhile_searching_again_once_not_once_a_pdf(
        qtbot, library_path, tmp_path):
    from lectern.core.fulltext.sample import text_pdf

    with Library.open(library_path) as lib:
        lib.papers.add_many([NewPaper(title=f"Paper {n}") for n in range(8)])
        ids = lib.paper_ids()
    window = open_window(library_path)
    qtbot.addWidget(window)
    window.show()
    try:
        settle(qtbot, window)
        type_query(qtbot, window, "zeppelin")
        assert window.model.rowCount() == 0
        files = []
        for n in range(6):
            files.append(tmp_path / f"p{n}.pdf")
            files[-1].write_bytes(text_pdf([["first page"], [f"a zeppelin on page two of {n}"]]))
        library = window.library
        window.ops.run(lambda: [library.attachments.add(i, [f], "link") for i, f in zip(ids, files)][-1])
        qtbot.waitUntil(lambda: library.fulltext.pending() != [], timeout=10000)
        searches: list[str] = []
        run_search = window.run_search
        window.run_search = lambda text, *a, **k: (searches.append(text), run_search(text, *a, **k))[1]
        qtbot.waitUntil(lambda: library.fulltext.pending() == [] and window.ops.idle(), timeout=30000)
        qtbot.waitUntil(lambda: window.model.rowCount() == 6, timeout=10000)
        assert sorted(window.model.paper_id(r) for r in range(6)) == sorted(ids[:6])
        assert 1 <= len(searches) <= 3  # (6 PDFs saved: once a second at most, not once each)
    finally:
        window.close()
        window.library.close()
