"""Undo and redo, built on a row log: while a recorded write runs, temporary
triggers (on this connection only, never stored in the library file) log
every row it inserts, updates or deletes, with the row's values before and
after. Undo applies the inverse of each logged row, newest first, and the
triggers log that in turn: it becomes the redo. Every write, imports included,
gets exact undo without a hand-written inverse or a declared scope.

Before a row is written back, it is checked to be exactly as the step left it
(an update's after-values, an insert's row, a deleted row's id still free): a
step that would overwrite something changed since (by another program, say)
is refused with `UndoError` and dropped, and nothing is written."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from lectern.core.domain.changes import Changes, Collection
from lectern.core.store.database import Connection

# Tables whose every change is recorded (meta and the search index are not:
# the index follows the papers, see `reindex`). paper_uid too: a paper brought
# back by an undo keeps its sync id, or the next sync sends a delete and a new paper.
RECORDED = ("paper", "tag", "paper_tag", "note", "reading_list", "reading_list_item", "saved_search", "attachment",
            "paper_uid")
LOG = "temp.lectern_undo_log"
# Fields a change of these tables touches, for the `Changes` of an undo.
_FIELD_OF = {"paper_tag": "tags", "note": "note", "attachment": "attachments"}
_COLLECTION_OF = {"tag": Collection.TAGS, "paper_tag": Collection.TAGS, "reading_list": Collection.LISTS,
                  "reading_list_item": Collection.LISTS, "saved_search": Collection.SEARCHES}
# What a paper entering or leaving the live library (or the Trash) changes in the sidebar.
_COUNTED = {Collection.TAGS, Collection.LISTS, Collection.TRASH}

# One logged row change: table, "I"/"U"/"D", rowid, values before, values after
# (JSON arrays in column order; None where not known, e.g. a bulk insert).
LogRow = tuple[str, str, int, str | None, str | None]


class UndoError(Exception):
    """A step can no longer be undone or redone; the message says which and why."""


class _Conflict(Exception):
    """A logged row is no longer as the step left it (the reason, in the user's terms)."""


@dataclass
class UndoEntry:
    label: str
    log: list[LogRow]
    changes: Changes
    merge_key: tuple[Any, ...] | None = None  # consecutive steps with the same key become one (note typing)
    kept_index: int | None = None  # the step's deleted papers' index text is kept under this (core/search/index.py)


@dataclass
class Recording:
    """The step being recorded on one thread (nested writes join it)."""

    label: str
    changes: Changes = field(default_factory=Changes)
    merge_key: tuple[Any, ...] | None = None
    kept_index: int | None = None


# -- the triggers -----------------------------------------------------------------

def _columns(conn: Connection, table: str) -> list[str]:
    return [r[1] for r in conn.exec_driver_sql(f"PRAGMA main.table_info({table})")]


def _values(alias: str, columns: Sequence[str]) -> str:
    return "json_array(" + ", ".join(f'{alias}."{c}"' for c in columns) + ")"


def _trigger_sql(conn: Connection, table: str) -> list[str]:
    cols = _columns(conn, table)
    return [
        f"CREATE TEMP TRIGGER IF NOT EXISTS lectern_undo_{table}_i AFTER INSERT ON main.{table} BEGIN "
        f"INSERT INTO lectern_undo_log (tbl, op, rid, new) "
        f"VALUES ('{table}', 'I', new.rowid, {_values('new', cols)}); END",
        f"CREATE TEMP TRIGGER IF NOT EXISTS lectern_undo_{table}_u AFTER UPDATE ON main.{table} BEGIN "
        f"INSERT INTO lectern_undo_log (tbl, op, rid, old, new) VALUES ('{table}', 'U', old.rowid, "
        f"{_values('old', cols)}, {_values('new', cols)}); END",
        f"CREATE TEMP TRIGGER IF NOT EXISTS lectern_undo_{table}_d AFTER DELETE ON main.{table} BEGIN "
        f"INSERT INTO lectern_undo_log (tbl, op, rid, old) "
        f"VALUES ('{table}', 'D', old.rowid, {_values('old', cols)}); END",
    ]


def install(conn: Connection) -> None:
    """Create this connection's log table and triggers once; later writes only
    clear the log (every recorded write calls this: one query, not a table scan
    of the schema and 21 CREATE statements)."""
    present = {r[0] for r in conn.exec_driver_sql("SELECT name FROM temp.sqlite_master")}
    if "lectern_undo_log" not in present:
        conn.exec_driver_sql(f"CREATE TEMP TABLE IF NOT EXISTS {LOG.split('.')[1]} ("
                             "seq INTEGER PRIMARY KEY, tbl TEXT NOT NULL, op TEXT NOT NULL, rid INTEGER NOT NULL, "
                             "old TEXT, new TEXT)")
    missing = [t for t in RECORDED if any(f"lectern_undo_{t}_{op}" not in present for op in "iud")]
    if missing:
        resume(conn, missing)
    conn.exec_driver_sql(f"DELETE FROM {LOG}")


def resume(conn: Connection, tables: Sequence[str]) -> None:
    for table in tables:
        for statement in _trigger_sql(conn, table):
            conn.exec_driver_sql(statement)


@contextmanager
def paused(conn: Connection, tables: Sequence[str]) -> Iterator[None]:
    """Inside, rows of `tables` are not logged by triggers (a bulk insert logs
    its new rows in one statement with `log_inserted`: a trigger on a table,
    even a cheap one, made inserting 100k papers seconds slower)."""
    present = {r[0] for r in conn.exec_driver_sql("SELECT name FROM temp.sqlite_master WHERE type = 'trigger'")}
    dropped = [t for t in tables if f"lectern_undo_{t}_i" in present]
    for table in dropped:
        for op in "iud":
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS temp.lectern_undo_{table}_{op}")
    try:
        yield
    finally:
        resume(conn, dropped)


def log_inserted(conn: Connection, table: str, where: str, params: tuple[Any, ...] = ()) -> None:
    """Log the rows of `table` matching `where` as inserted (after `paused`)."""
    conn.exec_driver_sql(
        f"INSERT INTO {LOG} (tbl, op, rid) SELECT '{table}', 'I', rowid FROM main.{table} WHERE {where}", params)


def collect(conn: Connection, written: Sequence[LogRow] = ()) -> list[LogRow]:
    """The rows logged since `install`, oldest first, after the rows `written`
    (those `apply_inverse` wrote back set-based: no trigger logs them), with
    updates that changed nothing left out."""
    logged = conn.exec_driver_sql(f"SELECT tbl, op, rid, old, new FROM {LOG} ORDER BY seq")
    rows = [*written, *(tuple(r) for r in logged)]
    conn.exec_driver_sql(f"DELETE FROM {LOG}")
    return [r for r in rows if not (r[1] == "U" and r[3] == r[4])]  # type: ignore[misc]


def merge_logs(first: list[LogRow], then: list[LogRow]) -> list[LogRow]:
    """One log for two consecutive steps that touch the same single row (a
    note saved again and again while typing): its first before, its last after."""
    rows = first + then
    if len({(r[0], r[2]) for r in rows}) != 1 or any(r[1] == "D" for r in rows):
        return rows
    table, op, rid, old, _ = rows[0]
    new = rows[-1][4]
    if op == "U" and old == new:
        return []
    return [(table, op, rid, old if op == "U" else None, new)]


# -- writing a log back -------------------------------------------------------------

def _describe(conn: Connection, table: str, values: list[Any] | None, columns: list[str]) -> str:
    """What a row is, in the user's terms."""
    row = dict(zip(columns, values or []))
    def title(paper_id: Any) -> str:
        found = conn.exec_driver_sql("SELECT title FROM paper WHERE id = ?", (paper_id,)).scalar()
        return f"“{found}”" if found else "a paper no longer in the library"
    if table == "paper":
        return f"the paper “{row.get('title', '?')}”"
    if table == "tag":
        return f"the tag “{row.get('name', '?')}”"
    if table == "paper_tag":
        tag = conn.exec_driver_sql("SELECT name FROM tag WHERE id = ?", (row.get("tag_id"),)).scalar()
        return f"the tag “{tag}” on {title(row.get('paper_id'))}" if tag else f"a tag of {title(row.get('paper_id'))}"
    if table == "note":
        return f"the note of {title(row.get('paper_id'))}"
    if table == "reading_list":
        return f"the reading list “{row.get('name', '?')}”"
    if table == "reading_list_item":
        return f"a reading list's place for {title(row.get('paper_id'))}"
    if table == "saved_search":
        return f"the saved search “{row.get('name', '?')}”"
    if table == "attachment":
        return f"the attached file “{row.get('name', '?')}” of {title(row.get('paper_id'))}"
    return "a record"


def _current(conn: Connection, table: str, columns: list[str], rid: int) -> str | None:
    return conn.exec_driver_sql(f"SELECT {_values(table, columns)} FROM main.{table} WHERE rowid = ?", (rid,)).scalar()


def _paper_of(table: str, columns: list[str], values: list[Any] | None, rid: int) -> int | None:
    if table == "paper":
        return rid
    if values and "paper_id" in columns:
        return values[columns.index("paper_id")]
    return None


# Tables that hold a reference to another (written back after it, taken out before it).
_CHILDREN = {"paper_tag", "note", "reading_list_item", "paper_uid"}
SET_BATCH = 5000  # rows checked and written back per statement


def apply_inverse(conn: Connection, log: Sequence[LogRow], written: list[LogRow]) -> set[int]:
    """Write back the rows of `log` as they were before it, newest first,
    checking each is as the log left it (raises _Conflict). Returns the ids of
    the papers whose indexed text may have changed. A log of one kind of change
    to distinct rows (a bulk tag, a move to the Trash, emptying it, and their
    undos) is written back set-based, table by table: row by row, undoing
    tagging 100k papers took three times as long as the tagging. The rows
    written back set-based are added to `written` for `collect`, not logged
    (passing every paper's image through the log table and back cost as much
    as writing the papers' rows)."""
    if log and len({r[1] for r in log}) == 1 and len({(r[0], r[2]) for r in log}) == len(log):
        return _apply_uniform(conn, log, written)
    columns: dict[str, list[str]] = {}
    touched: set[int] = set()
    tags: set[int] = set()
    rows = list(reversed(log))
    at = 0
    while at < len(rows):
        table, op, rid, old, new = rows[at]
        cols = columns.get(table) or columns.setdefault(table, _columns(conn, table))
        if op == "I" and new is None:  # rows a bulk insert logged: taken out in batches
            end = at
            while end < len(rows) and end - at < 5000 and rows[end][:2] == (table, "I") and rows[end][4] is None:
                end += 1
            _delete_inserted(conn, table, cols, [r[2] for r in rows[at:end]], touched)
            tags |= {r[2] for r in rows[at:end]} if table == "tag" else set()
            at = end
            continue
        if op == "D" and at + 1 < len(rows) and rows[at + 1][:2] == (table, "D"):  # deleted rows: back in batches
            end = at
            while end < len(rows) and end - at < 5000 and rows[end][:2] == (table, "D"):
                end += 1
            _insert_deleted(conn, table, cols, rows[at:end], touched)
            at = end
            continue
        at += 1
        now = _current(conn, table, cols, rid)
        if op in ("I", "U"):
            expected = new
            if now is None or (expected is not None and now != expected):
                what = _describe(conn, table, json.loads(now or expected or "null"), cols)
                verb = "was deleted" if now is None else "was changed"
                raise _Conflict(f"{what[0].upper()}{what[1:]} {verb} since.")
        values = json.loads(now) if now is not None else None
        if op == "I":
            conn.exec_driver_sql(f"DELETE FROM main.{table} WHERE rowid = ?", (rid,))
            after = values
        elif op == "U":
            after = json.loads(old or "[]")
            sets = ", ".join(f'"{c}" = ?' for c in cols)
            try:
                conn.exec_driver_sql(f"UPDATE main.{table} SET {sets} WHERE rowid = ?", (*after, rid))
            except sqlite3.IntegrityError as exc:
                raise _Conflict(_clash(conn, table, after, cols, exc)) from None
        else:
            after = json.loads(old or "[]")
            if now is not None:
                what = _describe(conn, table, after, cols)
                raise _Conflict(f"{what[0].upper()}{what[1:]} cannot come back: its place is taken.")
            names = ", ".join(f'"{c}"' for c in cols)
            try:
                conn.exec_driver_sql(
                    f"INSERT INTO main.{table} (rowid, {names}) VALUES (?, {', '.join('?' * len(cols))})",
                    (rid, *after))
            except sqlite3.IntegrityError as exc:
                raise _Conflict(_clash(conn, table, after, cols, exc)) from None
        for image in (values, after):
            paper = _paper_of(table, cols, image, rid)
            if paper is not None:
                touched.add(paper)
        if table == "tag":
            tags.add(rid)
    if tags:
        touched |= {r[0] for r in conn.exec_driver_sql(
            f"SELECT paper_id FROM paper_tag WHERE tag_id IN ({','.join(map(str, tags))})")}
    return touched


def _conflict(conn: Connection, table: str, cols: list[str], now: str | None, expected: str | None) -> _Conflict:
    what = _describe(conn, table, json.loads(now or expected or "null"), cols)
    verb = "was deleted" if now is None else "was changed"
    return _Conflict(f"{what[0].upper()}{what[1:]} {verb} since.")


def _apply_uniform(conn: Connection, log: Sequence[LogRow], written: list[LogRow]) -> set[int]:
    """`apply_inverse` for a log whose rows are all inserts, all updates or all
    deletes, each row once: per table, a slice of rows is checked in one query
    and written back in one statement; parents are put back before the rows
    that refer to them, and children taken out before their parents."""
    op = log[0][1]
    by_table: dict[str, list[LogRow]] = {}
    for row in reversed(log):
        by_table.setdefault(row[0], []).append(row)
    order = sorted(by_table, key=lambda t: t in _CHILDREN, reverse=op == "I")
    raw = conn.connection.driver_connection
    touched: set[int] = set()
    tags: set[int] = set()
    for table in order:
        cols = _columns(conn, table)
        rows = by_table[table]
        for start in range(0, len(rows), SET_BATCH):
            batch = rows[start:start + SET_BATCH]
            marks = ",".join(str(r[2]) for r in batch)
            image_sql = "NULL" if op == "D" else _values(table, cols)  # putting back: only whether the ids are free
            now = dict(conn.exec_driver_sql(
                f"SELECT rowid, {image_sql} FROM main.{table} WHERE rowid IN ({marks})").all())
            images: list[list[Any] | None] = []
            if op == "D":
                taken = next((r for r in batch if r[2] in now), None)
                if taken is not None:
                    what = _describe(conn, table, json.loads(taken[3] or "[]"), cols)
                    raise _Conflict(f"{what[0].upper()}{what[1:]} cannot come back: its place is taken.")
                images = [json.loads(r[3] or "[]") for r in batch]
                names = ", ".join(f'"{c}"' for c in cols)
                statement = f"INSERT INTO main.{table} (rowid, {names}) VALUES (?, {', '.join('?' * len(cols))})"
                params = [(r[2], *image) for r, image in zip(batch, images)]
            else:
                for r in batch:
                    current = now.get(r[2])
                    if current is None or (r[4] is not None and current != r[4]):
                        raise _conflict(conn, table, cols, current, r[4])
                # a paper's id is its row's: its (large) image is read only to write it back
                images = [json.loads(now[r[2]]) if table != "paper" else None for r in batch]
                if op == "U":
                    before = [json.loads(r[3] or "[]") for r in batch]
                    images += before
                    sets = ", ".join(f'"{c}" = ?' for c in cols)
                    statement = f"UPDATE main.{table} SET {sets} WHERE rowid = ?"
                    params = [(*b, r[2]) for r, b in zip(batch, before)]
            try:
                if op == "I":  # deleting may cascade: the triggers log what it takes
                    conn.exec_driver_sql(f"DELETE FROM main.{table} WHERE rowid IN ({marks})")
                else:  # nothing cascades: the rows written are logged here, not by a trigger per row
                    with paused(conn, [table]):
                        raw.executemany(statement, params)
                    written.extend((table, "I", r[2], None, r[3]) if op == "D" else (table, "U", r[2], now[r[2]], r[3])
                                   for r in batch)
            except sqlite3.IntegrityError as exc:
                raise _Conflict(_clash(conn, table, images[0] or [], cols, exc)) from None
            rids = [r[2] for r in batch] * (2 if op == "U" else 1)
            for rid, image in zip(rids, images):
                paper = _paper_of(table, cols, image, rid)
                if paper is not None:
                    touched.add(paper)
            if table == "tag":
                tags.update(r[2] for r in batch)
    if tags:
        touched |= {r[0] for r in conn.exec_driver_sql(
            f"SELECT paper_id FROM paper_tag WHERE tag_id IN ({','.join(map(str, tags))})")}
    return touched


def _delete_inserted(conn: Connection, table: str, cols: list[str], rids: list[int], touched: set[int]) -> None:
    """Take out rows a bulk insert added, all of which must still be there."""
    marks = ",".join(map(str, rids))
    if conn.exec_driver_sql(f"SELECT count(*) FROM main.{table} WHERE rowid IN ({marks})").scalar_one() != len(rids):
        raise _Conflict(f"Some of the {'papers' if table == 'paper' else 'records'} it added were deleted since.")
    if table == "paper":
        touched.update(rids)
    elif "paper_id" in cols:
        touched.update(r[0] for r in conn.exec_driver_sql(
            f"SELECT paper_id FROM main.{table} WHERE rowid IN ({marks})"))
    conn.exec_driver_sql(f"DELETE FROM main.{table} WHERE rowid IN ({marks})")


def _insert_deleted(conn: Connection, table: str, cols: list[str], rows: Sequence[LogRow], touched: set[int]) -> None:
    """Put back rows deleted together, none of whose ids may be taken since."""
    marks = ",".join(str(r[2]) for r in rows)
    taken = conn.exec_driver_sql(f"SELECT rowid FROM main.{table} WHERE rowid IN ({marks}) LIMIT 1").scalar()
    images = [json.loads(r[3] or "[]") for r in rows]
    if taken is not None:
        what = _describe(conn, table, next(i for r, i in zip(rows, images) if r[2] == taken), cols)
        raise _Conflict(f"{what[0].upper()}{what[1:]} cannot come back: its place is taken.")
    names = ", ".join(f'"{c}"' for c in cols)
    raw = conn.connection.driver_connection
    try:
        raw.executemany(f"INSERT INTO main.{table} (rowid, {names}) VALUES (?, {', '.join('?' * len(cols))})",
                        [(r[2], *i) for r, i in zip(rows, images)])
    except sqlite3.IntegrityError as exc:
        raise _Conflict(_clash(conn, table, images[0], cols, exc)) from None
    for r, image in zip(rows, images):
        paper = _paper_of(table, cols, image, r[2])
        if paper is not None:
            touched.add(paper)


def _clash(conn: Connection, table: str, values: list[Any], cols: list[str], exc: sqlite3.IntegrityError) -> str:
    what = _describe(conn, table, values, cols)
    if "UNIQUE" in str(exc):
        return f"{what[0].upper()}{what[1:]} cannot come back: that name or key is now used by another."
    return f"{what[0].upper()}{what[1:]} cannot come back: what it belonged to is gone."


def changes_of(conn: Connection, log: Sequence[LogRow]) -> Changes:
    """What writing `log` back changes, for the views to refresh."""
    papers: set[int] = set()
    fields: set[str] = set()
    collections: set[Collection] = set()
    membership = False
    columns: dict[str, list[str]] = {}
    for table, op, rid, old, new in log:
        cols = columns.get(table) or columns.setdefault(table, _columns(conn, table))
        if table in _COLLECTION_OF:
            collections.add(_COLLECTION_OF[table])
        if table in _FIELD_OF:
            fields.add(_FIELD_OF[table])
        if table in ("reading_list", "reading_list_item", "tag") or (table == "paper" and op != "U"):
            membership = True
        if table == "paper" and op == "U" and old and new:
            before, after = json.loads(old), json.loads(new)
            changed = {c for c, a, b in zip(cols, before, after) if a != b}
            fields |= changed - {"updated_at"}
            membership = membership or "deleted_at" in changed
            if "deleted_at" in changed:  # into or out of the Trash: the tag and list counts change too
                collections |= _COUNTED
        elif table == "paper":  # a paper comes or goes
            collections |= _COUNTED
        if table == "paper":  # its id is the row's: no need to read its (large) images
            papers.add(rid)
            continue
        for image in (old, new):
            paper = _paper_of(table, cols, json.loads(image) if image else None, rid)
            if paper is not None:
                papers.add(paper)
    return Changes(papers=frozenset(papers), fields=frozenset(fields), membership=membership,
                   collections=frozenset(collections))


class UndoStack:
    """Recorded steps; `undo` and `redo` on the library move through them."""

    def __init__(self, limit: int = 200) -> None:
        self.done: list[UndoEntry] = []
        self.undone: list[UndoEntry] = []
        self.limit = limit

    def push(self, entry: UndoEntry) -> None:
        top = self.done[-1] if self.done else None
        if entry.merge_key is not None and top is not None and top.merge_key == entry.merge_key and not self.undone:
            top.log = merge_logs(top.log, entry.log)
            if not top.log:
                self.done.pop()
            return
        self.done.append(entry)
        del self.done[: -self.limit]
        self.undone.clear()

    def save(self) -> tuple[list[UndoEntry], list[UndoEntry], list[LogRow] | None]:
        """The stack as it is, to put back if a step's commit fails."""
        return list(self.done), list(self.undone), list(self.done[-1].log) if self.done else None

    def restore(self, saved: tuple[list[UndoEntry], list[UndoEntry], list[LogRow] | None]) -> None:
        done, undone, top_log = saved
        self.done[:], self.undone[:] = done, undone
        if self.done and top_log is not None:
            self.done[-1].log = top_log

    def clear(self) -> None:
        self.done.clear()
        self.undone.clear()

    def undo_label(self) -> str | None:
        return self.done[-1].label if self.done else None

    def redo_label(self) -> str | None:
        return self.undone[-1].label if self.undone else None
