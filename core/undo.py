"""Undo and redo, built on snapshots: an operation declares the rows it may
touch (a `Scope`); the facade records them before and after, in the same
transaction, and undo/redo write one snapshot back. Every operation gets
exact undo without writing its inverse by hand."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from core.db import Connection

from core.changes import Changes

ALL = "*"


@dataclass(frozen=True)
class Scope:
    """The rows an operation may change."""

    papers: frozenset[int] = frozenset()
    paper_columns: tuple[str, ...] | str = ()  # columns of `paper` it may change, or ALL (rows may vanish)
    paper_tags: bool = False  # the papers' tag links (and tags created or removed with them)
    tags: frozenset[int] = frozenset()  # tag rows renamed or merged away
    lists: frozenset[int] = frozenset()  # reading lists with all their items
    list_items: bool = False  # the papers' memberships in any list
    notes: bool = False


@dataclass
class Snapshot:
    papers: dict[int, dict[str, Any]] = field(default_factory=dict)
    paper_tags: list[tuple[int, int]] = field(default_factory=list)
    tags: dict[int, str] = field(default_factory=dict)
    lists: dict[int, dict[str, Any]] = field(default_factory=dict)
    list_items: list[tuple[int, int, int]] = field(default_factory=list)
    notes: dict[int, dict[str, Any]] = field(default_factory=dict)


@dataclass
class UndoEntry:
    label: str
    scope: Scope
    before: Snapshot
    after: Snapshot
    changes: Changes


def _marks(values: frozenset[int]) -> str:
    return ",".join(str(int(v)) for v in values)


def _rows(conn: Connection, sql: str) -> list[dict[str, Any]]:
    return [dict(r) for r in conn.exec_driver_sql(sql).mappings()]


def _paper_tag_ids(conn: Connection, papers: frozenset[int]) -> set[int]:
    return {r[0] for r in conn.exec_driver_sql(f"SELECT DISTINCT tag_id FROM paper_tag WHERE paper_id IN ({_marks(papers)})")}


def take(conn: Connection, scope: Scope) -> Snapshot:
    """The rows in `scope` as they are now."""
    snap = Snapshot()
    ids = _marks(scope.papers)
    if scope.papers and scope.paper_columns:
        columns = "*" if scope.paper_columns == ALL else ", ".join(("id", *scope.paper_columns))
        snap.papers = {r["id"]: r for r in _rows(conn, f"SELECT {columns} FROM paper WHERE id IN ({ids})")}
    tag_ids = set(scope.tags)
    if scope.papers and scope.paper_tags:
        snap.paper_tags = [tuple(r) for r in conn.exec_driver_sql(
            f"SELECT paper_id, tag_id FROM paper_tag WHERE paper_id IN ({ids})")]
        tag_ids |= _paper_tag_ids(conn, scope.papers)
    if tag_ids:
        snap.tags = {r[0]: r[1] for r in conn.exec_driver_sql(f"SELECT id, name FROM tag WHERE id IN ({_marks(frozenset(tag_ids))})")}
        if scope.tags:
            snap.paper_tags += [tuple(r) for r in conn.exec_driver_sql(
                f"SELECT paper_id, tag_id FROM paper_tag WHERE tag_id IN ({_marks(scope.tags)})")]
    if scope.lists:
        snap.lists = {r["id"]: r for r in _rows(conn, f"SELECT * FROM reading_list WHERE id IN ({_marks(scope.lists)})")}
        snap.list_items = [tuple(r) for r in conn.exec_driver_sql(
            f"SELECT list_id, paper_id, position FROM reading_list_item WHERE list_id IN ({_marks(scope.lists)})")]
    if scope.papers and scope.list_items:
        snap.list_items += [tuple(r) for r in conn.exec_driver_sql(
            f"SELECT list_id, paper_id, position FROM reading_list_item WHERE paper_id IN ({ids})")]
    if scope.papers and scope.notes:
        snap.notes = {r["paper_id"]: r for r in _rows(conn, f"SELECT * FROM note WHERE paper_id IN ({ids})")}
    snap.paper_tags = sorted(set(snap.paper_tags))
    snap.list_items = sorted(set(snap.list_items))
    return snap


def _insert(conn: Connection, table: str, row: dict[str, Any]) -> None:
    names = ", ".join(row)
    conn.exec_driver_sql(f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' * len(row))})", tuple(row.values()))


def restore(conn: Connection, scope: Scope, snap: Snapshot, now: Snapshot) -> None:
    """Write `snap` back over the rows in `scope` (`now` is their current state)."""
    ids = _marks(scope.papers)
    if scope.papers and scope.paper_columns == ALL:
        gone = set(now.papers) - set(snap.papers)
        if gone:
            conn.exec_driver_sql(f"DELETE FROM paper WHERE id IN ({_marks(frozenset(gone))})")
        for paper_id, row in snap.papers.items():
            if paper_id not in now.papers:
                _insert(conn, "paper", row)
    if scope.papers and scope.paper_columns:
        for paper_id, row in snap.papers.items():
            if paper_id in now.papers and now.papers[paper_id] != row:
                changed = {k: v for k, v in row.items() if k != "id" and now.papers[paper_id].get(k) != v}
                sets = ", ".join(f"{k} = ?" for k in changed)
                conn.exec_driver_sql(f"UPDATE paper SET {sets} WHERE id = ?", (*changed.values(), paper_id))
    for tag_id, name in snap.tags.items():  # tags that existed: back, with their old names
        conn.exec_driver_sql("INSERT OR IGNORE INTO tag (id, name) VALUES (?, ?)", (tag_id, name))
        conn.exec_driver_sql("UPDATE tag SET name = ? WHERE id = ? AND name != ?", (name, tag_id, name))
    if scope.paper_tags or scope.tags:
        for link in set(now.paper_tags) - set(snap.paper_tags):
            conn.exec_driver_sql("DELETE FROM paper_tag WHERE paper_id = ? AND tag_id = ?", link)
        for link in set(snap.paper_tags) - set(now.paper_tags):
            conn.exec_driver_sql("INSERT OR IGNORE INTO paper_tag (paper_id, tag_id) VALUES (?, ?)", link)
    for tag_id in set(now.tags) - set(snap.tags):  # tags the operation created
        conn.exec_driver_sql(
            "DELETE FROM tag WHERE id = ? AND NOT EXISTS (SELECT 1 FROM paper_tag WHERE tag_id = ?)", (tag_id, tag_id))
    if scope.lists:
        for list_id in set(now.lists) - set(snap.lists):
            conn.exec_driver_sql("DELETE FROM reading_list WHERE id = ?", (list_id,))
        for list_id, row in snap.lists.items():
            if list_id not in now.lists:
                _insert(conn, "reading_list", row)
            elif now.lists[list_id] != row:
                conn.exec_driver_sql("UPDATE reading_list SET name = ? WHERE id = ?", (row["name"], list_id))
    if scope.lists or scope.list_items:
        clauses = []
        if scope.lists:
            clauses.append(f"list_id IN ({_marks(scope.lists)})")
        if scope.list_items and scope.papers:
            clauses.append(f"paper_id IN ({ids})")
        conn.exec_driver_sql(f"DELETE FROM reading_list_item WHERE {' OR '.join(clauses)}")
        for item in snap.list_items:
            conn.exec_driver_sql("INSERT INTO reading_list_item (list_id, paper_id, position) VALUES (?, ?, ?)", item)
    if scope.notes and scope.papers:
        for paper_id in set(now.notes) - set(snap.notes):
            conn.exec_driver_sql("DELETE FROM note WHERE paper_id = ?", (paper_id,))
        for paper_id, row in snap.notes.items():
            if now.notes.get(paper_id) != row:
                conn.exec_driver_sql("DELETE FROM note WHERE paper_id = ?", (paper_id,))
                _insert(conn, "note", row)


class UndoStack:
    """Recorded operations; `undo` and `redo` move through them."""

    def __init__(self, limit: int = 200) -> None:
        self.done: list[UndoEntry] = []
        self.undone: list[UndoEntry] = []
        self.limit = limit

    def push(self, entry: UndoEntry) -> None:
        self.done.append(entry)
        del self.done[: -self.limit]
        self.undone.clear()

    def undo_label(self) -> str | None:
        return self.done[-1].label if self.done else None

    def redo_label(self) -> str | None:
        return self.undone[-1].label if self.undone else None
