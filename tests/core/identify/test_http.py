"""The shared HTTP client against a real server on 127.0.0.1: the rate limiter
on a fake clock, Retry-After, retries, timeouts, redirects, the cache, offline."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

from lectern.core.identify.arxiv import fetch_arxiv
from lectern.core.identify.http import ARXIV, CROSSREF, Http, NotFound, ServiceError, user_agent
from tests.core.identify.conftest import ELECTRA_ATOM, FakeClock


def test_arxiv_is_asked_at_most_once_every_three_seconds(services: HTTPServer, http: Http, clock: FakeClock) -> None:
    services.expect_request("/arxiv/query").respond_with_data(ELECTRA_ATOM, content_type="application/atom+xml")
    for _ in range(3):
        http.get(ARXIV, "/query", params={"id_list": "2003.10555"})
    assert clock.sleeps == [3.0, 3.0]  # the first goes at once, each next one waits the terms' 3 s


def test_429_with_retry_after_is_waited_as_told_then_retried(services: HTTPServer, http: Http,
                                                              clock: FakeClock) -> None:
    services.expect_ordered_request("/crossref/works/x").respond_with_data("slow down", status=429,
                                                                           headers={"Retry-After": "17"})
    services.expect_ordered_request("/crossref/works/x").respond_with_data('{"message": {}}')
    answer = http.get(CROSSREF, "/works/x")
    assert answer.status == 200
    assert clock.sleeps == [17.0]


def test_503_then_success_retries_with_backoff(services: HTTPServer, http: Http, clock: FakeClock) -> None:
    services.expect_ordered_request("/crossref/works/y").respond_with_data("down", status=503)
    services.expect_ordered_request("/crossref/works/y").respond_with_data("down", status=503)
    services.expect_ordered_request("/crossref/works/y").respond_with_data('{"message": {}}')
    assert http.get(CROSSREF, "/works/y").status == 200
    assert clock.sleeps == [1.0, 2.0]  # backoff 1 s, 2 s


def test_a_service_that_stays_down_gives_one_message_naming_it(services: HTTPServer, http: Http) -> None:
    services.expect_request("/crossref/works/z").respond_with_data("down", status=503)
    with pytest.raises(ServiceError, match=r"Crossref is busy or unavailable \(HTTP 503\), after 4 tries") as info:
        http.get(CROSSREF, "/works/z")
    assert info.value.service == "Crossref"


def test_a_retry_after_too_long_is_reported_not_waited(services: HTTPServer, http: Http, clock: FakeClock) -> None:
    services.expect_request("/arxiv/query").respond_with_data("", status=503, headers={"Retry-After": "3600"})
    with pytest.raises(ServiceError, match="asks to wait 3600 seconds"):
        http.get(ARXIV, "/query")
    assert clock.sleeps == []


def test_404_is_not_found(services: HTTPServer, http: Http) -> None:
    services.expect_request("/crossref/works/none").respond_with_data("Resource not found.", status=404)
    with pytest.raises(NotFound):
        http.get(CROSSREF, "/works/none")


def test_a_server_that_never_answers_times_out_with_a_message(monkeypatch: pytest.MonkeyPatch,
                                                              clock: FakeClock) -> None:
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(5)  # accepts connections, never answers
    monkeypatch.setenv("LECTERN_ARXIV_URL", f"http://127.0.0.1:{silent.getsockname()[1]}")
    try:
        with Http(clock=clock, timeout=0.2, retries=1) as http:
            with pytest.raises(ServiceError, match=r"arXiv did not answer within 0.2 seconds, after 2 tries"):
                http.get(ARXIV, "/query")
    finally:
        silent.close()
    assert clock.sleeps == [3.0]  # the retry still keeps arXiv's interval


def test_offline_names_the_service_and_its_address(monkeypatch: pytest.MonkeyPatch, clock: FakeClock) -> None:
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()  # nothing listens there
    monkeypatch.setenv("LECTERN_CROSSREF_URL", f"http://127.0.0.1:{port}")
    with Http(clock=clock) as http, pytest.raises(ServiceError, match="Crossref could not be reached at"):
        http.get(CROSSREF, "/works/x")


def test_a_redirect_is_followed(services: HTTPServer, http: Http) -> None:
    services.expect_request("/arxiv/query").respond_with_response(
        Response(status=301, headers={"Location": services.url_for("/arxiv/moved")}))
    services.expect_request("/arxiv/moved").respond_with_data(ELECTRA_ATOM)
    assert set(fetch_arxiv(http, ["2003.10555"])) == {"2003.10555", "hep-th/9711200"}


def test_answers_are_cached_on_disk_and_not_asked_again(services: HTTPServer, tmp_path: Path,
                                                        clock: FakeClock) -> None:
    services.expect_oneshot_request("/arxiv/query").respond_with_data(ELECTRA_ATOM)
    with Http(cache=tmp_path / "cache", clock=clock) as http:
        first = fetch_arxiv(http, ["2003.10555"])
    with Http(cache=tmp_path / "cache", clock=clock) as http:
        again = fetch_arxiv(http, ["2003.10555"])  # the one-shot handler is spent: a second request would fail
        assert http.requests == 0
    assert first == again
    assert list((tmp_path / "cache" / "http").glob("*.json"))


def test_requests_carry_a_polite_user_agent_with_the_mailto(services: HTTPServer, clock: FakeClock) -> None:
    services.expect_request("/crossref/works/x", headers={"User-Agent": user_agent("me@example.org")}) \
        .respond_with_data("{}")
    with Http(clock=clock, mailto="me@example.org") as http:
        assert http.get(CROSSREF, "/works/x").status == 200
    assert "mailto:me@example.org" in user_agent("me@example.org")
