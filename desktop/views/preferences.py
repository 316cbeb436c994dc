"""Edit > Preferences: the settings a user chooses once (core/store/settings.py),
for now how files are attached."""

from __future__ import annotations

from PySide6.QtWidgets import QButtonGroup, QDialog, QDialogButtonBox, QGroupBox, QRadioButton, QVBoxLayout, QWidget


class PreferencesDialog(QDialog):
    """Attached files: copied into the library's folder, or linked where they are."""

    def __init__(self, attach_mode: str, parent: QWidget | None = None) -> None:
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
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(box)
        layout.addWidget(buttons)

    def attach_mode(self) -> str:
        return "link" if self.link.isChecked() else "copy"
