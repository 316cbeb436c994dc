"""Copies made into the storage folder that no row may point at yet, written
down (and fsynced) just before each copy tries a name. A copy whose
transaction was rolled back, or whose process was killed between the copy and
the commit, is then found and deleted: when a batch fails or the library is
closed (this process's own), and by the next writer that holds the library's
lock (every other writer is gone then, so what it left pending is an orphan).
A file is deleted only if it is at the written path, is the very file the
copy made (the same inode: a name tried but taken by another file is never
that file), has the written content, and no row points at it. So nothing the
user put in the folder, and no copy a row holds, is ever touched."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from pathlib import Path

from lectern.core.store.atomic import write_atomic
from lectern.core.store.input_files import file_digest

JOURNAL = ".copies-pending"  # inside the storage folder; no key folder starts with a dot
# (path inside the storage folder, sha256, pid of the process that copied, its device, its inode)
Entry = tuple[str, str, int, int, int]


class CopyJournal:
    """The pending copies of one storage folder."""

    def __init__(self, storage: Path) -> None:
        self.storage = storage
        self.path = storage / JOURNAL

    def note(self, stored: str, sha256: str, device: int, inode: int) -> None:
        """Write down a copy (the file `device`/`inode`) about to try the name `stored`."""
        self.storage.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as out:
            out.write(json.dumps([stored, sha256, os.getpid(), device, inode]) + "\n")
            out.flush()
            os.fsync(out.fileno())

    def entries(self) -> list[Entry]:
        """The entries written down, oldest first (a line cut short by a crash is skipped)."""
        try:
            lines = self.path.read_text(encoding="utf-8", errors="replace").splitlines()
        except FileNotFoundError:
            return []
        found: list[Entry] = []
        for line in lines:
            try:
                stored, sha, pid, device, inode = json.loads(line)
            except (ValueError, TypeError):
                continue
            if isinstance(stored, str) and isinstance(sha, str) and all(
                    isinstance(n, int) for n in (pid, device, inode)):
                found.append((stored, sha, pid, device, inode))
        return found

    def sweep(self, held: Callable[[Iterable[str]], set[str]], others: bool = False,
              after: int = 0) -> list[Path]:
        """Delete the written-down copies no row points at (`held` gives those
        of the paths that rows hold): this process's entries from the
        `after`-th of the journal on, and with `others` every other process's
        (only for the holder of the library's lock). Returns the files deleted.
        Call it only when no write of this process is under way."""
        entries = self.entries()
        mine = os.getpid()
        due = [e for i, e in enumerate(entries) if (e[2] == mine and i >= after) or (others and e[2] != mine)]
        if not due:
            return []
        kept = [e for e in entries if e not in due]
        deleted: list[Path] = []
        held_paths = held({e[0] for e in due})
        for entry in due:
            stored, sha, _pid, device, inode = entry
            path = self.storage / stored
            if stored in held_paths or ".." in Path(stored).parts:
                continue
            try:
                found = os.stat(path)
                if (found.st_dev, found.st_ino) != (device, inode) or file_digest(path)[1] != sha:
                    continue  # not the file that copy made: another's, the user's
                path.unlink()
                deleted.append(path)
            except FileNotFoundError:
                continue
            except OSError:
                kept.append(entry)  # (tried again next time)
                continue
            try:
                path.parent.rmdir()  # (only when that left the key's folder empty)
            except OSError:
                pass
        if kept:
            write_atomic(self.path, "".join(json.dumps(list(e)) + "\n" for e in kept).encode("utf-8"))
        else:
            self.path.unlink(missing_ok=True)
        return deleted
