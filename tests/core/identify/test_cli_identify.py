"""`lectern add ID...` and `lectern fetch-metadata` end to end, against the
local services the LECTERN_*_URL variables point at (the command runs in a
subprocess that inherits them)."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from lectern.core.domain.records import NewPaper
from lectern.core.identify.http import Http
from lectern.core.identify.identifiers import parse_identifiers
from lectern.core.library.facade import Library
from lectern.core.transfer.identified import add_identified, apply_updates, propose_updates
from lectern.core.transfer.importing import import_text
from tests.core.identify.conftest import ELECTRA_ATOM, crossref_list, crossref_work, nature_csl
from tests.core.test_cli import lectern

NATURE = "10.1038/nature14539"


def _papers(path: Path) -> dict[str, tuple[str, str, int | None]]:
    with Library.open(path) as library:
        ids = library.paper_ids()
        keys = library.citation_keys_of(ids)
        rows = {i: library.paper(i).paper for i in ids}
    return {keys[i]: (rows[i].title, rows[i].authors, rows[i].year) for i in ids}


def test_add_by_arxiv_id_and_doi_creates_complete_records_once(services: HTTPServer, library_path: Path) -> None:
    services.expect_request("/arxiv/query").respond_with_data(ELECTRA_ATOM)
    services.expect_request(f"/doi/{NATURE}").respond_with_json(nature_csl())
    done = lectern("--library", str(library_path), "add", "arXiv:2003.10555v1", f"https://doi.org/{NATURE}")
    assert done.returncode == 0, done.stderr
    papers = _papers(library_path)
    assert set(papers) == {"clark2020electra", "lecun2015deep"}
    assert papers["lecun2015deep"] == ("Deep learning", "LeCun, Yann and Bengio, Yoshua and Hinton, Geoffrey", 2015)
    assert "added clark2020electra" in done.stdout and "added lecun2015deep" in done.stdout
    again = lectern("--library", str(library_path), "add", "2003.10555")
    assert again.returncode == 0 and "already in the library as clark2020electra (same arXiv id)" in again.stderr
    assert len(_papers(library_path)) == 2


def test_papers_added_by_identifier_are_one_undo_step(services: HTTPServer, http: Http, library_path: Path) -> None:
    services.expect_request("/arxiv/query").respond_with_data(ELECTRA_ATOM)
    services.expect_request(f"/doi/{NATURE}").respond_with_json(nature_csl())
    identifiers, _ = parse_identifiers(f"2003.10555 hep-th/9711200 {NATURE}")
    with Library.open(library_path) as library:
        report = add_identified(library, http, identifiers)
        assert len(report.added) == 3 and len(library.paper_ids()) == 3
        assert [e.label for e in library.history.stack.done] == ["Import of 3 papers"]
        library.history.undo()
        assert library.paper_ids() == []


def test_add_offline_names_the_service_changes_nothing_and_exits_2(monkeypatch: pytest.MonkeyPatch,
                                                                   library_path: Path) -> None:
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    monkeypatch.setenv("LECTERN_DOI_URL", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("LECTERN_CROSSREF_URL", f"http://127.0.0.1:{port}")
    done = lectern("--library", str(library_path), "add", NATURE)
    assert done.returncode == 2
    assert "Crossref could not be reached" in done.stderr and "Nothing was changed." in done.stderr
    assert "Traceback" not in done.stderr
    assert _papers(library_path) == {}


def test_add_refuses_words_that_are_no_identifier(library_path: Path) -> None:
    done = lectern("--library", str(library_path), "add", "10.1038/nature14539", "hello")
    assert done.returncode == 2 and "not a DOI, arXiv id or ISBN: hello" in done.stderr


def _library_to_complete(path: Path) -> None:
    with Library.open(path) as library:
        library.papers.add_many([
            NewPaper(title="arXiv:2003.10555", arxiv_id="2003.10555", citation_key="electra"),
            NewPaper(title="Deep learning", authors="LeCun, Yann", citation_key="lecun-deep"),
            NewPaper(title="A paper no service knows well", citation_key="mine", url="https://example.org/mine"),
        ])


def test_fetch_metadata_prints_the_diff_and_changes_nothing_without_yes(services: HTTPServer,
                                                                        library_path: Path) -> None:
    _library_to_complete(library_path)
    before = _papers(library_path)
    services.expect_request("/arxiv/query").respond_with_data(ELECTRA_ATOM)
    services.expect_request("/crossref/works").respond_with_data(crossref_list([
        crossref_work("Deep learning", "LeCun", "Yann", 2015, NATURE),
        crossref_work("A paper some service knows", "Other", "Ann", 2001, "10.1/other")]))
    done = lectern("--library", str(library_path), "fetch-metadata")
    assert done.returncode == 0, done.stderr
    assert "electra\tarXiv:2003.10555 (by arXiv id)" in done.stdout
    assert "  title: {arXiv}:2003.10555 -> {ELECTRA}: Pre-training" in done.stdout
    assert "  author: (none) -> Kevin Clark and Minh-Thang Luong" in done.stdout
    assert "lecun-deep\tDeep learning (title match, score 1.00)" in done.stdout
    assert "  year: (none) -> 2015" in done.stdout
    assert "not confident, not applied" in done.stdout  # the third paper's weak match
    assert "Dry run: nothing was changed; 2 of 3 papers would be completed" in done.stdout
    assert _papers(library_path) == before


def test_fetch_metadata_yes_applies_confident_matches_only_keys_unchanged_one_undo_step(
        services: HTTPServer, library_path: Path) -> None:
    _library_to_complete(library_path)
    before = _papers(library_path)
    services.expect_request("/arxiv/query").respond_with_data(ELECTRA_ATOM)
    services.expect_request("/crossref/works").respond_with_data(crossref_list([
        crossref_work("Deep learning", "LeCun", "Yann", 2015, NATURE),
        crossref_work("A paper some service knows", "Other", "Ann", 2001, "10.1/other")]))
    done = lectern("--library", str(library_path), "fetch-metadata", "--yes")
    assert done.returncode == 0, done.stderr
    assert "2 papers completed (one undo step)" in done.stdout
    after = _papers(library_path)
    assert set(after) == {"electra", "lecun-deep", "mine"}  # keys never change
    assert after["electra"][1].startswith("Kevin Clark and") and after["electra"][2] == 2020
    assert after["lecun-deep"][2] == 2015
    assert after["mine"] == before["mine"]  # the weak match was not applied
    with Library.open(library_path) as library:
        mine = next(i for i, k in library.citation_keys_of(library.paper_ids()).items() if k == "mine")
        assert library.paper(mine).paper.url == "https://example.org/mine"


def test_completed_metadata_is_one_undo_step(services: HTTPServer, http: Http, library_path: Path) -> None:
    _library_to_complete(library_path)
    before = _papers(library_path)
    services.expect_request("/arxiv/query").respond_with_data(ELECTRA_ATOM)
    services.expect_request("/crossref/works").respond_with_data(crossref_list([
        crossref_work("Deep learning", "LeCun", "Yann", 2015, NATURE)]))
    with Library.open(library_path) as library:
        updates = propose_updates(library, http, library.paper_ids())
        apply_updates(library, [u for u in updates if u.confident])
        assert [e.label for e in library.history.stack.done] == ["Complete metadata of 2 papers"]
        library.history.undo()
    assert _papers(library_path) == before


def test_fetch_metadata_with_a_service_down_changes_nothing(services: HTTPServer, library_path: Path) -> None:
    _library_to_complete(library_path)
    before = _papers(library_path)
    services.expect_request("/arxiv/query").respond_with_data("", status=503, headers={"Retry-After": "999"})
    done = lectern("--library", str(library_path), "fetch-metadata", "--yes")
    assert done.returncode == 2 and "arXiv is busy" in done.stderr and "Nothing was changed." in done.stderr
    assert _papers(library_path) == before


def test_pasted_identifiers_are_looked_up_only_when_the_network_is_asked_for(services: HTTPServer, http: Http,
                                                                             library_path: Path) -> None:
    services.expect_request("/arxiv/query").respond_with_data(ELECTRA_ATOM)
    with Library.open(library_path) as library:
        offline = import_text(library, "arXiv:2003.10555\nhttps://arxiv.org/abs/hep-th/9711200")
        assert offline.added == 2 and http.requests == 0
        assert services.log == []  # no request reached the server
        library.history.undo()
        online = import_text(library, "arXiv:2003.10555\nhttps://arxiv.org/abs/hep-th/9711200", http=http)
        assert online.added == 2
        titles = {library.paper(i).paper.title for i in library.paper_ids()}
    assert "The Large N Limit of Superconformal Field Theories and Supergravity" in titles
