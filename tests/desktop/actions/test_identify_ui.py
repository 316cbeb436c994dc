"""Identifying papers in the real window, against the local stand-in for the
scholarly services (tests/core/identify/conftest.py; never the internet): Ctrl+N
with identifiers, Ctrl+Shift+V with identifiers, and the Complete metadata review."""

from __future__ import annotations

import socket

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from pytest_httpserver import HTTPServer

from lectern.core.domain.records import NewPaper
from lectern.desktop.main_window import MainWindow
from lectern.desktop.views.dialogs import PaperDialog
from lectern.desktop.views.metadata_review import ReviewDialog
from tests.core.identify.conftest import ELECTRA_ATOM, crossref_list, crossref_work, nature_csl, services  # noqa: F401
from tests.desktop.actions.test_paper_edits_ui import CTRL, when_dialog_opens
from tests.desktop.conftest import activate, settle

NATURE = "10.1038/nature14539"
SHIFT = Qt.KeyboardModifier.ShiftModifier


def _by_key(window: MainWindow) -> dict:
    ids = window.library.paper_ids()
    keys = window.library.citation_keys_of(ids)
    return {keys[i]: window.library.paper(i).paper for i in ids}


def _type_identifiers(qtbot, text: str):
    def fill(dialog: PaperDialog) -> None:
        qtbot.keyClicks(dialog.identifiers, text)
        qtbot.keyClick(dialog.identifiers, Qt.Key.Key_Return)
    return fill


def _lookup_done(qtbot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: not window.identify.worker.busy(), timeout=15000)
    settle(qtbot, window)


def test_ctrl_n_with_an_arxiv_id_and_a_doi_adds_complete_records_and_one_undo_removes_them(
        qtbot, window: MainWindow, services: HTTPServer, message_boxes) -> None:  # noqa: F811
    services.expect_request("/arxiv/query").respond_with_data(ELECTRA_ATOM)
    services.expect_request(f"/doi/{NATURE}").respond_with_json(nature_csl())
    activate(qtbot, window)
    handled = when_dialog_opens(qtbot, PaperDialog, _type_identifiers(
        qtbot, f"arXiv:hep-th/9711200v3 https://doi.org/{NATURE}"))
    qtbot.keyClick(window.table, Qt.Key.Key_N, CTRL)
    assert len(handled) == 1
    qtbot.waitUntil(lambda: window.library.count() == 224, timeout=15000)
    _lookup_done(qtbot, window)
    papers = _by_key(window)
    assert (papers["lecun2015deep"].authors, papers["lecun2015deep"].year) == (
        "LeCun, Yann and Bengio, Yoshua and Hinton, Geoffrey", 2015)
    maldacena = next(p for p in papers.values() if p.arxiv_id == "hep-th/9711200")
    assert "Maldacena" in maldacena.authors and maldacena.year == 1997
    assert "Added 2 papers" in window.statusBar().currentMessage()
    assert message_boxes == []
    activate(qtbot, window)
    qtbot.keyClick(window.table, Qt.Key.Key_Z, CTRL)
    qtbot.waitUntil(lambda: window.library.count() == 222, timeout=10000)
    assert "lecun2015deep" not in _by_key(window)


def test_a_service_down_says_which_in_one_message_and_adds_nothing(
        qtbot, window: MainWindow, monkeypatch: pytest.MonkeyPatch, message_boxes) -> None:
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    for env in ("LECTERN_DOI_URL", "LECTERN_CROSSREF_URL", "LECTERN_ARXIV_URL"):
        monkeypatch.setenv(env, f"http://127.0.0.1:{port}")
    activate(qtbot, window)
    when_dialog_opens(qtbot, PaperDialog, _type_identifiers(qtbot, NATURE))
    qtbot.keyClick(window.table, Qt.Key.Key_N, CTRL)
    qtbot.waitUntil(lambda: len(message_boxes) == 1, timeout=15000)
    title, text, text_format, _default = message_boxes[0]
    assert "Crossref could not be reached" in text and "Nothing was added." in text
    assert "Traceback" not in text and text_format == Qt.TextFormat.PlainText
    settle(qtbot, window)
    assert window.library.count() == 222 and window.library.history.stack.undo_label() is None


def test_words_that_are_no_identifier_open_the_dialog_again_saying_which(qtbot, window: MainWindow) -> None:
    activate(qtbot, window)
    seen: list[str] = []

    def again(dialog: PaperDialog) -> None:
        seen.append(dialog.error.text())
        dialog.reject()

    when_dialog_opens(qtbot, PaperDialog, _type_identifiers(qtbot, f"{NATURE} hello"))
    qtbot.keyClick(window.table, Qt.Key.Key_N, CTRL)
    handled = when_dialog_opens(qtbot, PaperDialog, again)
    qtbot.waitUntil(lambda: bool(handled), timeout=5000)
    assert seen == ["Not a DOI, arXiv id or ISBN: hello."]
    assert window.library.count() == 222


def test_ctrl_shift_v_with_identifiers_looks_them_up_when_the_user_says_yes(
        qtbot, window: MainWindow, services: HTTPServer, message_boxes) -> None:  # noqa: F811
    services.expect_request(f"/doi/{NATURE}").respond_with_json(nature_csl())
    QApplication.clipboard().setText(f"doi:{NATURE}\n")
    message_boxes.answer = QMessageBox.StandardButton.Yes
    activate(qtbot, window)
    qtbot.keyClick(window.table, Qt.Key.Key_V, CTRL | SHIFT)
    qtbot.waitUntil(lambda: window.library.count() == 223, timeout=15000)
    _lookup_done(qtbot, window)
    assert message_boxes.titles() == ["Look them up online?"]
    assert message_boxes[0][3] == QMessageBox.StandardButton.Yes  # the default: the user pasted identifiers
    assert _by_key(window)["lecun2015deep"].year == 2015


def test_ctrl_shift_v_with_identifiers_answered_no_asks_no_service(
        qtbot, window: MainWindow, services: HTTPServer, message_boxes) -> None:  # noqa: F811
    QApplication.clipboard().setText("2401.00001\n2401.00002\n")
    activate(qtbot, window)
    qtbot.keyClick(window.table, Qt.Key.Key_V, CTRL | SHIFT)
    qtbot.waitUntil(lambda: window.library.count() == 224, timeout=15000)  # today's placeholder import
    settle(qtbot, window)
    assert message_boxes.titles() == ["Look them up online?"]
    assert services.log == []


def _papers_to_complete(qtbot, window: MainWindow) -> list[int]:
    library = window.library
    window.ops.run(lambda: library.papers.add_many([
        NewPaper(title="arXiv:2003.10555", arxiv_id="2003.10555", citation_key="electra"),
        NewPaper(title="A paper no service knows well", citation_key="mine", url="https://example.org/mine")]))
    settle(qtbot, window)
    keys = _by_key(window)
    ids = [keys["electra"].id, keys["mine"].id]
    window._reselect(ids)
    qtbot.waitUntil(lambda: sorted(window.selected_ids()) == sorted(ids), timeout=5000)
    return ids


def test_review_accepts_one_field_rejects_another_and_undo_restores_the_record(
        qtbot, window: MainWindow, services: HTTPServer, message_boxes) -> None:  # noqa: F811
    services.expect_request("/arxiv/query").respond_with_data(ELECTRA_ATOM)
    services.expect_request("/crossref/works").respond_with_data(crossref_list([
        crossref_work("A paper some service knows", "Other", "Ann", 2001, "10.1/other")]))
    electra, mine = _papers_to_complete(qtbot, window)
    before = window.library.paper(electra).paper
    before_mine = window.library.paper(mine).paper
    shown: dict = {}

    def review(dialog: ReviewDialog) -> None:
        weak = next(top for top, update in dialog.papers if update.paper_id == mine)
        shown["weak"] = (weak.text(0), weak.checkState(0))
        title = dialog.field_item(electra, "title")
        author = dialog.field_item(electra, "author")
        shown["author"] = (author.text(1), author.text(2), author.checkState(0))
        assert title.checkState(0) == Qt.CheckState.Checked  # a match by arXiv id comes checked
        dialog.tree.setCurrentItem(title)
        qtbot.keyClick(dialog.tree, Qt.Key.Key_Space)  # Space unchecks the title
        shown["title"] = title.checkState(0)
        for top, update in dialog.papers:  # only the author of ELECTRA stays checked
            for i in range(top.childCount()):
                child = top.child(i)
                if child is not author and child.checkState(0) == Qt.CheckState.Checked:
                    child.setCheckState(0, Qt.CheckState.Unchecked)
        qtbot.keyClick(dialog.tree, Qt.Key.Key_Return)  # Enter applies

    handled = when_dialog_opens(qtbot, ReviewDialog, review)
    assert window.commands.run("paper.complete_metadata")
    qtbot.waitUntil(lambda: bool(handled), timeout=15000)
    settle(qtbot, window)
    assert "score" in shown["weak"][0] and shown["weak"][1] == Qt.CheckState.Unchecked
    assert shown["author"][0] == "(none)" and shown["author"][1].startswith("Kevin Clark and Minh-Thang Luong")
    assert shown["title"] == Qt.CheckState.Unchecked
    after = window.library.paper(electra).paper
    assert after.authors == shown["author"][1] and not before.authors
    assert after.citation_key == "electra"
    assert [f for f in after.fields if f not in before.fields] == [("author", shown["author"][1])]
    assert [f for f in before.fields if f not in after.fields] == []  # the title (rejected) and the rest kept
    assert window.library.paper(mine).paper.fields == before_mine.fields
    assert window.library.history.stack.undo_label() == "Complete metadata of 1 paper"
    activate(qtbot, window)
    qtbot.keyClick(window.table, Qt.Key.Key_Z, CTRL)
    qtbot.waitUntil(lambda: window.library.paper(electra).paper.fields == before.fields, timeout=10000)
    assert window.library.paper(electra).paper.entry_type == before.entry_type
    assert message_boxes == []


def test_cancelling_the_look_up_changes_nothing(qtbot, window: MainWindow, services: HTTPServer) -> None:  # noqa: F811
    services.expect_request("/arxiv/query").respond_with_data(ELECTRA_ATOM)
    electra, _mine = _papers_to_complete(qtbot, window)
    reviews = when_dialog_opens(qtbot, ReviewDialog, lambda dialog: dialog.reject())  # must not open
    window.identify.complete([electra])
    assert window.identify.dialog is not None
    qtbot.keyClick(window.identify.dialog, Qt.Key.Key_Escape)
    assert window.identify.dialog is None
    assert window.statusBar().currentMessage() == "Cancelled: nothing was changed."
    qtbot.wait(300)
    assert reviews == [] and not window.library.paper(electra).paper.authors


def test_complete_metadata_of_a_reading_list_looks_up_every_paper_shown_after_asking(
        qtbot, window: MainWindow, services: HTTPServer, message_boxes) -> None:  # noqa: F811
    services.expect_request("/arxiv/query").respond_with_data(ELECTRA_ATOM)
    services.expect_request("/crossref/works").respond_with_data(crossref_list([]))
    services.expect_request("/s2/paper/search").respond_with_data('{"total": 0, "offset": 0, "data": []}')
    electra, mine = _papers_to_complete(qtbot, window)
    list_id, changes = window.library.lists.create("Thesis")
    window.signals.publish(changes)
    window.signals.publish(window.library.lists.add(list_id, [electra, mine]))
    window.sidebar.setCurrentItem(window.sidebar.lists_root.child(0))
    qtbot.waitUntil(lambda: sorted(window.shown_ids()) == sorted([electra, mine]))
    window.go_to_row(0)  # one paper selected: the command still takes the whole list
    message_boxes.answer = QMessageBox.StandardButton.Yes
    reviewed: list = []

    def review(dialog: ReviewDialog) -> None:
        reviewed.extend(sorted(update.paper_id for _top, update in dialog.papers))
        dialog.reject()

    handled = when_dialog_opens(qtbot, ReviewDialog, review)
    assert window.commands.run("view.complete_metadata")
    qtbot.waitUntil(lambda: bool(handled), timeout=30000)  # (a loaded machine)
    assert message_boxes.titles() == ["Complete metadata"]
    assert "the 2 papers shown" in message_boxes[0][1]
    assert reviewed == [electra]  # the one paper a service knows more of
    asked = [entry[0] for entry in services.log]
    assert any(r.path == "/arxiv/query" and r.args["id_list"] == "2003.10555" for r in asked)
    for service in ("/crossref/works", "/s2/paper/search"):  # the other one searched by title on both
        assert any(r.path == service and "no service knows" in str(r.args) for r in asked)
    settle(qtbot, window)
    assert not window.library.paper(electra).paper.authors  # the review was cancelled: nothing changed
