"""The detail pane: the selected paper's title, metadata, abstract, links and
related papers. Every piece of user text is HTML-escaped, so it always shows
as text (and can never name an image to load); search matches are painted over
it and `n`/`N` step through them. Links open through `open_link`: web pages,
DOIs and arXiv ids at once, anything else only if the user agrees."""

from __future__ import annotations

from collections.abc import Callable
from html import escape, unescape

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QTextBrowser, QTextEdit, QWidget

from lectern.core.domain.links import arxiv_url
from lectern.core.library.facade import PaperDetail
from lectern.core.library.fulltext import TextState
from lectern.core.search.engine import Highlighter
from lectern.core.search.pages import PageHit
from lectern.core.search.related import RelatedPaper
from lectern.desktop.views.attachment_list import attachment_action, attachments_html
from lectern.desktop.views.theme import MATCH_BACKGROUND, MATCH_TEXT, MUTED_TEXT, pick
from lectern.desktop.views.untrusted import open_link

PAPER_SCHEME = "lectern"


MAX_PAGE_HITS = 8  # page hits listed in the pane (the rest are counted)


def page_lines(hits: list[PageHit], states: list[TextState], names: dict[int, str]) -> list[str]:
    """The full text's lines for the pane, plain text: `p. 7: …snippet…` for each
    page the search matched, and each PDF whose text is not (yet) there."""
    several = len({h.attachment_id for h in hits}) > 1
    lines = [(f"{names.get(h.attachment_id, 'PDF')}, " if several else "") + f"p. {h.page}: {h.snippet}"
             for h in hits[:MAX_PAGE_HITS]]
    if len(hits) > MAX_PAGE_HITS:
        lines.append(f"… and {len(hits) - MAX_PAGE_HITS} more pages")
    lines += [f"{names.get(s.attachment_id, 'PDF')}: {s.describe()}" for s in states if s.status != "done"]
    return lines


def detail_html(detail: PaperDetail, related: list[RelatedPaper] | None = None,
                fulltext: list[str] | None = None) -> str:
    """The pane's HTML for one paper, built from escaped text only: the title,
    the paper's facts, then every field of its record read as Unicode (the
    DOI, URL and arXiv id as links; a crossref parent's fields marked)."""
    paper = detail.paper
    muted = pick(MUTED_TEXT).name()  # notes beside the facts, readable in both schemes
    facts = [("Key", paper.citation_key, None), ("Type", paper.entry_type, None), ("Status", paper.status, None)]
    if detail.tags:
        facts.append(("Tags", ", ".join(detail.tags), None))
    star = "★ " if paper.starred else ""
    parts = [f"<h2>{escape(star + detail.title_text)}</h2>", "<table cellspacing='2'>"]
    rows = [(label, value, None, False) for label, value, _ in facts]
    rows += [(f.label, f.text, f.link, f.inherited) for f in detail.fields
             if f.name.lower() not in ("title", "abstract")]  # the heading and the Abstract below
    if paper.arxiv_id and not any(f.name.lower() == "eprint" for f in detail.fields):
        rows.append(("arXiv", paper.arxiv_id, arxiv_url(paper.arxiv_id), False))
    for label, value, target, from_parent in rows:
        shown = escape(value)
        if target:  # the link opens through open_link (DOIs and arXiv ids as https pages made by the core)
            shown = f"<a href='{escape(target, quote=True)}'>{shown}</a>"
        if from_parent:
            shown += f" <span style='color: {muted}'>(inherited from {escape(detail.parent_key or '')})</span>"
        parts.append(f"<tr><td valign='top'><b>{escape(label)}</b>&nbsp;&nbsp;</td><td>{shown}</td></tr>")
    parts.append("</table>")
    parts.append(attachments_html(detail.attachments, PAPER_SCHEME))  # the paper itself, before its abstract
    if detail.abstract_text:
        parts.append(f"<h3>Abstract</h3><p>{escape(detail.abstract_text)}</p>")
    if fulltext:
        parts.append("<h3>In the full text</h3>")
        parts += [f"<p>{escape(line)}</p>" for line in fulltext]
    if detail.links:
        parts.append("<h3>Links</h3><ul>")
        for url in detail.links:
            parts.append(f"<li><a href='{escape(url, quote=True)}'>{escape(url)}</a></li>")
        parts.append("</ul>")
    if related:
        parts.append("<h3>Related papers</h3><ol>")
        for item in related:
            terms = f" <span style='color: {muted}'>— {escape(', '.join(item.terms))}</span>" if item.terms else ""
            parts.append(f"<li><a href='{PAPER_SCHEME}:paper/{item.paper_id}'>{escape(item.title)}</a>{terms}</li>")
        parts.append("</ol>")
    return "".join(parts)


class DetailPane(QTextBrowser):
    """Read-only view of one paper; web links open only on the user's click."""

    paperActivated = Signal(int)
    attachmentActivated = Signal(str, int)  # "open", "locate" or "remove"; the attachment's id
    cleared = Signal()  # the pane shows no paper now (empty result, nothing selected)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("detailPane")
        self.setOpenLinks(False)
        # Tab moves between panes, as everywhere (with keyboard-accessible links,
        # QTextBrowser would take Tab to walk its links instead).
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction
                                     & ~Qt.TextInteractionFlag.LinksAccessibleByKeyboard)
        self.setOpenExternalLinks(False)
        self.anchorClicked.connect(self._open_link)
        self.detail: PaperDetail | None = None
        self.related: list[RelatedPaper] = []
        self.highlighter = Highlighter()
        self.page_highlighter = Highlighter()  # the full text's words of the search (snippets)
        # paper id -> (page hits, text states, attachment names); set by the window
        self.page_info: Callable[[int], tuple[list[PageHit], list[TextState], dict[int, str]]] | None = None
        self.fulltext_lines: list[str] = []
        self.match_spans: list[tuple[int, int]] = []
        self.current_match = -1
        self._html = ""  # what the pane shows now
        self.show_paper(None)

    def show_paper(self, detail: PaperDetail | None, highlighter: Highlighter | None = None) -> None:
        if detail is None or self.detail is None or detail.paper.id != self.detail.paper.id:
            self.related = []
        self.detail = detail
        if highlighter is not None:
            self.highlighter = highlighter
        self._render()
        if detail is None:
            self.cleared.emit()

    def set_related(self, paper_id: int, related: list[RelatedPaper]) -> None:
        if self.detail is not None and self.detail.paper.id == paper_id:
            self.related = related
            scroll = self.verticalScrollBar().value()
            self._render()
            self.verticalScrollBar().setValue(scroll)

    def refresh(self) -> None:
        """Show the same paper again (its page hits came), keeping the scroll position."""
        scroll = self.verticalScrollBar().value()
        self._render()
        self.verticalScrollBar().setValue(scroll)

    def set_highlighter(self, highlighter: Highlighter, page_highlighter: Highlighter | None = None) -> None:
        changed = page_highlighter is not None
        self.highlighter = highlighter
        if page_highlighter is not None:
            self.page_highlighter = page_highlighter
        if changed and self.detail is not None and self.page_info is not None:
            self._render()  # the pages that match are the new search's
        else:
            self._paint_matches()

    def _render(self) -> None:
        if self.detail is None:
            html = f"<p style='color: {pick(MUTED_TEXT).name()}'>No paper selected.</p>"
        else:
            info = self.page_info(self.detail.paper.id) if self.page_info is not None else None
            self.fulltext_lines = page_lines(*info) if info else []
            html = detail_html(self.detail, self.related, self.fulltext_lines)
        if html != self._html:  # (the same paper shown again as it was: nothing to lay out)
            if not self._heading_replaced(html):
                self.setHtml(html)
            self._html = html
        self._paint_matches()

    def _heading_replaced(self, html: str) -> bool:
        """When only the heading differs from what is shown (a star set or
        cleared), put the new heading's text in place of the old: the rest of
        the pane is neither parsed nor laid out again. False otherwise."""
        head, _, rest = html.partition("</h2>")
        old_head, _, old_rest = self._html.partition("</h2>")
        if not rest or rest != old_rest or not head.startswith("<h2>") or not old_head.startswith("<h2>"):
            return False
        heading = self.document().firstBlock()
        cursor = QTextCursor(heading)
        cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock, QTextCursor.MoveMode.KeepAnchor)
        cursor.insertText(unescape(head[len("<h2>"):]), cursor.charFormat())
        return True

    def _paint_matches(self) -> None:
        self.match_spans = []
        if self.detail is not None and (self.highlighter or self.page_highlighter):
            plain = self.toPlainText()
            for shown in (self.detail.title_text, self.detail.abstract_text):
                offset = plain.find(shown) if shown else -1
                if offset >= 0:
                    self.match_spans += [(offset + a, offset + b) for a, b in self.highlighter.spans(shown)]
            at = 0
            for line in self.fulltext_lines:
                offset = plain.find(line, at)
                if offset >= 0:
                    at = offset + len(line)
                    self.match_spans += [(offset + a, offset + b) for a, b in self.page_highlighter.spans(line)]
        self.current_match = -1
        selections = []
        fmt = QTextCharFormat()
        fmt.setBackground(pick(MATCH_BACKGROUND))
        fmt.setForeground(pick(MATCH_TEXT))
        for start, end in self.match_spans:
            selection = QTextEdit.ExtraSelection()
            cursor = QTextCursor(self.document())
            cursor.setPosition(start)
            cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
            selection.cursor = cursor
            selection.format = fmt
            selections.append(selection)
        self.setExtraSelections(selections)

    def step_match(self, step: int) -> bool:
        """Select the next (step=1) or previous (step=-1) match; False if none."""
        if not self.match_spans:
            return False
        self.current_match = (self.current_match + step) % len(self.match_spans)
        start, end = self.match_spans[self.current_match]
        cursor = QTextCursor(self.document())
        cursor.setPosition(start)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)
        self.ensureCursorVisible()
        return True

    def links(self) -> list[str]:
        return list(self.detail.links) if self.detail else []

    def loadResource(self, type_: int, name: QUrl) -> object:  # noqa: N802 (Qt override)
        return None  # no fetching by the browser; and all text is escaped, so no <img> is ever named

    def _open_link(self, url: QUrl) -> None:
        if url.scheme() == PAPER_SCHEME:
            paper_id = url.path().removeprefix("paper/")
            if paper_id.isdigit():
                self.paperActivated.emit(int(paper_id))
            attachment = attachment_action(url.path())
            if attachment is not None:
                self.attachmentActivated.emit(*attachment)
        else:
            open_link(self, url.toString())
