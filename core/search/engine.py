"""Full-text search over the FTS5 index in the library database: ranked ids for
a query, "did you mean", and the spans to highlight in shown text."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from lectern.core.domain.records import SortKey
from lectern.core.search.query import CompiledQuery
from lectern.core.search.spelling import Vocabulary, fold, stem, surface_form, words
from lectern.core.store.database import Connection
from lectern.core.store.fulltext_schema import PAPERS_WITH_PAGES

# bm25 weights per FTS column: title, abstract, authors, notes, tags, venue, editor.
BM25 = "bm25(paper_fts, 10.0, 1.0, 3.0, 2.0, 3.0, 1.0, 1.0)"
SORT_SQL: dict[SortKey, str] = {  # one order for each of SORT_KEYS
    "title": "p.title COLLATE NOCASE",
    "starred": "p.starred",
    "status": "p.status",
    "year": "p.year",
    # by the first tag in alphabetical order (papers without tags first)
    "tags": "(SELECT min(t.name COLLATE NOCASE) FROM paper_tag pt JOIN tag t ON t.id = pt.tag_id "
    "WHERE pt.paper_id = p.id)",
    "added": "p.added_at",
    "authors": "p.authors_sort",  # stored sort keys (core/domain/sorting.py), indexed
    "venue": "p.venue_sort",
    "type": "p.entry_type COLLATE NOCASE",
}


RANK_ALL = 1000  # up to this many matches, every match is ranked at every keystroke


@dataclass
class SearchResult:
    """Ranked paper ids for a query, and what to highlight. `complete` is False
    for a first screen of a very large result; the full ranking follows."""

    ids: list[int]
    query: CompiledQuery
    suggestion: str | None = None
    text: str = ""
    complete: bool = True


def combine(*queries: CompiledQuery) -> CompiledQuery:
    """AND several compiled queries (the sidebar's view and the search box)."""
    matches = [q.match for q in queries if q.match]
    return CompiledQuery(
        match=" AND ".join(f"({m})" for m in matches) if matches else None,
        where=[w for q in queries for w in q.where],
        params=[p for q in queries for p in q.params],
        include_trashed=any(q.include_trashed for q in queries),
        terms=[t for q in queries for t in q.terms],
        list_name=next((q.list_name for q in queries if q.list_name), None),
        fulltext_match=matched[0].fulltext_match if len(matched := [q for q in queries if q.match]) == 1 else None,
        page_match=" AND ".join(f"({q.page_match})" for q in queries if q.page_match) or None,
    )


def _select(query: CompiledQuery, match: str | None) -> tuple[str, list[Any]]:
    """`SELECT p.id FROM ... WHERE ...` for a query (with `match` as its MATCH)."""
    where = [] if query.include_trashed else ["p.deleted_at IS NULL"]
    where += [f"({w})" for w in query.where]
    params: list[Any] = []
    source = "paper p"
    if match:
        # CROSS JOIN keeps the index as the outer loop: SQLite must not walk the
        # papers in id order and probe the index once per paper.
        source = "paper_fts CROSS JOIN paper p ON p.id = paper_fts.rowid"
        where.insert(0, "paper_fts MATCH ?")
        params.append(match)
    return f"SELECT p.id FROM {source} WHERE {' AND '.join(where) or '1'}", params + list(query.params)


def _record_or_fulltext(query: CompiledQuery) -> CompiledQuery:
    """`query` with its words matching either the record or a page of the full text."""
    return replace(query, match=None, fulltext_match=None, where=[
        f"p.id IN (SELECT rowid FROM paper_fts WHERE paper_fts MATCH ?) OR p.id IN ({PAPERS_WITH_PAGES})",
        *query.where], params=[query.match, query.fulltext_match, *query.params])


def fulltext_only_ids(conn: Connection, query: CompiledQuery, found: list[int], limit: int | None = None,
                      ranked: bool = True) -> list[int]:
    """The papers whose full text matches `query.fulltext_match` and that are not in
    `found` (the record hits): ranked by their best page, or newest pages first."""
    where = [] if query.include_trashed else ["p.deleted_at IS NULL"]
    where += [f"({w})" for w in query.where]
    if ranked:  # each paper by its best document (bm25 is not allowed inside an aggregate: rank it first)
        hits = ("SELECT a.paper_id AS pid, min(d.score) AS score FROM (SELECT rowid, rank AS score FROM document_fts "
                "WHERE document_fts MATCH ? ORDER BY rank) d JOIN attachment a ON a.id = d.rowid GROUP BY a.paper_id")
    else:  # the newest matching documents only: fast however many match
        hits = ("SELECT a.paper_id AS pid, -max(d.rowid) AS score FROM (SELECT rowid FROM document_fts "
                f"WHERE document_fts MATCH ? ORDER BY rowid DESC LIMIT {int(limit or RANK_ALL) * 2}) d "
                "JOIN attachment a ON a.id = d.rowid GROUP BY a.paper_id")
    sql = (f"SELECT p.id FROM ({hits}) x JOIN paper p ON p.id = x.pid "
           f"WHERE {' AND '.join(where) or '1'} ORDER BY x.score, p.id")
    seen = set(found)
    ids = [i for i in fetch_ids(conn, sql, [query.fulltext_match, *query.params]) if i not in seen]
    return ids[:limit] if limit is not None else ids


def query_ids(
    conn: Connection, query: CompiledQuery, sort: str | None = None, descending: bool = False,
    limit: int | None = None,
) -> list[int]:
    """Ids matching `query`: by relevance when it has text and no sort is given,
    otherwise by the sort column (ties by id). Papers found only in their full
    text come after those whose record matches."""
    if query.fulltext_match and query.match:
        if sort in SORT_SQL:
            return query_ids(conn, _record_or_fulltext(query), sort, descending, limit)
        found = query_ids(conn, replace(query, fulltext_match=None), sort, descending, limit)
        if limit is not None and len(found) >= limit:
            return found
        return found + fulltext_only_ids(conn, query, found, None if limit is None else limit - len(found))
    direction = "DESC" if descending else "ASC"
    extra: list[Any] = []
    if query.match and sort not in SORT_SQL:
        order = f"{BM25}, p.id"
    elif query.list_name and sort not in SORT_SQL:
        order = ("(SELECT li.position FROM reading_list_item li JOIN reading_list l ON l.id = li.list_id "
                 "WHERE li.paper_id = p.id AND l.name = ? COLLATE NOCASE), p.id")
        extra = [query.list_name]
    else:
        order = f"{SORT_SQL[sort if sort in SORT_SQL else 'added']} {direction}, p.id {direction}"
    sql, params = _select(query, query.match)
    params += extra
    sql += f" ORDER BY {order}"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return fetch_ids(conn, sql, params)


def first_screen_ids(conn: Connection, query: CompiledQuery, size: int) -> tuple[list[int], bool]:
    """The papers a user sees first, fast even when nearly every paper matches.
    Up to RANK_ALL matches are all ranked by bm25 (complete=True); beyond that,
    ranking every match costs 100s of ms at 100k papers, so the first screen is
    the newest papers matching in their title, then anywhere (complete=False)."""
    sql, params = _select(query, query.match)
    if not query.match or len(fetch_ids(conn, sql + f" LIMIT {RANK_ALL + 1}", params)) <= RANK_ALL:
        found = query_ids(conn, replace(query, fulltext_match=None))
        if not query.fulltext_match:
            return found, True
        if len(found) >= size:  # the record hits fill the screen; the full-text ones follow in the full ranking
            return found, False
        more = fulltext_only_ids(conn, query, found, size - len(found) + 1, ranked=False)
        return found + more[: size - len(found)], False  # ranked in the full result that follows
    ids: dict[int, None] = {}
    for match in (f"title : ({query.match})", query.match):
        sql, params = _select(query, match)
        ids.update(dict.fromkeys(fetch_ids(conn, sql + f" ORDER BY paper_fts.rowid DESC LIMIT {size}", params)))
        if len(ids) >= size:
            break
    return list(ids)[:size], False


def fetch_ids(conn: Connection, sql: str, params: list[Any] | tuple[Any, ...] = ()) -> list[int]:
    """First column of every row, read through the driver (100k ids in ~10 ms)."""
    cursor = conn.connection.driver_connection.execute(sql, tuple(params))  # type: ignore[union-attr]
    return [row[0] for row in cursor.fetchall()]


def load_vocabulary(conn: Connection) -> Vocabulary:
    """The index's terms with the number of papers holding each."""
    rows = conn.exec_driver_sql("SELECT term, doc FROM paper_fts_vocab")
    return Vocabulary({term: doc for term, doc in rows})


def suggest(conn: Connection, text: str, vocabulary: Vocabulary) -> str | None:
    """A corrected query when words of `text` are not in the library: each unknown
    word replaced by the closest word the library holds (`pretrainig` -> `pretraining`)."""
    corrected = text
    changed = False
    for word in dict.fromkeys(re.findall(r"(?<![:\w])([^\W\d_]{3,})\b", text)):
        if word.upper() in ("AND", "OR", "NOT") or vocabulary.doc_counts.get(stem(word)):
            continue
        candidates = vocabulary.close_terms(word, maxdist=2, limit=3)
        if not candidates:
            continue
        best = candidates[0]
        rows = conn.exec_driver_sql(
            "SELECT title || ' ' || abstract || ' ' || notes || ' ' || tags FROM paper_fts "
            "WHERE paper_fts MATCH ? LIMIT 8",
            ('"' + best.replace('"', '""') + '"',),
        )
        form = surface_form(best, word, [r[0] for r in rows]) or best
        corrected = re.sub(rf"(?<![:\w]){re.escape(word)}\b", form, corrected)
        changed = True
    corrected = corrected.strip()
    return corrected if changed and corrected != text.strip() else None


# -- highlighting -------------------------------------------------------------

_TOKEN = re.compile(r"\w+", re.UNICODE)


@dataclass
class Highlighter:
    """Which shown words a query matched, for one field (title, abstract, ...)."""

    stems: set[str] = field(default_factory=set)
    prefixes: list[str] = field(default_factory=list)

    @classmethod
    def for_field(cls, query: CompiledQuery, fieldname: str) -> "Highlighter":
        lit = cls()
        for kind, term_field, text in query.terms:
            if term_field not in ("text", fieldname):
                continue
            if kind == "prefix":
                lit.prefixes.append(fold(text))
            elif kind == "stem":
                lit.stems.add(text)
            else:
                for word in words(text):
                    lit.stems.add(stem(word))
                joined = "".join(words(text))
                if joined:
                    lit.stems.add(stem(joined))
        return lit

    def __bool__(self) -> bool:
        return bool(self.stems or self.prefixes)

    def _hit(self, word: str) -> bool:
        folded = fold(word)
        return stem(word) in self.stems or any(folded.startswith(p) for p in self.prefixes)

    def spans(self, text: str) -> list[tuple[int, int]]:
        """(start, end) character spans of matched words, in order; a hyphenated
        word counts as matched when its joined form is (`Pre-training`)."""
        if not self:
            return []
        tokens = list(_TOKEN.finditer(text))
        found: list[tuple[int, int]] = []
        i = 0
        while i < len(tokens):
            token = tokens[i]
            j = i
            while j + 1 < len(tokens) and tokens[j + 1].start() == tokens[j].end() + 1 and text[tokens[j].end()] == "-":
                j += 1
            if j > i:
                joined = "".join(t.group(0) for t in tokens[i : j + 1])
                if self._hit(joined):
                    found.append((token.start(), tokens[j].end()))
                    i = j + 1
                    continue
            if self._hit(token.group(0)):
                found.append((token.start(), token.end()))
            i += 1
        return found
