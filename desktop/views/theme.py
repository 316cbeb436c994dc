"""Light and dark: Lectern follows the system colour scheme (Qt's style hints;
LECTERN_COLOR_SCHEME=light or dark overrides it), and every colour it adds to
Qt's palette (match highlights, muted notes, errors) comes in a pair chosen
for a contrast of at least 4.5:1 (WCAG AA) on that scheme's background."""

from __future__ import annotations

import os

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

Scheme = Qt.ColorScheme
# (light scheme, dark scheme)
MATCH_BACKGROUND = (QColor("#ffe066"), QColor("#7a5c00"))
MATCH_TEXT = (QColor("#000000"), QColor("#ffffff"))
MUTED_TEXT = (QColor("#595959"), QColor("#a8a8a8"))
ERROR_TEXT = (QColor("#b00020"), QColor("#ff8a80"))

_DARK = {  # a dark Fusion palette: (role, colour, colour when disabled)
    QPalette.ColorRole.Window: ("#2b2b2b", "#2b2b2b"),
    QPalette.ColorRole.WindowText: ("#e8e8e8", "#8a8a8a"),
    QPalette.ColorRole.Base: ("#1e1e1e", "#242424"),
    QPalette.ColorRole.AlternateBase: ("#262626", "#262626"),
    QPalette.ColorRole.ToolTipBase: ("#3a3a3a", "#3a3a3a"),
    QPalette.ColorRole.ToolTipText: ("#f0f0f0", "#8a8a8a"),
    QPalette.ColorRole.PlaceholderText: ("#9a9a9a", "#6e6e6e"),
    QPalette.ColorRole.Text: ("#e8e8e8", "#8a8a8a"),
    QPalette.ColorRole.Button: ("#353535", "#303030"),
    QPalette.ColorRole.ButtonText: ("#e8e8e8", "#8a8a8a"),
    QPalette.ColorRole.BrightText: ("#ff6b6b", "#ff6b6b"),
    QPalette.ColorRole.Light: ("#505050", "#505050"),
    QPalette.ColorRole.Midlight: ("#404040", "#404040"),
    QPalette.ColorRole.Mid: ("#303030", "#303030"),
    QPalette.ColorRole.Dark: ("#1a1a1a", "#1a1a1a"),
    QPalette.ColorRole.Shadow: ("#000000", "#000000"),
    QPalette.ColorRole.Highlight: ("#2f65ca", "#3a3a3a"),
    QPalette.ColorRole.HighlightedText: ("#ffffff", "#8a8a8a"),
    QPalette.ColorRole.Link: ("#8ab4f8", "#6f8fc4"),
    QPalette.ColorRole.LinkVisited: ("#c58af9", "#9a6fc4"),
}


def scheme_of(palette: QPalette | None = None) -> Scheme:
    """Whether a palette (the application's by default) is a dark or a light one."""
    palette = palette or QGuiApplication.palette()
    return Scheme.Dark if palette.color(QPalette.ColorRole.Window).lightness() < 128 else Scheme.Light


def pick(pair: tuple[QColor, QColor], palette: QPalette | None = None) -> QColor:
    """The colour of a (light, dark) pair for the scheme in use."""
    return pair[1] if scheme_of(palette) == Scheme.Dark else pair[0]


def dark_palette() -> QPalette:
    palette = QPalette()
    for role, (normal, disabled) in _DARK.items():
        palette.setColor(QPalette.ColorGroup.All, role, QColor(normal))
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(disabled))
    return palette


def wanted_scheme(app: QApplication, told: Scheme | None = None) -> Scheme:
    """The scheme to show: the override, else what the system says (`told`, or
    Qt's style hints); a system that says nothing gets the style's own (light)."""
    override = os.environ.get("LECTERN_COLOR_SCHEME", "").strip().lower()
    if override in ("light", "dark"):
        return Scheme.Dark if override == "dark" else Scheme.Light
    scheme = told if told is not None else app.styleHints().colorScheme()
    return scheme if scheme != Scheme.Unknown else Scheme.Light


def light_palette(app: QApplication) -> QPalette:
    """The style's light palette with a selection dark enough for white text (Fusion's is 3.7:1)."""
    palette = app.style().standardPalette()
    palette.setColor(QPalette.ColorGroup.Active, QPalette.ColorRole.Highlight, QColor("#2f65ca"))
    palette.setColor(QPalette.ColorGroup.Inactive, QPalette.ColorRole.Highlight, QColor("#2f65ca"))
    return palette


def readable(palette: QPalette) -> bool:
    """Whether a palette's text, links and selection have a contrast of 4.5:1 at least."""
    role = QPalette.ColorRole
    base = palette.color(role.Base)
    return min(contrast(palette.color(role.Text), base), contrast(palette.color(role.Link), base),
               contrast(palette.color(role.HighlightedText), palette.color(role.Highlight))) >= 4.5


def apply_scheme(app: QApplication, scheme: Scheme) -> None:
    """Give the application the palette of `scheme`, unless the one it has is
    of that scheme and readable (a platform theme may follow the system itself)."""
    if scheme == scheme_of(app.palette()) and readable(app.palette()):
        return
    app.setPalette(dark_palette() if scheme == Scheme.Dark else light_palette(app))


def follow_color_scheme(app: QApplication) -> None:
    """Show the system's scheme now and whenever it changes."""
    apply_scheme(app, wanted_scheme(app))
    app.styleHints().colorSchemeChanged.connect(lambda told: apply_scheme(app, wanted_scheme(app, told)))


def contrast(foreground: QColor, background: QColor) -> float:
    """WCAG contrast ratio of two opaque colours (1 to 21)."""
    def luminance(color: QColor) -> float:
        def channel(value: float) -> float:
            return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4
        return 0.2126 * channel(color.redF()) + 0.7152 * channel(color.greenF()) + 0.0722 * channel(color.blueF())
    lighter, darker = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)
