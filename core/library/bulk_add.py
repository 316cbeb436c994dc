"""Adding many papers in one transaction a chunk at a time (`adding`), so
that an import can store each chunk of a file as it is read instead of
holding every paper: rows, tags and notes go in chunk by chunk, the search
index and the undo log take them all once at the end (core/library/papers.py
adds a list of papers through it)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from lectern.core.domain.changes import CancelToken, Progress, ProgressFn, in_chunks, without_cycle_collection
from lectern.core.domain.citekeys import base_key, unique_key
from lectern.core.domain.entry import dump_fields, record_from_values
from lectern.core.domain.identity import normal_arxiv, normal_doi, normal_title, stored
from lectern.core.domain.records import NewPaper, clean_name
from lectern.core.domain.sorting import authors_sort_key, venue_sort_key
from lectern.core.library.rows import now_text
from lectern.core.search.index import (
    SETTLE_INDEX_FROM,
    bulk_index_buffer,
    deferred_indexing,
    index_papers,
    merge_until_settled,
)
from lectern.core.store.bulk_indexes import deferred_indexes, worth_deferring
from lectern.core.store.database import Connection, Database, bulk_cache
from lectern.core.store.undo import log_inserted, paused

INSERT_BATCH = 2000
INSERT_PAPER = ("INSERT INTO paper (title, abstract, authors, year, venue, arxiv_id, doi, url, citation_key, added_at, "
                "updated_at, title_key, doi_key, arxiv_key, entry_type, fields, authors_sort, venue_sort) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
RECORDED = ("paper", "tag", "paper_tag", "note")


class BulkAdd:
    """The papers added so far in one `adding` transaction."""

    def __init__(self, conn: Connection, expected: int, progress: ProgressFn | None,
                 cancel: CancelToken | None) -> None:
        self.conn, self.expected, self.progress, self.cancel = conn, expected, progress, cancel
        self.raw: sqlite3.Connection = conn.connection.driver_connection  # type: ignore[assignment]
        self.now = now_text()
        self.before = conn.exec_driver_sql("SELECT coalesce(max(id), 0) FROM paper").scalar_one()
        self.taken = {r[0].lower() for r in conn.exec_driver_sql("SELECT citation_key FROM paper")}
        self.tried: dict[str, int] = {}
        self.new_ids: list[int] = []
        self.meta: dict[str, str] = {}
        self.tagged = False

    def add(self, papers: Sequence[NewPaper], tags: Sequence[Sequence[str]] = (), notes: Sequence[str] = ()) -> None:
        """Insert `papers` (with their `tags` and `notes`, in the same order):
        a paper without a citation key gets one made from its title, authors
        and year, free among the library's keys and those made before."""
        keys = [p.citation_key or unique_key(base_key(p.title, p.authors, p.year), self.taken, self.tried)
                for p in papers]  # (none, or written empty: `@misc{,`)
        last = self.new_ids[-1] if self.new_ids else self.before
        for chunk in in_chunks(range(len(papers)), INSERT_BATCH, "Adding papers", None, self.cancel):
            self.raw.executemany(INSERT_PAPER, [_row(papers[i], keys[i], self.now) for i in chunk])
            if self.progress:
                done = len(self.new_ids) + chunk[-1] + 1
                self.progress(Progress(done, max(done, self.expected), "Adding papers"))
        ids = [r[0] for r in self.raw.execute("SELECT id FROM paper WHERE id > ? ORDER BY id", (last,))]
        _add_tags_and_notes(self.raw, ids, tags, notes)
        self.tagged = self.tagged or bool(tags)
        self.new_ids += ids


@contextmanager
def adding(db: Database, expected: int, progress: ProgressFn | None = None, cancel: CancelToken | None = None,
           undoable: bool = True) -> Iterator[BulkAdd]:
    """One write transaction (joining the enclosing one) in which papers are
    added a chunk at a time (`BulkAdd.add`) about `expected` in all; on
    leaving, they are indexed for search, logged for undo (when `undoable`)
    and the `meta` entries set; a large add's index segments are merged then
    (`merge_until_settled`). All of it or (on error or cancel) none. The
    cycle collector is paused meanwhile (see `without_cycle_collection`); the
    paper table's own indexes are made again at the end when that is quicker."""
    with without_cycle_collection(), db.write() as conn, paused(conn, RECORDED), bulk_cache(conn):
        existing = conn.exec_driver_sql("SELECT count(*) FROM paper").scalar_one()
        bulk = BulkAdd(conn, expected, progress, cancel)
        tags_before = conn.exec_driver_sql("SELECT coalesce(max(id), 0) FROM tag").scalar_one()
        with deferred_indexing(conn):  # papers, tags and notes indexed once, below
            with deferred_indexes(conn, "paper", worth_deferring(existing, expected)):
                yield bulk
        if progress:
            progress(Progress(len(bulk.new_ids), len(bulk.new_ids), "Indexing for search"))
        with bulk_index_buffer(conn):
            index_papers(conn, "rowid > ?", (bulk.before,))
        if len(bulk.new_ids) >= SETTLE_INDEX_FROM:  # (an import) merged here, on the worker, not by a star soon after
            merge_until_settled(conn)
        if undoable:  # the new rows, for undo: logged in one statement a table, not by triggers
            log_inserted(conn, "paper", "id > ?", (bulk.before,))
            log_inserted(conn, "tag", "id > ?", (tags_before,))
            log_inserted(conn, "paper_tag", "paper_id > ?", (bulk.before,))
            log_inserted(conn, "note", "paper_id > ?", (bulk.before,))
        for key, value in bulk.meta.items():
            conn.exec_driver_sql("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))


def _row(p: NewPaper, key: str, now: str) -> tuple[Any, ...]:
    """The paper table's values for a new paper (in INSERT_PAPER's order)."""
    kind, fields = (p.entry_type or "misc", p.fields) if p.fields else record_from_values(
        p.title, p.abstract, p.authors, p.year, p.venue, p.arxiv_id, p.doi, p.url)
    return (p.title, p.abstract, p.authors, p.year, p.venue, p.arxiv_id, p.doi, p.url, key, now, now,
            stored(normal_title(p.title)), stored(normal_doi(p.doi)), stored(normal_arxiv(p.arxiv_id)), kind,
            dump_fields(fields), authors_sort_key(p.authors), venue_sort_key(p.venue))


def _add_tags_and_notes(raw: sqlite3.Connection, paper_ids: Sequence[int], tags: Sequence[Sequence[str]],
                        notes: Sequence[str]) -> None:
    """Tags and notes of newly added papers (same order), a statement for each kind."""
    pairs = [(paper_id, name) for paper_id, paper_tags in zip(paper_ids, tags)
             for name in dict.fromkeys(clean_name(t) for t in paper_tags) if name]
    raw.executemany("INSERT OR IGNORE INTO tag (name) VALUES (?)", [(name,) for _, name in pairs])
    raw.executemany("INSERT OR IGNORE INTO paper_tag (paper_id, tag_id) SELECT ?, id FROM tag WHERE name = ?", pairs)
    stamp = now_text()
    raw.executemany("INSERT INTO note (paper_id, body, created_at, updated_at) VALUES (?, ?, ?, ?)",
                    [(paper_id, body, stamp, stamp) for paper_id, body in zip(paper_ids, notes) if body.strip()])
