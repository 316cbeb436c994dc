"""Keeping the FTS5 search index (core/store/migrations.py declares it) in step with
the papers in bulk: a bulk insert indexes its papers in one statement, and a
rebuild sets the old index aside (or drops a damaged one) and creates every index object again."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache

from lectern.core.store.database import Connection, split_statements
from lectern.core.store.fulltext_schema import FULLTEXT_INDEX, FULLTEXT_INDEX_TABLES, FULLTEXT_TRIGGER_NAMES
from lectern.core.store.search_schema import (
    FTS_COLUMNS,
    FTS_OBJECTS,
    FTS_SCHEMA,
    NOTES_READING,
    TAGS_READING,
    index_papers_sql,
)

FTS_HASH_BYTES = 1024 * 1024  # FTS5's default pending-terms buffer
BULK_HASH_BYTES = 16 * 1024 * 1024
FTS_AUTOMERGE, FTS_CRISISMERGE = 4, 16  # FTS5's defaults


# Triggers that index a paper as a row of it is inserted.
INSERT_TRIGGERS = ("paper_fts_after_insert", "note_fts_after_insert", "paper_tag_fts_after_insert")


@contextmanager
def deferred_indexing(conn: Connection) -> Iterator[None]:
    """Inside (in one write transaction), papers, notes and tags inserted are
    not indexed row by row: the insert triggers are dropped and re-created
    afterwards, and the caller indexes the new papers with `index_papers`
    before it commits. A trigger on the table, even one that does nothing,
    made inserting 100k papers 4 s slower, and FTS5 writes a segment for each
    trigger statement. The rollback of a failed import restores them too."""
    for name in INSERT_TRIGGERS:
        conn.exec_driver_sql(f"DROP TRIGGER {name}")
    try:
        yield
    finally:
        for name in INSERT_TRIGGERS:
            conn.exec_driver_sql(_trigger_sql(name))


@lru_cache(maxsize=None)
def _trigger_sql(name: str) -> str:
    """The CREATE TRIGGER statement of one index trigger, from the schema."""
    return next(s for s in split_statements(FTS_SCHEMA) if s.startswith(f"CREATE TRIGGER {name} "))


@contextmanager
def bulk_index_buffer(conn: Connection) -> Iterator[None]:
    """Let the search index hold 16 MB of new terms in memory (default 1 MB)
    while papers are indexed in bulk: fewer, larger segments to write and
    merge (twice as much saved little indexing time and held a large import's
    memory well higher). Set back afterwards, so row-by-row
    updates keep the small buffer (on an error the rollback undoes both)."""
    conn.exec_driver_sql(f"INSERT INTO paper_fts (paper_fts, rank) VALUES ('hashsize', {BULK_HASH_BYTES})")
    yield
    conn.exec_driver_sql(f"INSERT INTO paper_fts (paper_fts, rank) VALUES ('hashsize', {FTS_HASH_BYTES})")


def fts_setting(conn: Connection, name: str, value: int, table: str = "paper_fts") -> None:
    """Set one of FTS5's options (stored in the index) or run one of its commands (`merge`)."""
    conn.exec_driver_sql(f"INSERT INTO {table} ({table}, rank) VALUES ('{name}', {int(value)})")


def merge_step(conn: Connection, pages: int, table: str = "paper_fts") -> bool:
    """One FTS5 `merge` of about `pages` pages of the index's segments; whether work remains."""
    before = conn.raw.total_changes
    fts_setting(conn, "merge", pages, table)
    return conn.raw.total_changes - before >= 2  # FTS5's sign that work remains


SETTLE_INDEX_FROM = 500  # papers added at once from which their index segments are merged in the same write


def merge_until_settled(conn: Connection, pages: int = 512, table: str = "paper_fts") -> None:
    """Merge the index's segments in this transaction until no level holds
    enough of them to merge. After a bulk add, whose large segments the small
    writes that follow would otherwise pile up beside until FTS5's crisis merge
    rewrote them all inside one of those writes (a star or a note, a few writes
    later)."""
    while merge_step(conn, pages, table):
        pass


def index_papers(conn: Connection, where: str, params: tuple[object, ...]) -> None:
    """Index the papers matching `where` (over `paper_fts_source`) in one statement."""
    conn.exec_driver_sql(index_papers_sql(where), params)


# The index text of papers a step deleted, kept aside for its undo: only what
# the paper's own row gives (the note and tags are read again as they are then).
KEPT = "lectern_kept_index"
_READ_AGAIN = {"notes": NOTES_READING, "tags": TAGS_READING}  # the index's columns not taken from the row
_KEPT_COLUMNS = tuple(c for c in FTS_COLUMNS if c not in _READ_AGAIN)


def keep_index_text(conn: Connection, paper_ids: Iterable[int], step: int, live_steps: Iterable[int]) -> None:
    """Before the papers `paper_ids` are deleted, copy the text the index
    holds of them aside under `step`, in this connection's temporary database
    (never in the library file): undoing the deletion then indexes them from
    it (`index_kept_text`) instead of rendering every title, abstract and
    record anew. Text kept for steps not in `live_steps` (dropped from the
    undo stack) is freed here; all of it when the library closes."""
    conn.exec_driver_sql(f"CREATE TEMP TABLE IF NOT EXISTS {KEPT} (paper_id INTEGER PRIMARY KEY, "
                         f"step INTEGER NOT NULL, {', '.join(_KEPT_COLUMNS)})")
    conn.exec_driver_sql(f"DELETE FROM temp.{KEPT} WHERE step NOT IN ({','.join(map(str, live_steps))})")
    conn.exec_driver_sql(
        f"INSERT OR REPLACE INTO temp.{KEPT} SELECT rowid, ?, {', '.join(_KEPT_COLUMNS)} "
        f"FROM paper_fts WHERE rowid IN ({','.join(map(str, paper_ids))})", (step,))


def index_kept_text(conn: Connection, paper_ids: Sequence[int], step: int | None) -> list[int]:
    """Index those of `paper_ids` (present, not yet indexed) whose text was
    kept under `step` from that text; returns the others, which the caller
    indexes from their rows. The kept text is right for a paper only while
    its row is the one deleted in that step, which an undo of the step writes
    back exactly (and checks)."""
    if step is None or conn.exec_driver_sql(f"SELECT 1 FROM temp.sqlite_master WHERE name = '{KEPT}'").first() is None:
        return list(paper_ids)  # nothing kept (or kept on another thread's connection)
    marks = ",".join(map(str, paper_ids))
    values = ", ".join(_READ_AGAIN.get(c, f"k.{c}") for c in FTS_COLUMNS)
    conn.exec_driver_sql(
        f"INSERT INTO paper_fts (rowid, {', '.join(FTS_COLUMNS)}) SELECT p.id, {values} "
        f"FROM temp.{KEPT} k JOIN paper p ON p.id = k.paper_id WHERE k.step = ? AND k.paper_id IN ({marks})",
        (step,))
    done = {r[0] for r in conn.exec_driver_sql(
        f"SELECT paper_id FROM temp.{KEPT} WHERE step = ? AND paper_id IN ({marks})", (step,))}
    return [i for i in paper_ids if i not in done]


OLD_INDEX = "paper_fts_old"  # where a rebuild puts the index it replaces


def _drop_index_helpers(conn: Connection) -> None:
    """The triggers, view and vocabulary table over the index (cheap to drop)."""
    for trigger in [n for n in FTS_OBJECTS if "_after_" in n]:
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {trigger}")
    conn.exec_driver_sql("DROP VIEW IF EXISTS paper_fts_source")
    conn.exec_driver_sql("DROP TABLE IF EXISTS paper_fts_vocab")


def set_aside_search_index(conn: Connection) -> None:
    """Rename the index to OLD_INDEX (a few rows of the schema change) and
    create every index object empty again; the old one is freed later."""
    _drop_index_helpers(conn)
    conn.exec_driver_sql(f"ALTER TABLE paper_fts RENAME TO {OLD_INDEX}")
    for statement in split_statements(FTS_SCHEMA):
        conn.exec_driver_sql(statement)


def drop_fts_table(conn: Connection, table: str) -> None:
    """Drop an FTS5 table, even a damaged one (its shadow tables one by one
    when FTS5 cannot drop it). An external content table is not touched."""
    try:
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS {table}")
    except sqlite3.Error:
        pass
    for shadow in ("data", "idx", "content", "docsize", "config"):
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS {table}_{shadow}")


def drop_set_aside_index(conn: Connection) -> None:
    """Drop what is left of the index a rebuild set aside."""
    drop_fts_table(conn, OLD_INDEX)


def recreate_search_index(conn: Connection) -> None:
    """Drop every search-index object, even from a damaged index, and create
    them empty again."""
    _drop_index_helpers(conn)
    drop_fts_table(conn, "paper_fts")
    for statement in split_statements(FTS_SCHEMA):
        conn.exec_driver_sql(statement)


def recreate_fulltext_index(conn: Connection) -> None:
    """Drop the full-text indexes (page_fts, document_fts) and their triggers,
    even damaged ones, and create them empty again. The pages' text is in
    `fulltext_page`, page_fts's external content, which dropping page_fts keeps."""
    for trigger in FULLTEXT_TRIGGER_NAMES:
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {trigger}")
    for table in FULLTEXT_INDEX_TABLES:
        drop_fts_table(conn, table)
    for statement in split_statements(FULLTEXT_INDEX):
        conn.exec_driver_sql(statement)
