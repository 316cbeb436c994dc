"""Files Lectern did not write (an import, an attachment, the user's keymap):
only regular files are opened, and never read past a cap. A FIFO would block
the reader forever and a device (/dev/zero) never ends, so both are refused
by their type before anything reads them."""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path


def file_digest(path: Path) -> tuple[int, str]:
    """(size in bytes, SHA-256 hex) of a file, read a megabyte at a time: how
    attached and imported files are known to be the same file."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def _unreadable(path: Path, exc: OSError, error: type[Exception]) -> Exception:
    """An OS refusal to stat, open or read `path`, said in the user's terms."""
    if isinstance(exc, FileNotFoundError):
        return error(f"{path} does not exist.")
    if isinstance(exc, PermissionError):
        return error(f"Lectern may not read {path}: check the file's permissions.")
    return error(f"Could not read {path}: {exc.strerror or exc}.")


def _not_regular(path: Path, error: type[Exception], verb: str) -> Exception:
    # a FIFO or a device: reading it could wait or run forever
    return error(f"{path.name} is not a regular file (a pipe or a device): save it to a file and {verb} that.")


def regular_input_file(path: Path, error: type[Exception], verb: str = "import") -> os.stat_result:
    """The file's status when `path` is an existing regular file (through
    symlinks); otherwise `error` with a message that says what to do."""
    try:
        info = os.stat(path)
    except OSError as exc:
        raise _unreadable(path, exc, error) from None
    if stat.S_ISDIR(info.st_mode):
        raise error(f"{path} is a folder, not a file.")
    if not stat.S_ISREG(info.st_mode):
        raise _not_regular(path, error, verb)
    return info


def read_regular_file(path: Path, max_bytes: int, error: type[Exception], verb: str = "import") -> bytes:
    """The bytes of the regular file at `path`; `error` (with a message that
    says what to do) for a folder, a pipe or device, a missing, unreadable or
    larger file. The file is opened without blocking and checked again once
    open, so a FIFO put in its place meanwhile is refused too; the cap holds
    while reading, even if the file grows meanwhile."""
    return b"".join(regular_file_pieces(path, max_bytes, error, verb, max_bytes + 1))


def regular_file_pieces(path: Path, max_bytes: int, error: type[Exception], verb: str = "import",
                        size: int = 4 * 1024 * 1024) -> Iterator[bytes]:
    """read_regular_file's bytes `size` at a time, for a reader that never
    holds the whole file (the same checks; `error` once past the cap)."""
    info = regular_input_file(path, error, verb)
    too_large = f"too large to {verb}."
    if info.st_size > max_bytes:
        raise error(f"{path.name} is {info.st_size // (1024 * 1024)} MB: {too_large}")
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise _unreadable(path, exc, error) from None
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise _not_regular(path, error, verb)
        read = 0
        while True:
            try:
                data = handle.read(size)
            except OSError as exc:
                raise _unreadable(path, exc, error) from None
            if not data:
                return
            read += len(data)
            if read > max_bytes:
                raise error(f"{path.name} is over {max_bytes // (1024 * 1024)} MB: {too_large}")
            yield data
