"""DOI content negotiation (doi.org redirects to the registration agency:
Crossref, DataCite, mEDRA...): CSL-JSON asked for first, BibTeX when the agency
gives no CSL-JSON or an unreadable one."""

from __future__ import annotations

import json
from urllib.parse import quote

from lectern.core.domain.records import NewPaper
from lectern.core.formats.bibtex_import import BibError
from lectern.core.identify.http import DOI, Http, NotFound, ServiceError
from lectern.core.identify.records import paper_from_bibtex, paper_from_item

CSL_JSON = "application/vnd.citationstyles.csl+json"
BIBTEX = "application/x-bibtex"


def _from_csl(text: str, doi: str) -> NewPaper | None:
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return None
    if isinstance(data, list) and len(data) == 1:
        data = data[0]
    if not isinstance(data, dict) or not (isinstance(data.get("title"), (str, list)) and data.get("title")):
        return None
    return paper_from_item(data, doi)


def fetch_doi(http: Http, doi: str) -> NewPaper:
    """The complete record a DOI resolves to. NotFound or ServiceError."""
    path = "/" + quote(doi, safe="/:;()<>[]-._")
    problem = None
    try:
        answer = http.get(DOI, path, accept=CSL_JSON)
        paper = _from_csl(answer.text, doi)
        if paper is not None:
            return paper
    except NotFound:
        raise NotFound(DOI.name, f"No paper has the DOI {doi} (doi.org does not know it).") from None
    except ServiceError as exc:
        if "HTTP 406" not in str(exc) and "refused" not in str(exc):
            raise
        problem = exc
    try:
        answer = http.get(DOI, path, accept=BIBTEX)
        paper = paper_from_bibtex(answer.text)
    except BibError:
        paper = None
    if paper is None:
        raise ServiceError(DOI.name, f"doi.org gave no readable record for {doi}"
                                     f"{f' ({problem})' if problem else ''}: neither CSL-JSON nor BibTeX.")
    return paper
