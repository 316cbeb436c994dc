"""Each service's client against a local server answering in its documented format."""

from __future__ import annotations

import json

import pytest
from pytest_httpserver import HTTPServer

from lectern.core.domain.entry import get
from lectern.core.identify import crossref as crossref_client
from lectern.core.identify.arxiv import fetch_arxiv
from lectern.core.identify.crossref import crossref_isbn, crossref_search
from lectern.core.identify.doi import BIBTEX, CSL_JSON, fetch_doi
from lectern.core.identify.http import Http, NotFound, ServiceError
from lectern.core.identify.matching import best_match
from tests.core.identify.conftest import (
    ELECTRA_ATOM,
    EMPTY_ATOM,
    NATURE_BIBTEX,
    crossref_list,
    crossref_message,
    crossref_work,
    nature_csl,
)

NATURE = "10.1038/nature14539"


def test_arxiv_new_and_old_style_ids_become_complete_records(services: HTTPServer, http: Http) -> None:
    services.expect_request("/arxiv/query", query_string={"id_list": "2003.10555,hep-th/9711200",
                                                          "max_results": "2"}).respond_with_data(ELECTRA_ATOM)
    found = fetch_arxiv(http, ["2003.10555", "hep-th/9711200"])
    electra = found["2003.10555"]
    assert electra.title == "{ELECTRA}: Pre-training Text Encoders as Discriminators Rather Than Generators"
    assert electra.authors == "Kevin Clark and Minh-Thang Luong and Quoc V. Le and Christopher D. Manning"
    assert electra.year == 2020 and electra.arxiv_id == "2003.10555"
    assert (get(electra.fields, "eprint"), get(electra.fields, "archivePrefix"),
            get(electra.fields, "primaryClass")) == ("2003.10555", "arXiv", "cs.CL")
    assert electra.abstract.startswith("Masked language modeling")
    old = found["hep-th/9711200"]
    assert old.year == 1997 and old.doi == "10.1023/A:1026654312961"
    assert get(old.fields, "primaryClass") == "hep-th"


def test_an_arxiv_id_arxiv_does_not_know_is_absent(services: HTTPServer, http: Http) -> None:
    services.expect_request("/arxiv/query").respond_with_data(EMPTY_ATOM)
    assert fetch_arxiv(http, ["2401.99999"]) == {}


def test_malformed_atom_is_a_service_error_not_a_traceback(services: HTTPServer, http: Http) -> None:
    services.expect_request("/arxiv/query").respond_with_data("<feed><entry>unclosed")
    with pytest.raises(ServiceError, match="not an Atom feed"):
        fetch_arxiv(http, ["2003.10555"])


def test_a_doi_resolves_by_csl_json_to_a_complete_record(services: HTTPServer, http: Http) -> None:
    services.expect_request(f"/doi/{NATURE}", headers={"Accept": CSL_JSON}).respond_with_json(nature_csl())
    paper = fetch_doi(http, NATURE)
    assert paper.entry_type == "article"
    assert paper.title == "Deep learning" and paper.year == 2015 and paper.doi == NATURE
    assert paper.authors == "LeCun, Yann and Bengio, Yoshua and Hinton, Geoffrey"
    assert (get(paper.fields, "journaltitle"), get(paper.fields, "volume"), get(paper.fields, "number"),
            get(paper.fields, "pages")) == ("Nature", "521", "7553", "436--444")
    names = {name.lower() for name, _ in paper.fields}
    assert not names & {"indexed", "deposited", "reference-count", "license", "link", "member", "score"}


def test_a_doi_without_csl_json_falls_back_to_bibtex(services: HTTPServer, http: Http) -> None:
    services.expect_request(f"/doi/{NATURE}", headers={"Accept": CSL_JSON}).respond_with_data("", status=406)
    services.expect_request(f"/doi/{NATURE}", headers={"Accept": BIBTEX}).respond_with_data(NATURE_BIBTEX)
    paper = fetch_doi(http, NATURE)
    assert paper.title == "Deep learning" and paper.year == 2015 and paper.venue == "Nature"
    assert paper.citation_key is None  # generated in Lectern's pattern when added


def test_malformed_csl_json_falls_back_to_bibtex(services: HTTPServer, http: Http) -> None:
    services.expect_request(f"/doi/{NATURE}", headers={"Accept": CSL_JSON}).respond_with_data('{"title": "Deep')
    services.expect_request(f"/doi/{NATURE}", headers={"Accept": BIBTEX}).respond_with_data(NATURE_BIBTEX)
    assert fetch_doi(http, NATURE).title == "Deep learning"


def test_an_unknown_doi_is_not_found(services: HTTPServer, http: Http) -> None:
    services.expect_request("/doi/10.9999/nothing").respond_with_data("DOI Not Found", status=404)
    with pytest.raises(NotFound, match="No paper has the DOI 10.9999/nothing"):
        fetch_doi(http, "10.9999/nothing")


def test_crossref_work_by_doi_reads_the_message(services: HTTPServer, http: Http) -> None:
    work = crossref_work("Deep learning", "LeCun", "Yann", 2015, NATURE)
    services.expect_request(f"/crossref/works/{NATURE}").respond_with_data(crossref_message(work))
    paper = crossref_client.crossref_work(http, NATURE)
    assert paper.entry_type == "article" and paper.title == "Deep learning" and paper.venue == "Nature"
    assert paper.abstract == "What the paper shows."


def test_malformed_crossref_json_is_a_service_error(services: HTTPServer, http: Http) -> None:
    services.expect_request("/crossref/works").respond_with_data("{not json")
    with pytest.raises(ServiceError, match="not JSON"):
        crossref_search(http, "Deep learning")


def test_a_book_is_found_by_isbn(services: HTTPServer, http: Http) -> None:
    book = crossref_work("Deep Learning", "Goodfellow", "Ian", 2016, "10.5555/dl", container="", kind="book")
    book["ISBN"] = ["9780262035613"]
    services.expect_request("/crossref/works", query_string={"filter": "isbn:9780262035613", "rows": "5"}) \
        .respond_with_data(crossref_list([book]))
    paper = crossref_isbn(http, "9780262035613")
    assert paper.entry_type == "book" and paper.title.replace("{", "").replace("}", "") == "Deep Learning"
    assert get(paper.fields, "isbn") == "9780262035613"


def test_a_title_search_picks_the_right_candidate_among_wrong_ones(services: HTTPServer, http: Http) -> None:
    items = [crossref_work("Deep learning in neural networks: An overview", "Schmidhuber", "Jürgen", 2015, "10.1/a"),
             crossref_work("Deep Learning", "LeCun", "Yann", 2015, NATURE),
             crossref_work("Deep learning for audio", "Purwins", "Hendrik", 2019, "10.1/c")]
    services.expect_request("/crossref/works").respond_with_data(crossref_list(items))
    candidates = crossref_search(http, "Deep learning", "LeCun, Yann", 2015)
    match = best_match("Deep learning", "LeCun, Yann", 2015, candidates)
    assert match is not None and match.paper.doi == NATURE and match.confident
    wrong = best_match("Deep learning for music", "Smith, Ann", 2021, candidates)
    assert wrong is not None and not wrong.confident  # a weak match is only a candidate


def test_the_search_asks_crossref_with_the_title_author_and_year(services: HTTPServer, http: Http) -> None:
    services.expect_request("/crossref/works", query_string={"query.bibliographic": "Deep learning LeCun, Yann 2015",
                                                             "rows": "5"}).respond_with_data(crossref_list([]))
    assert crossref_search(http, "Deep learning", "LeCun, Yann", 2015) == []
    assert json.loads(crossref_list([]))["message"]["items"] == []
