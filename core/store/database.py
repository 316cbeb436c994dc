"""Opening a library database: connection settings, migrations and backups."""

from __future__ import annotations

import json
import re
import sqlite3
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Callable, Iterator

from lectern.core.domain.changes import Cancelled, CancelToken
from lectern.core.domain.damage import DamagedValue
from lectern.core.domain.entry import record_from_values
from lectern.core.domain.identity import STORED_KEYS, stored
from lectern.core.domain.sorting import SORT_COLUMNS
from lectern.core.store.backups import backup, has_backups, quick_check
from lectern.core.store.library_errors import (
    LibraryDamaged,
    LibraryError,
    LibraryInUse,
    LibraryReadOnly,
    classify,
    is_file_damage,
)
from lectern.core.store.library_file import folder_is_writable, real_library_path, use_wal
from lectern.core.store.migrations import MIGRATIONS, SCHEMA_VERSION
from lectern.core.text.latex import index_text

__all__ = ["Database", "LibraryDamaged", "LibraryError", "BUSY_TIMEOUT_MS", "WriteYielded"]

BUSY_TIMEOUT_MS = 10_000
YIELD_CHECK_STEPS = 1000  # SQLite VM steps between looks at whether another writer waits


class WriteYielded(Exception):
    """A `yielding_write` gave way to another writer: nothing of it was kept; try again."""


def _record_json(title: str, abstract: str | None, authors: str | None, year: int | None, venue: str | None,
                 arxiv_id: str | None, doi: str | None, url: str | None) -> str:
    """`[entry type, fields]` as JSON for a paper stored as plain values only:
    the record its BibTeX export was written from before records were stored."""
    kind, fields = record_from_values(title or "", abstract or "", authors or "", year, venue or "", arxiv_id,
                                      doi, url)
    return json.dumps([kind, [list(f) for f in fields]], ensure_ascii=False)


def configure_connection(conn: sqlite3.Connection, read_only: bool = False) -> None:
    """Settings every connection gets: WAL, foreign keys, a busy timeout, and
    the function the search index triggers call. `secure_delete = FAST`: some
    builds (Debian's) default to ON, which rewrites every freed page with
    zeros; dropping the search index of 100k papers then wrote 195 MB (0.9 s).
    FAST still clears deleted content where that costs no extra I/O. The
    identity-key functions fill the stored keys of papers a migration finds,
    and `lectern_record` the records of papers stored before records were (7)."""
    conn.create_function("lectern_fts_text", 1, index_text, deterministic=True)
    for name, (column, normal) in STORED_KEYS.items():
        conn.create_function(f"lectern_{column}", 1, lambda value, normal=normal: stored(normal(value)),
                             deterministic=True)
    conn.create_function("lectern_record", 8, _record_json, deterministic=True)
    for column, sort_key in SORT_COLUMNS.values():  # the sort keys of papers stored before them (8)
        conn.create_function(f"lectern_{column}", 1, sort_key, deterministic=True)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    if read_only:  # a read-only folder: no -wal or -shm can be made, and nothing is written
        conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        return
    use_wal(conn)
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA secure_delete = FAST")
    conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")  # a connection (one per thread)


CACHE_KIB = 16 * 1024  # each connection's page cache
BULK_CACHE_KIB = 64 * 1024  # while a bulk insert runs


@contextmanager
def bulk_cache(conn: Connection) -> Iterator[None]:
    """A larger page cache while many rows go in: the paper table's indexes take
    new keys in random places, which the usual cache kept reading back (twice
    this size was no faster, only bigger); the usual size comes back after."""
    conn.exec_driver_sql(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size = -{CACHE_KIB}")


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


def migrate(path: Path) -> int:
    """Bring the schema to SCHEMA_VERSION, one transaction per migration, with a
    backup of an existing library before each. Returns the version it found."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        configure_connection(conn)
        found = conn.execute("PRAGMA user_version").fetchone()[0]
        if found > SCHEMA_VERSION:
            raise LibraryError(f"{path} was written by a newer Lectern (schema {found}, this one knows "
                               f"{SCHEMA_VERSION}): update Lectern to open it.")
        for version in range(found + 1, SCHEMA_VERSION + 1):
            if found > 0:  # an existing library: keep a (checked) copy before changing it
                backup(path, f"before-v{version}")
            conn.execute("BEGIN IMMEDIATE")
            try:
                if conn.execute("PRAGMA user_version").fetchone()[0] < version:  # (else another program made it)
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


class Result:
    """What a statement returned (the few ways the core reads results)."""

    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self.cursor = cursor

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        return iter(self.cursor)

    @property
    def rowcount(self) -> int:
        return self.cursor.rowcount

    def all(self) -> list[tuple[Any, ...]]:
        return self.cursor.fetchall()

    def first(self) -> tuple[Any, ...] | None:
        return self.cursor.fetchone()

    def scalar(self) -> Any:
        row = self.cursor.fetchone()
        return row[0] if row is not None else None

    def scalar_one(self) -> Any:
        row = self.cursor.fetchone()
        if row is None:
            raise LookupError("the query returned no row")
        return row[0]

    def mappings(self) -> "MappingResult":
        return MappingResult(self.cursor)


class MappingResult:
    """Rows as dicts of column name -> value."""

    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self.cursor = cursor
        self.names = [d[0] for d in cursor.description or ()]

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return (dict(zip(self.names, row)) for row in self.cursor)

    def first(self) -> dict[str, Any] | None:
        row = self.cursor.fetchone()
        return dict(zip(self.names, row)) if row is not None else None

    def one(self) -> dict[str, Any]:
        row = self.first()
        if row is None:
            raise LookupError("the query returned no row")
        return row


class _Driver:
    def __init__(self, raw: sqlite3.Connection) -> None:
        self.driver_connection = raw


class Connection:
    """One SQLite connection inside a transaction. Plain sqlite3 under a small
    interface: SQLAlchemy's import alone cost 0.4 s of a 1 s start-up budget."""

    def __init__(self, raw: sqlite3.Connection) -> None:
        self.raw = raw
        self.connection = _Driver(raw)

    def exec_driver_sql(self, sql: str, params: tuple[Any, ...] | list[Any] = ()) -> Result:
        return Result(self.raw.execute(sql, tuple(params)))


def _connect(path: Path, read_only: bool = False) -> sqlite3.Connection:
    """A connection to the library; `read_only` for one in a folder that cannot be
    written: opened immutable (SQLite needs to create the -shm file otherwise)."""
    target: str | Path = f"{path.as_uri()}?mode=ro&immutable=1" if read_only else path
    raw = sqlite3.connect(target, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False,
                          uri=read_only)
    configure_connection(raw, read_only)
    return raw


def _read_only_folder(path: Path) -> bool:
    """True for an existing library whose folder cannot be written (a read-only
    disk or share, a folder without write permission): it opens read-only."""
    try:
        return path.stat().st_size > 0 and not folder_is_writable(path)
    except OSError:
        return False


def _check_presence(path: Path) -> None:
    """A missing or empty file where backups show a library lived is damage, not a new library."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        size = None
    if (size is None or size == 0) and has_backups(path):
        state = "is missing" if size is None else "is empty (0 bytes)"
        raise LibraryDamaged(
            f"The library {path} {state}, but its backups show a library was there. Nothing was created "
            "in its place: restore its latest backup (`lectern restore-backup`), or move its backups "
            "folder away to start a new library.")


def _check_current(path: Path) -> None:
    """A read-only library must be of this Lectern's schema: it cannot be upgraded in place."""
    conn = _connect(path, read_only=True)
    try:
        found = conn.execute("PRAGMA user_version").fetchone()[0]
    finally:
        conn.close()
    if found != SCHEMA_VERSION:
        raise LibraryReadOnly(
            f"The library {path} is in a folder Lectern cannot write to, and it was written by "
            f"{'an older' if found < SCHEMA_VERSION else 'a newer'} Lectern (schema {found}): it cannot be "
            "upgraded there. Copy it somewhere writable to open it.")


class Database:
    """The engine of one library file plus the lock that serialises its writers."""

    def __init__(self, path: Path) -> None:
        path = self.path = real_library_path(path)
        _check_presence(path)
        self.read_only = _read_only_folder(path)  # then it is read, searched and exported; writes are refused
        try:
            if self.read_only:
                _check_current(path)
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                migrate(path)
        except (sqlite3.Error, OSError) as exc:
            error = classify(exc, path)
            if type(error) is LibraryError and path.parent.is_dir() and not folder_is_writable(path):
                error = LibraryReadOnly(
                    f"The library {path} is in a folder Lectern cannot write to (it needs to keep its "
                    "-wal and -shm files there). Nothing was changed; fix the permissions or copy the "
                    "library somewhere writable.")
            if isinstance(error, LibraryDamaged):
                error = LibraryDamaged(f"{path} is not a Lectern library or is damaged ({exc}).")
            raise error from None
        self.damage: str | None = None  # set when a read or write meets a damaged page
        self.damage_detail: str | None = None  # what was met there
        self.damage_listeners: list[Callable[[LibraryDamaged], None]] = []  # told once, from any thread
        self._write_lock = threading.RLock()
        self._waiting = 0  # threads waiting for the write lock (a yielding write gives way to them)
        self._waiting_lock = threading.Lock()
        # One connection per OS thread, with its transaction depth. Keyed by thread id, not
        # threading.local: a Qt pool thread gets a fresh Python thread state for every job,
        # so a thread-local connection was opened (and kept) once per search.
        self._states: dict[int, SimpleNamespace] = {}
        self._all: list[sqlite3.Connection] = []
        self._all_lock = threading.Lock()
        self.generation = 0  # bumped after every committed write (for caches)
        self.closed = False
        self.gui_wait_s: float | None = None  # the window sets it: the longest its thread waits to write

    def _state(self) -> Any:
        if self.closed:
            raise LibraryError(f"{self.path} has been closed.")
        key = threading.get_ident()
        state = self._states.get(key)
        if state is None:
            raw = _connect(self.path, self.read_only)
            state = SimpleNamespace(conn=Connection(raw), depth=0, mode=None)
            with self._all_lock:
                self._all.append(raw)
                self._states[key] = state
        return state

    @contextmanager
    def _transaction(self, mode: str) -> Iterator[Connection]:
        state = self._state()
        if state.depth:  # nested: part of the enclosing transaction
            if mode == "write" and state.mode != "write":
                raise RuntimeError("a write cannot start inside a read transaction")
            state.depth += 1
            try:
                yield state.conn
            finally:
                state.depth -= 1
            return
        raw = state.conn.raw
        if mode == "write" and self.damage:
            raise LibraryDamaged(self.damage)
        try:
            raw.execute("BEGIN IMMEDIATE" if mode == "write" else "BEGIN")
            state.depth, state.mode = 1, mode
            try:
                yield state.conn
            except BaseException:
                if raw.in_transaction:
                    raw.execute("ROLLBACK")
                raise
            else:
                try:
                    raw.execute("COMMIT")
                except BaseException:  # a commit refused (disk full, busy): nothing of it stays
                    if raw.in_transaction:
                        raw.execute("ROLLBACK")
                    raise
            finally:
                state.depth, state.mode = 0, None
        except sqlite3.DatabaseError as exc:
            if is_file_damage(exc):
                raise self.damaged(str(exc)) from None
            raise
        except DamagedValue as exc:  # a value read back is not what was written: a damaged page
            raise self.damaged(str(exc)) from None

    def damaged(self, detail: str) -> LibraryDamaged:
        """Note that the file is damaged (no more writes go to it), tell the
        listeners the first time, and return the error to raise."""
        first = self.damage is None
        detail = re.sub(r"(with text '.{0,30}).*", r"\1…'", detail, flags=re.S)  # not a page of garbage
        if first:
            self.damage = (f"The library {self.path} is damaged ({detail}). Lectern has stopped writing to it; "
                           "restore its latest good backup (`lectern restore-backup`, or reopen Lectern).")
            self.damage_detail = detail
        error = LibraryDamaged(self.damage)
        error.detail = self.damage_detail
        if first:
            for listener in list(self.damage_listeners):
                listener(error)
        return error

    def check(self) -> None:
        """Run SQLite's quick_check over the whole file (seconds at 100k papers:
        call it off the GUI thread). Raises LibraryDamaged when it fails."""
        with self.read() as conn:
            problem = quick_check(conn.raw)
        if problem is not None:
            raise self.damaged(problem)

    def set_busy_timeout(self, ms: int) -> None:
        """How long this thread's writes wait for another program's write lock
        before SQLite says "database is locked" (the window's threads wait briefly
        and say they are waiting, rather than freeze for BUSY_TIMEOUT_MS)."""
        self._state().conn.raw.execute(f"PRAGMA busy_timeout = {int(ms)}")

    def checkpoint(self, truncate: bool = False) -> None:
        """Move recent work from the -wal file into the library file, so that a
        plain copy of the file holds it (done when idle and on close)."""
        state = self._state()
        if state.depth == 0 and not self.read_only:
            state.conn.raw.execute(f"PRAGMA wal_checkpoint({'TRUNCATE' if truncate else 'PASSIVE'})")

    @contextmanager
    def own_checkpoints(self) -> Iterator[None]:
        """Inside, this thread's commits do not checkpoint the -wal file (a commit
        that crosses SQLite's 1000-page mark copies it all while holding the
        write lock); the caller runs `checkpoint()` between its transactions,
        outside the lock, so the -wal file stays small for the other writers."""
        raw = self._state().conn.raw
        raw.execute("PRAGMA wal_autocheckpoint = 0")
        try:
            yield
        finally:
            raw.execute("PRAGMA wal_autocheckpoint = 1000")

    def backup(self, reason: str) -> Path:
        """A checked backup of this library (LibraryDamaged if it fails the check)."""
        if self.damage:
            raise LibraryDamaged(self.damage)
        try:
            return backup(self.path, reason)
        except LibraryDamaged as exc:
            raise self.damaged(str(exc)) from None

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read transaction (a consistent snapshot)."""
        with self._transaction("read") as conn:
            yield conn

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """One write transaction (BEGIN IMMEDIATE); writers are serialised in the process."""
        if self.read_only:
            raise LibraryReadOnly(
                f"The library {self.path} is read-only (its folder cannot be written): nothing was changed. "
                "Copy it somewhere writable to change it.")
        with self._waiting_lock:
            self._waiting += 1
        try:
            # The GUI thread never waits long for a writer (an import, a rebuild): its
            # only writes are note saves, which keep the note in a draft and retry.
            gui = threading.current_thread() is threading.main_thread() and self.gui_wait_s is not None
            if not self._write_lock.acquire(timeout=self.gui_wait_s if gui else -1):
                raise LibraryInUse("Lectern is busy writing (an import or an index rebuild); "
                                   "this is kept and saved as soon as that is done.")
        finally:
            with self._waiting_lock:
                self._waiting -= 1
        try:
            with self._transaction("write") as conn:
                yield conn
            self.generation += 1
        finally:
            self._write_lock.release()

    @contextmanager
    def yielding_write(self) -> Iterator[Connection]:
        """A write transaction for background upkeep that gives way: as soon as
        another thread waits to write (a star pressed in the window), the
        running statement is interrupted, the transaction rolled back and
        `WriteYielded` raised; the caller waits (`wait_for_writers`) and tries again."""
        with self.write() as conn:
            raw = conn.raw
            raw.set_progress_handler(lambda: 1 if self._waiting else 0, YIELD_CHECK_STEPS)
            try:
                yield conn
            except sqlite3.OperationalError as exc:
                if "interrupted" in str(exc):
                    raise WriteYielded() from None
                raise
            finally:
                raw.set_progress_handler(None, 0)

    def wait_for_writers(self, timeout: float = 5.0) -> None:
        """Sleep until no other thread waits to write (or `timeout` seconds)."""
        deadline = time.monotonic() + timeout
        while self._waiting and time.monotonic() < deadline:
            time.sleep(0.002)
        with self._write_lock:  # the waiting writer has finished
            pass

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
        finally:
            driver.set_progress_handler(None, 0)

    def close(self) -> None:
        """Close the connections not in use; one still running a statement on
        another thread is left to finish (closing it under that thread can hang)."""
        if not self.closed and not self.damage:
            try:
                self.checkpoint(truncate=True)
            except sqlite3.Error:
                pass  # busy or full: the -wal file stays and SQLite replays it on the next open
        self.closed = True
        with self._all_lock:
            for raw in self._all:
                if not raw.in_transaction:
                    try:
                        raw.close()
                    except sqlite3.Error:
                        pass
            self._all.clear()
        self._states = {}
