"""The command palette (Ctrl+K): fuzzy-find any command, or jump to a paper by
part of its title. And the help overlay (?): every command with its keys."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from lectern.core.library.facade import Library
from lectern.desktop.actions.commands import COMMANDS, GROUP_ORDER, CommandRegistry

KIND_ROLE = Qt.ItemDataRole.UserRole + 1
VALUE_ROLE = Qt.ItemDataRole.UserRole + 2
PAPERS_SHOWN = 30


def fuzzy_score(query: str, text: str) -> int | None:
    """How well `query`'s letters appear in order in `text` (higher is better),
    or None when they do not: `tgs` matches "Edit tags…"."""
    query, text = query.lower(), text.lower()
    if not query:
        return 0
    if query in text:
        return 1000 - text.index(query)
    score, pos = 0, 0
    for ch in query:
        found = text.find(ch, pos)
        if found < 0:
            return None
        score += 10 if found == pos else 1
        pos = found + 1
    return score


class CommandPalette(QDialog):
    """Type to filter; Up/Down choose; Enter runs the command or opens the paper."""

    def __init__(self, registry: CommandRegistry, library: Library, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Command palette")
        self.registry = registry
        self.library = library
        self.edit = QLineEdit(self)
        self.edit.setObjectName("paletteInput")
        self.edit.setPlaceholderText("Command, or part of a paper's title")
        self.list = QListWidget(self)
        self.list.setObjectName("paletteList")
        layout = QVBoxLayout(self)
        layout.addWidget(self.edit)
        layout.addWidget(self.list)
        self.hint = QLabel(self)  # why the chosen command cannot apply
        self.hint.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.hint)
        self.edit.textChanged.connect(self.refill)
        self.edit.installEventFilter(self)
        self.list.itemActivated.connect(lambda _item: self.accept())
        self.chosen: tuple[str, object] | None = None
        self.resize(640, 420)
        self.refill("")

    def refill(self, text: str) -> None:
        self.list.clear()
        scored = []
        for command in COMMANDS:
            score = fuzzy_score(text, command.title) if text else 0
            if score is not None:
                scored.append((not self.registry.can_run(command.id), -score, command.title, command.id))
        for unavailable, _, title, command_id in sorted(scored):  # what can apply now comes first
            keys = self.registry.key_text(command_id).replace("`", "")
            label = f"{title}    {keys}" if keys else title
            item = QListWidgetItem(f"{label}    (not now: {self.registry.commands[command_id].hint or 'cannot apply'})"
                                   if unavailable else label, self.list)
            item.setData(KIND_ROLE, "command")
            item.setData(VALUE_ROLE, command_id)
            if unavailable:  # shown greyed, and Enter on it does not run it
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)
        if len(text.strip()) >= 2:
            try:
                result = self.library.search(text, typing=True, first_screen=PAPERS_SHOWN, suggest_spelling=False)
            except ValueError:
                result = None
            if result is not None:
                rows = self.library.rows(result.ids[:PAPERS_SHOWN])
                for paper_id in result.ids[:PAPERS_SHOWN]:
                    if paper_id in rows:
                        item = QListWidgetItem(f"Paper: {rows[paper_id].title}", self.list)
                        item.setData(KIND_ROLE, "paper")
                        item.setData(VALUE_ROLE, paper_id)
        if self.list.count():
            self.list.setCurrentRow(0)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if obj is self.edit and event.type() == QEvent.Type.KeyPress:
            key = QKeyEvent(event).key() if not isinstance(event, QKeyEvent) else event.key()
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up):
                step = 1 if key == Qt.Key.Key_Down else -1
                row = max(0, min(self.list.count() - 1, self.list.currentRow() + step))
                self.list.setCurrentRow(row)
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.accept()
                return True
        return super().eventFilter(obj, event)

    def accept(self) -> None:
        item = self.list.currentItem()
        if item is not None and not item.flags() & Qt.ItemFlag.ItemIsEnabled:
            self.hint.setText(self.registry.commands[item.data(VALUE_ROLE)].hint or "This command cannot apply now.")
            return  # a command that cannot apply is not run; the palette stays open
        if item is not None:
            self.chosen = (item.data(KIND_ROLE), item.data(VALUE_ROLE))
        super().accept()


def help_html(registry: CommandRegistry) -> str:
    """Every command with its current keys, grouped (escaped text only)."""
    parts = ["<h2>Lectern keys</h2><p>Ctrl+K finds any command by name. Esc closes this.</p>"]
    for group in GROUP_ORDER:
        parts.append(f"<h3>{escape(group)}</h3><table cellspacing='4'>")
        for command in COMMANDS:
            if command.group == group:
                keys = registry.key_text(command.id).replace("`", "") or "—"
                parts.append(f"<tr><td><b>{escape(keys)}</b>&nbsp;&nbsp;</td><td>{escape(command.title)}</td></tr>")
        parts.append("</table>")
    return "".join(parts)


class HelpOverlay(QDialog):
    def __init__(self, registry: CommandRegistry, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard help")
        self.view = QTextBrowser(self)
        self.view.setObjectName("helpView")
        self.view.setHtml(help_html(registry))
        note = QLabel("Rebind any key in keymap.toml in your config folder.", self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view)
        layout.addWidget(note)
        self.resize(560, 640)
