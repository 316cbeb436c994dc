"""Light and dark: the window takes the system's colour scheme, and text,
links, match highlights, notes and errors stay readable (contrast >= 4.5:1) in both."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from lectern.desktop.main_window import MainWindow
from lectern.desktop.views.highlight import match_format
from lectern.desktop.views.theme import (
    ERROR_TEXT,
    MATCH_BACKGROUND,
    MATCH_TEXT,
    MUTED_TEXT,
    apply_scheme,
    contrast,
    follow_color_scheme,
    pick,
    scheme_of,
)
from tests.desktop.conftest import settle

Role = QPalette.ColorRole


@pytest.fixture
def app(qapp) -> Iterator[QApplication]:
    """The application, given back its light palette afterwards (the palette is application-wide)."""
    yield qapp
    apply_scheme(qapp, Qt.ColorScheme.Light)


@pytest.mark.parametrize("scheme", [Qt.ColorScheme.Light, Qt.ColorScheme.Dark])
def test_every_colour_is_readable_in_both_schemes(app: QApplication, scheme: Qt.ColorScheme) -> None:
    apply_scheme(app, scheme)
    palette = app.palette()
    assert scheme_of(palette) == scheme
    base, window = palette.color(Role.Base), palette.color(Role.Window)
    assert contrast(palette.color(Role.Text), base) >= 4.5
    assert contrast(palette.color(Role.WindowText), window) >= 4.5
    assert contrast(palette.color(Role.Link), base) >= 4.5
    assert contrast(palette.color(Role.HighlightedText), palette.color(Role.Highlight)) >= 4.5
    assert contrast(pick(MATCH_TEXT), pick(MATCH_BACKGROUND)) >= 4.5
    assert contrast(pick(MUTED_TEXT), base) >= 4.5
    assert contrast(pick(ERROR_TEXT), window) >= 4.5


def test_the_window_follows_the_system_scheme_when_it_changes(qtbot, app: QApplication, window: MainWindow,
                                                              monkeypatch) -> None:
    monkeypatch.delenv("LECTERN_COLOR_SCHEME", raising=False)
    follow_color_scheme(app)
    assert scheme_of(window.table.palette()) == Qt.ColorScheme.Light
    app.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Dark)  # the desktop switched to dark
    qtbot.waitUntil(lambda: scheme_of(window.table.palette()) == Qt.ColorScheme.Dark)
    assert window.table.palette().color(Role.Base).lightness() < 64
    window.search_bar.set_text("pretraining")
    settle(qtbot, window)
    dark_match = pick(MATCH_BACKGROUND).name()
    assert match_format().background().color().name() == dark_match == MATCH_BACKGROUND[1].name()
    window.go_to_row(0)
    selections = window.detail.extraSelections()
    assert selections and selections[0].format.background().color() == MATCH_BACKGROUND[1]
    app.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Light)
    qtbot.waitUntil(lambda: scheme_of(window.table.palette()) == Qt.ColorScheme.Light)


def test_lectern_color_scheme_overrides_the_system(app: QApplication, monkeypatch) -> None:
    monkeypatch.setenv("LECTERN_COLOR_SCHEME", "dark")
    follow_color_scheme(app)
    assert scheme_of(app.palette()) == Qt.ColorScheme.Dark
