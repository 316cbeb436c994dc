"""The query language: Whoosh's query parser turns what the user typed into a
tree, and this module compiles the tree into an FTS5 MATCH expression plus SQL
filters. User text never reaches MATCH raw: every word is a quoted string."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable

from lectern.core.domain.records import STATUSES
from lectern.core.search.query_checks import (
    OPERATORS,
    QueryError,
    check_balanced,
    check_operators,
    only_operators,
    operator_tokens,
)
from lectern.core.search.record_filters import doi_condition, key_condition, type_condition, year_condition
from lectern.core.store.fulltext_schema import PAPERS_WITH_PAGES, PAPERS_WITH_TEXT
from lectern.core.text.latex import spell_greek

FTS_COLUMNS = {"title": "title", "abstract": "abstract", "author": "authors", "editor": "editor",
               "venue": "venue", "note": "notes", "tag": "tags"}
FULLTEXT = "fulltext"  # the papers' own text (their PDFs' pages), in its own index (core/store/fulltext_schema.py)
TEXT_FIELDS = ("text", *FTS_COLUMNS, FULLTEXT)
DUPLICATE_KEYS = ("doi_key", "arxiv_key", "title_key")  # the stored identity keys (core/domain/identity.py)
IS_VALUES = {
    "starred": "p.starred = 1",
    "unstarred": "p.starred = 0",
    **{status: f"p.status = '{status}'" for status in STATUSES},
    "noted": "p.id IN (SELECT n.paper_id FROM note n WHERE n.body != '')",
    "tagged": "p.id IN (SELECT pt.paper_id FROM paper_tag pt)",
    "trashed": "p.deleted_at IS NOT NULL",
    # papers that share a DOI, an arXiv id or a title with another (lectern.core.domain.identity)
    "duplicate": " OR ".join(
        f"p.{key} IN (SELECT {key} FROM paper WHERE deleted_at IS NULL AND {key} IS NOT NULL "
        f"GROUP BY {key} HAVING count(*) > 1)" for key in DUPLICATE_KEYS),
}
FILTER_FIELDS = ("is", "status", "list", "year", "added", "in", "type", "key", "doi")
FIELD_NAMES = (*TEXT_FIELDS[1:], *FILTER_FIELDS)
RECORD_FILTERS = {"type": type_condition, "key": key_condition, "doi": doi_condition}
PREFIX_FILTERS = ("key", "doi")  # key:smith*, doi:10.1145/*
# A field name the user typed (`venue:nature`), outside quotes.
_FIELD_NAME = re.compile(r"(?:^|(?<=[\s(]))-?([A-Za-z]+):(?=[^\s:])")
# Words that are not fields but often typed before a colon (links, identifiers).
_NOT_FIELDS = frozenset("http https ftp mailto file urn arxiv isbn issn pmid".split())
# A key: or doi: value holding characters the parser reads as syntax (DBLP:conf/x, 10.1002/(SICI)...).
_ID_VALUE = re.compile(r"(?:^|(?<=[\s(]))(-?(?:key|doi):)([^\s\"]+)")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_WORDLIKE = re.compile(r"\w", re.UNICODE)
_ADDED = re.compile(r"^(\d{1,5})d$")
_LEADING_MINUS = re.compile(r"(^|[\s(])-(?=[^\s-])")
_LAST_WORD = re.compile(r"(?:^|[\s(:])([^\s():\"*~^]+)$")
_TRAILING_OPERATOR = re.compile(r"\s+(AND|OR|NOT|ANDNOT|ANDMAYBE)$")
MAX_FILTERS = 32  # field filters (list:, is:, year: ...) in one query: each is a condition on every paper
MAX_FUZZY = 6  # fuzzy words (word~) in one query: each is a scan of the library's vocabulary
MIN_PREFIX = 2  # prefix* typed on purpose
MIN_TYPING_PREFIX = 3  # a word still being typed: shorter prefixes match too much to help
FUZZY_CANDIDATES = 24

Expander = Callable[[str, int], list[str]]


@dataclass
class CompiledQuery:
    """An FTS5 MATCH expression (or None) plus SQL conditions on `p` (paper)."""

    match: str | None = None
    where: list[str] = field(default_factory=list)
    params: list[Any] = field(default_factory=list)
    include_trashed: bool = False
    terms: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, field, text) to highlight
    list_name: str | None = None  # a list:"Name" filter: its papers keep the user's order
    duplicate_groups: bool = False  # an is:duplicate filter: copies of a paper are listed together
    # The same words over the papers' full text (a query of plain words only): a paper
    # matching there and not in its record is found too, ranked below (core/search/engine.py).
    fulltext_match: str | None = None
    page_match: str | None = None  # what finds the matching pages (fulltext: words, else fulltext_match)


class DocumentMatch(str):
    """The MATCH of a fulltext: word as the parameter of a condition that no NOT
    holds (PAPERS_WITH_TEXT): a first screen may narrow it to the first documents
    that match (core/search/engine.py bounded_fulltext), which can only leave
    papers out, never let in one that does not match."""

    __slots__ = ()


@dataclass
class _Part:
    match: str | None = None  # FTS5 expression
    sql: str | None = None  # SQL condition on p
    params: list[Any] = field(default_factory=list)
    negated_match: str | None = None  # an FTS5 expression to subtract (NOT x)


@lru_cache(maxsize=1)
def _parser() -> Any:
    """Whoosh's parser over Lectern's fields (built once: Whoosh is imported lazily)."""
    from whoosh import analysis, fields, qparser

    words = analysis.SpaceSeparatedTokenizer() | analysis.LowercaseFilter()
    schema_fields: dict[str, Any] = {name: fields.TEXT(analyzer=words, phrase=True) for name in TEXT_FIELDS}
    schema_fields.update({name: fields.ID() for name in FILTER_FIELDS})
    parser = qparser.QueryParser("text", fields.Schema(**schema_fields))
    parser.add_plugin(qparser.FuzzyTermPlugin())
    return parser


def _outside_quotes(text: str, fn: Callable[[str], str]) -> str:
    pieces = text.split('"')
    return '"'.join(fn(p) if i % 2 == 0 else p for i, p in enumerate(pieces))


def _fts_string(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _column(fieldname: str, expr: str) -> str:
    column = FTS_COLUMNS.get(fieldname)
    return f"{column} : ({expr})" if column else f"({expr})"


# Prefixes that writers attach with or without a hyphen: `pretraining` also
# matches `pre-training` (indexed as "pre", "training"), and the reverse.
JOINABLE_PREFIXES = (
    "pre post non self multi co re fine semi cross un sub super inter intra over under out de anti auto bi "
    "tri meta mid counter hyper micro macro mono poly pseudo quasi trans ultra few zero end long low high "
    "large small open single dual in"
).split()


def word_variants(text: str) -> list[str]:
    """The forms one typed word may take in a paper: `pre-training` and
    `pretraining` each stand for both; a Greek letter also stands for its name
    (`α` finds `$\\alpha$`, which the index holds as `alpha`)."""
    word = text.lower()
    forms = [word]
    if "-" in word.strip("-"):
        forms.append(word.replace("-", ""))
    elif word.isalpha():
        forms += [f"{p} {word[len(p):]}" for p in JOINABLE_PREFIXES if word.startswith(p) and len(word) - len(p) >= 3]
    spelled = spell_greek(word).strip()
    if spelled != word:
        forms.append(spelled)
    return forms


def _term_expr(text: str, prefix: bool = False) -> str | None:
    """FTS5 for one typed word: quoted strings only, joined and split forms ORed."""
    if not _WORDLIKE.search(text):
        return None
    star = " *" if prefix else ""
    return " OR ".join(_fts_string(form) + star for form in word_variants(text))


class _Compiler:
    def __init__(self, expand_fuzzy: Expander | None, prefix_word: str | None) -> None:
        self.expand_fuzzy = expand_fuzzy
        self.prefix_word = prefix_word
        self.terms: list[tuple[str, str, str]] = []
        self.include_trashed = False
        self.list_name: str | None = None
        self.filters = 0  # counted against MAX_FILTERS
        self.fuzzy = 0  # counted against MAX_FUZZY
        self.duplicate_groups = False
        self.page_matches: list[str] = []  # each fulltext: word or phrase
        self.qualified = False  # a field other than fulltext: was named (title:x): no full-text alternative
        self.negations = 0  # how many NOTs hold the node being compiled

    def compile(self, node: Any) -> _Part:
        name = type(node).__name__
        if name in ("_NullQuery", "NullQuery"):
            return _Part()
        method = getattr(self, f"_{name}", None)
        if method is None:
            raise QueryError(f"That kind of query ({name}) is not supported.")
        part = method(node)
        fieldname = getattr(node, "fieldname", None)
        if part.match and fieldname == FULLTEXT:  # a word of the full text: papers having a page with it
            self.page_matches.append(part.match)
            if self.negations:
                return _Part(sql=f"p.id IN ({PAPERS_WITH_PAGES})", params=[part.match])
            return _Part(sql=f"p.id IN ({PAPERS_WITH_TEXT})", params=[DocumentMatch(part.match)])
        if part.match and fieldname not in (None, "text"):
            self.qualified = True
        return part

    # -- leaves ------------------------------------------------------------
    def _Term(self, node: Any) -> _Part:  # noqa: N802
        fieldname, text = node.fieldname, str(node.text)
        if fieldname in FILTER_FIELDS:
            typed = fieldname == "key" and self.prefix_word is not None and text.lower().endswith(self.prefix_word)
            if typed:  # a key still being typed matches as a prefix
                self.prefix_word = None
            return self._filter(fieldname, text, prefix=typed)
        if self.prefix_word is not None and text == self.prefix_word:
            self.prefix_word = None
            if len(text) < MIN_TYPING_PREFIX:
                return _Part()  # wait for the third letter
            return self._prefix(fieldname, text)
        expr = _term_expr(text)
        if expr is None:
            return _Part()
        self.terms.append(("term", fieldname, text))
        return _Part(match=_column(fieldname, expr))

    def _Prefix(self, node: Any) -> _Part:  # noqa: N802
        return self._prefix(node.fieldname, str(node.text))

    def _prefix(self, fieldname: str, text: str) -> _Part:
        if fieldname in FILTER_FIELDS:
            return self._filter(fieldname, text, prefix=True)
        if not _WORDLIKE.search(text):
            return _Part()
        if len(text) < MIN_PREFIX:
            return _Part()  # a one-letter prefix would match nearly everything
        self.terms.append(("prefix", fieldname, text))
        return _Part(match=_column(fieldname, _term_expr(text, prefix=True) or ""))

    def _Wildcard(self, node: Any) -> _Part:  # noqa: N802
        text = str(node.text)
        stem = text.split("*")[0].split("?")[0]
        if text.endswith("*") and stem and "*" not in text[:-1] and "?" not in text:
            return self._prefix(node.fieldname, stem)
        if node.fieldname in PREFIX_FILTERS:  # a ? in a key or DOI is a character; a * inside is an error
            return self._filter(node.fieldname, text)
        raise QueryError("Only a * at the end of a word is supported (prefix*).")

    def _FuzzyTerm(self, node: Any) -> _Part:  # noqa: N802
        text = str(node.text)
        if not _WORDLIKE.search(text):
            return _Part()
        self.fuzzy += 1
        if self.fuzzy > MAX_FUZZY:
            raise QueryError(f"The query has more than {MAX_FUZZY} fuzzy words (word~): search with fewer at a time.")
        candidates = self.expand_fuzzy(text, max(1, min(int(node.maxdist), 2))) if self.expand_fuzzy else []
        chosen = [text, *candidates[:FUZZY_CANDIDATES]]
        self.terms.append(("term", node.fieldname, text))
        for candidate in chosen[1:]:
            self.terms.append(("stem", node.fieldname, candidate))
        # each in all its forms, as a typed word is: `pretrain` also finds `pre-training`
        forms = [expr for expr in (_term_expr(c) for c in chosen) if expr]
        return _Part(match=_column(node.fieldname, " OR ".join(forms)))

    def _Phrase(self, node: Any) -> _Part:  # noqa: N802
        words = [str(w) for w in node.words if _WORDLIKE.search(str(w))]
        if not words:
            return _Part()
        if node.fieldname in FILTER_FIELDS:
            return self._filter(node.fieldname, " ".join(words))
        self.terms.append(("phrase", node.fieldname, " ".join(words)))  # highlighted where its words stand together
        return _Part(match=_column(node.fieldname, _fts_string(" ".join(words))))

    def _Every(self, node: Any) -> _Part:  # noqa: N802
        return _Part()

    def _TermRange(self, node: Any) -> _Part:  # noqa: N802
        if node.fieldname != "year":
            raise QueryError("Ranges work on year: only, e.g. year:2019..2021.")
        return self._filter("year", f"{node.start or ''}..{node.end or ''}")

    # -- filters -------------------------------------------------------------
    def _filter(self, fieldname: str, value: str, prefix: bool = False) -> _Part:
        self.filters += 1
        if self.filters > MAX_FILTERS:
            raise QueryError(f"The query has more than {MAX_FILTERS} filters (list:, is:, year: ...): "
                             "search with fewer at a time.")
        value = value.strip()
        if fieldname == "is":
            sql = IS_VALUES.get(value.lower())
            if sql is None:
                raise QueryError(f"is:{value} is not known — use one of " + ", ".join(f"is:{v}" for v in IS_VALUES))
            if value.lower() == "trashed":
                self.include_trashed = True
            self.duplicate_groups = self.duplicate_groups or value.lower() == "duplicate"
            return _Part(sql=sql)
        if fieldname == "in":
            if value.lower() != "trash":
                raise QueryError("Use in:trash to search the Trash.")
            self.include_trashed = True
            return _Part(sql=IS_VALUES["trashed"])
        if fieldname == "status":
            if value.lower() not in STATUSES:
                raise QueryError(f"status:{value} is not known — use " + ", ".join(f"status:{v}" for v in STATUSES))
            return _Part(sql="p.status = ?", params=[value.lower()])
        if fieldname == "list":
            self.list_name = value
            return _Part(  # not correlated: SQLite builds the list's ids once, then each paper is one lookup
                sql="p.id IN (SELECT li.paper_id FROM reading_list_item li JOIN reading_list l ON l.id = li.list_id "
                "WHERE l.name = ? COLLATE NOCASE)",
                params=[value],
            )
        if fieldname == "year" or fieldname in RECORD_FILTERS:
            try:
                sql, params = (year_condition(value) if fieldname == "year"
                               else RECORD_FILTERS[fieldname](value, prefix) if fieldname in PREFIX_FILTERS
                               else type_condition(value))
            except ValueError as exc:
                raise QueryError(str(exc)) from None
            return _Part(sql=sql, params=params)
        if fieldname == "added":
            match = _ADDED.match(value.lower())
            if not match:
                raise QueryError(f"added:{value} is not understood — write added:30d for the last 30 days.")
            return _Part(sql="p.added_at >= datetime('now', ?)", params=[f"-{int(match.group(1))} days"])
        raise QueryError(f"Unknown field {fieldname}: — use " + ", ".join(f"{f}:" for f in FIELD_NAMES) + ".")

    # -- operators -----------------------------------------------------------
    def _And(self, node: Any) -> _Part:  # noqa: N802
        return self._conjunction([self.compile(child) for child in node.subqueries])

    _Require = _And

    def _AndMaybe(self, node: Any) -> _Part:  # noqa: N802
        return self.compile(node.a)

    def _AndNot(self, node: Any) -> _Part:  # noqa: N802
        positive = self.compile(node.a)
        negative = self._negate(self._negated(node.b))
        return self._conjunction([positive, negative])

    def _Not(self, node: Any) -> _Part:  # noqa: N802
        return self._negate(self._negated(node.query))

    def _negated(self, node: Any) -> _Part:
        """Compile a node that a NOT holds (its fulltext: words are never narrowed)."""
        self.negations += 1
        try:
            return self.compile(node)
        finally:
            self.negations -= 1

    def _Or(self, node: Any) -> _Part:  # noqa: N802
        parts = [p for p in (self.compile(child) for child in node.subqueries) if _has_content(p)]
        if not parts:
            return _Part()
        if len(parts) == 1:
            return parts[0]
        if all(p.match and not p.sql and not p.negated_match for p in parts):
            return _Part(match=" OR ".join(f"({p.match})" for p in parts))
        sqls, params = [], []
        for part in parts:
            sql, part_params = _as_sql(part)
            sqls.append(f"({sql})")
            params.extend(part_params)
        return _Part(sql=" OR ".join(sqls), params=params)

    def _negate(self, part: _Part) -> _Part:
        if not _has_content(part):
            return _Part()
        if part.match and not part.sql and not part.negated_match:
            return _Part(negated_match=part.match)
        sql, params = _as_sql(part)
        return _Part(sql=f"NOT ({sql})", params=params)

    def _conjunction(self, parts: list[_Part]) -> _Part:
        matches = [p.match for p in parts if p.match]
        negated = [p.negated_match for p in parts if p.negated_match]
        sqls = [p.sql for p in parts if p.sql]
        params = [x for p in parts for x in p.params]
        match = " AND ".join(f"({m})" for m in matches) if matches else None
        negated_match = " OR ".join(f"({n})" for n in negated) if negated else None
        if match and negated_match:
            match, negated_match = f"({match}) NOT ({negated_match})", None
        return _Part(match=match, sql=" AND ".join(f"({s})" for s in sqls) if sqls else None,
                     params=params, negated_match=negated_match)


def _has_content(part: _Part) -> bool:
    return bool(part.match or part.sql or part.negated_match)


def _as_sql(part: _Part) -> tuple[str, list[Any]]:
    """A part as one SQL condition on p, with FTS parts as rowid subqueries."""
    conditions: list[str] = []
    params: list[Any] = []
    if part.match:
        conditions.append("p.id IN (SELECT rowid FROM paper_fts WHERE paper_fts MATCH ?)")
        params.append(part.match)
    if part.negated_match:
        conditions.append("p.id NOT IN (SELECT rowid FROM paper_fts WHERE paper_fts MATCH ?)")
        params.append(part.negated_match)
    if part.sql:
        conditions.append(f"({part.sql})")
        params.extend(part.params)
    return " AND ".join(conditions) or "1", params


def _quote_id_value(match: re.Match[str]) -> str:
    value = match.group(2)
    while value.endswith(")") and value.count(")") > value.count("("):  # a group's closing parenthesis
        value = value[:-1]
    rest = match.group(2)[len(value):]
    return f'{match.group(1)}"{value}"{rest}' if re.search(r"[():<>^~]", value) else match.group(0)


def _lower_field(match: re.Match[str]) -> str:
    """`Title:bert` is `title:bert`."""
    name = match.group(1)
    return match.group(0).replace(name, name.lower(), 1) if name.lower() in FIELD_NAMES else match.group(0)


def _prepare(text: str) -> str:
    """`-word` means NOT word (only at the start of a word: `pre-training` stays);
    a key or DOI holding `:` or parentheses is read whole (`key:DBLP:conf/x`)."""
    text = _outside_quotes(text, lambda s: _FIELD_NAME.sub(_lower_field, s))
    text = _outside_quotes(text, lambda s: _ID_VALUE.sub(_quote_id_value, s))
    return _outside_quotes(text, lambda s: _LEADING_MINUS.sub(r"\1NOT ", s))



def _check_fields(text: str) -> None:
    """A word before a colon that is no field is a mistake to name (it would be searched as text)."""
    for piece in text.split('"')[::2]:
        for match in _FIELD_NAME.finditer(piece):
            name = match.group(1)
            if name.lower() not in FIELD_NAMES and name.lower() not in _NOT_FIELDS:
                raise QueryError(f"Unknown field {name}: — use " + ", ".join(f"{f}:" for f in FIELD_NAMES) + ".")


def typing_prefix_word(text: str) -> str | None:
    """The word being typed at the end of `text`, if any (it matches as a prefix)."""
    if not text or text[-1].isspace():
        return None
    match = _LAST_WORD.search(text)
    if not match or text.count('"') % 2:
        return None
    word = match.group(1).lower()
    return None if word in OPERATORS else word


def compile_query(text: str, expand_fuzzy: Expander | None = None, typing: bool = False) -> CompiledQuery:
    """Compile what the user typed. `typing`: the last word is still being typed
    and matches as a prefix. Raises QueryError with a short message."""
    text = _CONTROL.sub(" ", text)
    text = text.strip() if not typing else text.lstrip()
    if len(text) > 2000:
        raise QueryError("The query is too long (over 2,000 characters).")
    if not text.strip():
        return CompiledQuery()
    check_balanced(text)
    _check_fields(text)
    if typing:
        text = _TRAILING_OPERATOR.sub("", text) or text
    tokens = operator_tokens(text)
    if typing and only_operators(tokens):
        return CompiledQuery()  # `NOT` typed first: the word comes next
    check_operators(tokens)
    prefix_word = typing_prefix_word(text) if typing else None
    try:
        tree = _parser().parse(_prepare(text))
    except Exception:  # Whoosh is lenient, but never let a traceback reach the user
        raise QueryError("Lectern could not read that query: check its operators (AND, OR, NOT) "
                         "and parentheses.") from None
    compiler = _Compiler(expand_fuzzy, prefix_word)
    part = compiler.compile(tree)
    if part.negated_match and not part.match:
        sql, params = _as_sql(_Part(negated_match=part.negated_match))
        part = _Part(sql=f"({sql})" + (f" AND ({part.sql})" if part.sql else ""), params=params + part.params)
    compiled = CompiledQuery(
        match=part.match,
        where=[part.sql] if part.sql else [],
        params=list(part.params),
        include_trashed=compiler.include_trashed,
        terms=compiler.terms,
        list_name=compiler.list_name,
        duplicate_groups=compiler.duplicate_groups,
    )
    if part.match and not compiler.qualified:
        compiled.fulltext_match = part.match
    matches = compiler.page_matches or ([part.match] if compiled.fulltext_match else [])
    compiled.page_match = " AND ".join(f"({m})" for m in matches) if matches else None
    return compiled
