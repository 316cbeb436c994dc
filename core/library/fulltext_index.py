"""The full-text indexes' health (page_fts, document_fts): checking them beside
the search index, and rebuilding them from the kept pages. The pages' text is
kept in `fulltext_page` alone (page_fts's external content; document_fts keeps
no text), so a rebuild loses nothing: it drops both indexes and indexes every
attachment's pages again, a few attachments a transaction that gives way to
the window's writes. Pages saved meanwhile are indexed by their triggers; an
attachment indexed already (its docsize row) is left as it is."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from lectern.core.domain.changes import CancelToken, Progress, ProgressFn
from lectern.core.library.pacing import Pacer, giving_way, merge_segments
from lectern.core.search.index import FTS_AUTOMERGE, FTS_CRISISMERGE, fts_setting, recreate_fulltext_index
from lectern.core.store.database import Connection, Database, WriteYielded
from lectern.core.store.fulltext_schema import FULLTEXT_INDEX_TABLES, FULLTEXT_OBJECTS, PAGE_ROWS, document_text

REBUILD_ATTACHMENTS = 10  # attachments indexed by the first transaction of a rebuild; then paced
MERGE_PAGES = 16


def fulltext_problem(db: Database, thorough: bool = False) -> str | None:
    """None when the full-text indexes are whole, else what is wrong. Always (in
    a read transaction): every object is there, page_fts holds every kept page
    and document_fts every attachment with pages, and each whole term index
    reads back (a scan of its vocabulary decodes every segment). `thorough`
    adds FTS5's integrity-check of each (written as an INSERT: the write lock)."""
    try:
        with db.read() as conn:
            present = {r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master")}
            missing = [name for name in FULLTEXT_OBJECTS if name not in present]
            if missing:
                return "the full-text index is missing (" + ", ".join(missing[:3]) + ")"
            pages, documents = conn.exec_driver_sql(
                "SELECT count(*), count(DISTINCT attachment_id) FROM fulltext_page").first()
            indexed_pages = conn.exec_driver_sql("SELECT count(*) FROM page_fts_docsize").scalar_one()
            indexed_documents = conn.exec_driver_sql("SELECT count(*) FROM document_fts_docsize").scalar_one()
            for table in FULLTEXT_INDEX_TABLES:
                conn.exec_driver_sql(f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{table}_terms "
                                     f"USING fts5vocab(main, {table}, 'row')")
                conn.exec_driver_sql(f"SELECT count(*), sum(cnt) FROM temp.{table}_terms").all()
        if thorough:
            for table in FULLTEXT_INDEX_TABLES:
                while True:
                    try:
                        with db.yielding_write() as conn:
                            conn.exec_driver_sql(f"INSERT INTO {table} ({table}, rank) VALUES ('integrity-check', 0)")
                        break
                    except WriteYielded:
                        db.wait_for_writers()
    except sqlite3.Error as exc:
        return f"the full-text index is damaged ({exc})"
    if indexed_pages != pages:
        return f"the full-text index holds {indexed_pages:,} pages of {pages:,}"
    if indexed_documents != documents:
        return f"the full-text index holds {indexed_documents:,} documents of {documents:,}"
    return None


def rebuild_fulltext(db: Database, progress: ProgressFn | None = None, cancel: CancelToken | None = None) -> None:
    """Drop both full-text indexes and index every kept page again (see the module).
    FTS5's automatic merging is off meanwhile and segments are merged after each
    transaction, as the search index's rebuild does. Cut short, it leaves indexes
    that hold fewer pages than are kept, which the next check reports."""
    with db.write() as conn:
        recreate_fulltext_index(conn)
        for table in FULLTEXT_INDEX_TABLES:
            fts_setting(conn, "automerge", 0, table)
            fts_setting(conn, "crisismerge", 100_000, table)
    with db.read() as conn:
        ids = [r[0] for r in conn.exec_driver_sql("SELECT DISTINCT attachment_id FROM fulltext_page "
                                                  "ORDER BY attachment_id")]
    with db.own_checkpoints():
        pacer, merge_pacer, done = Pacer(REBUILD_ATTACHMENTS, 1, 500), Pacer(MERGE_PAGES, 2, 512), 0
        while done < len(ids):
            if cancel:
                cancel.check()
            batch = ids[done : done + pacer.size]
            last = done + len(batch) >= len(ids)

            def index_batch(conn: Connection, batch: Sequence[int] = batch, last: bool = last) -> None:
                for attachment_id in batch:
                    first = attachment_id * PAGE_ROWS
                    conn.exec_driver_sql(  # pages saved meanwhile were indexed by their trigger
                        "INSERT INTO page_fts (rowid, text) SELECT id, text FROM fulltext_page "
                        "WHERE attachment_id = ? AND id NOT IN "
                        "(SELECT id FROM page_fts_docsize WHERE id BETWEEN ? AND ?)",
                        (attachment_id, first, first + PAGE_ROWS - 1))
                    conn.exec_driver_sql(  # the text FullText.save indexed, read back as the trigger reads it
                        f"INSERT INTO document_fts (rowid, text) SELECT ?, {document_text('?')} "
                        "WHERE NOT EXISTS (SELECT 1 FROM document_fts_docsize WHERE id = ?) "
                        "AND EXISTS (SELECT 1 FROM fulltext_page WHERE attachment_id = ?)",
                        (attachment_id, attachment_id, attachment_id, attachment_id))
                if last:
                    _merging_as_usual(conn)

            pacer.took(giving_way(db, index_batch)[1])
            done += len(batch)
            db.checkpoint()
            for table in FULLTEXT_INDEX_TABLES:
                merge_segments(db, merge_pacer, table)
            if progress:
                progress(Progress(done, len(ids), "Rebuilding the full-text index", unit="PDFs"))
        if not ids:
            with db.write() as conn:
                _merging_as_usual(conn)


def _merging_as_usual(conn: Connection) -> None:
    for table in FULLTEXT_INDEX_TABLES:
        fts_setting(conn, "automerge", FTS_AUTOMERGE, table)
        fts_setting(conn, "crisismerge", FTS_CRISISMERGE, table)
