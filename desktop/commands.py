"""Commands, declared once: id, title, default keys, context and handler.
Menus and shortcuts (and later the palette and help overlay) come from here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

# Default keys, as data: command id -> key sequences (Qt's portable text form).
DEFAULT_KEYS: dict[str, tuple[str, ...]] = {
    "paper.next": ("J",),
    "paper.previous": ("K",),
    "paper.first": ("G, G",),
    "paper.last": ("Shift+G",),
    "paper.half_page_down": ("Ctrl+D",),
    "paper.half_page_up": ("Ctrl+U",),
    "search.focus": ("/", "Ctrl+F"),
    "search.leave": ("Esc",),
    "search.next_match": ("N",),
    "search.previous_match": ("Shift+N",),
    "search.save": ("Ctrl+S",),
    "paper.star": ("S",),
    "paper.read": ("R",),
    "paper.unread": ("U",),
    "paper.reading": ("I",),
    "paper.skipped": ("X",),
    "paper.tags": ("T",),
    "paper.note": ("E",),
    "paper.add_to_list": ("L",),
    "paper.edit": ("Ctrl+E",),
    "paper.add": ("Ctrl+N",),
    "paper.delete": ("D", "Del"),
    "paper.restore": ("Shift+R",),
    "list.remove": ("Shift+L",),
    "list.move_up": ("Alt+Up", "Alt+K"),
    "list.move_down": ("Alt+Down", "Alt+J"),
    "list.new": ("Ctrl+Shift+N",),
    "edit.undo": ("Ctrl+Z",),
    "edit.redo": ("Ctrl+Shift+Z", "Ctrl+Y"),
    "app.quit": ("Ctrl+Q",),
}


@dataclass
class Command:
    id: str
    title: str
    group: str
    handler: Callable[[], None]
    context: str = "window"  # "window": anywhere in the window; else a pane's name
    keys: tuple[str, ...] = ()


class CommandRegistry:
    """Holds the window's commands and turns each into one QAction."""

    def __init__(self, window: QWidget) -> None:
        self.window = window
        self.commands: dict[str, Command] = {}
        self.actions: dict[str, QAction] = {}
        self.contexts: dict[str, QWidget] = {"window": window}
        self.ran: list[str] = []  # ids of commands run, newest last (for tests and the palette)

    def add_context(self, name: str, widget: QWidget) -> None:
        self.contexts[name] = widget

    def add(self, command_id: str, title: str, group: str, handler: Callable[[], None], context: str = "window") -> QAction:
        keys = DEFAULT_KEYS.get(command_id, ())
        command = Command(command_id, title, group, handler, context, keys)
        self.commands[command_id] = command
        action = QAction(title, self.window)
        action.setObjectName(command_id)
        action.setShortcuts([QKeySequence(k) for k in keys])
        widget = self.contexts[context]
        action.setShortcutContext(
            Qt.ShortcutContext.WindowShortcut if context == "window" else Qt.ShortcutContext.WidgetWithChildrenShortcut
        )
        widget.addAction(action)
        action.triggered.connect(lambda _checked=False, cid=command_id: self.run(cid))
        self.actions[command_id] = action
        return action

    def run(self, command_id: str) -> None:
        self.ran.append(command_id)
        self.commands[command_id].handler()

    def by_group(self) -> dict[str, list[Command]]:
        groups: dict[str, list[Command]] = {}
        for command in self.commands.values():
            groups.setdefault(command.group, []).append(command)
        return groups
