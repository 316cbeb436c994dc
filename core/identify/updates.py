"""Completing a record with what a service holds: the field-by-field difference
(old -> new) and the merged record. The bibliographic facts a service knows
better (authors, title, year, venue, volume, pages, identifiers...) overwrite
the record's; every other field is only filled in where the record lacks it
(its URL, abstract, note, keywords stay the user's). The citation key is never
touched, and a field is written in the name the record already uses for it
(a BibTeX `journal` stays `journal`, not biblatex's `journaltitle`)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from lectern.core.domain.entry import Field, Fields, get, strip_braces, with_field
from lectern.core.domain.names import NAME_FIELDS, parse_names
from lectern.core.domain.records import PaperRecord
from lectern.core.formats.bib_dialects import BIBLATEX_ONLY_FIELDS
from lectern.core.identify.lookup import Lookup
from lectern.core.text.latex import latex_to_text

OVERWRITE = frozenset({"author", "editor", "title", "year", "month", "date", "journal", "journaltitle", "booktitle",
                       "volume", "number", "issue", "pages", "publisher", "doi", "eprint", "archiveprefix",
                       "primaryclass", "eprinttype", "eprintclass"})
# biblatex name -> the BibTeX name for the same fact, and back.
_SAME = {"journaltitle": "journal", "date": "year", "eprinttype": "archivePrefix", "eprintclass": "primaryClass",
         "location": "address"}
_SAME.update({v.lower(): k for k, v in list(_SAME.items())})


@dataclass(frozen=True)
class FieldChange:
    name: str
    old: str | None  # None: the record lacks it
    new: str


@dataclass
class Update:
    """A proposed completion of one paper (see `propose`)."""

    paper_id: int
    citation_key: str
    title: str
    lookup: Lookup
    entry_type: str = ""
    fields: Fields = ()
    changes: list[FieldChange] = field(default_factory=list)

    @property
    def confident(self) -> bool:
        return self.lookup.match is not None and self.lookup.match.confident


def _plain(value: str) -> str:
    return " ".join(re.findall(r"\w+", latex_to_text(strip_braces(value)).casefold()))


def same_value(name: str, a: str, b: str) -> bool:
    """Whether two values say the same (braces, LaTeX, case, name order aside)."""
    if name.lower() in NAME_FIELDS:
        families = [[_plain(n.family or n.literal) for n in parse_names(v)] for v in (a, b)]
        return families[0] == families[1]
    if name.lower() in ("year", "date"):
        return a.strip()[:4] == b.strip()[:4]
    return _plain(a) == _plain(b)


def merged(old_type: str, old: Sequence[Field], new_type: str, new: Sequence[Field]) -> tuple[str, Fields,
                                                                                             list[FieldChange]]:
    """(entry type, fields, what changed) of `old` completed with `new`."""
    out: Fields = tuple(old)
    changes: list[FieldChange] = []
    bibtex = not any(k.lower() in BIBLATEX_ONLY_FIELDS for k, _ in old)  # a BibTeX record gets BibTeX names
    for name, value in new:
        target = name
        other = _SAME.get(name.lower())
        if get(out, name) is None and other and (get(out, other) is not None or
                                                 (bibtex and name.lower() in BIBLATEX_ONLY_FIELDS)):
            if get(out, other) is None:
                out = out + ((other, ""),)
            target = next(k for k, _ in out if k.lower() == other.lower())
            if target.lower() == "year":
                value = value[:4]
            elif target.lower() == "archiveprefix" and value.lower() == "arxiv":
                value = "arXiv"
        have = get(out, target)
        if have is not None and have.strip() and (same_value(target, have, value) or target.lower() not in OVERWRITE):
            continue
        out = with_field(out, target, value)
        changes.append(FieldChange(target, have or None, value))
    kind = old_type
    if old_type.lower() == "misc" and new_type.lower() != "misc":
        kind = new_type
        changes.insert(0, FieldChange("entry type", old_type, new_type))
    return kind, out, changes


def propose(paper: PaperRecord, lookup: Lookup) -> Update:
    """The completion a lookup proposes for a paper (no changes when it found nothing)."""
    update = Update(paper.id, paper.citation_key, paper.title, lookup, paper.entry_type, paper.fields)
    if lookup.match is not None:
        new = lookup.match.paper
        update.entry_type, update.fields, update.changes = merged(paper.entry_type, paper.fields,
                                                                  new.entry_type or "misc", new.fields)
    return update
