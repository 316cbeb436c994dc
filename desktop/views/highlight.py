"""Painting matched words: a table delegate for the title column and extra
selections for the detail pane. Text is escaped; nothing is read as HTML."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF
from PySide6.QtGui import QAbstractTextDocumentLayout, QPainter, QPalette, QTextDocument
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from lectern.desktop.views.table_model import HIGHLIGHT_ROLE
from lectern.desktop.views.theme import MATCH_BACKGROUND, MATCH_TEXT, pick


def highlighted_html(text: str, spans: list[tuple[int, int]]) -> str:
    """Escaped `text` with the spans wrapped in a highlight (its own text colour:
    readable on a selected row and in both schemes)."""
    out: list[str] = []
    pos = 0
    background, color = pick(MATCH_BACKGROUND).name(), pick(MATCH_TEXT).name()
    for start, end in spans:
        out.append(escape(text[pos:start]))
        out.append(f"<span style='background-color:{background}; color:{color}'>{escape(text[start:end])}</span>")
        pos = end
    out.append(escape(text[pos:]))
    return "".join(out)


class HighlightDelegate(QStyledItemDelegate):
    """Draws a cell's text with its matched words highlighted (elided on one line)."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        spans = index.data(HIGHLIGHT_ROLE)
        if not spans:
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        text = opt.text
        opt.text = ""
        style = opt.widget.style() if opt.widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, opt, opt.widget)
        elided = opt.fontMetrics.elidedText(text, opt.textElideMode, rect.width() - 4)
        limit = len(elided) if elided == text else len(elided) - 1  # not the "…"
        kept = [(a, min(b, limit)) for a, b in spans if a < limit]
        doc = QTextDocument()
        doc.setDocumentMargin(0)
        doc.setDefaultFont(opt.font)
        doc.setHtml(highlighted_html(elided, kept))
        painter.save()
        painter.translate(rect.left() + 2, rect.top() + (rect.height() - doc.size().height()) / 2)
        context = QAbstractTextDocumentLayout.PaintContext()
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        context.palette.setColor(QPalette.ColorRole.Text, opt.palette.color(role))
        context.clip = QRectF(0, 0, rect.width(), rect.height())
        doc.documentLayout().draw(painter, context)
        painter.restore()
