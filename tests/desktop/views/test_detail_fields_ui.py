"""The detail pane shows every field of an imported record read as Unicode, in
reading order, the DOI, URL and arXiv id as links, the fields a crossref child
inherits from its parent marked so, and any text (HTML too) literally."""

from __future__ import annotations

from lectern.core.transfer.importing import import_text
from lectern.desktop.main_window import MainWindow
from tests.desktop.conftest import settle
from tests.fixtures.texlive_like import BIB


def _show(qtbot, window: MainWindow, key: str) -> str:
    report = import_text(window.library, BIB) if not window.library.search(f'"{key}"').ids else None
    if report is not None:
        window.signals.publish(report.changes)
        settle(qtbot, window)
    (paper_id,) = [i for i, k in window.library.citation_keys_of(window.library.paper_ids()).items() if k == key]
    window.select_paper(paper_id)
    return window.detail.toPlainText()


def shows(text: str, label: str, value: str) -> bool:
    """Whether the pane's text has the row `label: value` (a table row reads "label  \nvalue")."""
    return f"\n{label}  \n{value}\n" in text.replace("\xa0", " ")


def test_an_imported_article_shows_volume_pages_publisher_and_links(qtbot, window: MainWindow) -> None:
    text = _show(qtbot, window, "sigfridsson")
    for label, value in (("Authors", "Emma Sigfridsson, Ulf Ryde"), ("Journal", "Journal of Computational Chemistry"),
                         ("Volume", "19"), ("Number", "4"), ("Pages", "377–395"), ("Publisher", "Wiley"),
                         ("Type", "article"), ("Langid", "english"), ("Date", "1998")):
        assert shows(text, label, value), (label, value)
    order = [text.index(label) for label in ("Authors", "Journal", "Date", "Volume", "Number", "Pages", "Publisher",
                                             "DOI", "Langid")]
    assert order == sorted(order)  # title, authors, venue, date, volume, number, pages, publisher, the rest A-Z
    html = window.detail.toHtml()
    assert 'href="https://doi.org/10.1002/(SICI)1096-987X(199803)19:4%3C377::AID-JCC1%3E3.0.CO;2-P"' in html
    assert 'href="https://arxiv.org/abs/2106.09685"' in html
    assert 'href="https://example.org/sigfridsson"' in html


def test_a_crossref_child_shows_what_it_inherits(qtbot, window: MainWindow) -> None:
    text = _show(qtbot, window, "westfahl:space")
    assert shows(text, "Authors", "Gary Westfahl")  # its own
    assert shows(text, "Pages", "55-65")
    assert shows(text, "Publisher", "Greenwood (inherited from westfahl:frontier)")
    assert shows(text, "Editors", "Gary Westfahl (inherited from westfahl:frontier)")
    assert shows(text, "Book title", "Space and Beyond (inherited from westfahl:frontier)")
    assert shows(text, "Location", "Westport, Conn. and London (inherited from westfahl:frontier)")
    assert shows(text, "Date", "2000 (inherited from westfahl:frontier)")


def test_html_in_any_field_shows_literally(qtbot, window: MainWindow) -> None:
    paper_id = window.current_paper_id()
    hostile = "<b>bold</b> <img src=x> <a href='file:///etc/passwd'>link</a>"
    window.signals.publish(window.library.papers.set_record(
        paper_id, "misc", (("title", "T"), ("author", "<i>Mallory</i>"), ("note", hostile), ("x-custom", hostile))))
    settle(qtbot, window)
    window.detail.show_paper(window.library.paper(paper_id))
    text = window.detail.toPlainText()
    assert shows(text, "Note", hostile) and shows(text, "X-custom", hostile)
    assert shows(text, "Authors", "<i>Mallory</i>")
    html = window.detail.toHtml()
    assert "<img" not in html and "file:///etc/passwd'>" not in html and "<b>bold" not in html
