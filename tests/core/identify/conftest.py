"""A local stand-in for the scholarly services: one pytest-httpserver on
127.0.0.1 whose paths /arxiv, /doi, /crossref and /s2 the LECTERN_*_URL variables
point at, answering in each API's documented format; and a fake clock."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from lectern.core.identify.http import Http

ELECTRA_ATOM = """<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <link href="http://arxiv.org/api/query?search_query%3D%26id_list%3D2003.10555"
    rel="self" type="application/atom+xml"/>
  <title type="html">ArXiv Query: search_query=&amp;id_list=2003.10555&amp;start=0&amp;max_results=1</title>
  <id>http://arxiv.org/api/fAh7WfP6UcZ0tHwbdHcQTkZJ0bk</id>
  <updated>2024-05-01T00:00:00-04:00</updated>
  <opensearch:totalResults xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">1</opensearch:totalResults>
  <opensearch:startIndex xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">0</opensearch:startIndex>
  <opensearch:itemsPerPage xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">1</opensearch:itemsPerPage>
  <entry>
    <id>http://arxiv.org/abs/2003.10555v1</id>
    <updated>2020-03-23T21:17:42Z</updated>
    <published>2020-03-23T21:17:42Z</published>
    <title>ELECTRA: Pre-training Text Encoders as Discriminators Rather Than
  Generators</title>
    <summary>  Masked language modeling (MLM) pre-training methods such as BERT corrupt
the input by replacing some tokens with [MASK].
</summary>
    <author><name>Kevin Clark</name></author>
    <author><name>Minh-Thang Luong</name></author>
    <author><name>Quoc V. Le</name></author>
    <author><name>Christopher D. Manning</name></author>
    <arxiv:comment xmlns:arxiv="http://arxiv.org/schemas/atom">ICLR 2020</arxiv:comment>
    <link href="http://arxiv.org/abs/2003.10555v1" rel="alternate" type="text/html"/>
    <link title="pdf" href="http://arxiv.org/pdf/2003.10555v1" rel="related" type="application/pdf"/>
    <arxiv:primary_category xmlns:arxiv="http://arxiv.org/schemas/atom" term="cs.CL"
      scheme="http://arxiv.org/schemas/atom"/>
    <category term="cs.CL" scheme="http://arxiv.org/schemas/atom"/>
    <category term="cs.AI" scheme="http://arxiv.org/schemas/atom"/>
  </entry>
  <entry>
    <id>http://arxiv.org/abs/hep-th/9711200v3</id>
    <updated>1998-01-22T00:10:04Z</updated>
    <published>1997-11-27T21:30:44Z</published>
    <title>The Large N Limit of Superconformal Field Theories and Supergravity</title>
    <summary>We show that the large N limit of certain conformal field theories ...</summary>
    <author><name>Juan M. Maldacena</name></author>
    <arxiv:doi xmlns:arxiv="http://arxiv.org/schemas/atom">10.1023/A:1026654312961</arxiv:doi>
    <link title="doi" href="http://dx.doi.org/10.1023/A:1026654312961" rel="related"/>
    <arxiv:journal_ref xmlns:arxiv="http://arxiv.org/schemas/atom">Adv.Theor.Math.Phys.2:231-252,1998</arxiv:journal_ref>
    <link href="http://arxiv.org/abs/hep-th/9711200v3" rel="alternate" type="text/html"/>
    <arxiv:primary_category xmlns:arxiv="http://arxiv.org/schemas/atom" term="hep-th"
      scheme="http://arxiv.org/schemas/atom"/>
  </entry>
</feed>
"""

EMPTY_ATOM = """<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title type="html">ArXiv Query: search_query=&amp;id_list=2401.99999</title>
  <id>http://arxiv.org/api/x</id>
  <updated>2024-05-01T00:00:00-04:00</updated>
  <opensearch:totalResults xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">0</opensearch:totalResults>
</feed>
"""


def nature_csl() -> dict[str, Any]:
    """What doi.org answers for 10.1038/nature14539 when asked for CSL-JSON (Crossref's form)."""
    return {
        "indexed": {"date-parts": [[2024, 4, 30]], "date-time": "2024-04-30T12:00:00Z", "timestamp": 1714478400000},
        "reference-count": 103, "publisher": "Springer Science and Business Media LLC", "issue": "7553",
        "license": [{"start": {"date-parts": [[2015, 5, 1]]}, "content-version": "tdm",
                     "URL": "https://www.springer.com/tdm"}],
        "content-domain": {"domain": ["springer.com"], "crossmark-restriction": False},
        "short-container-title": ["Nature"], "published-print": {"date-parts": [[2015, 5, 28]]},
        "DOI": "10.1038/nature14539", "type": "article-journal", "page": "436-444", "source": "Crossref",
        "is-referenced-by-count": 60000, "title": "Deep learning", "prefix": "10.1038", "volume": "521",
        "author": [{"given": "Yann", "family": "LeCun", "sequence": "first", "affiliation": []},
                   {"given": "Yoshua", "family": "Bengio", "sequence": "additional", "affiliation": []},
                   {"given": "Geoffrey", "family": "Hinton", "sequence": "additional", "affiliation": []}],
        "member": "297", "container-title": "Nature", "language": "en",
        "link": [{"URL": "https://www.nature.com/articles/nature14539.pdf", "content-type": "application/pdf"}],
        "deposited": {"date-parts": [[2023, 1, 1]]}, "score": 1, "subtitle": [], "short-title": [],
        "issued": {"date-parts": [[2015, 5, 27]]}, "references-count": 103, "URL": "https://doi.org/10.1038/nature14539",
        "relation": {}, "ISSN": ["0028-0836", "1476-4687"], "subject": [], "container-title-short": "Nature",
        "published": {"date-parts": [[2015, 5, 27]]},
    }


NATURE_BIBTEX = ("@article{LeCun_2015, title={Deep learning}, volume={521}, ISSN={1476-4687}, "
                 "url={http://dx.doi.org/10.1038/nature14539}, DOI={10.1038/nature14539}, number={7553}, "
                 "journal={Nature}, publisher={Springer Science and Business Media LLC}, "
                 "author={LeCun, Yann and Bengio, Yoshua and Hinton, Geoffrey}, year={2015}, month=may, "
                 "pages={436–444} }")


def crossref_work(title: str, family: str, given: str, year: int, doi: str, container: str = "Nature",
                  kind: str = "journal-article") -> dict[str, Any]:
    """One item as Crossref's REST API gives it (titles as lists, Crossref's type names)."""
    return {"indexed": {"date-parts": [[2024, 1, 1]]}, "publisher": "Some Publisher", "DOI": doi, "type": kind,
            "title": [title], "container-title": [container], "short-container-title": [],
            "author": [{"given": given, "family": family, "sequence": "first", "affiliation": []}],
            "issued": {"date-parts": [[year]]}, "URL": f"https://doi.org/{doi}", "score": 40.0,
            "abstract": "<jats:p>What the paper shows.</jats:p>", "reference-count": 3, "member": "1"}


def crossref_message(message: dict[str, Any], kind: str = "work") -> str:
    return json.dumps({"status": "ok", "message-type": kind, "message-version": "1.0.0", "message": message})


def crossref_list(items: list[dict[str, Any]]) -> str:
    return crossref_message({"facets": {}, "total-results": len(items), "items": items, "items-per-page": 5,
                             "query": {"start-index": 0, "search-terms": None}}, "work-list")


class FakeClock:
    """The rate limiter's clock: sleeping only moves it on, and is recorded."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 3))
        self.now += seconds


@pytest.fixture
def services(httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> HTTPServer:
    """The local server, with every service's base URL pointed at it."""
    for env, path in (("LECTERN_ARXIV_URL", "/arxiv"), ("LECTERN_DOI_URL", "/doi"),
                      ("LECTERN_CROSSREF_URL", "/crossref"), ("LECTERN_SEMANTIC_SCHOLAR_URL", "/s2")):
        monkeypatch.setenv(env, httpserver.url_for(path))
    return httpserver


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def http(services: HTTPServer, clock: FakeClock) -> Iterator[Http]:
    with Http(cache=None, clock=clock, timeout=2.0) as client:
        yield client
