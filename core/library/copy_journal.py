"""Copies made into the storage folder that no row may point at yet, written
down (and fsynced) just before each copy takes its final name. A copy whose
transaction was rolled back, or whose process was killed between the copy and
the commit, is then found and deleted: when the library is next opened (the
entries of processes that are gone), and when a batch fails or the library is
closed (this process's own). Only a file at the written path, with the written
content (SHA-256) and no row pointing at it, is deleted: nothing the user put
in the folder, and no copy a row holds, is ever touched."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable
from pathlib import Path

from lectern.core.store.atomic import write_atomic

JOURNAL = ".copies-pending"  # inside the storage folder; no key folder starts with a dot
Entry = tuple[str, str, int]  # (path inside the storage folder, sha256, pid of the process that copied)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # (another user's process: alive)
        return True
    return True


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as src:
        while chunk := src.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


class CopyJournal:
    """The pending copies of one storage folder."""

    def __init__(self, storage: Path) -> None:
        self.storage = storage
        self.path = storage / JOURNAL

    def note(self, stored: str, sha256: str) -> None:
        """Write down a copy about to take the name `stored` (before it does)."""
        self.storage.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as out:
            out.write(json.dumps([stored, sha256, os.getpid()]) + "\n")
            out.flush()
            os.fsync(out.fileno())

    def entries(self) -> list[Entry]:
        """The entries written down (a line cut short by a crash is skipped)."""
        try:
            lines = self.path.read_text(encoding="utf-8", errors="replace").splitlines()
        except FileNotFoundError:
            return []
        found: list[Entry] = []
        for line in lines:
            try:
                stored, sha, pid = json.loads(line)
            except (ValueError, TypeError):
                continue
            if isinstance(stored, str) and isinstance(sha, str) and isinstance(pid, int):
                found.append((stored, sha, pid))
        return found

    def sweep(self, held: Callable[[Iterable[str]], set[str]], own_only: bool = False) -> list[Path]:
        """Delete the written-down copies no row points at (`held` gives those
        of the paths that rows hold), of this process, and unless `own_only`
        of processes that are gone; returns the files deleted. Call it only
        when no write of this process is under way."""
        entries = self.entries()
        if not entries:
            return []
        mine = os.getpid()
        due = [e for e in entries if e[2] == mine or (not own_only and not _alive(e[2]))]
        kept = [e for e in entries if e not in due]
        deleted: list[Path] = []
        held_paths = held({stored for stored, _sha, _pid in due}) if due else set()
        for stored, sha, _pid in due:
            path = self.storage / stored
            if stored in held_paths or ".." in Path(stored).parts or not path.is_file():
                continue
            try:
                if _sha256(path) == sha:
                    path.unlink()
                    deleted.append(path)
                    try:
                        path.parent.rmdir()  # (only when that left the key's folder empty)
                    except OSError:
                        pass
            except OSError:
                kept.append((stored, sha, _pid))  # (tried again next time)
        if kept:
            write_atomic(self.path, "".join(json.dumps(list(e)) + "\n" for e in kept).encode("utf-8"))
        else:
            self.path.unlink(missing_ok=True)
        return deleted
