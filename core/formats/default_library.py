"""The default reading list as complete records: the listing's titles and
abstracts, with the verified facts shipped beside it
(resources/default_library_metadata.json, by the listing's index: arXiv id,
year and month, every author, venue and DOI where known), so that a new
library's papers cite with authors, year and arXiv identifier."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from lectern.core.domain.arxiv import parse_arxiv
from lectern.core.domain.entry import RAW, Field, readings
from lectern.core.domain.records import NewPaper
from lectern.core.formats.listing import ListingEntry
from lectern.core.text.texsafe import protect_capitals, tex_escape

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
# Venues that are journals (the rest of the list's venues are conferences and workshops).
_JOURNAL = re.compile(r"Surveys|Journal|Transactions|TACL|Science China|Future Internet|Foundations and Trends|"
                      r"Nature|Intelligence \(", re.IGNORECASE)


def load_metadata(path: Path) -> dict[int, dict[str, Any]]:
    """The shipped facts by listing index (an empty dict when the file is absent)."""
    if not path.exists():
        return {}
    return {int(m["index"]): m for m in json.loads(path.read_text(encoding="utf-8"))}


def default_paper(entry: ListingEntry, meta: dict[str, Any] | None) -> NewPaper:
    """One default paper: its listing entry, completed by its facts when their title matches."""
    if not meta or meta.get("title") != entry.title:
        return NewPaper(title=entry.title, abstract=entry.abstract)
    venue = (meta.get("venue") or "").strip()
    kind = ("article" if _JOURNAL.search(venue) else "inproceedings") if venue else "misc"
    authors = [tex_escape(a) for a in meta.get("authors") or []]
    if authors and not meta.get("authors_complete", True):
        authors.append("others")
    fields: list[Field] = []
    if authors:
        fields.append(("author", " and ".join(authors)))
    fields.append(("title", protect_capitals(tex_escape(entry.title))))
    if venue:
        fields.append(("journal" if kind == "article" else "booktitle", tex_escape(venue)))
    if meta.get("year"):
        fields.append(("year", str(meta["year"])))
    if meta.get("month") and 1 <= int(meta["month"]) <= 12:
        fields.append(("month", RAW + MONTHS[int(meta["month"]) - 1]))
    if meta.get("doi"):
        fields.append(("doi", meta["doi"]))
    arxiv = parse_arxiv(meta["arxiv_id"]) if meta.get("arxiv_id") else None
    if arxiv:
        fields += [("eprint", arxiv.id), ("archivePrefix", "arXiv"), ("url", arxiv.url)]
    elif meta.get("doi"):
        fields.append(("url", f"https://doi.org/{meta['doi']}"))
    if entry.abstract.strip():
        fields.append(("abstract", tex_escape(entry.abstract)))
    values = readings(fields)
    values["title"], values["abstract"] = entry.title, entry.abstract  # the listing's text, as before
    return NewPaper(**values, entry_type=kind, fields=tuple(fields))


def default_papers(entries: list[ListingEntry], metadata: dict[int, dict[str, Any]]) -> list[NewPaper]:
    return [default_paper(entry, metadata.get(i)) for i, entry in enumerate(entries)]
