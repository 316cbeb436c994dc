"""Which service answers what: an arXiv id from arXiv, a DOI by content
negotiation (Crossref's REST API when that fails), an ISBN from Crossref, and
a paper with no identifier by a title search of Crossref and Semantic Scholar
(which holds the preprints Crossref lacks), every candidate scored by matching.py."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from lectern.core.domain.changes import CancelToken, Progress, ProgressFn
from lectern.core.domain.identity import normal_arxiv
from lectern.core.domain.records import NewPaper, PaperRecord
from lectern.core.identify.arxiv import fetch_arxiv
from lectern.core.identify.crossref import crossref_isbn, crossref_search, crossref_work
from lectern.core.identify.doi import fetch_doi
from lectern.core.identify.http import Http, NotFound, ServiceError
from lectern.core.identify.identifiers import Identifier
from lectern.core.identify.matching import Match, best_match
from lectern.core.identify.semantic_scholar import semantic_scholar_search


@dataclass
class Resolved:
    identifier: Identifier
    paper: NewPaper | None  # None: the service does not know it
    problem: str = ""


def _by_doi(http: Http, doi: str) -> NewPaper:
    try:
        return fetch_doi(http, doi)
    except NotFound:
        raise
    except ServiceError:
        return crossref_work(http, doi)  # doi.org down or unreadable: Crossref may hold it


def resolve(http: Http, identifiers: Sequence[Identifier], progress: ProgressFn | None = None,
            cancel: CancelToken | None = None) -> list[Resolved]:
    """A complete record for each identifier (arXiv ids asked in one request).
    ServiceError when a service cannot be reached: then nothing is returned."""
    arxiv_ids = [i.value for i in identifiers if i.kind == "arxiv"]
    found = fetch_arxiv(http, arxiv_ids) if arxiv_ids else {}
    out = []
    for done, ident in enumerate(identifiers, 1):
        if cancel:
            cancel.check()
        if ident.kind == "arxiv":
            paper = found.get(normal_arxiv(ident.value)) or found.get(ident.value)
            out.append(Resolved(ident, paper, "" if paper else f"arXiv has no paper {ident.value}."))
        else:
            try:
                paper = _by_doi(http, ident.value) if ident.kind == "doi" else crossref_isbn(http, ident.value)
                out.append(Resolved(ident, paper))
            except NotFound as exc:
                out.append(Resolved(ident, None, str(exc)))
        if progress:
            progress(Progress(done, len(identifiers), f"Looking up {ident}"))
    return out


@dataclass
class Lookup:
    """What a service holds for a paper of the library."""

    paper_id: int
    match: Match | None  # by identifier: score 1; by title: the best candidate
    by: str  # "arXiv id", "DOI" or "title"
    problem: str = ""


def lookup_paper(http: Http, paper: PaperRecord) -> Lookup:
    """Look a library paper up by its arXiv id or DOI, else search its title."""
    try:
        if paper.arxiv_id:
            found = fetch_arxiv(http, [normal_arxiv(paper.arxiv_id)])
            new = next(iter(found.values()), None)
            if new is None:
                return Lookup(paper.id, None, "arXiv id", f"arXiv has no paper {paper.arxiv_id}.")
            return Lookup(paper.id, Match(new, 1.0, 1.0), "arXiv id")
        if paper.doi:
            return Lookup(paper.id, Match(_by_doi(http, paper.doi), 1.0, 1.0), "DOI")
    except NotFound as exc:
        return Lookup(paper.id, None, "DOI", str(exc))
    candidates = search_title(http, paper.title, paper.authors, paper.year)
    match = best_match(paper.title, paper.authors, paper.year, candidates)
    return Lookup(paper.id, match, "title", "" if match else "No service found a paper with this title.")


def search_title(http: Http, title: str, authors: str = "", year: int | None = None) -> list[NewPaper]:
    """Candidates from both title searches; one service down leaves the other's,
    both down is the first one's ServiceError."""
    candidates: list[NewPaper] = []
    failed: list[ServiceError] = []
    for search in (lambda: crossref_search(http, title, authors, year),
                   lambda: semantic_scholar_search(http, title, year)):
        try:
            candidates.extend(search())
        except NotFound:
            pass
        except ServiceError as exc:
            failed.append(exc)
    if len(failed) == 2:
        raise failed[0]
    return candidates
