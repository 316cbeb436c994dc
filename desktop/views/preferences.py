"""Edit > Preferences: the settings a user chooses once (core/store/settings.py):
how files are attached, and whether a library set up for sync syncs by itself."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)


class PreferencesDialog(QDialog):
    """Attached files: copied into the library's folder, or linked where they are.
    Sync: automatic or only when asked."""

    def __init__(self, attach_mode: str, parent: QWidget | None = None, sync_auto: bool = True) -> None:
        super().__init__(parent)
        self.setWindowTitle("Preferences")
        box = QGroupBox("Attached files", self)
        self.copy = QRadioButton("&Copy into the library's folder", box)
        self.link = QRadioButton("&Link where they are (never moved or deleted)", box)
        group = QButtonGroup(self)
        for button in (self.copy, self.link):
            group.addButton(button)
        (self.link if attach_mode == "link" else self.copy).setChecked(True)
        inner = QVBoxLayout(box)
        inner.addWidget(self.copy)
        inner.addWidget(self.link)
        sync_box = QGroupBox("Sync", self)
        self.sync = QCheckBox("&Sync automatically every few minutes and when Lectern quits\n"
                              "(once File > Sync > Set up… has given this library a remote)", sync_box)
        self.sync.setChecked(sync_auto)
        QVBoxLayout(sync_box).addWidget(self.sync)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(box)
        layout.addWidget(sync_box)
        layout.addWidget(buttons)

    def attach_mode(self) -> str:
        return "link" if self.link.isChecked() else "copy"

    def sync_auto(self) -> bool:
        return self.sync.isChecked()
