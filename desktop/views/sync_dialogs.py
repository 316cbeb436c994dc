"""The sync's dialogs: File > Sync > Set up… (the remote's URL or folder) and
the Conflicts view (each open conflict with both values; `m` keeps this
library's, `t` takes the remote's). All text is plain: values come from
other machines."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from lectern.core.sync.conflicts import OpenConflict
from lectern.desktop.views.untrusted import plain_tooltip

SET_UP_TEXT = (
    "Share this library through a git remote: a hosted repository (git@host:me/papers.git, https://…), "
    "a server over SSH, or a bare repository in a folder (a USB stick, a network share; make one with "
    "git init --bare).\n\n"
    "If this library is empty and the remote holds a library, this library takes it over. If the remote is "
    "empty, this library is published to it. Otherwise the two are merged, field by field.")


def _label(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    return label


class SetUpDialog(QDialog):
    """Asks for the sync remote: a git URL or the path of a repository."""

    def __init__(self, current: str | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Set up sync")
        self.edit = QLineEdit(current or "", self)
        self.edit.setObjectName("syncRemote")
        self.edit.setPlaceholderText("git@example.org:me/papers.git, or /media/usb/papers.git")
        folder = QPushButton("Choose &folder…", self)
        folder.clicked.connect(self._choose_folder)
        row = QHBoxLayout()
        row.addWidget(self.edit, 1)
        row.addWidget(folder)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Set up and &sync")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.edit.textChanged.connect(self._check)
        layout = QVBoxLayout(self)
        layout.addWidget(_label(SET_UP_TEXT, self))
        layout.addWidget(_label("Remote (a git URL or a repository's folder):", self))
        layout.addLayout(row)
        layout.addWidget(self.buttons)
        self._check()
        self.resize(560, self.sizeHint().height())

    def _check(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(self.remote()))

    def _choose_folder(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "The shared repository's folder", self.remote())
        if chosen:
            self.edit.setText(chosen)

    def remote(self) -> str:
        """The remote as typed; a folder's path made absolute (git would read a relative one from the sync folder)."""
        text = self.edit.text().strip()
        if not text or re.match(r"[A-Za-z][\w+.-]*://", text) or re.match(r"[^/\\]+:", text):
            return text  # a URL, or scp's user@host:path
        return str(Path(text).expanduser().absolute())


def _shown(conflict: OpenConflict, value: str) -> str:
    if conflict.what == "starred":
        return {"True": "starred", "False": "not starred"}.get(value, value)
    return value if value != "" else "(none)"


class ConflictsDialog(QDialog):
    """The open conflicts, one a row (paper, what, here, on the remote), the
    current one's values in full below. `resolve(conflict, take_theirs)` is
    asked to write the choice; `refresh` shows the list again once it is done."""

    COLUMNS = ("Paper", "What", "Here (kept)", "On the remote")

    def __init__(self, conflicts: list[OpenConflict], resolve: Callable[[OpenConflict, bool], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Sync conflicts")
        self.setObjectName("syncConflicts")
        self._resolve = resolve
        self.conflicts: list[OpenConflict] = []
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("conflictList")
        self.tree.setHeaderLabels(list(self.COLUMNS))
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.header().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.tree.setColumnWidth(0, 170)
        self.tree.setColumnWidth(1, 90)
        self.tree.setColumnWidth(2, 230)
        self.tree.currentItemChanged.connect(self._show_current)
        self.detail = QPlainTextEdit(self)
        self.detail.setReadOnly(True)
        self.detail.setMaximumHeight(140)
        self.hint = _label("", self)
        self.mine = QPushButton("Keep &mine (m)", self)
        self.theirs = QPushButton("Take &theirs (t)", self)
        self.mine.clicked.connect(lambda: self.choose(False))
        self.theirs.clicked.connect(lambda: self.choose(True))
        self.tree.installEventFilter(self)  # m, t, j and k: the list's own keys (not window commands)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.mine)
        buttons.addWidget(self.theirs)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(_label("A value changed differently here and on the remote: the sync kept this "
                                "library's. Keep it (m), or take the remote's (t); j and k move.", self))
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.detail)
        layout.addWidget(self.hint)
        layout.addLayout(buttons)
        self.resize(820, 460)
        self.refresh(conflicts)
        self.tree.setFocus()

    def refresh(self, conflicts: list[OpenConflict]) -> None:
        """Show `conflicts`, keeping the current row's place."""
        row = max(0, self.tree.indexOfTopLevelItem(self.tree.currentItem()))
        self.conflicts = list(conflicts)
        self.tree.clear()
        for conflict in self.conflicts:
            if conflict.choosable:
                values = (_shown(conflict, conflict.local), _shown(conflict, conflict.remote))
            elif conflict.about_note:
                values = ("edited on both sides", "both texts kept in the note, marked")
            else:
                values = (conflict.local, "")
            item = QTreeWidgetItem([conflict.where, conflict.what, *values])
            for column in range(4):
                item.setToolTip(column, plain_tooltip(item.text(column)))
            self.tree.addTopLevelItem(item)
        if self.conflicts:
            self.tree.setCurrentItem(self.tree.topLevelItem(min(row, len(self.conflicts) - 1)))
        else:
            self.detail.setPlainText("")
            self.hint.setText("No conflicts are open.")
        self.mine.setEnabled(bool(self.conflicts))
        self.theirs.setEnabled(bool(self.conflicts))

    def current(self) -> OpenConflict | None:
        row = self.tree.indexOfTopLevelItem(self.tree.currentItem())
        return self.conflicts[row] if 0 <= row < len(self.conflicts) else None

    def _move(self, step: int) -> None:
        row = self.tree.indexOfTopLevelItem(self.tree.currentItem()) + step
        if 0 <= row < len(self.conflicts):
            self.tree.setCurrentItem(self.tree.topLevelItem(row))

    def _show_current(self, *_items: object) -> None:
        conflict = self.current()
        if conflict is None:
            return
        if conflict.choosable:
            self.detail.setPlainText(f"Here (kept):\n{_shown(conflict, conflict.local)}\n\n"
                                     f"On the remote:\n{_shown(conflict, conflict.remote)}")
            self.hint.setText("m keeps this library's value; t takes the remote's (one undo step; the next sync "
                              "sends it).")
        else:
            self.detail.setPlainText(conflict.describe())
            self.hint.setText("Nothing was lost here: m or t clears it from this list.")

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        """m keeps mine, t takes theirs, j and k move (the list would search for the letter instead)."""
        if (obj is self.tree and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)
                and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier):
            key = event.key()
            if key in (Qt.Key.Key_M, Qt.Key.Key_T):
                self.choose(key == Qt.Key.Key_T)
                return True
            if key in (Qt.Key.Key_J, Qt.Key.Key_K):
                self._move(1 if key == Qt.Key.Key_J else -1)
                return True
        return super().eventFilter(obj, event)

    def choose(self, take_theirs: bool) -> None:
        conflict = self.current()
        if conflict is not None:
            self._resolve(conflict, take_theirs and conflict.choosable)
