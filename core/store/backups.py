"""Backups of a library: taken with SQLite's backup API, checked before they are
kept (a damaged file is never backed up), tied to their library by folder, and
restored without deleting anything."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from lectern.core.store.library_errors import LibraryDamaged
from lectern.core.store.library_file import folder_is_writable

BACKUPS_KEPT = 5
STAMP = "%Y%m%dT%H%M%S%fZ"
_NAME = re.compile(r"(?P<reason>daily|manual|before-v\d+|before-restore)-(?P<stamp>\d{8}T\d{6}\d*Z)\.sqlite")


@dataclass(frozen=True)
class BackupInfo:
    """One backup file: when it was taken, why, and (once inspected) whether it
    passes SQLite's check and how many papers it holds."""

    path: Path
    taken: datetime
    reason: str
    problem: str | None = None
    papers: int | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None

    def describe(self) -> str:
        """The backup in a user's terms: file, local date and paper count."""
        when = self.taken.astimezone().strftime("%Y-%m-%d %H:%M")
        papers = "" if self.papers is None else f", {self.papers:,} papers"
        return f"{self.path.name} (taken {when}{papers})"


def backup_dir(path: Path) -> Path:
    """The folder of the backups of the library at `path`: one folder per
    library file, so `thesis.sqlite` never sees the backups of `thesis-2.sqlite`."""
    return path.parent / "backups" / path.name


def _legacy_pattern(path: Path) -> re.Pattern[str]:
    """Backups of Lectern 0.1 lay in one shared folder as `<stem>-<reason>-<stamp>.sqlite`."""
    return re.compile(re.escape(path.stem) + "-" + _NAME.pattern)


def _parse(file: Path, pattern: re.Pattern[str]) -> BackupInfo | None:
    match = pattern.fullmatch(file.name)
    if match is None:
        return None
    try:
        taken = datetime.strptime(match["stamp"], STAMP).replace(tzinfo=timezone.utc)
    except ValueError:
        taken = datetime.strptime(match["stamp"], "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)
    return BackupInfo(file, taken, match["reason"])


def backup_info(file: Path) -> BackupInfo:
    """A backup file the user names: its time from its name, else from the file."""
    info = _parse(file, re.compile(r".*?" + _NAME.pattern))
    if info is not None:
        return BackupInfo(file, info.taken, info.reason)
    try:
        taken = datetime.fromtimestamp(file.stat().st_mtime, timezone.utc)
    except OSError:
        taken = datetime.now(timezone.utc)
    return BackupInfo(file, taken, "manual")


def list_backups(path: Path) -> list[BackupInfo]:
    """The backups of the library at `path`, newest first (not yet inspected)."""
    found: list[BackupInfo] = []
    for folder, pattern in ((backup_dir(path), _NAME), (path.parent / "backups", _legacy_pattern(path))):
        try:
            files = [f for f in folder.iterdir() if f.is_file()]
        except OSError:
            continue
        found += [info for info in (_parse(f, pattern) for f in files) if info is not None]
    return sorted(found, key=lambda info: info.taken, reverse=True)


def has_backups(path: Path) -> bool:
    """True when backups show that a library lived at `path`."""
    return bool(list_backups(path))


def quick_check(conn: sqlite3.Connection) -> str | None:
    """None when SQLite's quick_check passes on `conn`, else what it found."""
    try:
        rows = [r[0] for r in conn.execute("PRAGMA quick_check")]
    except sqlite3.DatabaseError as exc:
        return str(exc)
    return None if rows == ["ok"] else "; ".join(str(r) for r in rows[:3])


def inspect_backup(info: BackupInfo) -> BackupInfo:
    """`info` with its check result and paper count, read without changing the file."""
    try:
        conn = sqlite3.connect(f"{info.path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        return BackupInfo(info.path, info.taken, info.reason, problem=str(exc))
    try:
        problem = quick_check(conn)
        papers = None
        if problem is None:
            try:
                papers = conn.execute("SELECT count(*) FROM paper WHERE deleted_at IS NULL").fetchone()[0]
            except sqlite3.Error as exc:
                problem = f"not a Lectern library ({exc})"
        return BackupInfo(info.path, info.taken, info.reason, problem=problem, papers=papers)
    finally:
        conn.close()


def latest_good_backup(path: Path) -> BackupInfo | None:
    """The newest backup of the library at `path` that passes the check."""
    for info in list_backups(path):
        checked = inspect_backup(info)
        if checked.ok:
            return checked
    return None


def copy_database(source: Path, target: Path) -> None:
    """Copy a database with SQLite's backup API (consistent even while it is
    open, WAL included); the copy is a plain single-file database."""
    src = sqlite3.connect(source)
    try:
        dest = sqlite3.connect(target)
        try:
            src.backup(dest)
            dest.execute("PRAGMA journal_mode = DELETE")
        finally:
            dest.close()
    finally:
        src.close()


def checked_copy(source: Path, target: Path) -> None:
    """Copy `source` to `target` only if the copy passes SQLite's check; else
    nothing is left at `target` and LibraryDamaged says why."""
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        copy_database(source, partial)
        conn = sqlite3.connect(partial)
        try:
            problem = quick_check(conn)
        finally:
            conn.close()
        if problem is not None:
            raise LibraryDamaged(f"{source} fails SQLite's check ({problem}); no copy of it was kept.")
        partial.replace(target)
    except sqlite3.DatabaseError as exc:
        if isinstance(exc, LibraryDamaged):
            raise
        raise LibraryDamaged(f"{source} could not be copied whole ({exc}); no copy of it was kept.") from None
    finally:
        partial.unlink(missing_ok=True)


def backup(path: Path, reason: str, keep: int = BACKUPS_KEPT) -> Path:
    """Take a checked backup of the library at `path` and keep the `keep` most
    recent for this reason. Raises LibraryDamaged, keeping every older backup,
    when the library fails the check."""
    folder = backup_dir(path)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{reason}-{datetime.now(timezone.utc).strftime(STAMP)}.sqlite"
    checked_copy(path, target)
    same = [b for b in list_backups(path) if b.reason == reason and b.path != target]
    for stale in same[keep - 1:]:  # never the one just taken (a clock once ahead dates others later)
        stale.path.unlink(missing_ok=True)
    return target


def backup_if_due(path: Path, max_age_hours: float = 24.0) -> Path | None:
    """A scheduled backup ("daily", a handful kept) when the last one is older
    than `max_age_hours`; returns the new backup or None (also for a library in a
    folder that cannot be written: it opens read-only, and nothing changes it)."""
    if not folder_is_writable(path):
        return None
    daily = [b for b in list_backups(path) if b.reason == "daily"]
    age = (datetime.now(timezone.utc) - daily[0].taken).total_seconds() if daily else None
    if age is not None and 0 <= age < max_age_hours * 3600:
        return None
    return backup(path, "daily")


def restore_backup(path: Path, source: Path, label: str = "damaged") -> Path | None:
    """Put the backup `source` in place of the library at `path`. The file that
    was there (with its -wal and -shm) is kept beside it as `<name>.<label>-<time>`,
    never deleted; returns where it went (None when there was no file)."""
    incoming = path.with_name(f".{path.name}.restoring")
    checked_copy(source, incoming)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    aside = path.with_name(f"{path.name}.{label}-{stamp}")
    n = 1
    while any(Path(str(aside) + s).exists() for s in ("", "-wal", "-shm")):  # never over an earlier one
        n += 1
        aside = path.with_name(f"{path.name}.{label}-{stamp}-{n}")
    moved = None
    if path.exists():
        path.rename(aside)
        moved = aside
    for suffix in ("-wal", "-shm"):
        stale = Path(str(path) + suffix)
        if stale.exists():
            stale.rename(Path(str(aside) + suffix))
    incoming.replace(path)
    return moved
