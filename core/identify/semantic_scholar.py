"""Semantic Scholar's Academic Graph API (api.semanticscholar.org/graph/v1):
a title search, for the papers Crossref does not hold (preprints, most of
arXiv). Its answer is `{"total", "offset", "data": [paper...]}`; each paper is
turned into a CSL item and read by the same reader as Crossref's works."""

from __future__ import annotations

from typing import Any

from lectern.core.domain.names import parse_names
from lectern.core.domain.records import NewPaper
from lectern.core.identify.http import SEMANTIC_SCHOLAR, Http, NotFound, ServiceError
from lectern.core.identify.records import paper_from_item

FIELDS = "title,authors,year,venue,externalIds,journal,publicationTypes,publicationDate,abstract"
# Semantic Scholar's publication types -> CSL types; a paper with none is a preprint.
TYPES = {"JournalArticle": "article-journal", "Conference": "paper-conference", "Book": "book",
         "BookSection": "chapter", "Dataset": "dataset", "Review": "article-journal", "Thesis": "thesis"}
_REPOSITORIES = frozenset({"arxiv", "arxiv.org", "biorxiv", "medrxiv", "ssrn", "openreview.net"})


def _text(value: Any) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


def _names(authors: Any) -> list[dict[str, str]]:
    out = []
    for author in authors if isinstance(authors, list) else []:
        name = _text(author.get("name")) if isinstance(author, dict) else ""
        parsed = parse_names(name.replace("{", "").replace("}", "")) if name else ()
        if parsed and parsed[0].family:
            first = parsed[0]
            family = " ".join(p for p in (first.prefix, first.family) if p)
            out.append({"family": family, "given": first.given} if first.given else {"family": family})
        elif name:
            out.append({"literal": name})
    return out


def item_from_paper(paper: dict[str, Any]) -> dict[str, Any]:
    """A CSL item for one paper of Semantic Scholar's answer."""
    ids = paper.get("externalIds") if isinstance(paper.get("externalIds"), dict) else {}
    journal = paper.get("journal") if isinstance(paper.get("journal"), dict) else {}
    kinds = [k for k in paper.get("publicationTypes") or [] if isinstance(k, str)]
    kind = next((TYPES[k] for k in kinds if k in TYPES), "article")
    item: dict[str, Any] = {"type": kind, "title": _text(paper.get("title"))}
    names = _names(paper.get("authors"))
    if names:
        item["author"] = names
    date = _text(paper.get("publicationDate"))
    parts = [int(p) for p in date.split("-") if p.isdigit()][:3] if date else []
    year = paper.get("year")
    if not parts and isinstance(year, int):
        parts = [year]
    if parts:
        item["issued"] = {"date-parts": [parts]}
    in_repository = _text(journal.get("name")).lower() in _REPOSITORIES  # arXiv's "volume" is its listing
    venue = ("" if in_repository else _text(journal.get("name"))) or _text(paper.get("venue"))
    if venue and venue.lower() not in _REPOSITORIES:
        item["container-title"] = venue
    for csl, key in (("volume", "volume"), ("page", "pages")):
        value = _text(journal.get(key)).replace(" ", "")
        if value and not in_repository:
            item[csl] = value
    if isinstance(ids.get("DOI"), str) and ids["DOI"].strip():
        item["DOI"] = ids["DOI"].strip()
    if isinstance(ids.get("ArXiv"), str) and ids["ArXiv"].strip():
        item["number"] = "arXiv:" + ids["ArXiv"].strip()
        item["URL"] = "https://arxiv.org/abs/" + ids["ArXiv"].strip()
    abstract = _text(paper.get("abstract"))
    if abstract:
        item["abstract"] = abstract
    return item


def semantic_scholar_search(http: Http, title: str, year: int | None = None, rows: int = 5) -> list[NewPaper]:
    """Papers whose title best matches, best first as Semantic Scholar ranks them."""
    params = {"query": title, "fields": FIELDS, "limit": str(rows)}
    if year:
        params["year"] = f"{year - 1}-{year + 1}"
    try:
        data = http.get(SEMANTIC_SCHOLAR, "/paper/search", params=params,
                        accept="application/json").json(SEMANTIC_SCHOLAR.name)
    except NotFound:
        return []
    papers = data.get("data", []) if isinstance(data, dict) else None
    if not isinstance(papers, list):
        raise ServiceError(SEMANTIC_SCHOLAR.name, "Semantic Scholar answered a search without its “data”.")
    return [paper_from_item(item_from_paper(p)) for p in papers if isinstance(p, dict) and _text(p.get("title"))]
