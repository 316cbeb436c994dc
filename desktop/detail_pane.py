"""The detail pane: the selected paper's title, metadata, abstract and links.
Every piece of user text is HTML-escaped, so it always shows as text."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QTextBrowser, QWidget

from core.library import PaperDetail

SAFE_SCHEMES = ("http", "https")


def detail_html(detail: PaperDetail) -> str:
    """The pane's HTML for one paper, built from escaped text only."""
    paper = detail.paper
    facts = [("Key", paper.citation_key), ("Status", paper.status)]
    if paper.authors:
        facts.append(("Authors", paper.authors))
    if paper.year:
        facts.append(("Year", str(paper.year)))
    if paper.venue:
        facts.append(("Venue", paper.venue))
    if paper.arxiv_id:
        facts.append(("arXiv", paper.arxiv_id))
    if paper.doi:
        facts.append(("DOI", paper.doi))
    if detail.tags:
        facts.append(("Tags", ", ".join(detail.tags)))
    star = "★ " if paper.starred else ""
    parts = [f"<h2>{escape(star + detail.title_text)}</h2>", "<table cellspacing='2'>"]
    for label, value in facts:
        parts.append(f"<tr><td><b>{escape(label)}</b>&nbsp;&nbsp;</td><td>{escape(value)}</td></tr>")
    parts.append("</table>")
    if detail.abstract_text:
        parts.append(f"<h3>Abstract</h3><p>{escape(detail.abstract_text)}</p>")
    if detail.links:
        parts.append("<h3>Links</h3><ul>")
        for url in detail.links:
            parts.append(f"<li><a href='{escape(url, quote=True)}'>{escape(url)}</a></li>")
        parts.append("</ul>")
    return "".join(parts)


class DetailPane(QTextBrowser):
    """Read-only view of one paper; links open in the browser on the user's click."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("detailPane")
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.anchorClicked.connect(self._open_link)
        self.detail: PaperDetail | None = None
        self.show_paper(None)

    def show_paper(self, detail: PaperDetail | None) -> None:
        self.detail = detail
        if detail is None:
            self.setHtml("<p style='color: gray'>No paper selected.</p>")
        else:
            self.setHtml(detail_html(detail))

    def links(self) -> list[str]:
        return list(self.detail.links) if self.detail else []

    def loadResource(self, type_: int, name: QUrl) -> object:  # noqa: N802 (Qt override)
        return None  # never fetch images or other resources named in text

    @staticmethod
    def _open_link(url: QUrl) -> None:
        if url.scheme() in SAFE_SCHEMES:
            QDesktopServices.openUrl(url)
