"""BibTeX and BibLaTeX are two dialects of one format: the entry types and
field names each has for the same thing, mapped the way the biblatex manual's
compatibility notes and biber's default source map do. A record is written
in the dialect asked for: names of the other dialect are mapped, everything
else is written as it stands (each tool ignores fields it does not know)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from lectern.core.domain.entry import Field, get, with_field

# BibTeX -> BibLaTeX entry types (with the `type` field biblatex adds) and fields.
TO_BIBLATEX_TYPES: dict[str, tuple[str, str | None]] = {
    "phdthesis": ("thesis", "phdthesis"), "mastersthesis": ("thesis", "mathesis"),
    "techreport": ("report", "techreport"), "conference": ("inproceedings", None),
    "electronic": ("online", None), "www": ("online", None),
}
TO_BIBLATEX_FIELDS = {"journal": "journaltitle", "address": "location", "annote": "annotation",
                      "archiveprefix": "eprinttype", "primaryclass": "eprintclass"}
# BibLaTeX -> BibTeX.
TO_BIBTEX_TYPES = {
    "online": "misc", "report": "techreport", "collection": "book", "mvbook": "book", "mvcollection": "book",
    "bookinbook": "inbook", "suppbook": "inbook", "suppcollection": "incollection", "inreference": "incollection",
    "reference": "book", "mvreference": "book", "mvproceedings": "proceedings", "periodical": "misc",
    "suppperiodical": "article", "patent": "misc", "dataset": "misc", "software": "misc", "artwork": "misc",
    "audio": "misc", "image": "misc", "movie": "misc", "music": "misc", "performance": "misc", "video": "misc",
    "letter": "misc", "legislation": "misc", "legal": "misc", "jurisdiction": "misc", "standard": "misc",
    "review": "article", "commentary": "misc",
}
TO_BIBTEX_FIELDS = {"journaltitle": "journal", "location": "address", "annotation": "annote",
                    "eprinttype": "archivePrefix", "eprintclass": "primaryClass"}
BIBTEX_TYPES = frozenset({"article", "book", "booklet", "inbook", "incollection", "inproceedings", "conference",
                          "manual", "mastersthesis", "misc", "phdthesis", "proceedings", "techreport",
                          "unpublished"})
_THESIS_TYPES = {"phdthesis": "phdthesis", "phd": "phdthesis", "mathesis": "mastersthesis",
                 "mastersthesis": "mastersthesis", "ma": "mastersthesis"}
_DATE = re.compile(r"^\s*(\d{4})(?:-(\d{1,2}))?")
_MONTH_MACROS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def _renamed(fields: Sequence[Field], names: dict[str, str]) -> tuple[Field, ...]:
    """Fields renamed by `names` (lower-case keys), unless the new name is already there."""
    present = {key.lower() for key, _ in fields}
    out = []
    for key, value in fields:
        new = names.get(key.lower())
        out.append((new, value) if new and new.lower() not in present else (key, value))
    return tuple(out)


# Field names only one dialect has: they tell which dialect a record was written in.
BIBLATEX_ONLY_FIELDS = frozenset({
    "journaltitle", "location", "date", "eprinttype", "eprintclass", "annotation", "subtitle", "titleaddon",
    "maintitle", "mainsubtitle", "booksubtitle", "booktitleaddon", "origdate", "urldate", "eventdate",
    "eventtitle", "venue", "pubstate", "journalsubtitle", "issuetitle", "origlocation", "origpublisher",
    "shortjournal", "shorttitle", "sortname", "indextitle", "related", "relatedtype", "xdata", "entryset",
    "langid", "hyphenation", "options", "ids", "foreword", "afterword", "introduction",
    "commentator", "translator", "bookauthor", "editora", "editorb", "editorc", "holder", "pagetotal",
    "version", "addendum",
})
BIBTEX_ONLY_FIELDS = frozenset({"journal", "address", "school", "annote", "archiveprefix", "primaryclass"})


def is_biblatex_record(entry_type: str, fields: Sequence[Field]) -> bool:
    """Whether a record is written in BibLaTeX's names (a field only BibLaTeX
    has, or one of its entry types BibTeX lacks) rather than BibTeX's: only
    the names of the other dialect are mapped on export, so that a BibTeX
    style's own entry types (jurabib's @periodical, @www) stay as they are."""
    names = {key.lower() for key, _ in fields}
    if names & BIBTEX_ONLY_FIELDS and not names & BIBLATEX_ONLY_FIELDS:
        return False
    return bool(names & BIBLATEX_ONLY_FIELDS) or entry_type.lower() in ("online", "thesis", "report", "collection",
                                                                         "mvbook", "mvcollection", "dataset",
                                                                         "software", "reference", "inreference")


def to_biblatex(entry_type: str, fields: Sequence[Field]) -> tuple[str, tuple[Field, ...]]:
    kind = entry_type.lower()
    out = tuple(fields)
    if is_biblatex_record(kind, out):
        return kind, out
    if kind in TO_BIBLATEX_TYPES:
        kind, subtype = TO_BIBLATEX_TYPES[kind]
        if subtype and not get(out, "type"):
            out = out + (("type", subtype),)
        if kind == "thesis":
            out = _renamed(out, {"school": "institution"})
    return kind, _renamed(out, TO_BIBLATEX_FIELDS)


def to_bibtex(entry_type: str, fields: Sequence[Field]) -> tuple[str, tuple[Field, ...]]:
    kind = entry_type.lower()
    out = tuple(fields)
    if not is_biblatex_record(kind, out):
        return kind, out
    if kind == "thesis":
        subtype = (get(out, "type") or "").strip().lower()
        kind = _THESIS_TYPES.get(subtype, "phdthesis")
        if subtype in _THESIS_TYPES:
            out = with_field(out, "type", None)
        out = _renamed(out, {"institution": "school"})
    elif kind == "report" and (get(out, "type") or "").strip().lower() == "techreport":
        kind = "techreport"
        out = with_field(out, "type", None)
    elif kind == "online":
        url = get(out, "url")
        if url and not get(out, "howpublished"):
            out = out + (("howpublished", "\\url{" + url + "}"),)
    kind = TO_BIBTEX_TYPES.get(kind, kind)
    date = get(out, "date")
    if date and not get(out, "year"):
        match = _DATE.match(date)
        if match:
            out = out + (("year", match.group(1)),)
            if match.group(2) and not get(out, "month") and 1 <= int(match.group(2)) <= 12:
                out = out + (("month", _MONTH_MACROS[int(match.group(2)) - 1]),)
    return kind, _renamed(out, TO_BIBTEX_FIELDS)
