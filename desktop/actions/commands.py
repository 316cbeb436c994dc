"""Commands, declared once: id, title, group and default keys here; the window
binds a handler to each id. Menus, shortcuts, the README's keyboard table (and
the palette and help overlay) all come from this one table."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget


@dataclass(frozen=True)
class CommandSpec:
    id: str
    title: str
    group: str
    keys: tuple[str, ...] = ()  # Qt's portable key text: "J", "G, G", "Ctrl+Shift+Z"


COMMANDS: list[CommandSpec] = [
    CommandSpec("paper.next", "Next paper", "Move", ('J',)),
    CommandSpec("paper.previous", "Previous paper", "Move", ('K',)),
    CommandSpec("paper.first", "First paper", "Move", ('G, G',)),
    CommandSpec("paper.last", "Last paper", "Move", ('Shift+G',)),
    CommandSpec("paper.half_page_down", "Half a page down", "Move", ('Ctrl+D',)),
    CommandSpec("paper.half_page_up", "Half a page up", "Move", ('Ctrl+U',)),
    CommandSpec("paper.open", "Open paper (detail)", "Move", ('Return',)),
    CommandSpec("focus.sidebar", "Go to the sidebar", "Move", ('Ctrl+1',)),
    CommandSpec("focus.list", "Go to the paper list", "Move", ('Ctrl+2',)),
    CommandSpec("focus.detail", "Go to the detail pane", "Move", ('Ctrl+3',)),
    CommandSpec("search.focus", "Search", "Search", ('/', 'Ctrl+F')),
    CommandSpec("search.leave", "Clear search / back to the list", "Search", ('Esc',)),
    CommandSpec("search.next_match", "Next match", "Search", ('N',)),
    CommandSpec("search.previous_match", "Previous match", "Search", ('Shift+N',)),
    CommandSpec("search.save", "Save search…", "Search", ('Ctrl+S',)),
    CommandSpec("paper.star", "Star / unstar", "Paper", ('S',)),
    CommandSpec("paper.read", "Mark read", "Paper", ('R',)),
    CommandSpec("paper.unread", "Mark unread", "Paper", ('U',)),
    CommandSpec("paper.reading", "Mark reading", "Paper", ('I',)),
    CommandSpec("paper.skipped", "Mark skipped", "Paper", ('X',)),
    CommandSpec("paper.copy_key", "Copy citation key", "Paper", ('Y',)),
    CommandSpec("paper.copy_bibtex", "Copy BibTeX entry", "Paper", ('Shift+Y',)),
    CommandSpec("paper.copy_markdown", "Copy Markdown link", "Paper", ('Ctrl+Shift+C',)),
    CommandSpec("paper.merge", "Merge selected duplicates", "Paper", ()),
    CommandSpec("paper.open_url", "Open the paper's link", "Paper", ('O',)),
    CommandSpec("triage.toggle", "Triage mode (act and advance)", "Paper", ('Ctrl+T',)),
    CommandSpec("triage.hide_done", "Triage: hide papers already triaged", "Paper", ('Ctrl+Shift+T',)),
    CommandSpec("paper.tags", "Edit tags…", "Paper", ('T',)),
    CommandSpec("paper.note", "Edit note", "Paper", ('E',)),
    CommandSpec("paper.add_to_list", "Add to reading list…", "Paper", ('L',)),
    CommandSpec("paper.edit", "Edit metadata…", "Paper", ('Ctrl+E',)),
    CommandSpec("paper.add", "Add paper…", "Paper", ('Ctrl+N',)),
    CommandSpec("paper.delete", "Move to Trash", "Paper", ('D', 'Del')),
    CommandSpec("paper.restore", "Restore from Trash", "Paper", ('Shift+R',)),
    CommandSpec("list.remove", "Remove from this list", "List", ('Shift+L',)),
    CommandSpec("list.move_up", "Move up in list", "List", ('Alt+Up', 'Alt+K')),
    CommandSpec("list.move_down", "Move down in list", "List", ('Alt+Down', 'Alt+J')),
    CommandSpec("list.new", "New reading list…", "List", ('Ctrl+Shift+N',)),
    CommandSpec("list.rename", "Rename reading list…", "List", ()),
    CommandSpec("list.delete", "Delete reading list", "List", ()),
    CommandSpec("tag.rename", "Rename or merge tag…", "List", ()),
    CommandSpec("trash.empty", "Empty Trash…", "Paper", ()),
    CommandSpec("edit.undo", "Undo", "Edit", ('Ctrl+Z',)),
    CommandSpec("edit.redo", "Redo", "Edit", ('Ctrl+Shift+Z', 'Ctrl+Y')),
    CommandSpec("file.import", "Import papers…", "Lectern", ('Ctrl+O',)),
    CommandSpec("file.import_clipboard", "Import from the clipboard", "Lectern", ('Ctrl+Shift+V',)),
    CommandSpec("file.export", "Export papers…", "Lectern", ('Ctrl+Shift+E',)),
    CommandSpec("app.palette", "Command palette…", "Lectern", ('Ctrl+K', 'Ctrl+Shift+P')),
    CommandSpec("app.help", "Keyboard help", "Lectern", ('?',)),
    CommandSpec("app.about", "About Lectern", "Lectern", ()),
    CommandSpec("app.quit", "Quit", "Lectern", ('Ctrl+Q',)),
]
SPECS = {spec.id: spec for spec in COMMANDS}
GROUP_ORDER = ("Move", "Search", "Paper", "List", "Edit", "Lectern")


@dataclass
class Command:
    spec: CommandSpec
    handler: Callable[[], None]

    @property
    def id(self) -> str:
        return self.spec.id


def resolve_keys(overrides: dict[str, tuple[str, ...]]) -> tuple[dict[str, tuple[str, ...]], list[str]]:
    """Each command's keys (defaults with the user's overrides) and the problems
    found: keys Qt cannot read, and keys bound to two commands (the user's
    binding wins over a default; two user bindings: the first keeps it)."""
    problems: list[str] = []
    keys: dict[str, tuple[str, ...]] = {}
    for spec in COMMANDS:
        chosen = overrides.get(spec.id, spec.keys)
        valid = []
        for key in chosen:
            if QKeySequence(key).isEmpty() or QKeySequence(key).toString() == "":
                problems.append(f"{key!r} (for {spec.id}) is not a key Lectern understands; it is ignored.")
            else:
                valid.append(key)
        keys[spec.id] = tuple(valid)
    owner: dict[str, str] = {}
    for command_id in [c for c in keys if c in overrides] + [c for c in keys if c not in overrides]:
        kept = []
        for key in keys[command_id]:
            normal = QKeySequence(key).toString()
            if normal in owner:
                problems.append(f"{normal} is bound to both {owner[normal]} and {command_id}; "
                                f"it stays with {owner[normal]}.")
            else:
                owner[normal] = command_id
                kept.append(key)
        keys[command_id] = tuple(kept)
    return keys, problems


class CommandRegistry:
    """The window's commands: one QAction each, with the spec's keys."""

    def __init__(self, window: QWidget, overrides: dict[str, tuple[str, ...]] | None = None) -> None:
        self.window = window
        self.commands: dict[str, Command] = {}
        self.actions: dict[str, QAction] = {}
        self.ran: list[str] = []  # ids of commands run, newest last
        self.keys, self.problems = resolve_keys(overrides or {})

    def bind(self, handlers: dict[str, Callable[[], None]]) -> None:
        missing = set(SPECS) - set(handlers)
        unknown = set(handlers) - set(SPECS)
        if missing or unknown:
            raise ValueError(f"commands without handler: {sorted(missing)}; handlers without command: {sorted(unknown)}")
        for spec in COMMANDS:
            self.commands[spec.id] = Command(spec, handlers[spec.id])
            action = QAction(spec.title, self.window)
            action.setObjectName(spec.id)
            action.setShortcuts([QKeySequence(k) for k in self.keys[spec.id]])
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(lambda _checked=False, cid=spec.id: self.run(cid))
            self.window.addAction(action)
            self.actions[spec.id] = action

    def run(self, command_id: str) -> None:
        self.ran.append(command_id)
        self.commands[command_id].handler()

    def key_text(self, command_id: str) -> str:
        return keys_text(self.keys.get(command_id, ()))

    def multi_key_prefixes(self) -> dict[str, list[tuple[str, str]]]:
        """First keys of multi-key sequences -> (rest, command title), for the hint."""
        hints: dict[str, list[tuple[str, str]]] = {}
        for command_id, keys in self.keys.items():
            for key in keys:
                chords = key.split(", ")
                if len(chords) > 1:
                    hints.setdefault(chords[0], []).append((" ".join(chords[1:]), SPECS[command_id].title))
        return hints

    def by_group(self) -> dict[str, list[Command]]:
        groups: dict[str, list[Command]] = {}
        for command in self.commands.values():
            groups.setdefault(command.spec.group, []).append(command)
        return groups


def keys_text(keys: tuple[str, ...]) -> str:
    """How keys read in docs: `G, G` as `g g`, `Shift+G` as `G`."""
    def one(key: str) -> str:
        parts = []
        for chord in key.split(", "):
            if len(chord) == 1 and chord.isalpha():
                chord = chord.lower()
            elif chord.startswith("Shift+") and len(chord) == 7 and chord[-1].isalpha():
                chord = chord[-1].upper()
            parts.append(chord)
        return " ".join(parts)
    return ", ".join(f"`{one(k)}`" for k in keys)


def keyboard_markdown() -> str:
    """The README's keyboard reference, generated from COMMANDS."""
    rows = ["| Keys | Command | Group |", "| --- | --- | --- |"]
    for group in GROUP_ORDER:
        for spec in COMMANDS:
            if spec.group == group:
                rows.append(f"| {keys_text(spec.keys) or '(menu)'} | {spec.title} | {group} |")
    return "\n".join(rows)


README_MARKERS = ("<!-- keys:start -->\n", "\n<!-- keys:end -->")


def update_readme(text: str) -> str:
    """`text` (the README) with its keyboard table regenerated."""
    start, end = README_MARKERS
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    return head + start + keyboard_markdown() + end + tail


if __name__ == "__main__":  # python -m desktop.actions.commands README.md: refresh the README's table
    import sys
    from pathlib import Path

    if len(sys.argv) > 1:
        readme = Path(sys.argv[1])
        readme.write_text(update_readme(readme.read_text(encoding="utf-8")), encoding="utf-8")
    else:
        print(keyboard_markdown())
