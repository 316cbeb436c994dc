"""The search index's health: checking it (at start-up, on a worker) and
rebuilding it in short transactions that a write from the window can pass."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from typing import TypeVar

from lectern.core.domain.changes import CancelToken, Changes, Progress, ProgressFn
from lectern.core.library.fulltext_index import fulltext_problem, rebuild_fulltext
from lectern.core.library.pacing import Pacer, giving_way, merge_segments
from lectern.core.search.index import (
    FTS_AUTOMERGE,
    FTS_CRISISMERGE,
    OLD_INDEX,
    drop_set_aside_index,
    fts_setting,
    index_papers,
    recreate_search_index,
    set_aside_search_index,
)
from lectern.core.store.database import Connection, Database, WriteYielded
from lectern.core.store.migrations import FTS_OBJECTS

# What one transaction of a rebuild starts with; each is then paced (core/library/pacing.py).
REBUILD_BATCH = 100  # papers indexed
MERGE_PAGES = 16  # index pages merged once all are indexed
FREE_ROWS = 200  # rows of the set-aside index freed
T = TypeVar("T")


class SearchIndex:
    """Upkeep of one library's FTS5 index."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def check(self, thorough: bool = True) -> str | None:
        """None when the search index and the full-text indexes
        (core/library/fulltext_index.py) are whole, else what is wrong.
        Always: every index object is there, it holds every paper, and its
        whole term index reads back (a scan of FTS5's vocabulary decodes every
        segment, so garbage in them is found) — all in a read transaction,
        which never holds up a write. `thorough` adds FTS5's integrity-check
        (the index against the text it was built from); that is written as an
        INSERT and so needs the write lock, which a long check held for
        hundreds of milliseconds at a time: the window's start-up check leaves it out."""
        try:
            with self.db.read() as conn:
                present = {r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master")}
                missing = [name for name in FTS_OBJECTS if name not in present]
                if missing:
                    return "the search index is missing (" + ", ".join(missing[:3]) + ")"
                count = conn.exec_driver_sql("SELECT count(*) FROM paper_fts_docsize").scalar_one()
                papers = conn.exec_driver_sql("SELECT count(*) FROM paper").scalar_one()
                conn.exec_driver_sql("SELECT count(*), sum(cnt) FROM paper_fts_vocab").all()
            if thorough:
                while True:
                    try:
                        with self.db.yielding_write() as conn:
                            conn.exec_driver_sql(
                                "INSERT INTO paper_fts (paper_fts, rank) VALUES ('integrity-check', 0)")
                        break
                    except WriteYielded:
                        self.db.wait_for_writers()
        except sqlite3.Error as exc:
            return f"the search index is damaged ({exc})"
        if count != papers:
            return f"the search index holds {count} papers of {papers}"
        return fulltext_problem(self.db, thorough)

    def rebuild(self, progress: ProgressFn | None = None, cancel: CancelToken | None = None) -> Changes:
        """Drop the search index and build it again from the papers, in short
        transactions, so a write from the window waits a few milliseconds at
        most: a batch of papers each (FTS5's automatic merging is off
        meanwhile: one batch's merge took 0.5 s), each followed by merging the
        segments a few pages a transaction; every kind of step is paced to a
        time budget (core/library/pacing.py). The index is partial meanwhile
        (searches find what is indexed so far; papers written meanwhile are
        indexed by their triggers). A crash or cancel midway leaves a partial
        but sound index, which `check` reports (it counts), so the next start
        rebuilds it. The old index is renamed out of the way rather than
        dropped (dropping a large one frees every page in one transaction) and
        freed a slice a transaction once the new one is built. Then the
        full-text indexes are rebuilt from the kept pages when they are not whole."""
        self._free_set_aside()  # one left by a rebuild that was cut short
        try:
            with self.db.read() as conn:  # FTS5 must read its structure record to drop the index later
                conn.exec_driver_sql("SELECT rowid FROM paper_fts WHERE paper_fts MATCH 'lectern' LIMIT 1").all()
            def set_aside(conn: Connection) -> None:  # (gives way too: a star pressed as the rebuild starts)
                set_aside_search_index(conn)
                fts_setting(conn, "automerge", 0)
                fts_setting(conn, "crisismerge", 100_000)

            self._giving_way(set_aside)
        except sqlite3.Error:  # an index too damaged to set aside (or missing): dropped at once
            with self.db.write() as conn:
                recreate_search_index(conn)
                fts_setting(conn, "automerge", 0)
                fts_setting(conn, "crisismerge", 100_000)
        with self.db.read() as conn:
            ids = [r[0] for r in conn.exec_driver_sql("SELECT id FROM paper ORDER BY id")]
        with self.db.own_checkpoints():  # the window's star must not pay for the rebuild's pages
            pacer, merge_pacer, done = Pacer(REBUILD_BATCH, 10, 2000), Pacer(MERGE_PAGES, 2, 512), 0
            while done < len(ids):
                if cancel:
                    cancel.check()
                batch = ids[done : done + pacer.size]

                def index_batch(conn: Connection, batch: Sequence[int] = batch) -> None:
                    # a trigger may have indexed some of them already
                    conn.exec_driver_sql("DELETE FROM paper_fts WHERE rowid BETWEEN ? AND ?", (batch[0], batch[-1]))
                    index_papers(conn, "rowid BETWEEN ? AND ?", (batch[0], batch[-1]))
                    if done + len(batch) >= len(ids):  # whole: merging as usual from the same commit
                        fts_setting(conn, "automerge", FTS_AUTOMERGE)
                        fts_setting(conn, "crisismerge", FTS_CRISISMERGE)

                pacer.took(self._giving_way(index_batch)[1])
                done += len(batch)
                self.db.checkpoint()
                self._merge(merge_pacer)
                if progress:
                    progress(Progress(done, len(ids), "Rebuilding the search index"))
            if not ids:
                with self.db.write() as conn:
                    fts_setting(conn, "automerge", FTS_AUTOMERGE)
                    fts_setting(conn, "crisismerge", FTS_CRISISMERGE)
            self._free_set_aside()
        if fulltext_problem(self.db) is not None:
            rebuild_fulltext(self.db, progress, cancel)
        return Changes(membership=True)

    def _merge(self, pacer: Pacer) -> None:
        merge_segments(self.db, pacer)

    def _giving_way(self, step: Callable[[Connection], T]) -> tuple[T, float]:
        return giving_way(self.db, step)

    def _free_set_aside(self) -> None:
        """Free the index a rebuild set aside, a slice of rows a transaction
        (its rows are deleted directly from its tables: it is never read again),
        then drop what is left of it."""
        with self.db.read() as conn:
            tables = {r[0] for r in conn.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE name LIKE 'paper_fts_old%'")}
        if not tables:
            return
        for shadow in ("data", "content", "docsize", "idx"):
            table = f"{OLD_INDEX}_{shadow}"
            keep = "rowid > 10" if shadow == "data" else "1"  # FTS5 reads rows 1-10 to drop the table
            rows = "rowid" if shadow != "idx" else "segid, term"
            pacer = Pacer(FREE_ROWS, 10, 5000)
            while table in tables:
                size = pacer.size
                sql = f"DELETE FROM {table} WHERE ({rows}) IN (SELECT {rows} FROM {table} WHERE {keep} LIMIT {size})"
                gone, took = self._giving_way(lambda conn, sql=sql: conn.exec_driver_sql(sql).rowcount)
                pacer.took(took)
                self.db.checkpoint()
                if gone < size:
                    break
        with self.db.write() as conn:
            drop_set_aside_index(conn)
