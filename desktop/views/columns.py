"""Which columns the paper table shows: chosen from the header's context menu,
View > Columns or the palette, and remembered across restarts (QSettings, with
the header's widths and order)."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QHeaderView

from lectern.desktop.views.table_model import COLUMNS, DEFAULT_COLUMNS, WIDTHS, column_of

SHOWN_KEY = "table/columns"  # the keys of the columns shown, in model order
HEADER_KEY = "table/header"  # Qt's header state: widths, order, sort indicator


class ColumnChooser:
    """Shows and hides the table's columns and keeps the choice in `settings`."""

    def __init__(self, header: QHeaderView, settings: QSettings) -> None:
        self.header = header
        self.settings = settings

    def restore(self) -> None:
        """Widths, order and sort as last left; the columns last chosen (a
        library opened by an older Lectern gets the new columns' defaults)."""
        for key, _label in COLUMNS:
            self.header.resizeSection(column_of(key), WIDTHS[key])
        state = self.settings.value(HEADER_KEY)
        if isinstance(state, QByteArray) and not state.isEmpty():
            self.header.restoreState(state)
        shown = self.settings.value(SHOWN_KEY)
        if shown is None:  # first start with this choice: the defaults, Authors beside the Title
            self.header.moveSection(self.header.visualIndex(column_of("authors")),
                                    self.header.visualIndex(column_of("title")) + 1)
            for key in ("authors", "venue", "type"):
                self.header.resizeSection(column_of(key), WIDTHS[key])
            shown = list(DEFAULT_COLUMNS)
        wanted = {str(k) for k in (shown if isinstance(shown, list) else [shown])} | {"title"}
        for key, _label in COLUMNS:
            self.header.setSectionHidden(column_of(key), key not in wanted)
        self.fit_title()

    def fit_title(self) -> None:
        """The title takes the width the other columns leave, so every column
        fits the table (no scrollbar hides Added); the others keep their widths.
        Set again after a restored state, which carries the modes it was saved with."""
        for key, _label in COLUMNS:
            self.header.setSectionResizeMode(column_of(key), QHeaderView.ResizeMode.Interactive)
        self.header.setSectionResizeMode(column_of("title"), QHeaderView.ResizeMode.Stretch)

    def shown(self, key: str) -> bool:
        return not self.header.isSectionHidden(column_of(key))

    def toggle(self, key: str) -> None:
        """Show a hidden column (at a usable width) or hide a shown one; the title stays."""
        if key == "title":
            return
        column = column_of(key)
        hide = not self.header.isSectionHidden(column)
        self.header.setSectionHidden(column, hide)
        if not hide and self.header.sectionSize(column) < 24:
            self.header.resizeSection(column, WIDTHS[key])
        self.save()

    def save(self) -> None:
        self.settings.setValue(SHOWN_KEY, [key for key, _label in COLUMNS if self.shown(key)])
        self.settings.setValue(HEADER_KEY, self.header.saveState())
