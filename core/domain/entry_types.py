"""The fields biblatex's data model lists for the common entry types (blx-dm.def:
`\\DeclareDatamodelEntryfields` and the mandatory `\\DeclareDatamodelConstraints`),
for the entry editor: which to offer for a type and which are required. The
less used ones (editora, event times, origlanguage...) are left out; any field
can still be added by name. Names follow the record's dialect: a BibTeX record
gets `journal`, `address`, `school` and `year` where biblatex says
`journaltitle`, `location`, `institution` and `date`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from lectern.core.domain.entry import Field

# Every type may carry these (biblatex's fields for all types), after its own.
COMMON = ("date", "month", "doi", "eprint", "eprinttype", "url", "urldate", "keywords", "abstract", "note",
          "addendum", "language", "crossref")


@dataclass(frozen=True)
class EntryType:
    name: str
    required: tuple[tuple[str, ...], ...]  # each: alternatives, any one of which will do ("author", "editor")
    optional: tuple[str, ...]

    def fields(self) -> list[str]:
        """Every field offered for the type: the required first, then its own, then the common ones."""
        out = [alternatives[0] for alternatives in self.required]
        for name in (*self.optional, *COMMON):
            if name not in out:
                out.append(name)
        return out


def _type(name: str, required: str, optional: str) -> EntryType:
    return EntryType(name, tuple(tuple(r.split("|")) for r in required.split()), tuple(optional.split()))


_DATE = "date|year"
ENTRY_TYPES: dict[str, EntryType] = {t.name: t for t in (
    _type("article", f"author title journaltitle {_DATE}",
          "subtitle editor translator volume number issue pages eid series issn journalsubtitle issuetitle "
          "version pubstate"),
    _type("book", f"author title {_DATE}",
          "subtitle editor translator edition volume volumes series number publisher location isbn chapter pages "
          "pagetotal maintitle part pubstate"),
    _type("inbook", f"author title booktitle {_DATE}",
          "subtitle bookauthor editor translator edition volume volumes series number publisher location isbn "
          "chapter pages maintitle part pubstate"),
    _type("incollection", f"author editor title booktitle {_DATE}",
          "subtitle translator edition volume volumes series number publisher location isbn chapter pages "
          "maintitle part pubstate"),
    _type("inproceedings", f"author title booktitle {_DATE}",
          "subtitle editor eventtitle eventdate venue volume volumes series number organization publisher "
          "location isbn chapter pages part pubstate"),
    _type("proceedings", f"title {_DATE}",
          "subtitle editor eventtitle eventdate venue volume volumes series number organization publisher "
          "location isbn pagetotal part pubstate"),
    _type("collection", f"editor title {_DATE}",
          "subtitle translator edition volume volumes series number publisher location isbn pagetotal pubstate"),
    _type("thesis", f"author title type institution {_DATE}", "subtitle location isbn chapter pages pagetotal"),
    _type("phdthesis", f"author title institution {_DATE}", "subtitle type location isbn chapter pages pagetotal"),
    _type("mastersthesis", f"author title institution {_DATE}", "subtitle type location isbn chapter pages "
                                                                "pagetotal"),
    _type("report", f"author title type institution {_DATE}",
          "subtitle number version location isrn chapter pages pagetotal"),
    _type("techreport", f"author title institution {_DATE}",
          "subtitle type number version location isrn chapter pages pagetotal"),
    _type("online", f"author|editor title url|doi|eprint {_DATE}", "subtitle organization version"),
    _type("misc", f"title {_DATE}", "author editor subtitle howpublished type organization location version"),
    _type("unpublished", f"author title {_DATE}", "subtitle howpublished type eventtitle eventdate venue location"),
    _type("manual", f"title {_DATE}",
          "author editor subtitle edition type series number version organization publisher location isbn "
          "chapter pages pagetotal"),
    _type("booklet", f"author|editor title {_DATE}",
          "subtitle howpublished type location chapter pages pagetotal"),
)}
TYPE_NAMES = tuple(ENTRY_TYPES)
# biblatex name -> BibTeX name (biblatex's compatibility table), for a record written the BibTeX way
_BIBTEX_NAMES = {"journaltitle": "journal", "location": "address", "date": "year"}
_BIBLATEX_ONLY = frozenset({"journaltitle", "location", "date", "urldate", "eprinttype", "subtitle", "maintitle"})
_BIBTEX_TYPES = frozenset({"phdthesis", "mastersthesis", "techreport"})


def entry_type(name: str) -> EntryType | None:
    return ENTRY_TYPES.get(name.strip().lower())


def speaks_bibtex(kind: str, fields: Sequence[Field]) -> bool:
    """Whether a record is written with BibTeX's names (journal, address, year):
    a BibTeX-only type, or a record using none of biblatex's own names."""
    names = {name.lower() for name, _ in fields}
    if kind.lower() in _BIBTEX_TYPES:
        return True
    if kind.lower() in ("thesis", "report", "online") or names & _BIBLATEX_ONLY:
        return False
    return True


def _value(fields: Sequence[Field], name: str) -> str | None:
    """A field's value as stored (a bare expression keeps its RAW mark)."""
    return next((value for key, value in fields if key.lower() == name.lower()), None)


def editor_fields(kind: str, fields: Sequence[Field]) -> list[tuple[str, str, bool, str]]:
    """The rows the entry editor shows for a record of type `kind`: (field name,
    value as stored, required, what is required) for each field the type lists,
    named as the record names it (or in its dialect), then every other field
    the record holds, in its order."""
    spec = entry_type(kind) or ENTRY_TYPES["misc"]
    bibtex = speaks_bibtex(kind, fields)
    aliases = dict(_BIBTEX_NAMES)
    if spec.name in ("thesis", "phdthesis", "mastersthesis"):
        aliases["institution"] = "school"

    def written(name: str) -> str:
        alias = aliases.get(name)
        if _value(fields, name) is not None or alias is None:
            return name
        return alias if bibtex or _value(fields, alias) is not None else name

    required = {alternatives[0]: alternatives for alternatives in spec.required}
    rows: list[tuple[str, str, bool, str]] = []
    used: set[str] = set()
    for name in spec.fields():
        shown = written(name)
        if shown.lower() in used:
            continue
        used.add(shown.lower())
        alternatives = required.get(name)
        need = ""
        if alternatives:
            others = [w for w in dict.fromkeys(written(a) for a in alternatives[1:]) if w != shown]
            need = "Required" + (f" (or {', '.join(others)})" if others else "")
        original = next((key for key, _ in fields if key.lower() == shown.lower()), shown)
        rows.append((original, _value(fields, shown) or "", bool(alternatives), need))
    for key, value in fields:
        if key.lower() not in used:
            used.add(key.lower())
            rows.append((key, value, False, ""))
    return rows
