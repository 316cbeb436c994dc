"""Undo and redo for one library: each write runs inside a recorded step (one
transaction, one entry on the stack, see core/store/undo.py), and undo writes a
step's rows back as they were. The library's managers write through `change`."""

from __future__ import annotations

import itertools
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, nullcontext
from typing import Any

from lectern.core.domain.changes import Changes
from lectern.core.search.index import bulk_index_buffer, index_kept_text, index_papers, keep_index_text
from lectern.core.store.database import Connection, Database, split_statements
from lectern.core.store.migrations import FTS_SCHEMA
from lectern.core.store.undo import (
    LogRow,
    Recording,
    UndoEntry,
    UndoError,
    UndoStack,
    _Conflict,
    apply_inverse,
    changes_of,
    collect,
    install,
)

BULK_REINDEX = 500  # papers re-indexed at once from which the large index buffer pays
_INDEX_TRIGGERS = [s for s in split_statements(FTS_SCHEMA) if s.startswith("CREATE TRIGGER ")]


@contextmanager
def _index_triggers_dropped(conn: Connection) -> Iterator[None]:
    """Inside, no search-index trigger fires: an undo writes rows back in log
    order, and a trigger re-indexing a paper for each tag link put back made
    undoing a large import take many seconds. `_reindex` follows."""
    present = {r[0] for r in conn.exec_driver_sql("SELECT name FROM main.sqlite_master WHERE type = 'trigger'")}
    dropped = [s for s in _INDEX_TRIGGERS if s.split()[2] in present]
    for statement in dropped:
        conn.exec_driver_sql(f"DROP TRIGGER {statement.split()[2]}")
    try:
        yield
    finally:
        for statement in dropped:
            conn.exec_driver_sql(statement)


def _reindex(conn: Connection, paper_ids: set[int], kept: int | None) -> None:
    """Index these papers again (an undo writes rows back in log order, which
    the row-by-row index triggers do not all follow): from the text kept
    under `kept` for those the step deleted, the others from their rows."""
    if not paper_ids:
        return
    ids = sorted(paper_ids)
    conn.exec_driver_sql(f"DELETE FROM paper_fts WHERE rowid IN ({','.join(map(str, ids))})")
    with bulk_index_buffer(conn) if len(ids) >= BULK_REINDEX else nullcontext():  # fewer, larger index segments
        rest = index_kept_text(conn, ids, kept)
        if rest:
            index_papers(conn, f"rowid IN ({','.join(map(str, rest))})", ())


class History:
    """The undo stack of one open library and the recording of its steps."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.stack = UndoStack()
        self._local = threading.local()
        self._committed: list[Callable[[list[LogRow]], None]] = []
        self._kept = itertools.count(1)

    def on_commit(self, listener: Callable[[list[LogRow]], None]) -> None:
        """Call `listener` with the rows each committed step, undo or redo wrote
        (after the commit): what lives outside the database, such as attached
        files, follows the rows there."""
        self._committed.append(listener)

    def _notify(self, log: list[LogRow]) -> None:
        for listener in self._committed:
            listener(log)

    def recording(self) -> Recording | None:
        """The undo step being recorded on this thread, if any."""
        return getattr(self._local, "recording", None)

    @contextmanager
    def step(self, label: str, changes: Changes | None = None,
             merge_key: tuple[Any, ...] | None = None) -> Iterator[Recording]:
        """Everything written inside is one transaction and one undo step (the
        body may set the step's `label` and `changes`); a step opened inside
        another joins it. A step that changed nothing is not recorded."""
        outer = self.recording()
        if outer is not None:
            yield outer
            return
        recording = Recording(label, changes if changes is not None else Changes(), merge_key)
        saved = self.stack.save()
        try:
            with self.db.write() as conn:
                install(conn)
                self._local.recording = recording
                try:
                    yield recording
                finally:
                    self._local.recording = None
                log = collect(conn)
                if log:
                    self.stack.push(UndoEntry(recording.label, log, recording.changes, recording.merge_key,
                                              recording.kept_index))
        except BaseException:
            self.stack.restore(saved)  # the commit failed: the step never happened
            raise
        if log:
            self._notify(log)

    def keep_index_text(self, conn: Connection, paper_ids: Iterable[int]) -> None:
        """Inside a step, before it deletes these papers: keep the index's text
        of them for the step's undo, which then indexes them again without
        rendering their text anew (core/search/index.py)."""
        recording = self.recording()
        if recording is None:
            raise RuntimeError("index text is kept for a recorded step only")
        recording.kept_index = next(self._kept)
        live = {e.kept_index for e in (*self.stack.done, *self.stack.undone) if e.kept_index is not None}
        keep_index_text(conn, paper_ids, recording.kept_index, live)

    def change(self, label: str, op: Callable[[Connection], Any], changes: Changes) -> Changes:
        """Run `op` in one transaction, recorded as one undo step."""
        with self.step(label, changes) as step:
            with self.db.write() as conn:
                op(conn)
        return step.changes if step.label == label else changes

    def _replay(self, undoing: bool) -> Changes | None:
        """Undo (or redo) the newest step: write back its rows as they were
        before it. Raises UndoError, and drops the step, when that would
        overwrite something changed since; None when there is nothing to do."""
        stack = self.stack
        source, target = (stack.done, stack.undone) if undoing else (stack.undone, stack.done)
        if not source:
            return None
        entry = source[-1]
        try:
            with self.db.write() as conn:
                install(conn)
                written: list[LogRow] = []
                with _index_triggers_dropped(conn):
                    touched = apply_inverse(conn, entry.log, written)
                _reindex(conn, touched, entry.kept_index)
                log = collect(conn, written)
                changes = changes_of(conn, entry.log)
        except (_Conflict, sqlite3.IntegrityError) as exc:
            source.pop()
            if not undoing:
                source.clear()  # later redos build on this one
            verb = "undone" if undoing else "redone"
            reason = str(exc) if isinstance(exc, _Conflict) else "it clashes with what the library holds now."
            raise UndoError(f"This step can no longer be {verb}: {entry.label}. {reason}") from None
        source.pop()
        target.append(UndoEntry(entry.label, log, entry.changes, kept_index=entry.kept_index))
        self._notify(log)
        return changes

    def undo(self) -> Changes | None:
        """Undo the last recorded step; None when there is nothing to undo.
        Raises UndoError (the step is dropped, older ones stay) when it can no
        longer be undone."""
        return self._replay(undoing=True)

    def redo(self) -> Changes | None:
        return self._replay(undoing=False)
