"""SQL conditions for the query fields read from a paper's record beside the
text: `type:` (the entry type, with BibTeX's and biblatex's names for one kind
counted as one), `key:` (the citation key), `doi:` (compared as identity
compares DOIs) and `year:` (a year, a range or a comparison). Each returns
(SQL on `p`, parameters) or raises ValueError with a message for the user."""

from __future__ import annotations

import re
from typing import Any

from lectern.core.domain.identity import normal_doi

Condition = tuple[str, list[Any]]

# Entry types that name one kind (biblatex manual, 2.1.2 and 2.3.3): the general
# name finds its specific forms, a specific name finds the general type whose
# `type` field says so (`@thesis` with `type = {phdthesis}` is a PhD thesis).
_KINDS: dict[str, tuple[tuple[str, ...], str | None]] = {
    "thesis": (("thesis", "phdthesis", "mastersthesis"), None),
    "phdthesis": (("phdthesis",), "thesis:phd*,doctor*"),
    "mastersthesis": (("mastersthesis",), "thesis:ma*,master*"),
    "inproceedings": (("inproceedings", "conference"), None),
    "online": (("online", "electronic", "www"), None),
    "report": (("report", "techreport"), None),
    "techreport": (("techreport",), "report:tech*"),
}
_ALIASES = {"conference": "inproceedings", "electronic": "online", "www": "online", "masterthesis": "mastersthesis"}
_TYPE_WORD = re.compile(r"^[a-z][a-z0-9_-]*$")
_RECORD_TYPE_FIELD = ("EXISTS (SELECT 1 FROM json_each(p.fields) e WHERE lower(json_extract(e.value, '$[0]')) = 'type' "
                      "AND ({}))")

_YEAR_RANGE = re.compile(r"^(\d{4})?\.\.(\d{4})?$")
_YEAR_COMPARE = re.compile(r"^(>=|<=|>|<|=)?(\d{4})(?:-\d{1,2}(?:-\d{1,2})?)?$")


def type_condition(value: str) -> Condition:
    """`type:inproceedings` (also @conference), `type:thesis` (@phdthesis, @mastersthesis too)."""
    kind = value.strip().lower().lstrip("@")
    if not _TYPE_WORD.match(kind):
        raise ValueError(f"type:{value} is not an entry type — write e.g. type:article, type:inproceedings.")
    kind = _ALIASES.get(kind, kind)
    types, general = _KINDS.get(kind, ((kind,), None))
    if not general:
        return f"p.entry_type IN ({', '.join('?' * len(types))})", list(types)
    parent, patterns = general.split(":")
    globs = patterns.split(",")
    says = " OR ".join("replace(replace(lower(json_extract(e.value, '$[1]')), ' ', ''), '.', '') GLOB ?"
                       for _ in globs)
    # one IN, which the entry-type index answers; the record is read only for the general type
    sql = (f"p.entry_type IN ({', '.join('?' * (len(types) + 1))}) "
           f"AND (p.entry_type != ? OR {_RECORD_TYPE_FIELD.format(says)})")
    params: list[Any] = [*types, parent, parent, *globs]
    return sql, params


def _like_prefix(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def key_condition(value: str, prefix: bool = False) -> Condition:
    """`key:Vaswani2017Attention` (any case), `key:DBLP:conf/*` (a prefix)."""
    key = value.strip()
    if key.endswith("*"):
        key, prefix = key[:-1], True
    if not key or "*" in key:
        raise ValueError(f"key:{value} is not a citation key — write key:smith2020 or key:smith* for a prefix.")
    if prefix:
        return "p.citation_key LIKE ? ESCAPE '\\'", [_like_prefix(key)]
    return "p.citation_key = ? COLLATE NOCASE", [key]


def doi_condition(value: str, prefix: bool = False) -> Condition:
    """`doi:10.1145/3442188.3445922`, also as a link or `doi:`-prefixed, any case; `doi:10.1145/*`."""
    text = value.strip()
    if text.endswith("*"):
        text, prefix = text[:-1], True
    doi = normal_doi(text)
    if not doi or "*" in doi:
        raise ValueError(f"doi:{value} is not a DOI — write doi:10.1145/3442188.3445922 or doi:10.1145/* for a prefix.")
    if prefix:  # a range, which the DOI index answers (LIKE would read every paper)
        return "p.doi_key >= ? AND p.doi_key < ?", [doi, doi[:-1] + chr(ord(doi[-1]) + 1)]
    return "p.doi_key = ?", [doi]


def year_condition(value: str) -> Condition:
    """`year:2020`, `year:2019..2021`, `year:2020..`, `year:..2019`, `year:>2018`, `year:<=2020`
    (the year a record's `year` or `date` gives; a date typed here stands for its year)."""
    text = value.strip()
    span = _YEAR_RANGE.match(text)
    if span and (span.group(1) or span.group(2)):
        conditions, params = [], []
        if span.group(1):
            conditions.append("p.year >= ?")
            params.append(int(span.group(1)))
        if span.group(2):
            conditions.append("p.year <= ?")
            params.append(int(span.group(2)))
        return " AND ".join(conditions), params
    compare = _YEAR_COMPARE.match(text)
    if compare:
        return f"p.year {compare.group(1) or '='} ?", [int(compare.group(2))]
    raise ValueError(f"year:{value} is not a year or range — write year:2019, year:2019..2021 or year:>2018.")
