"""Showing untrusted text (imported files, notes, typed names) in Qt without
letting it act: message boxes and choices in plain text, tooltips
that render literally, and the one place links are opened. Every QMessageBox
in desktop/ is made here (a test checks it), so none can render a crafted
`<a href=file:...>` or `<img src=...>` from a file's text."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QInputDialog, QLabel, QMessageBox, QProgressDialog, QWidget

from lectern.core.domain.links import check_link

Icon = QMessageBox.Icon
Button = QMessageBox.StandardButton


def message_box(parent: QWidget | None, icon: QMessageBox.Icon, title: str, text: str,
                buttons: QMessageBox.StandardButton = Button.Ok) -> QMessageBox:
    """A message box whose text is always shown as plain text, never as HTML."""
    box = QMessageBox(icon, title, "", buttons, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(text)
    return box


def _show(parent: QWidget | None, icon: QMessageBox.Icon, title: str, text: str) -> None:
    message_box(parent, icon, title, text).exec()


def warning(parent: QWidget | None, title: str, text: str) -> None:
    _show(parent, Icon.Warning, title, text)


def critical(parent: QWidget | None, title: str, text: str) -> None:
    _show(parent, Icon.Critical, title, text)


def information(parent: QWidget | None, title: str, text: str) -> None:
    _show(parent, Icon.Information, title, text)


def ask(parent: QWidget | None, title: str, text: str, default_yes: bool = False) -> bool:
    """A Yes/No question in plain text; True only if the user answers Yes.
    Escape (and Enter, unless `default_yes`) answer No."""
    box = message_box(parent, Icon.Question, title, text, Button.Yes | Button.No)
    box.setDefaultButton(Button.Yes if default_yes else Button.No)
    box.setEscapeButton(Button.No)
    return Button(box.exec()) == Button.Yes


def choose(parent: QWidget | None, title: str, text: str, items: list[str], current: int = 0,
           ok_text: str = "OK", editable: bool = False) -> str | None:
    """One of `items` (or, if `editable`, what the user typed), under a question
    shown as plain text; None for Cancel. The list has the focus: arrows or
    typing choose, Enter accepts, Escape cancels."""
    dialog = QInputDialog(parent)
    dialog.setWindowTitle(title)
    dialog.setLabelText(" ")  # makes the label, so it is plain text before the file's words reach it
    label = dialog.findChild(QLabel)
    if label is not None:
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setWordWrap(True)
    dialog.setLabelText(text)
    dialog.setComboBoxItems(items)
    dialog.setComboBoxEditable(editable)
    if 0 <= current < len(items):
        dialog.setTextValue(items[current])
    dialog.setOkButtonText(ok_text)
    if dialog.exec() != QInputDialog.DialogCode.Accepted:
        return None
    return dialog.textValue()


def progress_dialog(parent: QWidget, title: str, show_after_ms: int) -> QProgressDialog:
    """A window-modal progress dialog (busy until told the steps) whose label is
    plain text: it names files and papers, never HTML."""
    dialog = QProgressDialog(title, "Cancel", 0, 0, parent)
    label = QLabel(dialog)
    label.setTextFormat(Qt.TextFormat.PlainText)
    dialog.setLabel(label)
    dialog.setLabelText(title)
    dialog.setWindowTitle("Lectern")
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(show_after_ms)
    return dialog


def plain_tooltip(text: str) -> str:
    """A tooltip that shows `text` literally: Qt renders a tooltip as rich text
    whenever it looks like HTML (`Qt::mightBeRichText`), so it is escaped and
    wrapped in a paragraph that keeps its spaces and line breaks."""
    if not text:
        return ""
    return f"<p style='white-space:pre-wrap'>{escape(text, quote=False)}</p>"


def open_link(parent: QWidget | None, text: str) -> bool:
    """Open a link from the library or a note: web pages, DOIs and arXiv ids at
    once; anything else (file:, javascript:, custom schemes, relative paths)
    only if the user says Yes to a question that names it. True if opened."""
    link = check_link(text)
    if not link.target:
        return False
    if not link.safe:
        question = ("This link is not a web page (http or https), a DOI or an arXiv id. "
                    "Opening it could open a file or run a program on this computer:\n\n"
                    f"{link.shown}\n\nOpen it anyway?")
        if not ask(parent, "Open this link?", question):
            return False
    QDesktopServices.openUrl(QUrl(link.target))
    return True
