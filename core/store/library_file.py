"""Which file a library is: its real path (through symlinks), a regular file
with one name. SQLite keeps recent work in a `-wal` file beside the name it was
opened by, so two names for one file (a hard link) give two `-wal` files and
two writers that corrupt it; such a file is refused, not opened."""

from __future__ import annotations

import os
import stat
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
