"""Full-text search over the FTS5 index in the library database: ranked ids for
a query, "did you mean", and the spans to highlight in shown text."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from typing import Any

from lectern.core.domain.records import SortKey
from lectern.core.search.query import DUPLICATE_KEYS, FTS_COLUMNS, CompiledQuery, DocumentMatch, word_variants
from lectern.core.search.spelling import Vocabulary, stem, surface_form, words
from lectern.core.store.database import Connection
from lectern.core.store.fulltext_schema import PAPERS_OF_DOCUMENTS, PAPERS_WITH_PAGES, PAPERS_WITH_TEXT

# bm25 weights per FTS column: title, abstract, authors, notes, tags, venue, editor.
BM25 = "bm25(paper_fts, 10.0, 1.0, 3.0, 2.0, 3.0, 1.0, 1.0)"
SORT_SQL: dict[SortKey, str] = {  # one order for each of SORT_KEYS
    "title": "p.title COLLATE NOCASE",
    "starred": "p.starred",
    "status": "p.status",
    "year": "p.year",
    # by the first tag in alphabetical order (papers without tags first)
    "tags": "tag_order.tag_key",  # (papers without tags first; the key is kept by triggers, migration 13)
    "added": "p.added_at",
    "authors": "p.authors_sort",  # stored sort keys (core/domain/sorting.py), indexed
    "venue": "p.venue_sort",
    "type": "p.entry_type COLLATE NOCASE",
}
SORT_JOIN: dict[SortKey, str] = {"tags": " LEFT JOIN paper_tag_order tag_order ON tag_order.paper_id = p.id"}


RANK_ALL = 1000  # up to this many matches, every match is ranked at every keystroke
SCREEN_DOCUMENTS = 2  # documents a first screen reads for each of its rows, for each fulltext: word


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
        duplicate_groups=any(q.duplicate_groups for q in queries),
        fulltext_match=matched[0].fulltext_match if len(matched := [q for q in queries if q.match]) == 1 else None,
        page_match=" AND ".join(f"({q.page_match})" for q in queries if q.page_match) or None,
    )


def _select(query: CompiledQuery, match: str | None, join: str = "") -> tuple[str, list[Any]]:
    """`SELECT p.id FROM ... WHERE ...` for a query (with `match` as its MATCH, and
    `join` joined to the papers: a sort key's table)."""
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
    return f"SELECT p.id FROM {source}{join} WHERE {' AND '.join(where) or '1'}", params + list(query.params)


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
    join = ""
    if query.match and sort not in SORT_SQL:
        return ranked_ids(conn, query, limit)
    if query.list_name and sort not in SORT_SQL:
        order = ("(SELECT li.position FROM reading_list_item li JOIN reading_list l ON l.id = li.list_id "
                 "WHERE li.paper_id = p.id AND l.name = ? COLLATE NOCASE), p.id")
        extra = [query.list_name]
    elif query.duplicate_groups and sort not in SORT_SQL:
        ids = grouped_ids(conn, query)
        return ids if limit is None else ids[:limit]
    else:
        key = sort if sort in SORT_SQL else "added"
        order, join = f"{SORT_SQL[key]} {direction}, p.id {direction}", SORT_JOIN.get(key, "")
    sql, params = _select(query, query.match, join)
    params += extra
    sql += f" ORDER BY {order}"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return fetch_ids(conn, sql, params)


def grouped_ids(conn: Connection, query: CompiledQuery) -> list[int]:
    """Ids matching `query` with the copies of each paper together (the Duplicates
    view): papers sharing a DOI, arXiv id or title key, directly or through
    another copy, form a group; groups come in the order of their oldest paper."""
    sql, params = _select(query, query.match)
    sql = sql.replace("SELECT p.id", "SELECT p.id, " + ", ".join(f"p.{key}" for key in DUPLICATE_KEYS), 1)
    rows = conn.connection.driver_connection.execute(sql + " ORDER BY p.id", tuple(params)).fetchall()  # type: ignore[union-attr]
    parent: dict[int, int] = {}

    def root(paper_id: int) -> int:
        while parent[paper_id] != paper_id:
            parent[paper_id] = parent[parent[paper_id]]
            paper_id = parent[paper_id]
        return paper_id

    owner: dict[tuple[int, str], int] = {}  # (which key, its value) -> the first paper holding it
    for paper_id, *keys in rows:
        parent[paper_id] = paper_id
        for which, value in enumerate(keys):
            if value is None:
                continue
            first = owner.setdefault((which, value), paper_id)
            a, b = root(first), root(paper_id)
            parent[max(a, b)] = min(a, b)  # a group's root is its oldest paper
    return sorted(parent, key=lambda paper_id: (root(paper_id), paper_id))


def bounded_fulltext(conn: Connection, query: CompiledQuery, size: int) -> tuple[CompiledQuery, bool]:
    """`query` for a first screen of `size` rows: each fulltext: word that no NOT
    holds narrowed to the first SCREEN_DOCUMENTS x `size` documents matching it
    (by attachment id, so roughly the oldest papers first, as a listing is
    ordered): a first screen then never gathers
    every document a common word is in. Each word's index is read once here;
    the query is given its documents' ids. True when a word matched more
    documents than that: the screen is then a part of the result (only papers
    that match, maybe fewer than match), and the full result must follow."""
    if not any(isinstance(p, DocumentMatch) for p in query.params):
        return query, False
    cut, documents = False, SCREEN_DOCUMENTS * size
    params: list[Any] = []
    for param in query.params:
        if isinstance(param, DocumentMatch):
            found = fetch_ids(conn, "SELECT rowid FROM document_fts WHERE document_fts MATCH ? "
                              f"ORDER BY rowid LIMIT {int(documents) + 1}", [str(param)])
            cut = cut or len(found) > documents
            param = json.dumps(found[:documents])
        params.append(param)
    # Each narrowed condition keeps its one `?`, so every parameter keeps its place.
    where = [w.replace(PAPERS_WITH_TEXT, PAPERS_OF_DOCUMENTS) for w in query.where]
    return replace(query, where=where, params=params), cut


def first_screen_ids(conn: Connection, query: CompiledQuery, size: int) -> tuple[list[int], bool]:
    """The papers a user sees first, fast even when nearly every paper matches.
    Up to RANK_ALL matches are all ranked by bm25 (complete=True); beyond that,
    the first screen is the top of the same ranking (`ranked_ids`, one pass over
    the matches) and the rest follows (complete=False): the rows shown first never move."""
    found = query_ids(conn, replace(query, fulltext_match=None), limit=RANK_ALL + 1 if query.match else None)
    if query.match and len(found) > RANK_ALL:
        return found[:size], False
    if not query.fulltext_match:
        return found, True
    if len(found) >= size:  # the record hits fill the screen; the full-text ones follow in the full ranking
        return found, False
    more = fulltext_only_ids(conn, query, found, size - len(found) + 1, ranked=False)
    return found + more[: size - len(found)], False  # ranked in the full result that follows


def ranked_ids(conn: Connection, query: CompiledQuery, limit: int | None = None) -> list[int]:
    """Ids matching `query` (which has words) by bm25, ties by id: ranked inside
    the index alone, so its first screen costs what ranking costs. Joining every
    match to its paper row was most of that cost (a full record spills onto
    overflow pages, read just to check `deleted_at`): the Trash is looked up in
    its own small index instead, and other filters are read once, from the
    papers' indexes, as the set of papers a match must be in."""
    assert query.match
    where = [] if query.include_trashed else ["p.deleted_at IS NULL"]
    where += [f"({w})" for w in query.where]
    if where == ["p.deleted_at IS NULL"]:  # (the unary + keeps SQLite from asking the index once per paper)
        keep = "+rowid NOT IN (SELECT id FROM paper WHERE deleted_at IS NOT NULL)"
    else:
        keep = f"+rowid IN (SELECT p.id FROM paper p WHERE {' AND '.join(where) or '1'})"
    sql = f"SELECT rowid FROM paper_fts WHERE paper_fts MATCH ? AND {keep} ORDER BY {BM25}, rowid"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return fetch_ids(conn, sql, [query.match, *query.params])


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
    forms: dict[str, str | None] = {}  # each word the library lacks -> the library's closest word, or None

    def correct(match: re.Match[str]) -> str:
        field_name, word = match.group(1), match.group(2)
        if field_name and field_name.lower() not in FTS_COLUMNS:  # a filter's value (status:, list:, key:...)
            return match.group(0)
        if word.upper() in ("AND", "OR", "NOT") or vocabulary.doc_counts.get(stem(word)):
            return match.group(0)
        if word not in forms:
            best = vocabulary.correction(word)
            form = None
            if best is not None:
                rows = conn.exec_driver_sql(
                    "SELECT title || ' ' || abstract || ' ' || notes || ' ' || tags FROM paper_fts "
                    "WHERE paper_fts MATCH ? LIMIT 8", ('"' + best.replace('"', '""') + '"',))
                form = surface_form(best, word, [r[0] for r in rows]) or best
            forms[word] = form
        form = forms[word]
        return match.group(0) if form is None else match.group(0)[:match.start(2) - match.start(0)] + form

    # A word alone or after a field name; a field name itself is never rewritten (`title:` stays `title:`).
    corrected = _SPELLED_WORD.sub(correct, text).strip()
    return corrected if any(forms.values()) and corrected != text.strip() else None


_SPELLED_WORD = re.compile(r"(?<![:\w])(?:([A-Za-z]+):)?([^\W\d_]{3,})(?![\w:])")


# -- highlighting -------------------------------------------------------------

_TOKEN = re.compile(r"\w+", re.UNICODE)


@dataclass
class Highlighter:
    """Which shown words a query matched, for one field (title, abstract, ...),
    read the way FTS5 reads the query: each word by its Porter stem, a prefix
    by the stem of what was typed (`pretraining*` matches `Pretrained`), and a
    phrase or split form (`"self-attention"`, `pre training`) only where its
    words stand together."""

    stems: set[str] = field(default_factory=set)
    prefixes: list[str] = field(default_factory=list)  # stems the words' stems start with
    phrases: list[tuple[tuple[str, ...], bool]] = field(default_factory=list)  # stems in a row; last a prefix?

    @classmethod
    def for_field(cls, query: CompiledQuery, fieldname: str) -> "Highlighter":
        lit = cls()
        for kind, term_field, text in query.terms:
            if term_field not in ("text", fieldname):
                continue
            if kind == "phrase":
                lit._add(words(text), prefix=False)
            else:  # a word typed, a prefix, or an index term a fuzzy word matched: each form FTS5 is asked for
                for form in word_variants(text):
                    lit._add(words(form), prefix=kind == "prefix")
        return lit

    def _add(self, tokens: list[str], prefix: bool) -> None:
        stems = tuple(stem(t) for t in tokens)
        if len(stems) > 1:
            self.phrases.append((stems, prefix))
        elif stems and prefix:
            self.prefixes.append(stems[0])
        elif stems:
            self.stems.add(stems[0])

    def __or__(self, other: "Highlighter") -> "Highlighter":
        """What either highlights (the detail pane shows title and abstract)."""
        return Highlighter(self.stems | other.stems, self.prefixes + other.prefixes, self.phrases + other.phrases)

    def __bool__(self) -> bool:
        return bool(self.stems or self.prefixes or self.phrases)

    def _hit(self, word: str, last_stem: str | None = None, prefix: bool = False) -> bool:
        stemmed = stem(word)
        if last_stem is not None:
            return stemmed.startswith(last_stem) if prefix else stemmed == last_stem
        return stemmed in self.stems or any(stemmed.startswith(p) for p in self.prefixes)

    def _phrase_end(self, tokens: list[re.Match[str]], i: int) -> int | None:
        """The index of the last token of the longest phrase starting at token i."""
        best = None
        for stems, prefix in self.phrases:
            n = len(stems)
            if i + n <= len(tokens) and (best is None or i + n - 1 > best) and all(
                    self._hit(tokens[i + k].group(0), stems[k], prefix and k == n - 1) for k in range(n)):
                best = i + n - 1
        return best

    def spans(self, text: str) -> list[tuple[int, int]]:
        """(start, end) character spans of matched words and phrases, in order."""
        if not self:
            return []
        tokens = list(_TOKEN.finditer(text))
        found: list[tuple[int, int]] = []
        i = 0
        while i < len(tokens):
            end = self._phrase_end(tokens, i) if self.phrases else None
            if end is not None:
                found.append((tokens[i].start(), tokens[end].end()))
                i = end + 1
                continue
            if self._hit(tokens[i].group(0)):
                found.append((tokens[i].start(), tokens[i].end()))
            i += 1
        return found
