"""Imported data opens nothing: links from the library or a note open only
for web pages, DOIs and arXiv ids without asking; text from a file is shown
as plain text in message boxes and tooltips; a note's images are not loaded."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from PySide6 import QtGui
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QColor, QDesktopServices, QImage, QTextDocument
from PySide6.QtWidgets import QLabel, QMessageBox, QTreeWidgetItem

from lectern.desktop.main_window import MainWindow
from lectern.desktop.views.untrusted import plain_tooltip
from tests.desktop.conftest import activate

ROOT = Path(__file__).resolve().parents[3]
HOSTILE_HTML = '<a href="file:///etc/passwd">CLICK ME</a><img src="/tmp/x.png">'


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The URLs handed to the desktop (recorded, not opened)."""
    calls: list[str] = []

    def record(url: QUrl) -> bool:
        calls.append(url.toString())
        return True  # what openUrl answers when the desktop took the link

    monkeypatch.setattr(QDesktopServices, "openUrl", record)
    return calls


def set_url(window: MainWindow, url: str) -> int:
    paper_id = window.current_paper_id()
    assert paper_id is not None
    window.signals.publish(window.library.papers.update(paper_id, url=url))
    return paper_id


def shown_as(tip: str) -> str:
    """The text a tooltip shows: Qt renders it as HTML when it looks like HTML."""
    doc = QTextDocument()
    if QtGui.Qt.mightBeRichText(tip):  # the test Qt's tooltip label makes
        doc.setHtml(tip)
    else:
        doc.setPlainText(tip)
    return doc.toPlainText()


def image_count(doc: QTextDocument) -> int:
    """How many images a rendered document holds."""
    count = 0
    block = doc.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            if it.fragment().charFormat().isImageFormat():
                count += 1
            it += 1
        block = block.next()
    return count


def write_png(path: Path) -> Path:
    image = QImage(16, 16, QImage.Format.Format_RGB32)
    image.fill(QColor("red"))
    assert image.save(str(path))
    return path


# -- item 13: which links open ------------------------------------------------------
def test_o_on_a_file_url_asks_first_and_no_opens_nothing(qtbot, window: MainWindow, opened, message_boxes) -> None:
    set_url(window, "file:///etc/passwd")
    activate(qtbot, window)
    qtbot.keyClick(window.table, Qt.Key.Key_O)
    assert window.commands.ran[-1] == "paper.open_url"
    assert len(message_boxes) == 1
    title, text, text_format, default = message_boxes[0]
    assert "file:///etc/passwd" in text  # the question names the exact link
    assert text_format == Qt.TextFormat.PlainText
    assert default == QMessageBox.StandardButton.No
    assert opened == []
    assert "not opened" in window.statusBar().currentMessage()


def test_o_on_a_file_url_opens_it_only_when_the_user_says_yes(qtbot, window: MainWindow, opened, message_boxes) -> None:
    set_url(window, "file:///etc/passwd")
    message_boxes.answer = QMessageBox.StandardButton.Yes
    activate(qtbot, window)
    qtbot.keyClick(window.table, Qt.Key.Key_O)
    assert len(message_boxes) == 1
    assert opened == ["file:///etc/passwd"]


@pytest.mark.parametrize("url", ["javascript:alert(1)", "smb://server/share", "papers/attention.pdf",
                                 "https://x\nfile:///etc/passwd"])
def test_o_asks_before_any_other_scheme_or_a_relative_path(qtbot, window: MainWindow, opened, message_boxes,
                                                            url: str) -> None:
    set_url(window, url)
    window.commands.run("paper.open_url")
    assert len(message_boxes) == 1 and opened == []
    assert url.replace("\n", "\\n") in message_boxes[0][1]


def test_o_on_a_web_page_opens_it_without_asking(qtbot, window: MainWindow, opened, message_boxes) -> None:
    set_url(window, "https://github.com/google-research/bert")
    activate(qtbot, window)
    qtbot.keyClick(window.table, Qt.Key.Key_O)
    qtbot.waitUntil(lambda: opened == ["https://github.com/google-research/bert"])
    assert message_boxes == []  # a box would have been shown (and answered) before the link opened


def test_o_on_a_paper_with_only_a_doi_opens_doi_org(qtbot, window: MainWindow, opened, message_boxes) -> None:
    paper_id = window.current_paper_id()
    window.signals.publish(window.library.papers.update(paper_id, url="", arxiv_id="", doi="10.18653/v1/N19-1423"))
    window.commands.run("paper.open_url")
    assert message_boxes == []
    assert opened == ["https://doi.org/10.18653/v1/N19-1423"]


def test_detail_pane_links_follow_the_same_rule(qtbot, window: MainWindow, opened, message_boxes) -> None:
    paper_id = set_url(window, "file:///etc/passwd")
    window.signals.publish(window.library.papers.update(paper_id, doi="10.1/x"))
    window.detail.show_paper(window.library.paper(paper_id))
    html = window.detail.toHtml()
    assert 'href="https://doi.org/10.1/x"' in html  # the DOI links to its page
    assert 'href="file:///etc/passwd"' in html  # shown, but...
    window.detail.anchorClicked.emit(QUrl("file:///etc/passwd"))
    assert len(message_boxes) == 1 and opened == []  # ...asked about, and No opens nothing
    window.detail.anchorClicked.emit(QUrl("https://doi.org/10.1/x"))
    assert len(message_boxes) == 1 and opened == ["https://doi.org/10.1/x"]


def test_note_preview_links_follow_the_same_rule(qtbot, window: MainWindow, opened, message_boxes) -> None:
    window.notes.set_paper(window.current_paper_id(), "[code](smb://server/x) and [paper](https://arxiv.org/abs/1)")
    window.notes.preview.anchorClicked.emit(QUrl("smb://server/x"))
    assert len(message_boxes) == 1 and "smb://server/x" in message_boxes[0][1] and opened == []
    window.notes.preview.anchorClicked.emit(QUrl("https://arxiv.org/abs/1"))
    assert len(message_boxes) == 1 and opened == ["https://arxiv.org/abs/1"]


# -- item 14: user data is plain text ------------------------------------------------
def test_an_import_error_shows_the_files_html_as_literal_text(qtbot, window: MainWindow, tmp_path: Path,
                                                               message_boxes) -> None:
    bib = tmp_path / "crafted.bib"
    bib.write_text("@misc{k,x={" + HOSTILE_HTML + "}\n", encoding="utf-8")  # never closed: it cannot be read
    window.transfer.import_files([bib])
    qtbot.waitUntil(lambda: len(message_boxes) == 1, timeout=5000)
    title, text, text_format, _ = message_boxes[0]
    assert title == "Nothing was imported"
    assert text_format == Qt.TextFormat.PlainText
    assert HOSTILE_HTML in text  # the markup itself is what the user reads
    assert window.library.count() == 222


def test_the_progress_label_shows_a_file_name_as_text(qtbot, window: MainWindow, tmp_path: Path,
                                                      message_boxes) -> None:
    bib = tmp_path / "<img src=x.png> <b>bold.bib"
    bib.write_text("@misc{a, title={A Paper About Graphs}, year={2024}}\n", encoding="utf-8")
    window.transfer.import_files([bib])
    labels = [(label.textFormat(), label.text()) for label in window.transfer.dialog.findChildren(QLabel)]
    qtbot.waitUntil(lambda: window.library.count() == 223 and window.transfer.dialog is None, timeout=10000)
    assert labels and all(text_format == Qt.TextFormat.PlainText for text_format, _ in labels)
    assert any(bib.name in text for _, text in labels)


def test_a_title_tooltip_shows_the_title_literally(qtbot, window: MainWindow, tmp_path: Path) -> None:
    png = write_png(tmp_path / "x.png")
    paper_id = window.current_paper_id()
    title = f'<img src="{png}"> <a href="file:///etc/passwd">CLICK ME</a> <b>and</b> co'
    window.signals.publish(window.library.papers.update(paper_id, title=title))
    row = window.model.row_of(paper_id)
    index = window.model.index(row, 0)
    shown = window.model.data(index, Qt.ItemDataRole.DisplayRole)
    tip = window.model.data(index, Qt.ItemDataRole.ToolTipRole)
    assert "CLICK ME" in shown
    assert shown_as(tip) == shown
    doc = QTextDocument()
    doc.setHtml(tip)
    assert image_count(doc) == 0


def sidebar_item(window: MainWindow, root: QTreeWidgetItem, text: str) -> QTreeWidgetItem:
    for i in range(root.childCount()):
        if text in root.child(i).text(0):
            return root.child(i)
    raise AssertionError(f"no sidebar entry with {text!r}")


def test_sidebar_tooltips_show_tag_list_and_search_names_literally(qtbot, window: MainWindow) -> None:
    paper_id = window.current_paper_id()
    window.signals.publish(window.library.tags.add([paper_id], ["<img src=/tmp/x.png> <b>tag</b>"]))
    window.signals.publish(window.library.lists.create("<a href=file:///etc/passwd>CLICK ME</a>")[1])
    window.signals.publish(window.library.saved_searches.save("<b>mine</b>", "<img src=x.png> bert"))
    for root, text in ((window.sidebar.tags_root, "<b>tag</b>"), (window.sidebar.lists_root, "CLICK ME"),
                       (window.sidebar.searches_root, "<b>mine</b>")):
        item = sidebar_item(window, root, text)
        query = item.data(0, Qt.ItemDataRole.UserRole + 1)
        assert "<" in query
        assert shown_as(item.toolTip(0)) == query


def test_plain_tooltips_keep_every_character() -> None:
    for text in ("a < b & c > d", "&lt;not an entity&gt;", "two\nlines", "  spaced  out", "it's \"quoted\""):
        assert shown_as(plain_tooltip(text)) == text


def test_every_message_box_in_desktop_is_made_by_the_plain_text_helper() -> None:
    """A QMessageBox built or shown anywhere else could render a file's text as HTML."""
    static = {"warning", "critical", "question", "information", "about", "aboutQt"}
    offenders = []
    for path in sorted((ROOT / "desktop").rglob("*.py")):
        if path.name == "untrusted.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            if isinstance(func, ast.Name) and func.id == "QMessageBox":
                offenders.append(f"{path.name}:{node.lineno} QMessageBox(...)")
            elif (isinstance(func, ast.Attribute) and func.attr in static and isinstance(func.value, ast.Name)
                  and func.value.id == "QMessageBox"):
                offenders.append(f"{path.name}:{node.lineno} QMessageBox.{func.attr}(...)")
            elif isinstance(func, ast.Attribute) and func.attr == "setToolTip":
                arg = node.args[-1] if node.args else None
                if not (isinstance(arg, ast.Call) and isinstance(arg.func, ast.Name)
                        and arg.func.id == "plain_tooltip"):
                    offenders.append(f"{path.name}:{node.lineno} setToolTip without plain_tooltip")
    assert offenders == []


# -- item 15: the note preview loads nothing ------------------------------------------
def test_a_notes_local_image_is_not_loaded(qtbot, window: MainWindow, tmp_path: Path, opened, message_boxes) -> None:
    png = write_png(tmp_path / "photo.png")
    window.notes.set_paper(window.current_paper_id(), f"My photo: ![a photo]({png}) and <img src=\"{png}\">")
    preview = window.notes.preview
    preview.grab()  # lay out and paint, as on screen
    assert image_count(preview.document()) == 0
    assert "<img" not in window.notes.preview.toHtml()
    assert "[image: a photo]" in preview.toPlainText()  # shown as a link the user may click
    assert f'href="{png}"' in preview.toHtml()
    preview.anchorClicked.emit(QUrl(str(png)))
    assert len(message_boxes) == 1 and str(png) in message_boxes[0][1] and opened == []  # a file: asked first


def test_a_notes_remote_image_is_not_fetched(qtbot, window: MainWindow) -> None:
    window.notes.set_paper(window.current_paper_id(), "![chart](https://example.org/chart.png) ![](http://x/y.gif)")
    preview = window.notes.preview
    preview.grab()
    assert image_count(preview.document()) == 0
    assert "<img" not in preview.toHtml()
    assert "[image: chart]" in preview.toPlainText() and "[image]" in preview.toPlainText()


def test_the_detail_pane_holds_no_image_whatever_a_field_says(qtbot, window: MainWindow, tmp_path: Path) -> None:
    png = write_png(tmp_path / "x.png")
    paper_id = window.current_paper_id()
    window.signals.publish(window.library.papers.update(paper_id, abstract=f'<img src="{png}"> text',
                                                       venue=f"<img src={png}>"))
    window.detail.show_paper(window.library.paper(paper_id))
    window.detail.grab()
    assert image_count(window.detail.document()) == 0
    assert f'<img src="{png}"> text' in window.detail.toPlainText()


