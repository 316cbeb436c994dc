"""One writer per library: an advisory lock on a file beside the library's real
path (a symlink leads to the same lock; a second name by hard link is refused,
see core/store/library_file.py). The operating system drops the lock when the holder
exits or crashes, so a stale lock after a crash is reclaimed without guessing."""

from __future__ import annotations

import os
from pathlib import Path

from lectern.core.store.library_errors import LibraryInUse, LibraryReadOnly, classify
from lectern.core.store.library_file import real_library_path

try:
    import fcntl
except ImportError:  # pragma: no cover - not on Linux or macOS
    fcntl = None  # type: ignore[assignment]


__all__ = ["InstanceLock", "LibraryInUse"]


class InstanceLock:
    """Hold `acquire()` for as long as the library is open for writing."""

    def __init__(self, library_path: Path) -> None:
        self.library = real_library_path(library_path)
        self.path = Path(str(self.library) + ".lock")
        self._fd: int | None = None

    def acquire(self) -> bool:
        """True when this process now holds the lock; False when another does."""
        if self._fd is not None:
            return True
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:  # a read-only or unreachable folder: said in the user's terms
            error = classify(exc, self.library)
            if isinstance(error, LibraryReadOnly) and self.library.is_file():
                return True  # a library in a read-only folder opens read-only: no one writes it, no lock
            raise error from None
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(fd)
                return False
        try:  # the holder's pid, for people looking: not needed for the lock (a full disk refuses it)
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode())
        except OSError:
            pass
        self._fd = fd
        return True

    def release(self) -> None:
        if self._fd is not None:
            if fcntl is not None:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
