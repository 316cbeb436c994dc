"""Commands, declared once: each one's id, title, menu group, default keys, the
handler it runs, when it can apply (`enabled`, with the hint said when it cannot)
and, for a toggle, its checked state. Actions, menus, shortcuts, the palette, the
help overlay and the README's keyboard table all come from this one table; no
other module binds a handler to a key or a menu."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QMainWindow, QMenu, QMenuBar, QWidget

from lectern.desktop.views.sidebar import LIST_ID_ROLE, TAG_NAME_ROLE, TRASH_SCOPE
from lectern.desktop.views.table_model import OPTIONAL_COLUMNS

# The main window. Handlers and predicates call its methods; it is not named as
# a type because it imports this module (the layering test forbids the cycle).
Window = Any


@dataclass(frozen=True)
class Command:
    id: str
    title: str
    group: str  # the menu it is in, and its heading in the help and the README
    handler: Callable[[Window], None]
    keys: tuple[str, ...] = ()  # Qt's portable key text: "J", "G, G", "Ctrl+Shift+Z"
    enabled: Callable[[Window], bool] | None = None  # None: it always applies
    hint: str = ""  # said in the status bar when its key is pressed while it cannot apply
    checked: Callable[[Window], bool] | None = None  # a toggle: whether it is on


# -- when a command can apply ----------------------------------------------------
NO_PAPER = "No paper is selected."


def _has_rows(w: Window) -> bool:
    return w.model.rowCount() > 0


def _has_paper(w: Window) -> bool:
    return w.table.selectionModel().hasSelection() or w.current_paper_id() is not None


def _has_current_paper(w: Window) -> bool:
    return w.current_paper_id() is not None


def _several_selected(w: Window) -> bool:
    """Two or more rows selected, counted by ranges (a 100k-row selection stays cheap)."""
    count = 0
    for selected in w.table.selectionModel().selection():
        count += selected.bottom() - selected.top() + 1
        if count >= 2:
            return True
    return False


def _in_trash(w: Window) -> bool:
    return _has_paper(w) and TRASH_SCOPE in f"{w.model.scope} {w.search_bar.text()}"


def _in_list(w: Window) -> bool:
    return w.model.list_id is not None


def _has_search(w: Window) -> bool:
    return bool(w.search_bar.text().strip())


COMMANDS: list[Command] = [
    Command("paper.next", "Next paper", "Move", lambda w: w.move_rows(1), ("J",), _has_rows),
    Command("paper.previous", "Previous paper", "Move", lambda w: w.move_rows(-1), ("K",), _has_rows),
    Command("paper.first", "First paper", "Move", lambda w: w.go_to_row(0), ("G, G",), _has_rows),
    Command("paper.last", "Last paper", "Move", lambda w: w.go_to_row(w.model.rowCount() - 1), ("Shift+G",),
            _has_rows),
    Command("paper.half_page_down", "Half a page down", "Move", lambda w: w.move_rows(w._half_page()), ("Ctrl+D",),
            _has_rows),
    Command("paper.half_page_up", "Half a page up", "Move", lambda w: w.move_rows(-w._half_page()), ("Ctrl+U",),
            _has_rows),
    Command("paper.open", "Open paper (detail)", "Move", lambda w: w.open_paper(), ("Return",)),
    Command("focus.sidebar", "Go to the sidebar", "Move", lambda w: w.sidebar.setFocus(), ("Ctrl+1",)),
    Command("focus.list", "Go to the paper list", "Move", lambda w: w.table.setFocus(), ("Ctrl+2",)),
    Command("focus.detail", "Go to the detail pane", "Move", lambda w: w.detail.setFocus(), ("Ctrl+3",)),
    Command("search.focus", "Search", "Search", lambda w: w.focus_search(), ("/", "Ctrl+F")),
    Command("search.leave", "Clear search / back to the list", "Search", lambda w: w.leave_search(), ("Esc",)),
    Command("search.next_match", "Next match", "Search", lambda w: w.step_match(1), ("N",)),
    Command("search.previous_match", "Previous match", "Search", lambda w: w.step_match(-1), ("Shift+N",)),
    Command("search.save", "Save search…", "Search", lambda w: w.save_search(), ("Ctrl+S",),
            _has_search, "Type a search first, then save it."),
    Command("paper.star", "Star / unstar", "Paper", lambda w: w.toggle_star(), ("S",), _has_paper, NO_PAPER),
    Command("paper.read", "Mark read", "Paper", lambda w: w.set_status("read"), ("R",), _has_paper, NO_PAPER),
    Command("paper.unread", "Mark unread", "Paper", lambda w: w.set_status("unread"), ("U",), _has_paper, NO_PAPER),
    Command("paper.reading", "Mark reading", "Paper", lambda w: w.set_status("reading"), ("I",), _has_paper,
            NO_PAPER),
    Command("paper.skipped", "Mark skipped", "Paper", lambda w: w.set_status("skipped"), ("X",), _has_paper,
            NO_PAPER),
    Command("paper.copy_key", "Copy citation key", "Paper", lambda w: w.copy_key(), ("Y",), _has_paper, NO_PAPER),
    Command("paper.copy_bibtex", "Copy BibTeX entry", "Paper", lambda w: w.copy_bibtex(), ("Shift+Y",),
            _has_paper, NO_PAPER),
    Command("paper.copy_markdown", "Copy Markdown link", "Paper", lambda w: w.copy_markdown(), ("Ctrl+Shift+C",),
            _has_paper, NO_PAPER),
    Command("paper.merge", "Merge selected duplicates", "Paper", lambda w: w.merge_selected(), (),
            _several_selected, "Select the duplicates to merge (the first one is kept)."),
    Command("paper.merge_group", "Merge this paper's duplicates (the oldest copy is kept)", "Paper",
            lambda w: w.merge_group(), ("M",), _has_current_paper, NO_PAPER),
    Command("paper.open_url", "Open the PDF (at the page found) or the paper's link", "Paper",
            lambda w: w.open_url(), ("O",),
            _has_current_paper, NO_PAPER),
    Command("triage.toggle", "Triage mode (act and advance)", "Paper", lambda w: w.toggle_triage(), ("Ctrl+T",),
            checked=lambda w: w.triage),
    Command("triage.hide_done", "Triage: hide papers already triaged", "Paper", lambda w: w.toggle_hide_triaged(),
            ("Ctrl+Shift+T",), checked=lambda w: w.hide_triaged),
    Command("paper.tags", "Edit tags…", "Paper", lambda w: w.edit_tags(), ("T",), _has_paper, NO_PAPER),
    Command("paper.note", "Edit note", "Paper", lambda w: w.focus_note(), ("E",), _has_current_paper, NO_PAPER),
    Command("paper.add_to_list", "Add to reading list…", "Paper", lambda w: w.add_to_list(), ("L",), _has_paper,
            NO_PAPER),
    Command("paper.edit", "Edit entry…", "Paper", lambda w: w.edit_paper(), ("Ctrl+E",), _has_current_paper,
            NO_PAPER),
    Command("paper.attach", "Attach files…", "Paper", lambda w: w.attach.choose_and_attach(), ("A",),
            _has_current_paper, NO_PAPER),
    Command("paper.locate_file", "Locate a missing attached file…", "Paper", lambda w: w.attach.locate_missing(),
            (), _has_current_paper, NO_PAPER),
    Command("paper.remove_file", "Remove an attached file…", "Paper", lambda w: w.attach.remove_one(), (),
            _has_current_paper, NO_PAPER),
    Command("paper.add", "Add paper (or DOI, arXiv id, ISBN)…", "Paper", lambda w: w.add_paper(), ("Ctrl+N",)),
    Command("paper.complete_metadata", "Complete metadata…", "Paper",
            lambda w: w.identify.complete(w.selected_ids()), (), _has_paper, NO_PAPER),
    Command("view.complete_metadata", "Complete metadata of the papers shown…", "Paper",
            lambda w: w.identify.complete_shown(), (), lambda w: w.model.rowCount() > 0, "No paper is shown."),
    Command("paper.delete", "Move to Trash", "Paper", lambda w: w.trash_selected(), ("D", "Del"), _has_paper,
            NO_PAPER),
    Command("paper.restore", "Restore from Trash", "Paper", lambda w: w.restore_selected(), ("Shift+R",),
            _in_trash, "Restore works in the Trash: open it in the sidebar and select papers."),
    Command("list.remove", "Remove from this list", "List", lambda w: w.remove_from_list(), ("Shift+L",),
            lambda w: _in_list(w) and _has_paper(w), "Open a reading list in the sidebar first."),
    Command("list.move_up", "Move up in list", "List", lambda w: w.move_in_list(-1), ("Alt+Up", "Alt+K"),
            lambda w: _in_list(w) and _has_paper(w), "Open a reading list in the sidebar to reorder it."),
    Command("list.move_down", "Move down in list", "List", lambda w: w.move_in_list(1), ("Alt+Down", "Alt+J"),
            lambda w: _in_list(w) and _has_paper(w), "Open a reading list in the sidebar to reorder it."),
    Command("list.new", "New reading list…", "List", lambda w: w.new_list(), ("Ctrl+Shift+N",)),
    Command("list.rename", "Rename reading list…", "List", lambda w: w.rename_list(), (),
            lambda w: w.sidebar.current_value(LIST_ID_ROLE) is not None, "Select a reading list in the sidebar first."),
    Command("list.delete", "Delete reading list", "List", lambda w: w.delete_list(), (),
            lambda w: w.sidebar.current_value(LIST_ID_ROLE) is not None, "Select a reading list in the sidebar first."),
    Command("tag.rename", "Rename or merge tag…", "List", lambda w: w.rename_tag(), (),
            lambda w: w.sidebar.current_value(TAG_NAME_ROLE) is not None, "Select a tag in the sidebar first."),
    Command("trash.empty", "Empty Trash…", "Paper", lambda w: w.empty_trash(), (),
            lambda w: w.sidebar.trash_count > 0, "The Trash is empty."),
    Command("edit.undo", "Undo", "Edit", lambda w: w.undo(), ("Ctrl+Z",),
            lambda w: w.library.history.stack.undo_label() is not None, "Nothing to undo."),
    Command("edit.redo", "Redo", "Edit", lambda w: w.redo(), ("Ctrl+Shift+Z", "Ctrl+Y"),
            lambda w: w.library.history.stack.redo_label() is not None, "Nothing to redo."),
    Command("edit.preferences", "Preferences…", "Edit", lambda w: w.attach.preferences(), ("Ctrl+,",)),
    *(Command(f"view.column.{key}", f"Column: {label}", "View", lambda w, key=key: w.toggle_column(key),
              checked=lambda w, key=key: w.column_shown(key)) for key, label in OPTIONAL_COLUMNS),
    Command("view.columns", "Choose columns…", "View", lambda w: w.choose_columns()),
    Command("file.import", "Import papers or PDFs…", "Lectern", lambda w: w.transfer.import_files(), ("Ctrl+O",)),
    Command("file.import_folder", "Import a folder of PDFs…", "Lectern", lambda w: w.fulltext.import_folder()),
    Command("file.import_clipboard", "Import from the clipboard", "Lectern",
            lambda w: w.identify.paste(QApplication.clipboard().text()), ("Ctrl+Shift+V",)),
    Command("file.export", "Export papers…", "Lectern", lambda w: w.transfer.export_dialog(), ("Ctrl+Shift+E",)),
    Command("sync.setup", "Set up sync…", "Sync", lambda w: w.sync.set_up()),
    Command("sync.now", "Sync now", "Sync", lambda w: w.sync.sync_now(), ("Ctrl+Shift+S",)),
    Command("sync.conflicts", "Sync conflicts…", "Sync", lambda w: w.sync.show_conflicts(), (),
            lambda w: w.sync.has_conflicts(), "No sync conflicts are open."),
    Command("app.palette", "Command palette…", "Lectern", lambda w: w.open_palette(), ("Ctrl+K", "Ctrl+Shift+P")),
    Command("app.help", "Keyboard help", "Lectern", lambda w: w.open_help(), ("?",)),
    Command("app.about", "About Lectern", "Lectern", lambda w: w.show_about()),
    Command("app.quit", "Quit", "Lectern", lambda w: w.close(), ("Ctrl+Q",)),
]
SPECS = {command.id: command for command in COMMANDS}
GROUP_ORDER = ("Move", "Search", "Paper", "List", "Edit", "View", "Lectern", "Sync")
MENUS = (("Lectern", "&File"), ("Edit", "&Edit"), ("View", "&View"), ("Move", "&Go"), ("Search", "&Search"),
         ("Paper", "&Paper"), ("List", "&Lists"))
SUBMENUS = {"file.export": ("Sync", "S&ync")}  # after this command, the group's commands in a submenu
COLUMN_COMMANDS = [f"view.column.{key}" for key, _label in OPTIONAL_COLUMNS]


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
    """The window's commands: one QAction each, with the command's keys, in its
    menu. An action is enabled only while its command can apply (`refresh`, on
    every change of selection, view, sidebar or undo stack); its key then gives
    the command's hint instead of running it."""

    HINT_MS = 3000

    def __init__(self, window: QMainWindow, overrides: dict[str, tuple[str, ...]] | None = None) -> None:
        self.window = window
        self.commands: dict[str, Command] = dict(SPECS)
        self.actions: dict[str, QAction] = {}
        self.refusals: dict[str, QShortcut] = {}  # the keys of a command that cannot apply: say why
        self.ran: list[str] = []  # ids of commands run, newest last
        self.refused: list[str] = []  # ids of commands asked for while they could not apply
        self.keys, self.problems = resolve_keys(overrides or {})

    def install(self, menu_bar: QMenuBar) -> None:
        """Make each command's action, its shortcuts and its menu entry."""
        for command in COMMANDS:
            action = QAction(menu_text(command.title, self.keys[command.id]), self.window)
            action.setObjectName(command.id)
            keys = [QKeySequence(k) for k in self.keys[command.id]]
            action.setShortcuts(keys)
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.setCheckable(command.checked is not None)
            action.triggered.connect(lambda _checked=False, cid=command.id: self.run(cid))
            self.window.addAction(action)
            self.actions[command.id] = action
            if command.enabled is not None and keys:
                refusal = QShortcut(self.window)
                refusal.setKeys(keys)
                refusal.setContext(Qt.ShortcutContext.WindowShortcut)
                refusal.setEnabled(False)
                refusal.activated.connect(lambda cid=command.id: self.refuse(cid))
                self.refusals[command.id] = refusal
        for group, title in MENUS:
            menu = menu_bar.addMenu(title)
            if group == "View":  # the column toggles in their own submenu, as in the header's menu
                menu.addMenu(self.column_menu(menu))
            for command in COMMANDS:
                if command.group == group and command.id not in COLUMN_COMMANDS:
                    menu.addAction(self.actions[command.id])
                if command.group == group and command.id in SUBMENUS:
                    inner, title = SUBMENUS[command.id]
                    submenu = menu.addMenu(title)
                    submenu.setObjectName(f"{inner.lower()}Menu")
                    for other in COMMANDS:
                        if other.group == inner:
                            submenu.addAction(self.actions[other.id])
        self.refresh()

    def column_menu(self, parent: QWidget, order: list[str] | None = None) -> QMenu:
        """The Columns menu: a check for each column that can be shown or hidden
        (View > Columns, the table header's context menu, Choose columns…), in
        the table's order when `order` (column keys) is given."""
        menu = QMenu("&Columns", parent)
        menu.setObjectName("columnMenu")
        ids = COLUMN_COMMANDS if order is None else [f"view.column.{key}" for key in order
                                                     if f"view.column.{key}" in COLUMN_COMMANDS]
        for command_id in ids:
            menu.addAction(self.actions[command_id])
        return menu

    def can_run(self, command_id: str) -> bool:
        command = self.commands[command_id]
        return command.enabled is None or bool(command.enabled(self.window))

    def refresh(self, *_signal_args: object) -> None:
        """Enable each action whose command can apply now; check each toggle that is on.
        Each condition is asked once (most commands share "a paper is selected")."""
        answers: dict[Callable[[Window], bool], bool] = {}
        for command_id, action in self.actions.items():
            command = self.commands[command_id]
            test = command.enabled
            if test is None:
                enabled = True
            elif test in answers:
                enabled = answers[test]
            else:
                enabled = answers[test] = bool(test(self.window))
            if action.isEnabled() != enabled:
                action.setEnabled(enabled)
            refusal = self.refusals.get(command_id)
            if refusal is not None and refusal.isEnabled() == enabled:
                refusal.setEnabled(not enabled)
            if command.checked is not None:
                action.setChecked(bool(command.checked(self.window)))

    def run(self, command_id: str) -> bool:
        """Run a command if it can apply now (else say why); False when it did not run."""
        if not self.can_run(command_id):
            self.refuse(command_id)
            self.refresh()
            return False
        self.ran.append(command_id)
        self.commands[command_id].handler(self.window)
        self.refresh()
        return True

    def refuse(self, command_id: str) -> None:
        self.refused.append(command_id)
        hint = self.commands[command_id].hint
        if hint:
            self.window.statusBar().showMessage(hint, self.HINT_MS)

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


def typed(key: str) -> str:
    """A key as it is typed: `G, G` as `g g`, `Shift+G` as `G`, `Ctrl+D` as is."""
    parts = []
    for chord in key.split(", "):
        if len(chord) == 1 and chord.isalpha():
            chord = chord.lower()
        elif chord.startswith("Shift+") and len(chord) == 7 and chord[-1].isalpha():
            chord = chord[-1].upper()
        parts.append(chord)
    return " ".join(parts)


def keys_text(keys: tuple[str, ...]) -> str:
    """How keys read in docs, the help overlay and the palette: each as typed."""
    return ", ".join(f"`{typed(k)}`" for k in keys)


def menu_text(title: str, keys: tuple[str, ...]) -> str:
    """A menu entry's text: the title, and its first key as typed after a tab
    where Qt's own text for it differs (Qt writes `S` for `s` and `Shift+N` for
    `N`; a menu shows the text after a tab instead of the shortcut's)."""
    if not keys or typed(keys[0]) == QKeySequence(keys[0]).toString(QKeySequence.SequenceFormat.NativeText):
        return title
    return f"{title}\t{typed(keys[0])}"


def keyboard_markdown() -> str:
    """The README's keyboard reference, generated from COMMANDS."""
    rows = ["| Keys | Command | Group |", "| --- | --- | --- |"]
    for group in GROUP_ORDER:
        for spec in COMMANDS:
            if spec.group == group and spec.id not in COLUMN_COMMANDS:  # those are the rows of Choose columns…
                rows.append(f"| {keys_text(spec.keys) or '(menu)'} | {spec.title} | {group} |")
    return "\n".join(rows)


README_MARKERS = ("<!-- keys:start -->\n", "\n<!-- keys:end -->")


def update_readme(text: str) -> str:
    """`text` (the README) with its keyboard table regenerated."""
    start, end = README_MARKERS
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    return head + start + keyboard_markdown() + end + tail


if __name__ == "__main__":  # python -m lectern.desktop.actions.commands README.md: refresh the README's table
    import sys
    from pathlib import Path

    if len(sys.argv) > 1:
        readme = Path(sys.argv[1])
        readme.write_text(update_readme(readme.read_text(encoding="utf-8")), encoding="utf-8")
    else:
        print(keyboard_markdown())
