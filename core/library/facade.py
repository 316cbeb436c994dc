"""The library facade: every read and write of a library goes through here.
Each write is one transaction and returns a `Changes` value."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from lectern.core.domain.changes import CancelToken, Changes, Collection, Progress, in_chunks
from lectern.core.domain.citekeys import generate_keys
from lectern.core.domain.identity import KINDS, normal_arxiv, normal_doi, normal_title, stored
from lectern.core.domain.records import PAPER_COLUMNS, NewPaper, PaperRecord, SortKey, clean_name, stored_time
from lectern.core.library.annotations import Annotations
from lectern.core.library.rows import now_text
from lectern.core.search.engine import SearchResult, combine, first_screen_ids, load_vocabulary, query_ids, suggest
from lectern.core.search.index import (
    FTS_AUTOMERGE,
    FTS_CRISISMERGE,
    bulk_index_buffer,
    deferred_indexing,
    fts_setting,
    index_papers,
    recreate_search_index,
)
from lectern.core.search.query import CompiledQuery, compile_query
from lectern.core.search.related import RelatedPaper, related_papers
from lectern.core.search.spelling import Vocabulary
from lectern.core.store.database import Database, WriteYielded
from lectern.core.store.migrations import FTS_OBJECTS
from lectern.core.store.undo import UndoStack, log_inserted, paused
from lectern.core.text.latex import find_links, latex_to_text

INSERT_BATCH = 2000
REBUILD_BATCH = 300  # papers a rebuild indexes per transaction (about 20 ms at 100k)
MERGE_PAGES = 64  # index pages a rebuild merges per transaction afterwards
COLUMNS = ", ".join(PAPER_COLUMNS)
ProgressFn = Callable[[Progress], None]


@dataclass(frozen=True)
class PaperRow:
    """What the paper table shows for one paper."""

    id: int
    title: str  # rendered for reading
    starred: bool
    status: str
    year: int | None
    tags: str
    added_at: datetime


@dataclass(frozen=True)
class SavedSearchRow:
    id: int
    name: str
    query: str


@dataclass(frozen=True)
class PaperDetail:
    """Everything the detail pane shows for one paper."""

    paper: PaperRecord
    title_text: str
    abstract_text: str
    links: list[str]
    tags: list[str] = field(default_factory=list)
    note: str = ""


class Library(Annotations):
    """One open library file."""

    def __init__(self, path: Path) -> None:
        self.db = Database(Path(path))
        self.path = self.db.path  # the real file (symlinks resolved)
        self.undo_stack = UndoStack()
        self._vocabulary: tuple[int, Vocabulary] | None = None
        self._results: dict[tuple, tuple[list[int], bool]] = {}  # the last few searches' ids

    @classmethod
    def open(cls, path: Path) -> "Library":
        return cls(path)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "Library":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- meta -----------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        with self.db.read() as conn:
            return conn.exec_driver_sql("SELECT value FROM meta WHERE key = ?", (key,)).scalar()

    # -- reads ----------------------------------------------------------
    def count(self) -> int:
        """Papers in the library (not in the Trash)."""
        with self.db.read() as conn:
            return conn.exec_driver_sql("SELECT count(*) FROM paper WHERE deleted_at IS NULL").scalar_one()

    def paper_ids(self, sort: SortKey = "added", descending: bool = False) -> list[int]:
        """Ids of the library's papers in display order (sorted in SQL)."""
        return self.search("", sort=sort, descending=descending).ids

    # -- search -----------------------------------------------------------
    def vocabulary(self) -> Vocabulary:
        """The search index's terms (cached until the next write)."""
        cached = self._vocabulary
        if cached is None or cached[0] != self.db.generation:
            with self.db.read() as conn:
                cached = (self.db.generation, load_vocabulary(conn))
            self._vocabulary = cached
        return cached[1]

    def compile(self, text: str, typing: bool = False) -> CompiledQuery:
        """Compile a query (raises QueryError with a short message)."""
        return compile_query(text, lambda w, d: self.vocabulary().close_terms(w, maxdist=d, limit=16), typing=typing)

    def search(
        self, text: str, scope: str = "", sort: str | None = None, descending: bool = False,
        typing: bool = False, limit: int | None = None, first_screen: int | None = None,
        cancel: CancelToken | None = None, suggest_spelling: bool = True,
    ) -> SearchResult:
        """Papers matching `text` within the view `scope` (both in the query
        language), ranked by relevance unless `sort` names a column. With
        `first_screen`, a result longer than a screen may come back as its
        first screen only (complete=False): listing 100k ids alone takes
        50-80 ms, ranking them longer. `cancel` aborts a running query (Cancelled)."""
        query = self.compile(text, typing=typing)
        combined = combine(self.compile(scope), query) if scope else query
        key = (combined.match, tuple(combined.where), tuple(combined.params), combined.include_trashed,
               combined.list_name, sort, descending, limit, first_screen, self.db.generation)
        cached = self._results.get(key)
        if cached is not None:  # the same query as a keystroke ago ("masked l" is "masked ")
            ids, complete = cached
            spell = suggest_spelling and complete and not ids and query.match
            return SearchResult(ids=ids, query=combined, text=text, complete=complete,
                                suggestion=self.suggestion(text) if spell else None)
        with self.db.read() as conn, self.db.cancellable(conn, cancel):
            complete = True
            if first_screen and combined.match and sort is None:
                ids, complete = first_screen_ids(conn, combined, first_screen)
            elif first_screen and limit is None:  # a listing: its first screen, the rest next
                ids = query_ids(conn, combined, sort, descending, first_screen + 1)
                complete = len(ids) <= first_screen
                del ids[first_screen:]
            else:
                ids = query_ids(conn, combined, sort, descending, limit)
            wants = suggest_spelling and complete and not ids and query.match
            suggestion = suggest(conn, text, self.vocabulary()) if wants else None
        self._results[key] = (ids, complete)
        while len(self._results) > 8:
            self._results.pop(next(iter(self._results)))
        return SearchResult(ids=ids, query=combined, suggestion=suggestion, text=text, complete=complete)

    def suggestion(self, text: str) -> str | None:
        """A corrected query from the library's own words, or None."""
        with self.db.read() as conn:
            return suggest(conn, text, self.vocabulary())

    def related(self, paper_id: int, limit: int = 10) -> list[RelatedPaper]:
        """The papers most similar to one paper, with the words they share."""
        with self.db.read() as conn:
            return related_papers(conn, paper_id, limit)

    def check_search_index(self) -> str | None:
        """None when the search index is whole, else what is wrong with it.
        FTS5's integrity-check is written as an INSERT, so it needs the write
        lock; it runs as a yielding write, which gives way to any write from
        the window and is tried again after it."""
        with self.db.read() as conn:
            present = {r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master")}
        missing = [name for name in FTS_OBJECTS if name not in present]
        if missing:
            return "the search index is missing (" + ", ".join(missing[:3]) + ")"
        try:
            while True:
                try:
                    with self.db.yielding_write() as conn:
                        conn.exec_driver_sql("INSERT INTO paper_fts (paper_fts, rank) VALUES ('integrity-check', 0)")
                    break
                except WriteYielded:
                    self.db.wait_for_writers()
            with self.db.read() as conn:
                count = conn.exec_driver_sql("SELECT count(*) FROM paper_fts").scalar_one()
                papers = conn.exec_driver_sql("SELECT count(*) FROM paper").scalar_one()
        except sqlite3.Error as exc:
            return f"the search index is damaged ({exc})"
        if count != papers:
            return f"the search index holds {count} papers of {papers}"
        return None

    def rebuild_search_index(self, progress: ProgressFn | None = None, cancel: CancelToken | None = None) -> Changes:
        """Drop the search index and build it again from the papers, in short
        transactions, so a write from the window waits a few milliseconds at
        most: REBUILD_BATCH papers each (FTS5's automatic merging is off
        meanwhile: one batch's merge took 0.5 s), then the segments are merged
        a few pages a transaction. The index is partial meanwhile (searches find
        what is indexed so far; papers written meanwhile are indexed by their
        triggers). A crash or cancel midway leaves a partial but sound index,
        which `check_search_index` reports (it counts), so the next start rebuilds it."""
        with self.db.write() as conn:
            recreate_search_index(conn)
            fts_setting(conn, "automerge", 0)
            fts_setting(conn, "crisismerge", 100_000)
        with self.db.read() as conn:
            ids = [r[0] for r in conn.exec_driver_sql("SELECT id FROM paper ORDER BY id")]
        with self.db.own_checkpoints():  # the window's star must not pay for the rebuild's pages
            done = 0
            for batch in in_chunks(ids, REBUILD_BATCH, "Rebuilding the search index", progress, cancel):
                done += len(batch)
                with self.db.write() as conn:  # a trigger may have indexed some of them already
                    conn.exec_driver_sql("DELETE FROM paper_fts WHERE rowid BETWEEN ? AND ?", (batch[0], batch[-1]))
                    index_papers(conn, "rowid BETWEEN ? AND ?", (batch[0], batch[-1]))
                    if done >= len(ids):  # whole: merging as usual from the same commit
                        fts_setting(conn, "automerge", FTS_AUTOMERGE)
                        fts_setting(conn, "crisismerge", FTS_CRISISMERGE)
                self.db.checkpoint()
            if not ids:
                with self.db.write() as conn:
                    fts_setting(conn, "automerge", FTS_AUTOMERGE)
                    fts_setting(conn, "crisismerge", FTS_CRISISMERGE)
            merging = True
            while merging:
                with self.db.write() as conn:
                    before = conn.raw.total_changes
                    fts_setting(conn, "merge", MERGE_PAGES)
                    merging = conn.raw.total_changes - before >= 2  # FTS5's sign that work remains
                self.db.checkpoint()
        return Changes(membership=True)

    # -- saved searches -----------------------------------------------------
    def saved_searches(self) -> list[SavedSearchRow]:
        with self.db.read() as conn:
            rows = conn.exec_driver_sql("SELECT id, name, query FROM saved_search ORDER BY name COLLATE NOCASE")
            return [SavedSearchRow(*r) for r in rows]

    def save_search(self, name: str, query: str) -> Changes:
        """Save (or replace) a named query; it stays live as the library changes."""
        name = name.strip()
        if not name:
            raise ValueError("A saved search needs a name.")
        self.compile(query)  # refuse a query that cannot run
        return self._change(
            f"Save search {name}",
            lambda conn: conn.exec_driver_sql(
                "INSERT INTO saved_search (name, query, created_at) VALUES (?, ?, ?) "
                "ON CONFLICT (name) DO UPDATE SET query = excluded.query",
                (name, query, now_text())),
            Changes(collections=frozenset({Collection.SEARCHES})))

    def delete_saved_search(self, search_id: int) -> Changes:
        return self._change(
            "Delete saved search",
            lambda conn: conn.exec_driver_sql("DELETE FROM saved_search WHERE id = ?", (search_id,)),
            Changes(collections=frozenset({Collection.SEARCHES})))

    def rows(self, ids: Sequence[int]) -> dict[int, PaperRow]:
        """Table rows for `ids` (missing ids are left out)."""
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        sql = (
            "SELECT p.id, p.title, p.starred, p.status, p.year, p.added_at, "
            "(SELECT group_concat(name, ', ') FROM (SELECT t.name AS name FROM paper_tag pt "
            "JOIN tag t ON t.id = pt.tag_id WHERE pt.paper_id = p.id ORDER BY t.name COLLATE NOCASE)) "
            f"FROM paper p WHERE p.id IN ({marks})"
        )
        with self.db.read() as conn:
            cursor = conn.connection.driver_connection.execute(sql, tuple(ids))  # type: ignore[union-attr]
            return {
                r[0]: PaperRow(r[0], latex_to_text(r[1]), bool(r[2]), r[3], r[4], r[6] or "", stored_time(r[5]))
                for r in cursor.fetchall()
            }

    def paper(self, paper_id: int) -> PaperDetail | None:
        """One paper with its tags and note, rendered for reading."""
        with self.db.read() as conn:
            row = conn.exec_driver_sql(f"SELECT {COLUMNS} FROM paper WHERE id = ?", (paper_id,)).mappings().first()
            if row is None:
                return None
            tags = [
                r[0]
                for r in conn.exec_driver_sql(
                    "SELECT t.name FROM paper_tag pt JOIN tag t ON t.id = pt.tag_id "
                    "WHERE pt.paper_id = ? ORDER BY t.name COLLATE NOCASE",
                    (paper_id,),
                )
            ]
            note = conn.exec_driver_sql("SELECT body FROM note WHERE paper_id = ?", (paper_id,)).scalar() or ""
        paper = PaperRecord.from_row(row)
        links = find_links(paper.abstract)
        if paper.url and paper.url not in links:
            links.insert(0, paper.url)
        return PaperDetail(
            paper=paper,
            title_text=latex_to_text(paper.title),
            abstract_text=latex_to_text(paper.abstract),
            links=links,
            tags=tags,
            note=note,
        )

    def papers_for_export(self, ids: Sequence[int]) -> list[tuple[PaperRecord, list[str], str]]:
        """(paper, tags, note) for each of `ids` that exists, in `ids` order."""
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        with self.db.read() as conn:
            rows = {r["id"]: r for r in conn.exec_driver_sql(
                f"SELECT {COLUMNS} FROM paper WHERE id IN ({marks})", tuple(ids)).mappings()}
            tags: dict[int, list[str]] = {}
            for paper_id, name in conn.exec_driver_sql(
                f"SELECT pt.paper_id, t.name FROM paper_tag pt JOIN tag t ON t.id = pt.tag_id "
                f"WHERE pt.paper_id IN ({marks}) ORDER BY t.name COLLATE NOCASE", tuple(ids)):
                tags.setdefault(paper_id, []).append(name)
            notes = dict(conn.exec_driver_sql(
                f"SELECT paper_id, body FROM note WHERE paper_id IN ({marks})", tuple(ids)).all())
        return [(PaperRecord.from_row(rows[i]), tags.get(i, []), notes.get(i, "")) for i in ids if i in rows]

    def citation_keys_of(self, ids: Sequence[int]) -> dict[int, str]:
        """The citation key of each paper in `ids`."""
        if not ids:
            return {}
        with self.db.read() as conn:
            rows = conn.exec_driver_sql(
                f"SELECT id, citation_key FROM paper WHERE id IN ({','.join('?' * len(ids))})", tuple(ids))
            return {r[0]: r[1] for r in rows}

    def identity_index(self) -> dict[str, dict[str, int]]:
        """What identifies a paper -> its id, by kind (`lectern.core.domain.identity`):
        the keys stored with each paper (the same ones `is:duplicate` groups on)."""
        index: dict[str, dict[str, int]] = {kind: {} for kind in KINDS}
        with self.db.read() as conn:
            for paper_id, *keys in conn.exec_driver_sql(
                "SELECT id, doi_key, arxiv_key, lower(citation_key), title_key FROM paper "
                "WHERE deleted_at IS NULL ORDER BY id"):
                for kind, value in zip(KINDS, keys):
                    if value:
                        index[kind].setdefault(value, paper_id)
        return index

    def citation_keys(self) -> set[str]:
        """All citation keys in use, lower-cased (Trash included)."""
        with self.db.read() as conn:
            return {r[0].lower() for r in conn.exec_driver_sql("SELECT citation_key FROM paper")}

    # -- writes ---------------------------------------------------------
    def add_papers(
        self,
        papers: Sequence[NewPaper],
        progress: ProgressFn | None = None,
        cancel: CancelToken | None = None,
        meta: dict[str, str] | None = None,
        tags: Sequence[Sequence[str]] | None = None,
        notes: Sequence[str] | None = None,
        undoable: bool = True,
    ) -> Changes:
        """Add papers in one transaction: all of them, or (on error or cancel)
        none. Their `tags` and `notes` (in the same order) and `meta` entries
        are written in the same transaction. One undo step ("Add N papers",
        or part of the step it runs in, such as an import) unless not `undoable`
        (the default library loaded into a new one)."""
        if undoable and self._recording() is None:
            with self.undo_step(f"Add {len(papers)} paper{'' if len(papers) == 1 else 's'}") as step:
                step.changes = self.add_papers(papers, progress, cancel, meta, tags, notes)
            return step.changes
        now = now_text()
        recorded = ("paper", "tag", "paper_tag", "note")
        with self.db.write() as conn, paused(conn, recorded):
            taken = {r[0].lower() for r in conn.exec_driver_sql("SELECT citation_key FROM paper")}
            generated = generate_keys(
                ((p.title, p.authors, p.year) for p in papers if not p.citation_key), taken
            )
            keys = iter(generated)
            values = []
            for p in papers:
                key = p.citation_key
                if key is None:
                    key = next(keys)
                else:
                    taken.add(key.lower())
                values.append((p.title, p.abstract, p.authors, p.year, p.venue, p.arxiv_id, p.doi, p.url, key, now, now,
                               stored(normal_title(p.title)), stored(normal_doi(p.doi)),
                               stored(normal_arxiv(p.arxiv_id))))
            before = conn.exec_driver_sql("SELECT coalesce(max(id), 0) FROM paper").scalar_one()
            tags_before = conn.exec_driver_sql("SELECT coalesce(max(id), 0) FROM tag").scalar_one()
            raw = conn.connection.driver_connection
            with deferred_indexing(conn):  # papers, tags and notes indexed once, below
                for batch in in_chunks(values, INSERT_BATCH, "Adding papers", progress, cancel):
                    raw.executemany(  # type: ignore[union-attr]
                        "INSERT INTO paper (title, abstract, authors, year, venue, arxiv_id, doi, url, citation_key, "
                        "added_at, updated_at, title_key, doi_key, arxiv_key) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        batch)
                new_ids = [r[0] for r in conn.exec_driver_sql(
                    "SELECT id FROM paper WHERE id > ? ORDER BY id", (before,))]
                _add_tags_and_notes(raw, new_ids, tags or [], notes or [])
            if progress:
                progress(Progress(len(values), len(values), "Indexing for search"))
            with bulk_index_buffer(conn):
                index_papers(conn, "rowid > ?", (before,))
            if undoable:  # the new rows, for undo: logged in one statement a table, not by triggers
                log_inserted(conn, "paper", "id > ?", (before,))
                log_inserted(conn, "tag", "id > ?", (tags_before,))
                log_inserted(conn, "paper_tag", "paper_id > ?", (before,))
                log_inserted(conn, "note", "paper_id > ?", (before,))
            for key, value in (meta or {}).items():
                conn.exec_driver_sql("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))
        return Changes(papers=frozenset(new_ids), membership=True,
                       collections=frozenset({Collection.TAGS}) if tags else frozenset())


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
