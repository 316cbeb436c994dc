"""`lectern`: start the window on a library (the default one unless --library)."""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from lectern.core import __version__
from lectern.core.cli import build_parser, run
from lectern.core.cli import library_path as cli_library_path
from lectern.core.store.paths import state_dir

if TYPE_CHECKING:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QWidget

    from lectern.core.store.backups import BackupInfo
    from lectern.desktop.main_window import MainWindow

GUI_SWITCH_INTERVAL_S = 0.001


def freeze_loaded_code() -> None:
    """Keep the modules, classes and functions loaded so far out of Python's
    cycle collector, once per process: they live as long as it does, and each
    full collection walked every one of them while every thread, the window's
    too, waited (the longest stalls of a window busy in the background)."""
    if not gc.get_freeze_count():
        gc.freeze()


def open_window(library_path: Path) -> "MainWindow":
    """Open (or create) the library at `library_path`, load the default reading
    list into a new one, and build the main window. Raises LibraryError."""
    from PySide6.QtCore import QTimer

    from lectern.core.formats.listing import ListingError
    from lectern.core.library.facade import Library
    from lectern.core.store.keymap import keymap_path, load_keymap
    from lectern.core.transfer.importing import load_default_library_if_new
    from lectern.desktop.actions.commands import SPECS
    from lectern.desktop.main_window import MainWindow
    from lectern.desktop.views.untrusted import Icon, message_box, warning

    # The window's thread gets Python back within a millisecond of asking, not the
    # interpreter's default five: a worker busy in Python (a rebuild, a ranking, an
    # import) made each hand-over of a star's repaint wait that long, several times.
    sys.setswitchinterval(GUI_SWITCH_INTERVAL_S)
    freeze_loaded_code()  # (after the imports above: what the window runs on is loaded)
    library = Library.open(library_path)
    library.attachments.sweep_left_behind()  # (the window is the library's one writer: `main` holds its lock)
    try:
        load_default_library_if_new(library)
    except ListingError as exc:
        warning(None, "Default reading list not loaded", str(exc))
    settings, settings_problem = window_settings()
    keymap = load_keymap(keymap_path(), set(SPECS))
    window = MainWindow(library, settings, keymap.overrides, keymap.problems)
    problems = [*window.keymap_problems, *([settings_problem] if settings_problem else [])]
    if problems:  # one message, at start-up, without blocking
        title = "Keymap problems" if not settings_problem else "Lectern started with its default settings"
        box = message_box(window, Icon.Warning, title, "\n\n".join(problems))
        QTimer.singleShot(0, box.show)
    return window


def window_settings() -> "tuple[QSettings, str | None]":
    """Where the window's layout is remembered (the state folder), and what is
    wrong with that folder if it cannot be made or written (a file in its
    place, a read-only disk): the window then starts with the default layout."""
    from PySide6.QtCore import QSettings

    folder = state_dir()
    problem = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if not os.access(folder, os.W_OK) or os.statvfs(folder).f_flag & os.ST_RDONLY:
            raise PermissionError(13, "it is read-only")
    except OSError as exc:
        problem = (f"The window's layout cannot be remembered: {folder} cannot be written "
                   f"({exc.strerror or exc}). The default layout is used.")
    return QSettings(str(folder / "window.ini"), QSettings.Format.IniFormat), problem


def choose_backup(library_path: Path, error: Exception, parent: "QWidget | None" = None) -> "BackupInfo | None":
    """The library is damaged: say so, and offer its latest backup that passes
    SQLite's check, named by file, date and paper count. None when there is
    none or the user says No; nothing is changed here."""
    from lectern.core.store.backups import backup_dir, latest_good_backup
    from lectern.desktop.views.untrusted import ask, critical

    print(f"lectern: {error}", file=sys.stderr)
    backup = latest_good_backup(library_path)
    if backup is None:
        critical(parent, "The library is damaged",
                 f"{error}\n\nThere is no good backup of it in {backup_dir(library_path)}. "
                 "The file has not been changed.")
        return None
    if ask(parent, "The library is damaged",
           f"{error}\n\nRestore its latest good backup?\n\n{backup.describe()}\nin {backup.path.parent}\n\n"
           "The damaged file is kept beside the library (renamed), so nothing is deleted."):
        return backup
    return None


def restore_and_open(library_path: Path, backup: "BackupInfo") -> "MainWindow | None":
    """Put `backup` in place of the (closed) library and open a window on it."""
    from lectern.core.store.backups import restore_backup
    from lectern.core.store.library_errors import LibraryError
    from lectern.desktop.views.untrusted import critical

    try:
        aside = restore_backup(library_path, backup.path)
        print(f"lectern: restored {backup.path}; the damaged file is now {aside}", file=sys.stderr)
        return open_window(library_path)
    except (LibraryError, OSError) as exc:
        critical(None, "Lectern cannot open the library", str(exc))
        return None


def offer_backup(library_path: Path, error: Exception) -> "MainWindow | None":
    """A library that could not open because it is damaged: offer its backup,
    restore it if the user agrees, and open the window on it."""
    from lectern.core.store.library_errors import LibraryError
    from lectern.core.store.library_file import real_library_path

    try:
        library_path = real_library_path(library_path)
    except LibraryError:
        pass
    backup = choose_backup(library_path, error)
    return restore_and_open(library_path, backup) if backup is not None else None


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def said_to_running_window(library_path: Path, files: list[Path], answered: bool) -> int:
    """What a second launch on an open library says: the running window came
    forward (and took `files` to import), or it did not answer."""
    if not answered:
        print(f"lectern: {library_path} is already open in another Lectern, which did not answer"
              + ("; nothing was imported." if files else "."), file=sys.stderr)
        return 1
    if files:
        print(f"lectern: already open on {library_path}; handed that window {plural(len(files), 'file')} "
              "to import: " + ", ".join(f.name for f in files[:10]) + (" …" if len(files) > 10 else ""),
              file=sys.stderr)
    else:
        print(f"lectern: already open on {library_path}; brought that window forward.", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command:
        return run(args)
    from lectern.desktop.display import missing_display

    no_display = missing_display(args.self_test)
    if no_display is not None:
        print(no_display, file=sys.stderr)
        return 2
    if args.self_test:
        from lectern.desktop.selftest import self_test

        return self_test()
    library_path = cli_library_path(args)

    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from lectern.core.store.library_errors import LibraryDamaged, LibraryError
    from lectern.core.store.paths import resource_path
    from lectern.desktop.runtime.single_instance import SingleInstance
    from lectern.desktop.views.theme import follow_color_scheme
    from lectern.desktop.views.untrusted import critical

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Lectern")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("lectern")
    app.setWindowIcon(QIcon(str(resource_path("icons", "lectern.svg"))))
    follow_color_scheme(app)  # light or dark, as the system is
    try:
        instance = SingleInstance(library_path)
    except LibraryError as exc:  # not a regular file, or a second name of a library
        print(f"lectern: {exc}", file=sys.stderr)
        critical(None, "Lectern cannot open the library", str(exc))
        return 1
    if not instance.claim(list(args.import_files)):
        return said_to_running_window(library_path, list(args.import_files), instance.handed)
    try:
        window = open_window(library_path)
    except LibraryDamaged as exc:
        window = offer_backup(library_path, exc)
        if window is None:
            instance.release()
            return 1
    except LibraryError as exc:
        print(f"lectern: {exc}", file=sys.stderr)
        critical(None, "Lectern cannot open the library", str(exc))
        instance.release()
        return 1
    current = [window]
    default_hook = sys.excepthook

    def quiet_damage(kind: type[BaseException], value: BaseException, trace: object) -> None:
        """A read that met damage inside a Qt callback: the window already offers the backup."""
        if isinstance(value, LibraryDamaged):
            print(f"lectern: {value}", file=sys.stderr)
        else:
            default_hook(kind, value, trace)  # type: ignore[arg-type]

    sys.excepthook = quiet_damage

    def come_forward() -> None:
        print("lectern: another launch on this library asked this window to come forward", file=sys.stderr, flush=True)
        current[0].showNormal()
        current[0].raise_()
        current[0].activateWindow()

    def damage_found(error: Exception) -> None:
        """Damage met while open: offer the latest good backup; on Yes the
        window closes, the backup is restored, and a new window opens on it."""
        old = current[0]
        backup = choose_backup(old.library.path, error, old)
        if backup is None:
            return  # the window stays open; writes are refused and the status bar says why
        old.close()
        old.library.close()
        new = restore_and_open(old.library.path, backup)
        if new is None:
            app.quit()
            return
        start(new)

    def start(win: "MainWindow") -> None:
        current[0] = win
        win.damageFound.connect(damage_found, Qt.ConnectionType.QueuedConnection)  # after the key handler returns
        win.show()
        win.activateWindow()

    def files_handed(paths: list[str]) -> None:
        """Another launch's --import-files: imported here, as if opened with Ctrl+O."""
        print(f"lectern: another launch handed this window {plural(len(paths), 'file')} to import: "
              + ", ".join(Path(p).name for p in paths[:10]) + (" …" if len(paths) > 10 else ""),
              file=sys.stderr, flush=True)
        current[0].transfer.import_files([Path(p) for p in paths])

    instance.activated.connect(come_forward)
    instance.filesHanded.connect(files_handed)
    start(window)
    if args.import_files:
        QTimer.singleShot(0, lambda: window.transfer.import_files(list(args.import_files)))
    try:
        return app.exec()
    finally:
        current[0].library.close()
        instance.release()


if __name__ == "__main__":
    sys.exit(main())
