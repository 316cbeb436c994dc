"""The one write path (desktop/runtime/ops.py): writes run on the writer thread while
long work runs beside them, a failed write says so once and changes nothing,
and no window code writes to the library any other way."""

from __future__ import annotations

import ast
import inspect
import random
from pathlib import Path
from tempfile import TemporaryDirectory

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMessageBox

from lectern.core.domain.records import NewPaper
from lectern.core.library.facade import Library
from lectern.core.transfer import identified, importing
from lectern.desktop.actions import identify
from lectern.desktop.app import open_window
from lectern.desktop.main_window import MainWindow
from lectern.desktop.views.dialogs import PaperDialog
from lectern.desktop.views.entry_editor import EntryEditor
from lectern.desktop.views.table_model import COLUMNS
from tests.desktop.conftest import activate, settle

ROOT = Path(__file__).resolve().parents[3]
STAR = COLUMNS.index(("starred", "★"))
WORDS = ("language model pretraining vision transformer corpus token scaling data robust sparse attention "
         "retrieval graph speech translation alignment benchmark distillation federated").split()


def big_library(path: Path, papers: int) -> None:
    """A library of `papers` papers whose search index is missing: opening it rebuilds the index."""
    rng = random.Random(papers)
    with Library.open(path) as lib:
        lib.papers.add_many([NewPaper(title=f"{' '.join(rng.sample(WORDS, 6))} {i}",
                                 abstract=" ".join(rng.choices(WORDS, k=120))) for i in range(papers)],
                       undoable=False)
        with lib.db.write() as conn:
            conn.exec_driver_sql("DROP TRIGGER paper_fts_after_delete")


def test_a_star_pressed_during_an_index_rebuild_is_shown_before_the_rebuild_ends(qtbot, tmp_path: Path) -> None:
    path = tmp_path / "big.sqlite"
    big_library(path, 30_000)
    window = open_window(path)
    qtbot.addWidget(window)
    progress: list = []
    window.index_progress.progressed.connect(lambda p: progress.append((p.done, p.total)) if p.total else None)
    window.show()
    qtbot.waitUntil(lambda: bool(progress), timeout=30000)  # the start-up check found it missing: rebuilding
    activate(qtbot, window)
    qtbot.keyClick(window.table, Qt.Key.Key_S)
    qtbot.waitUntil(lambda: window.model.index(0, STAR).data() == "★", timeout=60000)
    done, total = progress[-1]
    assert done < total, "the star waited for the whole rebuild"
    first = window.model.paper_id(0)
    assert window.library.rows([first])[first].starred
    qtbot.waitUntil(lambda: not window.index_worker.busy(), timeout=120000)
    assert window.library.index.check() is None
    window.close()
    window.library.close()


def test_a_write_says_where_its_time_went_in_order(qtbot, window: MainWindow) -> None:
    """The phases the benchmark splits a star's time into: asked on the GUI
    thread, begun and ended on the writer thread, handed back, published."""
    activate(qtbot, window)
    first = window.model.paper_id(0)
    qtbot.keyClick(window.table, Qt.Key.Key_S)
    settle(qtbot, window)
    assert window.library.rows([first])[first].starred
    timing = window.ops.last_timing
    assert timing is not None
    assert timing.asked <= timing.began <= timing.ended <= timing.handed_back <= timing.published


def refuse_writes(qtbot, window: MainWindow, refuse: bool) -> None:
    """Make every statement on the writer thread's own connection fail with
    sqlite3.OperationalError (SQLite interrupts it), as a full or read-only disk would."""
    db = window.library.db
    window.ops.run(lambda: db._state().conn.raw.set_progress_handler((lambda: 1) if refuse else None, 1))
    settle(qtbot, window)


def test_a_write_that_fails_says_so_once_and_changes_nothing(qtbot, window: MainWindow, message_boxes,
                                                             monkeypatch) -> None:
    first = window.model.paper_id(0)
    window.commands.run("paper.star")
    settle(qtbot, window)
    assert window.library.rows([first])[first].starred and window.undo_action.text() == "Undo star 1 paper"
    before = window.library.paper(first)
    refuse_writes(qtbot, window, True)

    def typed(dialog: PaperDialog) -> int:
        dialog.fields["title"].setText("A paper typed while the disk was full")
        dialog.fields["venue"].setText("Nowhere")
        return QDialog.DialogCode.Accepted

    def edited(dialog: EntryEditor) -> int:
        dialog.set_value("title", "A paper typed while the disk was full")
        dialog.set_value("howpublished", "Nowhere")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(PaperDialog, "exec", typed)
    monkeypatch.setattr(EntryEditor, "exec", edited)
    for command in ("paper.star", "edit.undo", "paper.add", "paper.edit"):
        shown = len(message_boxes)
        window.commands.run(command)
        settle(qtbot, window)
        qtbot.waitUntil(lambda: len(message_boxes) > shown)
        qtbot.wait(50)
        assert len(message_boxes) == shown + 1, command  # one message each
        title, text, text_format, _ = message_boxes[-1]
        assert title in ("Not saved", "Cannot undo") and "Nothing was changed" in text, command
        assert text_format == Qt.TextFormat.PlainText
    refuse_writes(qtbot, window, False)
    assert window.library.paper(first) == before  # still starred, title and venue as they were
    assert window.library.count() == 222 and not window.library.search("typed while the disk").ids
    assert window.undo_action.text() == "Undo star 1 paper"  # the step is kept
    window.commands.run("edit.undo")  # and works once the disk has room
    settle(qtbot, window)
    assert not window.library.rows([first])[first].starred
    assert message_boxes.answer == QMessageBox.StandardButton.No


# -- the rule: window code writes only through the runner ------------------------------------

MANAGERS = ("papers", "tags", "lists", "trash", "saved_searches", "history")  # the facade's writers; `index` is
# long work that runs beside the writer thread, in short transactions
HAND_OVERS = {"_apply", "_paper_dialog"}  # PaperActions' helpers that pass their write to ops.run
WRITE_FUNCTIONS = {"import_bib", "import_file", "import_text", "load_default_library_if_new",
                   "add_papers", "add_identified", "apply_updates", "apply_accepted"}


def facade_writes() -> set[str]:
    """Every public method of the facade's managers that returns Changes (a
    write), as `manager.method`."""
    with TemporaryDirectory() as folder:
        library = Library.open(Path(folder) / "probe.sqlite")
        try:
            kinds = {name: type(getattr(library, name)) for name in MANAGERS}
        finally:
            library.close()
    return {f"{name}.{method}" for name, kind in kinds.items()
            for method, fn in inspect.getmembers(kind, inspect.isfunction)
            if not method.startswith("_") and "Changes" in str(fn.__annotations__.get("return", ""))}


def writes_outside_the_runner(source: str, writes: set[str]) -> list[str]:
    """Calls of a library write (`<...>library.<write>(...)`, or a write function
    of lectern.core.transfer) not made inside a lambda or local function given to
    `ops.run` / `ops.run_here`."""
    tree = ast.parse(source)
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}

    def is_runner_call(node: ast.AST) -> bool:
        return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and (node.func.attr in ("run", "run_here") and "ops" in ast.unparse(node.func.value)
                     or node.func.attr in HAND_OVERS))

    def handed_to_runner(fn: ast.AST) -> bool:
        if isinstance(fn, ast.Lambda):
            parent = parents.get(fn)
            while isinstance(parent, (ast.Call, ast.keyword)) and not is_runner_call(parent):
                parent = parents.get(parent)  # a lambda built by a helper (`write(values)`) still counts below
            if is_runner_call(parent):
                return True
        name = getattr(fn, "name", None)
        scope = parents.get(fn)
        while scope is not None and not isinstance(scope, (ast.FunctionDef, ast.Module)):
            scope = parents.get(scope)
        if isinstance(fn, ast.Lambda):  # returned by a local helper whose result goes to the runner
            helper = scope
            name = getattr(helper, "name", None)
            scope = parents.get(helper) if helper is not None else None
            while scope is not None and not isinstance(scope, (ast.FunctionDef, ast.Module)):
                scope = parents.get(scope)
        return name is not None and scope is not None and any(
            is_runner_call(call) and any(name in ast.unparse(arg) for arg in [*call.args, *call.keywords])
            for call in ast.walk(scope))

    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        owner = ast.unparse(func.value).split(".") if isinstance(func, ast.Attribute) else []
        is_write = (len(owner) >= 2 and owner[-2] in ("library", "lib")
                    and f"{owner[-1]}.{func.attr}" in writes) or (
                    isinstance(func, ast.Name) and func.id in WRITE_FUNCTIONS)
        if not is_write:
            continue
        enclosing = parents.get(node)
        while enclosing is not None and not isinstance(enclosing, (ast.Lambda, ast.FunctionDef)):
            enclosing = parents.get(enclosing)
        if enclosing is None or not handed_to_runner(enclosing):
            found.append(f"line {node.lineno}: {ast.unparse(node)[:80]}")
    return found


def test_the_facade_write_list_is_the_real_one() -> None:
    writes = facade_writes()
    assert {"papers.toggle_star", "papers.set_status", "papers.set_note", "history.undo", "history.redo",
            "papers.add", "papers.update", "papers.add_many", "lists.create", "tags.add", "saved_searches.save",
            "trash.empty", "trash.put", "papers.merge"} <= writes
    assert all(hasattr(importing, name) or hasattr(identified, name) or hasattr(identify, name)
               for name in WRITE_FUNCTIONS)


def test_no_window_code_writes_to_the_library_outside_the_runner() -> None:
    writes = facade_writes()
    offenders = {}
    for path in sorted((ROOT / "desktop").rglob("*.py")):
        if path.name in ("app.py", "selftest.py"):  # open (and fill) a library before any window exists
            continue
        found = writes_outside_the_runner(path.read_text(encoding="utf-8"), writes)
        if found:
            offenders[str(path.relative_to(ROOT))] = found
    assert offenders == {}


def test_the_helpers_hand_their_write_to_the_runner() -> None:
    tree = ast.parse((ROOT / "desktop" / "actions" / "paper_actions.py").read_text(encoding="utf-8"))
    for name in HAND_OVERS:
        helper = next(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == name)
        assert "self.ops.run(" in ast.unparse(helper), name


def test_the_rule_catches_a_direct_write() -> None:
    writes = facade_writes()
    direct = "class A:\n    def star(self):\n        self.library.papers.toggle_star([1])\n"
    through = "class A:\n    def star(self):\n        self.ops.run(lambda: self.library.papers.toggle_star([1]))\n"
    nested = ("class A:\n    def imp(self):\n        def go():\n            return import_bib(lib, p)\n"
              "        self.window.ops.run(go)\n")
    stray = "class A:\n    def imp(self):\n        def go():\n            return import_bib(lib, p)\n        go()\n"
    assert writes_outside_the_runner(direct, writes) == ["line 3: self.library.papers.toggle_star([1])"]
    assert writes_outside_the_runner(through, writes) == []
    assert writes_outside_the_runner(nested, writes) == []
    assert len(writes_outside_the_runner(stray, writes)) == 1
