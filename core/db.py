"""Opening a library database: connection settings, migrations and backups."""

from __future__ import annotations

import sqlite3
import threading
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from core.changes import CancelToken, Cancelled

from core.migrations import MIGRATIONS, SCHEMA_VERSION
from core.text import index_text

BUSY_TIMEOUT_MS = 10_000
BACKUPS_KEPT = 5


class LibraryError(RuntimeError):
    """A library cannot be opened or written; the message says what to do."""


class LibraryDamaged(LibraryError):
    """The library file is not a database or its pages are damaged."""


_bulk = threading.local()


def _fts_live() -> int:
    return 0 if getattr(_bulk, "active", False) else 1


@contextmanager
def deferred_indexing() -> Iterator[None]:
    """Inside, papers inserted by this thread are not indexed row by row; the
    caller indexes them in one statement before its transaction commits."""
    _bulk.active = True
    try:
        yield
    finally:
        _bulk.active = False


def configure_connection(conn: sqlite3.Connection) -> None:
    """Settings every connection gets: WAL, foreign keys, a busy timeout, and
    the function the search index triggers call."""
    conn.create_function("lectern_fts_text", 1, index_text, deterministic=True)
    conn.create_function("lectern_fts_live", 0, _fts_live)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA cache_size = -65536")  # 64 MiB: bulk imports and the index stay in memory


def split_statements(script: str) -> list[str]:
    """Split an SQL script into complete statements (trigger bodies stay whole)."""
    statements: list[str] = []
    current = ""
    for line in script.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            if current.strip():
                statements.append(current.strip())
            current = ""
    if current.strip():
        statements.append(current.strip())
    return statements


def backup_dir(path: Path) -> Path:
    """Where the backups of the library at `path` live."""
    return path.parent / "backups"


def backup(path: Path, reason: str, keep: int = BACKUPS_KEPT) -> Path:
    """Copy the library with SQLite's backup API (consistent even while open)
    and keep the `keep` most recent backups for this reason."""
    folder = backup_dir(path)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    target = folder / f"{path.stem}-{reason}-{stamp}.sqlite"
    source = sqlite3.connect(path)
    try:
        dest = sqlite3.connect(target)
        try:
            source.backup(dest)
        finally:
            dest.close()
    finally:
        source.close()
    old = sorted(folder.glob(f"{path.stem}-{reason}-*.sqlite"))
    for stale in old[:-keep]:
        stale.unlink(missing_ok=True)
    return target


def latest_backup(path: Path) -> Path | None:
    """The most recent backup of the library at `path`, if any."""
    backups = sorted(backup_dir(path).glob(f"{path.stem}-*.sqlite"), key=lambda p: p.stat().st_mtime)
    return backups[-1] if backups else None


def backup_if_due(path: Path, max_age_hours: float = 24.0) -> Path | None:
    """A scheduled backup ("daily", a handful kept) when the last one is older
    than `max_age_hours`; returns the new backup or None."""
    recent = sorted(backup_dir(path).glob(f"{path.stem}-daily-*.sqlite"), key=lambda p: p.stat().st_mtime)
    if recent and (datetime.now(timezone.utc).timestamp() - recent[-1].stat().st_mtime) < max_age_hours * 3600:
        return None
    return backup(path, "daily")


def restore_backup(path: Path, source: Path) -> Path:
    """Put `source` in place of the library at `path`; the damaged file is kept
    beside it (renamed), never deleted. Returns where the damaged file went."""
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    aside = path.with_name(f"{path.name}.damaged-{stamp}")
    if path.exists():
        path.rename(aside)
    for suffix in ("-wal", "-shm"):
        stale = Path(str(path) + suffix)
        if stale.exists():
            stale.rename(Path(str(aside) + suffix))
    src = sqlite3.connect(source)
    try:
        dest = sqlite3.connect(path)
        try:
            src.backup(dest)
        finally:
            dest.close()
    finally:
        src.close()
    return aside


def migrate(path: Path) -> int:
    """Bring the schema to SCHEMA_VERSION, one transaction per migration, with a
    backup of an existing library before each. Returns the version it found."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        configure_connection(conn)
        found = conn.execute("PRAGMA user_version").fetchone()[0]
        if found > SCHEMA_VERSION:
            raise LibraryError(
                f"{path} was written by a newer Lectern (schema {found}, this one knows {SCHEMA_VERSION}): "
                "update Lectern to open it."
            )
        for version in range(found + 1, SCHEMA_VERSION + 1):
            if found > 0:  # an existing library: keep a copy before changing it
                backup(path, f"before-v{version}")
            conn.execute("BEGIN IMMEDIATE")
            try:
                for statement in split_statements(MIGRATIONS[version - 1]):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {version}")
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        return found
    finally:
        conn.close()


def create_library_engine(path: Path) -> Engine:
    """An SQLAlchemy engine whose connections are configured for Lectern and
    whose transactions are real SQLite transactions (BEGIN IMMEDIATE for writes)."""
    engine = create_engine(
        f"sqlite:///{path}",
        connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: object) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        configure_connection(dbapi_conn)

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        if conn.get_execution_options().get("write"):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")

    return engine


class Database:
    """The engine of one library file plus the lock that serialises its writers."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            migrate(path)
        except sqlite3.DatabaseError as exc:
            raise LibraryDamaged(f"{path} is not a Lectern library or is damaged ({exc}).") from None
        except OSError as exc:
            raise LibraryError(f"Cannot open the library at {path}: {exc.strerror or exc}.") from None
        self.engine = create_library_engine(path)
        self._write_lock = threading.RLock()
        self.generation = 0  # bumped after every committed write (for caches)

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read transaction (a consistent snapshot)."""
        with self.engine.connect() as conn, conn.begin():
            yield conn

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """One write transaction; writers are serialised within the process."""
        with self._write_lock, self.engine.connect() as conn:
            conn = conn.execution_options(write=True)
            with conn.begin():
                yield conn
            self.generation += 1

    @contextmanager
    def cancellable(self, conn: Connection, cancel: "CancelToken | None") -> Iterator[None]:
        """Abort the statements run inside when `cancel` is cancelled (the worker
        drops a stale search the moment the user types the next key)."""
        if cancel is None:
            yield
            return
        driver = conn.connection.driver_connection
        driver.set_progress_handler(lambda: 1 if cancel.cancelled else 0, 2000)
        try:
            yield
        except sqlite3.OperationalError as exc:
            if cancel.cancelled and "interrupted" in str(exc):
                raise Cancelled() from None
            raise
        except DBAPIError as exc:
            if cancel.cancelled and "interrupted" in str(exc.orig):
                raise Cancelled() from None
            raise
        finally:
            driver.set_progress_handler(None, 0)

    def close(self) -> None:
        self.engine.dispose()
