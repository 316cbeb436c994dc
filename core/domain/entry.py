"""A paper's bibliographic record: its entry type and every field, in source
order, with names and values exactly as written (LaTeX as BibTeX reads it).
The record is what BibTeX export writes back; the `paper` table's columns
(title, authors, year, venue, identifiers) are readings of it, kept beside it
for display, search, sort and duplicate detection. One place for the rules
that tie the two together: the readings of a record, a record made from
plain values (a listing, an arXiv id, the Add dialog), an edit of a reading
written into the record, and the fields a merge fills in."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from lectern.core.domain.arxiv import paper_url, parse_arxiv
from lectern.core.domain.damage import DamagedValue
from lectern.core.text.latex import latex_to_text
from lectern.core.text.texsafe import protect_capitals, tex_escape

Field = tuple[str, str]
Fields = tuple[Field, ...]
# A value that begins with RAW is a BibTeX expression written bare (a macro the
# file uses but does not define, such as a month `jan`, or a concatenation
# holding one): it is exported as written. NUL never occurs in an imported value.
RAW = "\x00"

_YEAR = re.compile(r"\b(1[5-9]\d\d|2\d\d\d)\b")
VENUE_FIELDS = ("journal", "journaltitle", "booktitle", "howpublished")
# Fields a crossref child takes from its parent when it lacks them (BibTeX's
# rule, and biber's default inheritance for the common fields).
NOT_INHERITED = frozenset({"title", "crossref", "xdata", "ids", "key", "entryset", "label", "shorthand",
                           "keywords", "annote", "annotation", "abstract"})
# Where an edit of a reading goes in the record, by reading.
_EDIT_FIELD = {"title": "title", "abstract": "abstract", "doi": "doi", "url": "url"}


def as_written(value: str) -> str:
    """A stored field value as written: a bare expression (RAW) without its mark."""
    return value[1:] if value.startswith(RAW) else value


def get(fields: Sequence[Field], name: str) -> str | None:
    """The value of the first field called `name` (any case), or None; a bare
    expression (RAW) reads as it is written."""
    name = name.lower()
    size = len(name)
    for key, value in fields:  # (a plain loop, lengths first: called for every field of every exported paper)
        if len(key) == size and key.lower() == name:
            return as_written(value)
    return None


def strip_braces(value: str) -> str:
    """A value with spaces collapsed and the braces that enclose all of it
    removed (`{{DNA} repair}` -> `{DNA} repair`): how a reading holds it."""
    value = " ".join(value.split())
    while value.startswith("{") and value.endswith("}") and balanced(value[1:-1]):
        value = value[1:-1].strip()
    return value


def balanced(text: str) -> bool:
    """Whether the braces of `text` pair up (BibTeX needs every value so)."""
    if "{" not in text and "}" not in text:
        return True
    depth = 0
    for i, ch in enumerate(text):
        if ch in "{}" and i and text[i - 1] == "\\":
            continue
        depth += 1 if ch == "{" else -1 if ch == "}" else 0
        if depth < 0:
            return False
    return depth == 0


def inherited(fields: Sequence[Field], parent: Sequence[Field] | None) -> list[Field]:
    """The fields a crossref child reads as its own: its fields, then those of
    its parent it lacks (the parent's title as the child's booktitle)."""
    if not parent:
        return list(fields)
    own = {key.lower() for key, _ in fields}
    out = list(fields)
    if "booktitle" not in own and get(parent, "title"):
        out.append(("booktitle", get(parent, "title") or ""))
    for key, value in parent:
        if key.lower() not in own and key.lower() not in NOT_INHERITED and key.lower() != "booktitle":
            out.append((key, value))
            own.add(key.lower())
    return out


def readings(fields: Sequence[Field], parent: Sequence[Field] | None = None) -> dict[str, Any]:
    """The paper-table columns a record is shown, searched and matched by."""
    values: dict[str, str] = {}
    for key, value in inherited(fields, parent):
        values.setdefault(key.lower(), value[1:] if value.startswith(RAW) else value)

    def text(name: str) -> str:
        value = values.get(name)
        return strip_braces(value) if value else ""

    year_match = _YEAR.search(text("year") or text("date"))
    arxiv = None
    eprint_type = (text("archiveprefix") or text("eprinttype")).lower()
    if text("eprint") and (eprint_type == "arxiv" or (not eprint_type and parse_arxiv(text("eprint")))):
        arxiv = parse_arxiv(text("eprint"))
    url = text("url")
    if arxiv is None and "arxiv.org" in url:
        arxiv = parse_arxiv(url)
    return {
        "title": text("title"),
        "abstract": text("abstract"),
        "authors": text("author") or text("editor"),
        "year": int(year_match.group(1)) if year_match else (arxiv.year if arxiv else None),
        "venue": next((text(k) for k in VENUE_FIELDS if text(k)), ""),
        "arxiv_id": arxiv.id if arxiv else None,
        "doi": text("doi") or None,
        "url": url or None,
    }


def record_from_values(title: str, abstract: str = "", authors: str = "", year: int | None = None,
                       venue: str = "", arxiv_id: str | None = None, doi: str | None = None,
                       url: str | None = None) -> tuple[str, Fields]:
    """(entry type, fields) for a paper known by plain values (a listing, an
    arXiv id, the Add dialog): text made TeX-safe once, the capitals of
    acronyms in the title braced (`{BERT}`) so that styles keep them, an arXiv
    paper as @misc with its eprint, a paper with authors, venue and year as @article."""
    arxiv = parse_arxiv(arxiv_id) if arxiv_id else None
    kind = "article" if (authors.strip() and venue.strip() and year and not arxiv) else "misc"
    fields: list[Field] = []
    if authors.strip():
        fields.append(("author", tex_escape(authors)))
    fields.append(("title", protect_capitals(tex_escape(title)) if title.strip() else "Untitled"))
    if venue.strip():
        fields.append(("journal" if kind == "article" else "howpublished", tex_escape(venue)))
    if year:
        fields.append(("year", str(year)))
    if arxiv:
        fields.append(("eprint", arxiv.id))
        fields.append(("archivePrefix", "arXiv"))
        if arxiv.primary_class:
            fields.append(("primaryClass", arxiv.primary_class))
    if doi:
        fields.append(("doi", doi.strip()))
    link = paper_url(url, arxiv_id)
    if link:
        fields.append(("url", link.strip()))
    if abstract.strip():
        fields.append(("abstract", tex_escape(abstract)))
    return kind, tuple(fields)


def with_field(fields: Sequence[Field], name: str, value: str | None) -> Fields:
    """The fields with `name` set to `value` where it stands (appended when
    new), or removed when `value` is empty."""
    lower = name.lower()
    out: list[Field] = []
    placed = False
    for key, old in fields:
        if key.lower() == lower:
            if not placed and value:
                out.append((key, value))
            placed = True
            continue
        out.append((key, old))
    if not placed and value:
        out.append((name, value))
    return tuple(out)


def edited(entry_type: str, fields: Sequence[Field], changes: Mapping[str, Any]) -> Fields:
    """The record after the readings in `changes` were edited (values as typed,
    LaTeX allowed): each goes to the field it was read from."""
    out = tuple(fields)
    for reading, value in changes.items():
        text = "" if value is None else str(value)
        if reading in _EDIT_FIELD:
            out = with_field(out, _EDIT_FIELD[reading], text)
        elif reading == "authors":
            name = "editor" if get(out, "editor") and not get(out, "author") else "author"
            out = with_field(out, name, text)
        elif reading == "year":
            out = with_field(out, "date" if get(out, "date") and not get(out, "year") else "year", text)
        elif reading == "venue":
            name = next((k for k in VENUE_FIELDS if get(out, k)), None)
            if name is None:
                name = {"article": "journal", "inproceedings": "booktitle", "incollection": "booktitle",
                        "inbook": "booktitle"}.get(entry_type.lower(), "howpublished")
            out = with_field(out, name, text)
        elif reading == "arxiv_id":
            out = with_field(out, "eprint", text)
            if text and not (get(out, "archiveprefix") or get(out, "eprinttype")):
                out = with_field(out, "archivePrefix", "arXiv")
    return out


def filled(fields: Sequence[Field], others: Iterable[Sequence[Field]]) -> Fields:
    """The fields with every field the others hold and these lack appended
    (a merge of duplicates: nothing the kept record has is overwritten)."""
    out = list(fields)
    have = {key.lower() for key, value in out if value.strip()}
    out = [(key, value) for key, value in out if value.strip() or key.lower() not in have]
    for other in others:
        for key, value in other:
            if value.strip() and key.lower() not in have:
                out = [f for f in out if f[0].lower() != key.lower()] + [(key, value)]
                have.add(key.lower())
    return tuple(out)


def keyword_tags(value: str | None) -> list[str]:
    """The tags a `keywords` field holds: its reading split at commas and semicolons."""
    text = latex_to_text(strip_braces(value or ""))
    return [t.strip() for t in re.split(r"[,;]", text) if t.strip()]


# One encoder for every record stored (json.dumps with options makes a new one a call).
_ENCODE_FIELDS = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def dump_fields(fields: Sequence[Field]) -> str:
    """Fields as stored in the `paper.fields` column (JSON pairs, in order)."""
    return _ENCODE_FIELDS([list(f) for f in fields])


def load_fields(text: str | None) -> Fields:
    """Fields from the `paper.fields` column (DamagedValue when it is not what was stored)."""
    if not text:
        return ()
    try:
        return tuple((str(k), str(v)) for k, v in json.loads(text))
    except (TypeError, ValueError):
        raise DamagedValue(f"a stored record reads {str(text)[:40]!r}") from None
