"""Painting the paper table's cells, with the matched words of a title
highlighted. Text is laid out as text; nothing is read as HTML."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPointF, Qt
from PySide6.QtGui import QPainter, QPalette, QTextCharFormat, QTextLayout
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem, QTableView

from lectern.desktop.views.table_model import COLUMNS, PaperTableModel
from lectern.desktop.views.theme import MATCH_BACKGROUND, MATCH_TEXT, pick

_CENTRED = frozenset(i for i, (key, _label) in enumerate(COLUMNS) if key in ("starred", "year"))
_HAS_DISPLAY = QStyleOptionViewItem.ViewItemFeature.HasDisplay


def match_format() -> QTextCharFormat:
    """How a matched word looks: its own background and text colour (readable
    on a selected row and in both schemes)."""
    match = QTextCharFormat()
    match.setBackground(pick(MATCH_BACKGROUND))
    match.setForeground(pick(MATCH_TEXT))
    return match


class CellDelegate(QStyledItemDelegate):
    """Draws every cell of the paper table from the model's row at once (Qt's
    own delegate asks the model for each role of each cell, one call into
    Python apiece at every paint), and a title with its matched words
    highlighted, elided on one line."""

    def __init__(self, table: QTableView, model: PaperTableModel) -> None:
        super().__init__(table)
        self._model = model

    def initStyleOption(self, option: QStyleOptionViewItem,  # noqa: N802 (Qt override)
                        index: QModelIndex | QPersistentModelIndex) -> None:
        option.index = index
        option.text = self._model.cell_text(index.row(), index.column())
        option.features |= _HAS_DISPLAY
        if index.column() in _CENTRED:
            option.displayAlignment = Qt.AlignmentFlag.AlignCenter
        option.styleObject = None  # (no style animations in item views, as Qt's own)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        spans = self._model.title_spans(index.row()) if index.column() == 0 else None
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
        match = match_format()
        ranges = []
        for start, end in spans:
            if start < limit:
                piece = QTextLayout.FormatRange()
                piece.start, piece.length, piece.format = start, min(end, limit) - start, match
                ranges.append(piece)
        layout = QTextLayout(elided, opt.font)
        layout.setFormats(ranges)
        layout.beginLayout()
        line = layout.createLine()
        line.setLineWidth(rect.width() - 4)
        layout.endLayout()
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        painter.save()
        painter.setPen(opt.palette.color(role))
        painter.setClipRect(rect)
        layout.draw(painter, QPointF(rect.left() + 2, rect.top() + (rect.height() - line.height()) / 2))
        painter.restore()
