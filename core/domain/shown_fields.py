"""A record's fields as the detail pane shows them: every field, read as Unicode
(names as "Given Family"), in a reading order (title, authors, editors, venue,
date, volume, number, pages, publisher, place, then the rest alphabetically),
the fields a crossref child takes from its parent marked as inherited, and
the DOI, URL and arXiv id with the link each opens."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from lectern.core.domain.entry import RAW, VENUE_FIELDS, Field, get, inherited, strip_braces
from lectern.core.domain.links import arxiv_url, doi_url
from lectern.core.domain.names import NAME_FIELDS, parse_names
from lectern.core.text.latex import latex_to_text

ORDER = ("title", "subtitle", "author", "editor", *VENUE_FIELDS, "year", "month", "date", "volume", "number",
         "issue", "pages", "publisher", "address", "location")
LABELS = {"author": "Authors", "editor": "Editors", "journaltitle": "Journal", "booktitle": "Book title",
          "howpublished": "Published", "doi": "DOI", "url": "URL", "isbn": "ISBN", "issn": "ISSN",
          "eprint": "Eprint", "eprinttype": "Eprint type", "archiveprefix": "Archive prefix",
          "primaryclass": "Primary class", "urldate": "URL visited", "crossref": "Cross-reference"}
# Values shown as written: identifiers and links are not LaTeX to render.
VERBATIM = frozenset({"doi", "url", "eprint", "isbn", "issn", "crossref", "xdata", "ids", "file", "urldate"})


@dataclass(frozen=True)
class ShownField:
    name: str  # as written in the record
    label: str  # for reading: "Authors", "Pages", "Book title"
    text: str  # the value read as Unicode
    link: str | None = None  # what it opens (a DOI's or arXiv id's https page, the URL as written)
    inherited: bool = False  # taken from the crossref parent


def label_of(name: str) -> str:
    lower = name.lower()
    return LABELS.get(lower, lower[:1].upper() + lower[1:])


def field_text(name: str, value: str) -> str:
    """One field's value as read: names "Given Family", text as Unicode."""
    lower = name.lower()
    if value.startswith(RAW):
        return value[1:]
    if lower in VERBATIM:
        return strip_braces(value)
    if lower in NAME_FIELDS:
        names = parse_names(value)
        shown = [n.display for n in names if not n.others]
        return ", ".join(shown) + (" et al." if len(shown) < len(names) else "")
    return latex_to_text(strip_braces(value)).replace("---", "—").replace("--", "–")  # as TeX sets them


def _link(name: str, text: str, fields: Sequence[Field]) -> str | None:
    lower = name.lower()
    if lower == "doi":
        return doi_url(text)
    if lower == "url":
        return text or None
    if lower == "eprint":
        kind = (get(fields, "archiveprefix") or get(fields, "eprinttype") or "arxiv").strip("{} ").lower()
        return arxiv_url(text) if kind == "arxiv" else None
    return None


def shown_fields(fields: Sequence[Field], parent: Sequence[Field] | None = None) -> list[ShownField]:
    """Every field of a record (and those it inherits from `parent`), in reading order."""
    own = {key.lower() for key, _ in fields}
    every = inherited(fields, parent)
    rank = {name: i for i, name in enumerate(ORDER)}
    ordered = sorted(every, key=lambda f: (rank.get(f[0].lower(), len(ORDER)), f[0].lower()))
    out = []
    for name, value in ordered:
        text = field_text(name, value)
        if text.strip():
            out.append(ShownField(name, label_of(name), text, _link(name, text, every), name.lower() not in own))
    return out
