"""`lectern`: start the window on a library (the default one unless --library)."""

from __future__ import annotations

import sqlite3
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from core import __version__
from core.cli import build_parser, run
from core.cli import library_path as cli_library_path
from core.paths import state_dir

if TYPE_CHECKING:
    from desktop.main_window import MainWindow


def open_window(library_path: Path) -> "MainWindow":
    """Open (or create) the library at `library_path`, load the default reading
    list into a new one, and build the main window. Raises LibraryError."""
    from PySide6.QtCore import QSettings, QTimer

    from core.keymap import keymap_path, load_keymap
    from desktop.commands import SPECS

    from core.importing import load_default_library_if_new
    from core.library import Library
    from core.listing import ListingError
    from desktop.main_window import MainWindow
    from desktop.untrusted import Icon, message_box, warning

    library = Library.open(library_path)
    try:
        load_default_library_if_new(library)
    except ListingError as exc:
        warning(None, "Default reading list not loaded", str(exc))
    state_dir().mkdir(parents=True, exist_ok=True)
    settings = QSettings(str(state_dir() / "window.ini"), QSettings.Format.IniFormat)
    keymap = load_keymap(keymap_path(), set(SPECS))
    window = MainWindow(library, settings, keymap.overrides, keymap.problems)
    if window.keymap_problems:
        box = message_box(window, Icon.Warning, "Keymap problems", "\n\n".join(window.keymap_problems))
        QTimer.singleShot(0, box.show)  # once, at start-up, without blocking
    return window


def offer_backup(library_path: Path, error: Exception) -> "MainWindow | None":
    """The library is damaged: say so, and offer the most recent automatic backup.
    The damaged file is kept beside the library, never deleted."""
    from core.db import LibraryError, latest_backup, restore_backup
    from desktop.untrusted import ask, critical

    backup = latest_backup(library_path)
    print(f"lectern: {error}", file=sys.stderr)
    if backup is None:
        critical(None, "The library is damaged",
                 f"{error}\n\nThere is no automatic backup of it yet. The file has not been changed.")
        return None
    when = datetime.fromtimestamp(backup.stat().st_mtime).strftime("%Y-%m-%d %H:%M")
    if not ask(None, "The library is damaged",
               f"{error}\n\nRestore the most recent automatic backup, from {when}?\n"
               "The damaged file is kept beside it (renamed), so nothing is deleted.", default_yes=True):
        return None
    aside = restore_backup(library_path, backup)
    print(f"lectern: restored {backup}; the damaged file is now {aside}", file=sys.stderr)
    try:
        return open_window(library_path)
    except LibraryError as exc:
        critical(None, "Lectern cannot open the library", str(exc))
        return None


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command:
        return run(args)
    if args.self_test:
        from desktop.selftest import self_test

        return self_test()
    library_path = cli_library_path(args)

    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from core.db import LibraryDamaged, LibraryError
    from core.paths import resource_path
    from desktop.single_instance import SingleInstance
    from desktop.untrusted import critical

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Lectern")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("lectern")
    app.setWindowIcon(QIcon(str(resource_path("icons", "lectern.svg"))))
    instance = SingleInstance(library_path)
    if not instance.claim():
        print(f"lectern: already open on {library_path}; brought that window forward.", file=sys.stderr)
        return 0
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
    def come_forward() -> None:
        print("lectern: another launch on this library asked this window to come forward", file=sys.stderr, flush=True)
        window.showNormal()
        window.raise_()
        window.activateWindow()

    instance.activated.connect(come_forward)
    window.show()
    window.activateWindow()
    if args.import_files:
        QTimer.singleShot(0, lambda: window.transfer.import_files(list(args.import_files)))
    try:
        return app.exec()
    finally:
        window.library.close()
        instance.release()


if __name__ == "__main__":
    sys.exit(main())
