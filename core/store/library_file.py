"""Which file a library is: its real path (through symlinks), a regular file
with one name. SQLite keeps recent work in a `-wal` file beside the name it was
opened by, so two names for one file (a hard link) give two `-wal` files and
two writers that corrupt it; such a file is refused, not opened."""

from __future__ import annotations

import os
import sqlite3
import stat
import time
from pathlib import Path

from lectern.core.store.library_errors import LibraryError


def real_library_path(path: Path) -> Path:
    """The real path of the library file at `path` (symlinks resolved).
    Raises LibraryError for something that is not a regular file or that has
    more than one name."""
    real = Path(os.path.realpath(Path(path).expanduser()))
    try:
        info = os.stat(real)
    except FileNotFoundError:
        return real
    except OSError as exc:
        raise LibraryError(f"Cannot open the library at {path}: {exc.strerror or exc}.") from None
    if not stat.S_ISREG(info.st_mode):
        raise LibraryError(f"{path} is not a library file (it is a folder, a device or a pipe); nothing was opened.")
    if info.st_nlink > 1:
        raise LibraryError(
            f"{path} is one of {info.st_nlink} names (hard links) of the same file. Lectern opens a library "
            "through one name only: two names keep recent work in two places and corrupt the file. "
            "Remove the other names, or copy the library with `lectern backup` instead of linking it.")
    return real


def folder_is_writable(path: Path) -> bool:
    """True when the folder holding `path` accepts new files (SQLite's -wal and -shm)."""
    folder = path.parent
    try:
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return False
    except OSError:
        return False
    return os.access(folder, os.W_OK)


def use_wal(conn: sqlite3.Connection, wait_s: float = 5.0) -> None:
    """Put the library in WAL mode. On a new file another program is making at
    the same moment, SQLite refuses the change at once ("database is locked",
    without waiting as for other statements): it is tried again, briefly."""
    deadline = time.monotonic() + wait_s
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)
