"""Turning a service's answer into a complete record (NewPaper with its entry
type and fields): CSL-JSON from DOI content negotiation and Crossref's `message`
JSON go through the CSL-JSON reader, BibTeX through the BibTeX reader. Only the
CSL variables are kept: Crossref adds bookkeeping (`indexed`, `deposited`,
`reference-count`, ...) that is no part of a reference."""

from __future__ import annotations

import re
from typing import Any

from lectern.core.domain.entry import readings
from lectern.core.domain.records import NewPaper
from lectern.core.formats.bibtex_import import parse_bibtex
from lectern.core.formats.csljson_import import fields_from_item

# CSL 1.0.2 variables (standard, name and date ones) a reference may carry.
CSL_VARIABLES = frozenset("""
type id citation-key language abstract annote archive archive_collection archive-place authority call-number
chapter-number citation-label collection-number collection-title container-title container-title-short
dimensions division DOI edition event event-title event-place first-reference-note genre ISBN ISSN jurisdiction
keyword locator medium note number number-of-pages number-of-volumes original-publisher original-publisher-place
original-title page part-number part-title PMCID PMID printing publisher publisher-place
reviewed-genre reviewed-title scale section status supplement-number title title-short URL version volume
volume-title year-suffix author chair collection-editor compiler composer container-author contributor curator
director editor editorial-director executive-producer guest host illustrator interviewer narrator organizer
original-author performer producer recipient reviewed-author script-writer series-creator translator accessed
available-date event-date issued original-date submitted issue
""".split())
# Crossref's work types -> CSL types (api.crossref.org/types).
CROSSREF_TYPES = {
    "journal-article": "article-journal", "proceedings-article": "paper-conference", "book-chapter": "chapter",
    "book-section": "chapter", "book-part": "chapter", "book": "book", "monograph": "book", "edited-book": "book",
    "reference-book": "book", "book-set": "book", "book-series": "book", "posted-content": "article",
    "dissertation": "thesis", "report": "report", "report-series": "report", "dataset": "dataset",
    "standard": "standard", "reference-entry": "entry", "peer-review": "review", "component": "article",
    "journal": "periodical", "proceedings": "book", "other": "document",
}
_SINGLE = ("title", "container-title", "container-title-short", "original-title", "title-short", "publisher")
_TAG = re.compile(r"<[^>]+>")


def clean_item(data: dict[str, Any], doi: str | None = None) -> dict[str, Any]:
    """A service's reference as a plain CSL item: CSL variables only, one
    string where Crossref gives a list of titles, JATS tags out of the abstract."""
    item = {key: value for key, value in data.items() if key in CSL_VARIABLES}
    if "short-container-title" in data and "container-title-short" not in item:
        item["container-title-short"] = data["short-container-title"]
    for key in _SINGLE:
        value = item.get(key)
        if isinstance(value, list):
            strings = [v for v in value if isinstance(v, str) and v.strip()]
            if strings:
                item[key] = strings[0]
            else:
                item.pop(key)
    subtitle = data.get("subtitle")
    if isinstance(subtitle, list) and subtitle and isinstance(subtitle[0], str) and isinstance(item.get("title"), str) \
            and subtitle[0].strip() and subtitle[0].lower() not in item["title"].lower():
        item["title"] = f"{item['title']}: {subtitle[0].strip()}"
    for key in ("ISBN", "ISSN"):
        if isinstance(item.get(key), list):
            item[key] = " ".join(str(v) for v in item[key] if isinstance(v, str))
    if isinstance(item.get("abstract"), str):
        item["abstract"] = " ".join(_TAG.sub(" ", item["abstract"]).split())
    for key in [k for k, v in item.items() if isinstance(v, (list, dict)) and k not in ("author", "editor")]:
        value = item[key]
        is_names = isinstance(value, list) and all(isinstance(n, dict) for n in value)
        is_date = isinstance(value, dict) and "date-parts" in value
        if not (is_names or is_date):
            item.pop(key)
    kind = str(data.get("type") or "")
    item["type"] = CROSSREF_TYPES.get(kind, kind or "article")
    item.pop("id", None)
    item.pop("citation-key", None)
    if doi and not item.get("DOI"):
        item["DOI"] = doi
    return item


def paper_from_item(data: dict[str, Any], doi: str | None = None) -> NewPaper:
    """A complete record from a CSL-JSON reference or a Crossref work (its key is generated when added)."""
    kind, fields = fields_from_item(clean_item(data, doi))
    return NewPaper(**readings(fields), entry_type=kind, fields=tuple(fields))


def paper_from_bibtex(text: str) -> NewPaper | None:
    """The first entry of a BibTeX answer as a complete record (its key is generated when added), or None."""
    parsed = parse_bibtex(text)
    if not parsed.papers:
        return None
    paper = parsed.papers[0].paper
    return NewPaper(**readings(paper.fields), entry_type=paper.entry_type, fields=paper.fields)
