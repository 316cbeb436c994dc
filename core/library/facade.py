"""The library facade: every read and write of a library goes through here.
Each write is one transaction and returns a `Changes` value."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from lectern.core.domain.changes import CancelToken
from lectern.core.domain.entry import get, load_fields
from lectern.core.domain.identity import KINDS
from lectern.core.domain.names import short_authors
from lectern.core.domain.records import PAPER_COLUMNS, PaperRecord, SortKey, stored_time
from lectern.core.domain.shown_fields import ShownField, shown_fields
from lectern.core.library.attachments import Attachment, Attachments
from lectern.core.library.fulltext import FullText
from lectern.core.library.history import History
from lectern.core.library.lists import ReadingLists
from lectern.core.library.papers import Papers
from lectern.core.library.saved_searches import SavedSearches
from lectern.core.library.search_index import SearchIndex
from lectern.core.library.tags import Tags
from lectern.core.library.trash import Trash
from lectern.core.search.engine import (
    SearchResult,
    bounded_fulltext,
    combine,
    first_screen_ids,
    load_vocabulary,
    query_ids,
    suggest,
)
from lectern.core.search.query import DUPLICATE_KEYS, CompiledQuery, compile_query
from lectern.core.search.related import RelatedPaper, related_papers
from lectern.core.search.spelling import Vocabulary
from lectern.core.store.database import Database
from lectern.core.text.latex import find_links, latex_to_text

COLUMNS = ", ".join(PAPER_COLUMNS)


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
    authors: str = ""  # the short form: "Clark, Luong et al."
    venue: str = ""  # rendered for reading
    entry_type: str = ""


@dataclass(frozen=True)
class PaperDetail:
    """Everything the detail pane shows for one paper."""

    paper: PaperRecord
    title_text: str
    abstract_text: str
    links: list[str]
    tags: list[str] = field(default_factory=list)
    note: str = ""
    fields: list[ShownField] = field(default_factory=list)  # every field, read, in reading order
    parent_key: str | None = None  # the crossref parent's key, when it is in the library
    attachments: tuple[Attachment, ...] = ()  # the files attached, in order


class Library:
    """One open library file: its reads here, its writes in managers composed
    from one database and one undo history (`papers`, `tags`, `lists`,
    `trash`, `saved_searches`, `attachments`), and the search index's upkeep (`index`)."""

    def __init__(self, path: Path) -> None:
        self.db = Database(Path(path))
        self.path = self.db.path  # the real file (symlinks resolved)
        self.history = History(self.db)
        self.papers = Papers(self.db, self.history)
        self.tags = Tags(self.db, self.history)
        self.lists = ReadingLists(self.db, self.history)
        self.trash = Trash(self.db, self.history)
        self.saved_searches = SavedSearches(self.db, self.history, self.compile)
        self.index = SearchIndex(self.db)
        self.attachments = Attachments(self.db, self.history, self.path)
        self.fulltext = FullText(self.db)
        self._vocabulary: tuple[int, Vocabulary] | None = None
        self._count: tuple[int, int] | None = None  # (generation, papers): kept until the next write
        self._results: dict[tuple, tuple[list[int], bool]] = {}  # the last few searches' ids

    @classmethod
    def open(cls, path: Path) -> "Library":
        return cls(path)

    def close(self) -> None:
        self.attachments.purge()
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
        """Papers in the library (not in the Trash); counted once per write (the
        window shows it beside every result: a search worker counts it first)."""
        cached = self._count
        if cached is None or cached[0] != self.db.generation:
            generation = self.db.generation  # (before reading: a write meanwhile makes it stale)
            with self.db.read() as conn:
                cached = (generation, conn.exec_driver_sql(
                    "SELECT count(*) FROM paper WHERE deleted_at IS NULL").scalar_one())
            self._count = cached
        return cached[1]

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
            ranked = bool(combined.match) and sort is None
            if first_screen and (ranked or limit is None):
                # a common fulltext: word is read only as far as the screen needs
                screen, cut = bounded_fulltext(conn, combined, first_screen)
                if ranked:
                    ids, complete = first_screen_ids(conn, screen, first_screen)
                else:  # a listing: its first screen, the rest next
                    ids = query_ids(conn, screen, sort, descending, first_screen + 1)
                    complete = len(ids) <= first_screen
                    del ids[first_screen:]
                complete = complete and not cut
            else:
                complete = True
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

    def rows(self, ids: Sequence[int]) -> dict[int, PaperRow]:
        """Table rows for `ids` (missing ids are left out)."""
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        sql = (
            "SELECT p.id, p.title, p.starred, p.status, p.year, p.added_at, "
            "(SELECT group_concat(name, ', ') FROM (SELECT t.name AS name FROM paper_tag pt "
            "JOIN tag t ON t.id = pt.tag_id WHERE pt.paper_id = p.id ORDER BY t.name COLLATE NOCASE)), "
            f"p.authors, p.venue, p.entry_type, p.citation_key FROM paper p WHERE p.id IN ({marks})"
        )
        with self.db.read() as conn:
            cursor = conn.connection.driver_connection.execute(sql, tuple(ids))  # type: ignore[union-attr]
            return {
                r[0]: PaperRow(r[0], latex_to_text(r[1]) or f"[{r[10]}]", bool(r[2]), r[3], r[4], r[6] or "",
                               stored_time(r[5]),
                               short_authors(r[7]) if r[7] else "", latex_to_text(r[8]) if r[8] else "", r[9])
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
            crossref = (get(paper.fields, "crossref") or "").strip()
            parent = conn.exec_driver_sql(
                "SELECT citation_key, fields FROM paper WHERE citation_key = ? COLLATE NOCASE AND id != ?",
                (crossref, paper_id)).first() if crossref else None
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
            fields=shown_fields(paper.fields, load_fields(parent[1]) if parent else None),
            parent_key=parent[0] if parent else None,
            attachments=self.attachments.of(paper_id),
        )

    def attachments_of(self, paper_id: int) -> tuple[Attachment, ...]:
        """The files attached to one paper, in order, each with whether it is there."""
        return self.attachments.of(paper_id)

    def papers_for_export(self, ids: Sequence[int]) -> list[tuple[PaperRecord, list[str], str]]:
        """(paper, tags, note) for each of `ids` that exists, in `ids` order."""
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        with self.db.read() as conn:
            rows = {r[0]: r for r in conn.exec_driver_sql(f"SELECT {COLUMNS} FROM paper WHERE id IN ({marks})",
                                                          tuple(ids))}
            tags: dict[int, list[str]] = {}
            for paper_id, name in conn.exec_driver_sql(
                f"SELECT pt.paper_id, t.name FROM paper_tag pt JOIN tag t ON t.id = pt.tag_id "
                f"WHERE pt.paper_id IN ({marks}) ORDER BY t.name COLLATE NOCASE", tuple(ids)):
                tags.setdefault(paper_id, []).append(name)
            notes = dict(conn.exec_driver_sql(
                f"SELECT paper_id, body FROM note WHERE paper_id IN ({marks})", tuple(ids)).all())
            # read inside the transaction: a value that does not read back is damage (LibraryDamaged)
            return [(PaperRecord.from_values(rows[i]), tags.get(i, []), notes.get(i, "")) for i in ids if i in rows]

    def citation_keys_of(self, ids: Sequence[int]) -> dict[int, str]:
        """The citation key of each paper in `ids`."""
        if not ids:
            return {}
        with self.db.read() as conn:
            rows = conn.exec_driver_sql(
                f"SELECT id, citation_key FROM paper WHERE id IN ({','.join('?' * len(ids))})", tuple(ids))
            return {r[0]: r[1] for r in rows}

    def paper_id_of_key(self, citation_key: str) -> int | None:
        """The paper with this citation key (keys are unique regardless of case), or None."""
        with self.db.read() as conn:
            return conn.exec_driver_sql("SELECT id FROM paper WHERE citation_key = ? COLLATE NOCASE",
                                        (citation_key.strip(),)).scalar()

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

    def duplicate_group(self, paper_id: int) -> list[int]:
        """The paper and every live paper it is a copy of, directly or through
        another copy (same DOI, arXiv id or title: the keys `is:duplicate` uses), by id."""
        group = {paper_id}
        keys = DUPLICATE_KEYS
        with self.db.read() as conn:
            while True:
                marks = ",".join("?" * len(group))
                found = {row[0] for row in conn.exec_driver_sql(
                    "SELECT q.id FROM paper q JOIN paper p ON " + " OR ".join(f"q.{k} = p.{k}" for k in keys)
                    + f" WHERE p.id IN ({marks}) AND q.deleted_at IS NULL", tuple(group))}
                if found <= group:
                    return sorted(group)
                group |= found

    def citation_keys(self) -> set[str]:
        """All citation keys in use, lower-cased (Trash included)."""
        with self.db.read() as conn:
            return {r[0].lower() for r in conn.exec_driver_sql("SELECT citation_key FROM paper")}
