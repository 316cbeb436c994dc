"""Crossref's REST API (api.crossref.org): a work by DOI, works by ISBN, and a
bibliographic title query. Answers are `{"status": "ok", "message": ...}`; the
polite pool is asked through the `mailto` parameter when one is set."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from lectern.core.domain.records import NewPaper
from lectern.core.identify.http import CROSSREF, Http, NotFound, ServiceError
from lectern.core.identify.records import paper_from_item


def _message(http: Http, path: str, params: dict[str, str] | None = None) -> Any:
    params = dict(params or {})
    if http.mailto:
        params["mailto"] = http.mailto
    data = http.get(CROSSREF, path, params=params or None, accept="application/json").json(CROSSREF.name)
    if not isinstance(data, dict) or not isinstance(data.get("message"), dict):
        raise ServiceError(CROSSREF.name, "Crossref answered without the expected “message”.")
    return data["message"]


def _items(message: dict[str, Any]) -> list[dict[str, Any]]:
    items = message.get("items")
    if not isinstance(items, list):
        raise ServiceError(CROSSREF.name, "Crossref answered a search without its “items”.")
    return [item for item in items if isinstance(item, dict) and item.get("title")]


def crossref_work(http: Http, doi: str) -> NewPaper:
    """The complete record Crossref holds for a DOI. NotFound or ServiceError."""
    try:
        message = _message(http, "/works/" + quote(doi, safe="/:;()<>[]-._"))
    except NotFound:
        raise NotFound(CROSSREF.name, f"Crossref has no work with the DOI {doi}.") from None
    return paper_from_item(message, doi)


def crossref_isbn(http: Http, isbn: str) -> NewPaper:
    """The book (or first work) Crossref holds with this ISBN. NotFound or ServiceError."""
    items = _items(_message(http, "/works", {"filter": f"isbn:{isbn}", "rows": "5"}))
    books = [i for i in items if str(i.get("type", "")).startswith(("book", "monograph", "edited-book"))] or items
    if not books:
        raise NotFound(CROSSREF.name, f"Crossref has no book with the ISBN {isbn}.")
    return paper_from_item(books[0])


def crossref_search(http: Http, title: str, authors: str = "", year: int | None = None,
                    rows: int = 5) -> list[NewPaper]:
    """Works whose title, first author and year best match, best first as Crossref ranks them."""
    query = " ".join(p for p in (title, authors.split(" and ")[0] if authors else "", str(year or "")) if p)
    return [paper_from_item(item) for item in _items(_message(http, "/works", {
        "query.bibliographic": query, "rows": str(rows)}))]
