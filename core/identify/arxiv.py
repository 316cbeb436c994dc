"""The arXiv API (export.arxiv.org/api/query): papers by id, read from its Atom
feed with the standard library's parser (expat refuses external entities and,
from 2.4.1, entity expansion bombs). Its terms: one request every three
seconds, on one connection (core/identify/http.py keeps both)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence

from lectern.core.domain.arxiv import parse_arxiv
from lectern.core.domain.entry import readings, record_from_values, with_field
from lectern.core.domain.records import NewPaper
from lectern.core.identify.http import ARXIV, Http, ServiceError

ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV_NS = "{http://arxiv.org/schemas/atom}"
BATCH = 100  # ids per request


def _text(element: ET.Element, tag: str) -> str:
    found = element.find(tag)
    return " ".join((found.text or "").split()) if found is not None else ""


def paper_from_entry(entry: ET.Element) -> tuple[str, NewPaper] | None:
    """(id, complete record) of one Atom entry; None for an error entry."""
    parsed = parse_arxiv(_text(entry, f"{ATOM}id"))
    title = _text(entry, f"{ATOM}title")
    if parsed is None or not title:
        return None
    authors = " and ".join(_text(a, f"{ATOM}name") for a in entry.findall(f"{ATOM}author") if _text(a, f"{ATOM}name"))
    published = _text(entry, f"{ATOM}published")
    year = int(published[:4]) if published[:4].isdigit() else parsed.year
    kind, fields = record_from_values(title, _text(entry, f"{ATOM}summary"), authors, year, arxiv_id=parsed.id,
                                      doi=_text(entry, f"{ARXIV_NS}doi") or None)
    category = entry.find(f"{ARXIV_NS}primary_category")
    if category is not None and category.get("term") and "primaryClass" not in dict(fields):
        at = [k for k, _ in fields].index("archivePrefix") + 1
        fields = fields[:at] + (("primaryClass", category.get("term", "")),) + fields[at:]
    if published[5:7].isdigit():
        fields = with_field(fields, "month", str(int(published[5:7])))
    journal = _text(entry, f"{ARXIV_NS}journal_ref")
    if journal:
        fields = with_field(fields, "note", journal)
    return parsed.id, NewPaper(**readings(fields), entry_type=kind, fields=fields)


def parse_feed(text: str) -> dict[str, NewPaper]:
    """The papers of an arXiv Atom feed, by id. ServiceError if it is not one."""
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise ServiceError(ARXIV.name, f"arXiv answered with something that is not an Atom feed ({exc}).") from None
    if root.tag != f"{ATOM}feed":
        raise ServiceError(ARXIV.name, "arXiv answered with something that is not an Atom feed.")
    found = {}
    for entry in root.findall(f"{ATOM}entry"):
        paper = paper_from_entry(entry)
        if paper is not None:
            found[paper[0]] = paper[1]
    return found


def fetch_arxiv(http: Http, ids: Sequence[str]) -> dict[str, NewPaper]:
    """Complete records of arXiv papers by id (without version); ids arXiv does not know are absent."""
    found: dict[str, NewPaper] = {}
    for start in range(0, len(ids), BATCH):
        batch = list(ids[start:start + BATCH])
        answer = http.get(ARXIV, "/query", params={"id_list": ",".join(batch), "max_results": str(len(batch))})
        found.update(parse_feed(answer.text))
    return found
