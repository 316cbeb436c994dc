"""The window's actions on papers, lists and tags (star, status, tags, notes,
lists, edits, Trash, undo): each hands one core facade call to the window's
operation runner (desktop/runtime/ops.py), which writes it on the writer thread,
publishes the `Changes` it returns and reports failures. Mixed into MainWindow."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QTimer
from PySide6.QtWidgets import QDialog, QInputDialog

from lectern.core.domain.changes import Changes
from lectern.core.domain.links import paper_link
from lectern.core.domain.records import NewPaper
from lectern.core.identify.identifiers import parse_identifiers
from lectern.core.library.rows import EditError
from lectern.core.store.undo import UndoError
from lectern.core.text.wording import plural
from lectern.desktop.views.dialogs import ListDialog, PaperDialog, TagDialog
from lectern.desktop.views.entry_editor import EntryEditor
from lectern.desktop.views.sidebar import LIST_ID_ROLE, TAG_NAME_ROLE
from lectern.desktop.views.table_model import COLUMNS
from lectern.desktop.views.untrusted import ask, open_link, warning


class PaperActions:
    """Methods of MainWindow for annotating and editing papers (it supplies the table, model and library)."""

    # -- annotating ---------------------------------------------------------------
    def selected_ids(self) -> list[int]:
        rows = sorted(i.row() for i in self.table.selectionModel().selectedRows())
        ids = [self.model.paper_id(r) for r in rows]
        if not ids and self.current_paper_id() is not None:
            ids = [self.current_paper_id()]
        return [i for i in ids if i is not None]

    def _apply(self, action: Callable[[], Any], done: str | None = None,
               then: Callable[[Any], None] | None = None) -> None:
        """Hand a core write to the runner; once written and published, show
        `done` and call `then(result)`."""
        def finished(result: Any) -> None:
            if done:
                self.statusBar().showMessage(done, 4000)
            if then is not None:
                then(result)

        self.ops.run(action, on_done=finished)

    def toggle_star(self) -> None:
        ids = self.selected_ids()
        row = self.table.currentIndex().row()
        if ids:
            library = self.library
            self._apply(lambda: library.papers.toggle_star(ids), then=lambda _changes: (
                self.statusBar().showMessage(library.history.stack.undo_label() or "", 4000),
                self._advance_after_triage(row, written=True)))
            self._advance_after_triage(row, written=False)

    def set_status(self, status: str) -> None:
        ids = self.selected_ids()
        row = self.table.currentIndex().row()
        if ids:
            library = self.library
            self._apply(lambda: library.papers.set_status(ids, status),
                        f"Marked {plural(len(ids), 'paper')} as {status}",
                        then=lambda _changes: self._advance_after_triage(row, written=True))
            self._advance_after_triage(row, written=False)

    def _cell_clicked(self, index: QModelIndex) -> None:
        if index.isValid() and COLUMNS[index.column()][0] == "starred":
            paper_id = self.model.paper_id(index.row())
            if paper_id is not None:
                library = self.library
                self._apply(lambda: library.papers.toggle_star([paper_id]))

    def edit_tags(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        rows = self.library.rows(ids)
        tag_sets = [set(filter(None, (t.strip() for t in rows[i].tags.split(",")))) for i in ids if i in rows]
        common = sorted(set.intersection(*tag_sets) if tag_sets else set(), key=str.lower)
        dialog = TagDialog(common, [t.name for t in self.library.tags.all()], len(ids), self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        wanted = dialog.tags()
        added = [t for t in wanted if t.lower() not in {c.lower() for c in common}]
        removed = [t for t in common if t.lower() not in {w.lower() for w in wanted}]
        library = self.library
        if added:
            self._apply(lambda: library.tags.add(ids, added))
        if removed:
            self._apply(lambda: library.tags.remove(ids, removed))

    def focus_note(self) -> None:
        if self.current_paper_id() is not None:
            self.notes.editor.setFocus()

    def _save_note(self, paper_id: int, text: str) -> None:
        """The note editor's save: synchronous (its pending-note and draft logic
        needs to know at once whether the note is kept), published by the runner."""
        library = self.library
        self.ops.run_here(lambda: library.papers.set_note(paper_id, text))

    def add_to_list(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        lists = self.library.lists.all()
        dialog = ListDialog([row.name for row in lists], self)
        if dialog.exec() != QDialog.DialogCode.Accepted or not dialog.name():
            return
        name = dialog.name()
        match = next((row for row in lists if row.name.lower() == name.lower()), None)
        library = self.library

        def add() -> Changes:
            created = Changes()
            list_id = match.id if match is not None else None
            if list_id is None:
                list_id, created = library.lists.create(name)
            return created.merge(library.lists.add(list_id, ids))

        said = f"Added {plural(len(ids), 'paper')} to {name}"
        self.ops.run(add, on_done=lambda _changes: self.statusBar().showMessage(said, 4000),
                     on_error=self._list_refused)

    def _list_refused(self, exc: Exception) -> bool:
        if isinstance(exc, EditError):
            warning(self, "List not created", str(exc))
            return True
        return False

    def remove_from_list(self) -> None:
        ids = self.selected_ids()
        if self.model.list_id is not None and ids:
            list_id, library = self.model.list_id, self.library
            self._apply(lambda: library.lists.remove(list_id, ids))

    def move_in_list(self, delta: int) -> None:
        ids = self.selected_ids()
        if self.model.list_id is None or not ids:
            self.statusBar().showMessage("Open a reading list in the sidebar to reorder it.", 4000)
            return
        list_id, library = self.model.list_id, self.library
        self._apply(lambda: library.lists.move(list_id, ids, delta), then=lambda _changes: self._reselect(ids))

    def _reorder_list(self, list_id: int, order: list[int]) -> None:
        moved, library = self.selected_ids(), self.library
        self._apply(lambda: library.lists.set_order(list_id, order), then=lambda _changes: self._reselect(moved))

    def _reselect(self, ids: list[int]) -> None:
        """Select these papers again once the rows have been re-queried."""
        self.after_search(lambda: self._select_ids(ids))

    def _select_ids(self, ids: list[int]) -> None:
        rows = [r for r in (self.model.row_of(i) for i in ids) if r is not None]
        if rows:
            self.go_to_row(rows[0])
            for row in rows[1:]:
                self.table.selectionModel().select(
                    self.model.index(row, 0),
                    QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows)

    def new_list(self) -> None:
        name, ok = QInputDialog.getText(self, "New reading list", "Name:")
        if ok and name.strip():
            library = self.library
            self.ops.run(lambda: library.lists.create(name), on_error=self._list_refused)

    def rename_list(self) -> None:
        list_id = self.sidebar.current_value(LIST_ID_ROLE)
        if list_id is None:
            self.statusBar().showMessage("Select a reading list in the sidebar first.", 4000)
            return
        current = next((r.name for r in self.library.lists.all() if r.id == list_id), "")
        name, ok = QInputDialog.getText(self, "Rename reading list", "Name:", text=current)
        if ok and name.strip():
            library = self.library
            self._apply(lambda: library.lists.rename(int(list_id), name),
                        then=lambda _changes: self.sidebar.select_scope(f'list:"{" ".join(name.split())}"'))

    def delete_list(self) -> None:
        list_id = self.sidebar.current_value(LIST_ID_ROLE)
        if list_id is not None:
            library = self.library
            self._apply(lambda: library.lists.delete(int(list_id)), "Reading list deleted (Ctrl+Z brings it back)")

    def rename_tag(self) -> None:
        old = self.sidebar.current_value(TAG_NAME_ROLE)
        if old is None:
            self.statusBar().showMessage("Select a tag in the sidebar first.", 4000)
            return
        name, ok = QInputDialog.getText(self, "Rename tag", "New name (an existing tag's name merges them):",
                                        text=str(old))
        if ok and name.strip():
            library = self.library
            self._apply(lambda: library.tags.rename(str(old), name))

    def edit_paper(self) -> None:
        """Ctrl+E: the entry editor on the current paper's record."""
        paper_id = self.current_paper_id()
        detail = self.library.paper(paper_id) if paper_id is not None else None
        if detail is not None:
            self._entry_editor(EntryEditor(detail.paper, self), paper_id)

    def _entry_editor(self, dialog: EntryEditor, paper_id: int) -> None:
        """Show the entry editor; on Save, replace the record (one undo step). A
        refusal (a taken key, unpaired braces) opens it again with the reason."""
        if dialog.exec() != QDialog.DialogCode.Accepted:
            dialog.deleteLater()
            return
        kind, key, fields = dialog.record()  # it reads: the dialog accepts nothing else
        library = self.library
        new_key = key if key != dialog.original_key else None

        def refused(exc: Exception) -> bool:
            if not isinstance(exc, EditError):
                dialog.deleteLater()
                return False
            dialog.show_error(str(exc))
            self._entry_editor(dialog, paper_id)
            return True

        self.ops.run(lambda: library.papers.set_record(paper_id, kind, fields, citation_key=new_key),
                     on_done=lambda _changes: dialog.deleteLater(), on_error=refused)

    def add_paper(self) -> None:
        library = self.library

        def write(values: dict[str, Any]) -> Any:
            # every field typed is checked first and added with the paper: one undo step
            return library.papers.add(NewPaper(title=values.pop("title").strip()), **values)

        self._paper_dialog(PaperDialog(None, self), write, lambda result: self._reselect([result[0]]))

    def _paper_dialog(self, dialog: PaperDialog, write: Callable[[dict[str, Any]], Any],
                      then: Callable[[Any], None]) -> None:
        """Show the Add/Edit paper dialog; on OK, write what was typed. A refusal
        (a bad year, a taken citation key) opens the dialog again with the reason."""
        if dialog.exec() != QDialog.DialogCode.Accepted:
            dialog.deleteLater()
            return
        if dialog.identifiers_text():
            self._add_identified(dialog, write, then)
            return
        values = dialog.values()
        if not values["title"].strip():
            dialog.show_error("A paper needs a title.")
            QTimer.singleShot(0, lambda: self._paper_dialog(dialog, write, then))
            return

        def refused(exc: Exception) -> bool:
            if not isinstance(exc, EditError):
                dialog.deleteLater()
                return False
            dialog.show_error(str(exc))
            self._paper_dialog(dialog, write, then)
            return True

        def written(result: Any) -> None:
            dialog.deleteLater()  # done with: not left for the window's teardown
            then(result)

        self.ops.run(lambda: write(values), on_done=written, on_error=refused)

    def _add_identified(self, dialog: PaperDialog, write: Callable[[dict[str, Any]], Any],
                        then: Callable[[Any], None]) -> None:
        """OK with identifiers typed: look them up online (desktop/actions/identify.py);
        words that are no identifier open the dialog again, saying which."""
        found, unknown = parse_identifiers(dialog.identifiers_text())
        if unknown or not found:
            dialog.show_error(f"Not a DOI, arXiv id or ISBN: {', '.join(unknown[:5])}.")
            QTimer.singleShot(0, lambda: self._paper_dialog(dialog, write, then))
            return
        dialog.deleteLater()
        self.identify.add(found)

    def trash_selected(self) -> None:
        ids = self.selected_ids()
        if ids:
            row, library = self.table.currentIndex().row(), self.library
            self._apply(lambda: library.trash.put(ids), f"Moved {len(ids)} to the Trash (Ctrl+Z undoes)",
                        then=lambda _changes: self.after_search(lambda: self.go_to_row(row)))

    def restore_selected(self) -> None:
        ids = self.selected_ids()
        if ids:
            library = self.library
            self._apply(lambda: library.trash.restore(ids), f"Restored {len(ids)} from the Trash")

    def empty_trash(self) -> None:
        count = len(self.library.trash.ids())
        if count == 0:
            self.statusBar().showMessage("The Trash is empty.", 4000)
            return
        what = f"the {count} papers in the Trash for good, with their notes" if count > 1 else \
            "the paper in the Trash for good, with its note"
        if ask(self, "Empty Trash", f"Delete {what}?\n(Until you quit, Edit > Undo can still bring it back.)",
               default_yes=True):
            library = self.library
            self._apply(lambda: library.trash.empty())

    def open_url(self) -> None:
        """`o`: open the paper's PDF (at the page the search matched), else its
        link; a link that is not a web page, DOI or arXiv id (a `file:` URL from
        an imported file) is opened only if the user agrees."""
        paper_id = self.current_paper_id()
        if paper_id is not None and self.fulltext.open_current(paper_id):
            return
        detail = self.library.paper(paper_id) if paper_id is not None else None
        if detail is None:
            return
        paper = detail.paper
        url = paper_link(paper.url, paper.arxiv_id, paper.doi, detail.links)
        if not url:
            self.statusBar().showMessage("This paper has no link.", 4000)
        elif open_link(self, url):
            self.statusBar().showMessage(f"Opened {url}", 4000)
        else:
            self.statusBar().showMessage("The link was not opened.", 4000)

    def undo(self) -> None:
        self._step_back_or_forth(undoing=True)

    def redo(self) -> None:
        self._step_back_or_forth(undoing=False)

    def _step_back_or_forth(self, undoing: bool) -> None:
        """Undo or redo one step; a step that can no longer be undone, or a
        write that fails (disk full, read-only folder), is said in a message."""
        self.notes.flush()
        library = self.library
        stack = library.history.stack
        label = stack.undo_label() if undoing else stack.redo_label()
        verb = "undo" if undoing else "redo"

        def step() -> tuple[str | None, Changes | None]:
            done = stack.undo_label() if undoing else stack.redo_label()  # what is newest when it runs
            changes = library.history.undo() if undoing else library.history.redo()
            return done, (changes or Changes(membership=True)) if changes is not None else None

        def stepped(result: tuple[str | None, Changes | None]) -> None:
            done, changes = result
            if changes is None:
                return
            paper_id = self.current_paper_id()
            if paper_id is not None and paper_id in changes.papers and "note" in changes.fields:
                self.notes.set_paper(paper_id, library.papers.note(paper_id))  # the editor shows the note undone
            self.statusBar().showMessage(f"{'Undone' if undoing else 'Redone'}: {done}", 4000)

        def refused(exc: Exception) -> bool:
            if isinstance(exc, UndoError):
                self._update_undo_actions()
                warning(self, f"Cannot {verb}", str(exc))
                return True
            return False

        self.ops.run(step, on_done=stepped, on_error=refused, title=f"Cannot {verb}", what=f"{verb} “{label}”")

    def _update_undo_actions(self, refresh: bool = True) -> None:
        """Name the step Undo and Redo would take (whether they apply: the command
        table, refreshed here unless the caller's signal refreshes it next)."""
        undo, redo = self.library.history.stack.undo_label(), self.library.history.stack.redo_label()
        self.undo_action.setText(f"Undo {undo[0].lower() + undo[1:]}" if undo else "Undo")
        self.redo_action.setText(f"Redo {redo[0].lower() + redo[1:]}" if redo else "Redo")
        if refresh:
            self.commands.refresh()
