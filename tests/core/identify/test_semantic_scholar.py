"""A paper without an identifier is searched by title on Crossref and on
Semantic Scholar, which holds the preprints Crossref lacks: answered here by a
local server in Semantic Scholar's documented format (graph/v1 /paper/search)."""

from __future__ import annotations

import json

import pytest
from pytest_httpserver import HTTPServer

from lectern.core.domain.entry import get
from lectern.core.identify.http import Http, ServiceError
from lectern.core.identify.lookup import search_title
from lectern.core.identify.matching import best_match
from lectern.core.identify.semantic_scholar import semantic_scholar_search
from tests.core.identify.conftest import crossref_list, crossref_work

TITLE = "ELECTRA: Pre-training Text Encoders as Discriminators Rather Than Generators"


def s2_answer(papers: list[dict]) -> str:
    return json.dumps({"total": len(papers), "offset": 0, "data": papers})


def electra() -> dict:
    return {"paperId": "756810258e3419af76aff38c895c20343b0602d0", "title": TITLE,
            "authors": [{"authorId": "1", "name": "Kevin Clark"}, {"authorId": "2", "name": "Minh-Thang Luong"},
                        {"authorId": "3", "name": "Quoc V. Le"}, {"authorId": "4", "name": "Christopher D. Manning"}],
            "year": 2020, "venue": "International Conference on Learning Representations",
            "externalIds": {"ArXiv": "2003.10555", "DBLP": "journals/corr/abs-2003-10555", "CorpusId": 213152193},
            "journal": {"name": "ArXiv", "volume": "abs/2003.10555"}, "publicationTypes": None,
            "publicationDate": "2020-03-23", "abstract": "Masked language modeling (MLM) pre-training methods..."}


def test_a_preprint_crossref_lacks_is_found_on_semantic_scholar_with_its_arxiv_id(
        services: HTTPServer, http: Http) -> None:
    services.expect_request("/crossref/works").respond_with_data(crossref_list([
        crossref_work("Electra: a tragedy", "Sophocles", "", 2010, "10.1/electra")]))
    services.expect_request("/s2/paper/search").respond_with_data(s2_answer([electra()]))
    candidates = search_title(http, TITLE, "", 2020)
    match = best_match(TITLE, "", 2020, candidates)
    assert match is not None and match.confident
    paper = match.paper
    assert paper.arxiv_id == "2003.10555" and paper.year == 2020
    assert paper.authors.startswith("Clark, Kevin and Luong, Minh-Thang and Le, Quoc V.")
    assert get(paper.fields, "eprint") == "2003.10555"
    assert get(paper.fields, "volume") is None  # arXiv's listing ("abs/2003.10555") is no journal volume
    assert paper.venue == "International Conference on Learning Representations"


def test_the_search_asks_for_the_title_and_the_years_around_it(services: HTTPServer, http: Http) -> None:
    services.expect_request("/s2/paper/search", query_string={
        "query": "Deep learning", "fields": "title,authors,year,venue,externalIds,journal,publicationTypes,"
        "publicationDate,abstract", "limit": "5", "year": "2014-2016"}).respond_with_data(s2_answer([]))
    assert semantic_scholar_search(http, "Deep learning", 2015) == []


def test_a_journal_paper_keeps_its_journal_volume_pages_and_doi(services: HTTPServer, http: Http) -> None:
    nature = {"paperId": "x", "title": "Deep learning", "authors": [{"name": "Yann LeCun"}], "year": 2015,
              "venue": "Nature", "externalIds": {"DOI": "10.1038/nature14539"},
              "journal": {"name": "Nature", "volume": "521", "pages": "436 - 444"},
              "publicationTypes": ["JournalArticle", "Review"], "publicationDate": "2015-05-27"}
    services.expect_request("/s2/paper/search").respond_with_data(s2_answer([nature]))
    [paper] = semantic_scholar_search(http, "Deep learning")
    assert paper.entry_type == "article" and paper.venue == "Nature" and paper.doi == "10.1038/nature14539"
    assert get(paper.fields, "volume") == "521" and get(paper.fields, "pages").replace("--", "-") == "436-444"


def test_the_users_api_key_is_sent_when_one_is_set(services: HTTPServer, http: Http,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LECTERN_SEMANTIC_SCHOLAR_KEY", "my-key")
    services.expect_request("/s2/paper/search", headers={"x-api-key": "my-key"}).respond_with_data(s2_answer([]))
    assert semantic_scholar_search(http, "Deep learning") == []


def test_one_service_down_leaves_the_others_candidates(services: HTTPServer, http: Http) -> None:
    services.expect_request("/crossref/works").respond_with_data("busy", status=503)
    services.expect_request("/s2/paper/search").respond_with_data(s2_answer([electra()]))
    assert [p.arxiv_id for p in search_title(http, TITLE)] == ["2003.10555"]


def test_both_services_down_is_one_clear_error(services: HTTPServer, http: Http) -> None:
    services.expect_request("/crossref/works").respond_with_data("busy", status=503)
    services.expect_request("/s2/paper/search").respond_with_data("busy", status=503)
    with pytest.raises(ServiceError, match="Crossref is busy or unavailable"):
        search_title(http, TITLE)


def test_a_malformed_answer_is_a_service_error_not_a_traceback(services: HTTPServer, http: Http) -> None:
    services.expect_request("/s2/paper/search").respond_with_data('{"total": 1, "data": "nope"}')
    with pytest.raises(ServiceError, match="without its"):
        semantic_scholar_search(http, TITLE)
