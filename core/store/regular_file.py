"""Reading a file Lectern did not write (an import, the user's keymap): only a
regular file, never more than a cap. A FIFO would block the read forever and
/dev/zero never ends; both are refused before a byte is read."""

from __future__ import annotations

import os
import stat
from pathlib import Path


def read_regular_file(path: Path, max_bytes: int, error: type[Exception]) -> bytes:
    """The bytes of the regular file at `path`; `error` (with a message that
    says what to do) for a folder, a pipe or device, a missing, unreadable or
    larger file. The file is opened without blocking and checked once open, so
    a FIFO put in its place meanwhile is refused too; the cap holds while reading."""
    try:
        if path.is_dir():
            raise error(f"{path} is a folder, not a file.")
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):  # a FIFO or a device: reading it could wait or run forever
                raise error(f"{path.name} is not a regular file (a pipe or a device).")
            if info.st_size > max_bytes:
                raise error(f"{path.name} is {info.st_size // (1024 * 1024)} MB: too large.")
            data = handle.read(max_bytes + 1)  # the cap holds even if the file grows meanwhile
        if len(data) > max_bytes:
            raise error(f"{path.name} is over {max_bytes // (1024 * 1024)} MB: too large.")
        return data
    except FileNotFoundError:
        raise error(f"{path} does not exist.") from None
    except PermissionError:
        raise error(f"Lectern may not read {path}: check the file's permissions.") from None
    except OSError as exc:
        raise error(f"Could not read {path}: {exc.strerror or exc}.") from None
