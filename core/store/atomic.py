"""Writing files so that a crash or a full disk never leaves half a file: write
a temporary file beside the target, fsync it, then rename it over the target.

The file gets the mode a new file would get (0666 less the umask), or keeps the
mode it had; a symlink is written through (its target is replaced, the link
stays). Temporary files carry a Lectern-only name (`.<name>.lectern-XXXXXXXX.tmp`)
and only such names are ever cleaned up, so no other file in the folder is touched."""

from __future__ import annotations

import os
import re
import secrets
import stat
from pathlib import Path

TEMP_MARK = ".lectern-"
_TEMP_TAIL = re.compile(r"\.lectern-[0-9a-f]{8}\.tmp")


def write_target(path: Path) -> Path:
    """The file a write to `path` replaces: `path`, or where its symlinks lead."""
    path = Path(path)
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def temp_name(name: str) -> str:
    """A temporary name beside `name` that only Lectern makes."""
    return f".{name}{TEMP_MARK}{secrets.token_hex(4)}.tmp"


def is_own_temp(candidate: str, name: str) -> bool:
    """True for a temporary file Lectern made while writing `name`."""
    prefix = f".{name}"
    return candidate.startswith(prefix) and _TEMP_TAIL.fullmatch(candidate[len(prefix):]) is not None


def remove_stale_temps(folder: Path, name: str) -> None:
    """Remove temporary files left by a killed write of `name`, and nothing else."""
    try:
        entries = os.listdir(folder)
    except OSError:
        return
    for entry in entries:
        if is_own_temp(entry, name):
            try:
                os.unlink(folder / entry)
            except OSError:
                pass


def write_atomic(path: Path, data: bytes) -> None:
    """Replace `path` (or the target of its symlink) with `data` in one step;
    on any error the old file stays."""
    target = write_target(path)
    folder = target.parent if str(target.parent) else Path(".")
    remove_stale_temps(folder, target.name)
    try:
        old_mode: int | None = stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        old_mode = None
    tmp = folder / temp_name(target.name)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # the umask applies, as to any new file
    try:
        with os.fdopen(fd, "wb") as handle:
            if old_mode is not None:
                os.fchmod(handle.fileno(), old_mode)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    try:  # make the rename itself durable
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except OSError:
        pass
