"""Attaching files in the window: `a` (a file dialog), files dropped on a row,
and the detail pane's Locate... and Remove. Each hands one core call
(`library.attachments`) to the window's operation runner, which writes it on
the writer thread and publishes its `Changes`; the copy-or-link choice is the
user's setting (Edit > Preferences), shared with `lectern attach`."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QUrl
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QFileDialog, QMainWindow

from lectern.core.store.settings import attach_mode, save_setting, sync_auto
from lectern.desktop.views.preferences import PreferencesDialog
from lectern.desktop.views.untrusted import ask, choose, open_link

ATTACH_FILTER = "Documents (*.pdf *.djvu *.epub *.ps *.txt *.html *.md);;All files (*)"


def dropped_files(event: QDropEvent | QDragEnterEvent | QDragMoveEvent) -> list[Path]:
    """The local files a drag carries (none when it carries anything else)."""
    data = event.mimeData()
    if not data.hasUrls():
        return []
    urls = data.urls()
    if not urls or not all(u.isLocalFile() for u in urls):
        return []
    return [Path(u.toLocalFile()) for u in urls]


class Attach(QObject):
    """The window's attachment actions; also watches drops of files on the table."""

    def __init__(self, window: QMainWindow) -> None:
        """`window` is the MainWindow (library, ops, table, model, current_paper_id); typed
        as its Qt base so this module does not import the window that imports it."""
        super().__init__(window)
        self.window = window
        window.table.viewport().installEventFilter(self)

    # -- attaching ------------------------------------------------------------
    def attach_files(self, paper_id: int, paths: list[Path]) -> None:
        """Attach `paths` to a paper, copied or linked as the setting says."""
        if not paths:
            return
        library, mode = self.window.library, attach_mode()
        verb = "Copied" if mode == "copy" else "Linked"
        noun = paths[0].name if len(paths) == 1 else f"{len(paths)} files"
        self.window.ops.run(lambda: library.attachments.add(paper_id, paths, mode),
                            on_done=lambda _changes: self.window.statusBar().showMessage(
                                f"{verb} {noun} (Ctrl+Z undoes)", 4000),
                            title="Not attached", what="attach the files")

    def choose_and_attach(self) -> None:
        """`a`: a file dialog, then attach what was chosen to the current paper."""
        paper_id = self.window.current_paper_id()
        if paper_id is None:
            return
        names, _filter = QFileDialog.getOpenFileNames(self.window, "Attach files", "", ATTACH_FILTER)
        self.attach_files(paper_id, [Path(n) for n in names])

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        """Files dragged over a row attach to that row's paper when dropped
        (other drags, such as reordering a reading list, pass through)."""
        kind = event.type()
        if kind not in (QEvent.Type.DragEnter, QEvent.Type.DragMove, QEvent.Type.Drop):
            return False
        paths = dropped_files(event)  # type: ignore[arg-type]
        if not paths:
            return False
        if kind == QEvent.Type.DragEnter:
            event.acceptProposedAction()  # type: ignore[attr-defined]
            return True
        row = self.window.table.indexAt(event.position().toPoint()).row()  # type: ignore[attr-defined]
        paper_id = self.window.model.paper_id(row) if row >= 0 else None
        if paper_id is None:
            event.ignore()
            return True
        event.acceptProposedAction()  # type: ignore[attr-defined]
        if kind == QEvent.Type.Drop:
            self.attach_files(paper_id, paths)
        return True

    # -- the detail pane's links ---------------------------------------------------
    def act(self, action: str, attachment_id: int) -> None:
        """A click on an attachment's link in the detail pane: open, locate or remove."""
        found = self.window.library.attachments.get(attachment_id)
        if found is None:
            return
        if action == "open":
            open_link(self.window, QUrl.fromLocalFile(str(found.path)).toString())
        elif action == "locate":
            self.locate(attachment_id)
        elif action == "remove":
            self.remove(attachment_id)

    def locate(self, attachment_id: int) -> None:
        """Locate...: the file dialog, then point the attachment at the file chosen."""
        found = self.window.library.attachments.get(attachment_id)
        if found is None:
            return
        start = str(found.path.parent) if found.path.parent.is_dir() else ""
        name, _filter = QFileDialog.getOpenFileName(self.window, f"Locate {found.name}", start, ATTACH_FILTER)
        if name:
            library = self.window.library
            self.window.ops.run(lambda: library.attachments.relink(attachment_id, Path(name)),
                                on_done=lambda _changes: self.window.statusBar().showMessage(
                                    f"Located {Path(name).name}", 4000),
                                title="Not located", what="locate the file")

    def remove(self, attachment_id: int) -> None:
        found = self.window.library.attachments.get(attachment_id)
        if found is None:
            return
        where = ("The copy in the library's folder moves to its Trash folder." if found.mode == "copy"
                 else "The file itself stays where it is.")
        if ask(self.window, "Remove attached file", f"Remove {found.name} from this paper?\n{where}\n"
               "(Edit > Undo brings it back.)", default_yes=True):
            library = self.window.library
            self.window.ops.run(lambda: library.attachments.remove(attachment_id),
                                on_done=lambda _changes: self.window.statusBar().showMessage(
                                    f"Removed {found.name} (Ctrl+Z undoes)", 4000))

    def pick(self, verb: str, missing_only: bool = False) -> int | None:
        """The current paper's attachment to act on: the only one, or the one chosen."""
        paper_id = self.window.current_paper_id()
        found = self.window.library.attachments_of(paper_id) if paper_id is not None else ()
        found = tuple(a for a in found if not a.exists) if missing_only else found
        if not found:
            self.window.statusBar().showMessage(
                "No attached file is missing." if missing_only else "This paper has no attached files.", 4000)
            return None
        if len(found) == 1:
            return found[0].id
        labels = [f"{a.name} ({a.path})" for a in found]
        chosen = choose(self.window, f"{verb} attached file", f"Which file to {verb.lower()}?", labels)
        return found[labels.index(chosen)].id if chosen in labels else None

    def locate_missing(self) -> None:
        chosen = self.pick("Locate", missing_only=True)
        if chosen is not None:
            self.locate(chosen)

    def remove_one(self) -> None:
        chosen = self.pick("Remove")
        if chosen is not None:
            self.remove(chosen)

    def preferences(self) -> None:
        dialog = PreferencesDialog(attach_mode(), self.window, sync_auto())
        if dialog.exec() == PreferencesDialog.DialogCode.Accepted:
            save_setting("attach_mode", dialog.attach_mode())
            save_setting("sync_auto", dialog.sync_auto())
            self.window.sync.settings_changed()
        dialog.deleteLater()
