"""What can stop a library from opening or being written, told apart: in use,
read-only, full, damaged. Only damage offers a restore; the others leave the
file as it is and say what to do."""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

# SQLite's primary result codes (the low byte of an extended code).
SQLITE_BUSY, SQLITE_LOCKED, SQLITE_READONLY, SQLITE_IOERR = 5, 6, 8, 10
SQLITE_CORRUPT, SQLITE_FULL, SQLITE_CANTOPEN, SQLITE_NOTADB = 11, 13, 14, 26
SQLITE_CORRUPT_VTAB = SQLITE_CORRUPT | (1 << 8)  # a virtual table (the search index) is damaged


class LibraryError(RuntimeError):
    """A library cannot be opened or written; the message says what to do."""


class LibraryInUse(LibraryError):
    """Another program (or another Lectern) holds the library; it is not damaged."""


class LibraryReadOnly(LibraryError):
    """The library or its folder cannot be written."""


class LibraryFull(LibraryError):
    """The disk holding the library is full."""


class LibraryDamaged(LibraryError, sqlite3.DatabaseError):
    """The file is not a database, fails SQLite's checks, or is gone or empty
    where backups show a library was. Also an `sqlite3.DatabaseError`, so code
    that reports failed writes reports damage too. `detail` is what was found."""

    detail: str | None = None


def error_code(exc: BaseException) -> int | None:
    """SQLite's extended result code carried by `exc`, if any."""
    return getattr(exc, "sqlite_errorcode", None)


def is_index_damage(exc: BaseException) -> bool:
    """True when only the full-text index (a virtual table) is damaged: it is rebuilt, not restored."""
    return error_code(exc) == SQLITE_CORRUPT_VTAB or "fts5" in str(exc).lower()


def is_file_damage(exc: BaseException) -> bool:
    """True when `exc` says the database file itself is damaged."""
    if not isinstance(exc, sqlite3.DatabaseError) or isinstance(exc, LibraryError) or is_index_damage(exc):
        return False
    code = error_code(exc)
    if code is not None and code & 0xFF in (SQLITE_CORRUPT, SQLITE_NOTADB):
        return True
    text = str(exc)
    return "malformed" in text or "not a database" in text or "Could not decode to UTF-8" in text


def _disk_is_full(path: Path) -> bool:
    """True when the file system holding `path` has no free block left for Lectern."""
    try:
        info = os.statvfs(path.parent)
    except OSError:
        return False
    return info.f_bavail * info.f_frsize < 64 * 1024


def classify(exc: BaseException, path: Path) -> LibraryError:
    """The LibraryError a low-level failure at `path` means, in the user's terms."""
    if isinstance(exc, LibraryError):
        return exc
    if is_file_damage(exc):
        return LibraryDamaged(f"The library {path} is damaged ({exc}).")
    code = error_code(exc)
    primary = code & 0xFF if code is not None else None
    text = str(exc)
    if isinstance(exc, OSError):
        primary = {errno.ENOSPC: SQLITE_FULL, errno.EDQUOT: SQLITE_FULL, errno.EROFS: SQLITE_READONLY,
                   errno.EACCES: SQLITE_READONLY, errno.EPERM: SQLITE_READONLY}.get(exc.errno or 0, primary)
        text = exc.strerror or text
    if primary in (SQLITE_BUSY, SQLITE_LOCKED) or "locked" in text:
        return LibraryInUse(
            f"The library {path} is in use by another program, which holds it locked. It is not damaged: "
            "close that program (or wait for it to finish) and try again.")
    if primary == SQLITE_IOERR or "disk I/O error" in text:  # often a full disk (the -shm file cannot grow)
        primary = SQLITE_FULL if _disk_is_full(path) else primary
    if primary == SQLITE_FULL or "disk is full" in text:
        return LibraryFull(f"The disk holding {path} is full. Nothing was lost: free some space and try again.")
    if primary == SQLITE_READONLY or "readonly" in text or "read-only" in text:
        return LibraryReadOnly(
            f"The library {path} is read-only: Lectern needs to write to it and to its folder. "
            "Nothing was changed; fix the permissions or copy the library somewhere writable.")
    if primary == SQLITE_CANTOPEN:
        return LibraryError(f"Cannot open the library at {path}: its folder cannot be written or reached ({text}).")
    return LibraryError(f"Cannot open the library at {path}: {text}.")
