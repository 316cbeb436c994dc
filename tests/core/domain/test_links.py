"""Which links open without asking: web pages, DOIs and arXiv ids; anything
that could open a local file or run a program must be asked about."""

from __future__ import annotations

import pytest

from lectern.core.domain.links import arxiv_url, check_link, doi_url, paper_link

SAFE = [
    ("https://github.com/google-research/bert", "https://github.com/google-research/bert"),
    ("http://example.org/a?b=1#c", "http://example.org/a?b=1#c"),
    ("HTTP://x", "http://x"),
    ("HtTpS://Example.org/Path", "https://Example.org/Path"),
    (" https://x ", "https://x"),  # spaces around a field are not part of it
    ("\thttps://x", "https://x"),
    ("doi:10.1/x", "https://doi.org/10.1/x"),
    ("DOI: 10.18653/v1/N19-1423", "https://doi.org/10.18653/v1/N19-1423"),
    ("10.1000/a#b?c", "https://doi.org/10.1000/a%23b%3Fc"),
    ("arXiv:2106.09685v2", "https://arxiv.org/abs/2106.09685v2"),
    ("2106.09685", "https://arxiv.org/abs/2106.09685"),
    ("cs/0112017", "https://arxiv.org/abs/cs/0112017"),
]

HOSTILE = [
    "file:///etc/passwd",
    "FILE:///etc/passwd",
    "javascript:alert(1)",
    "JavaScript:alert(document.cookie)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "data:",
    "smb://server/share/x.pdf",
    "vscode://file/etc/passwd",
    "https:/x",  # no host: a browser may read it as a path
    "https:x",
    "https://",
    "http:///etc/passwd",
    "https://x\nfile:///etc/passwd",  # newline injection
    "https://x/\r\nfile:///etc/passwd",
    "https://x y",
    "https://x\u202e/gpj.exe",  # right-to-left override hides the real name
    "https://x\x00.pdf",
    "doi:10.1/x\nfile:///etc/passwd",
    "arXiv:2106.09685\n;rm -rf ~",
    "../../etc/passwd",
    "papers/attention.pdf",
    "/home/someone/photo.png",
    "~/.ssh/id_rsa",
    "mailto:a@b.c",
    "lectern:paper/1",
    "",
]


@pytest.mark.parametrize(("text", "target"), SAFE)
def test_web_pages_dois_and_arxiv_ids_open_without_asking(text: str, target: str) -> None:
    link = check_link(text)
    assert link.safe
    assert link.target == target


@pytest.mark.parametrize("text", HOSTILE)
def test_anything_else_must_be_asked_about(text: str) -> None:
    assert check_link(text).safe is False


def test_the_question_names_the_link_with_hidden_characters_visible() -> None:
    link = check_link("https://x\nfile:///etc/passwd")
    assert link.shown == "https://x\\nfile:///etc/passwd"
    assert "\n" not in link.shown
    assert check_link("https://x\u202e/gpj.exe").shown == "https://x\\u202e/gpj.exe"
    assert check_link("file:///etc/passwd").shown == "file:///etc/passwd"
    assert check_link("file:///home/Sabiá.pdf").shown == "file:///home/Sabiá.pdf"  # letters stay letters


def test_a_hostile_link_is_opened_as_written_if_the_user_agrees() -> None:
    assert check_link(" file:///etc/passwd ").target == "file:///etc/passwd"


def test_doi_and_arxiv_ids_become_https_pages() -> None:
    assert doi_url("10.18653/v1/N19-1423") == "https://doi.org/10.18653/v1/N19-1423"
    assert doi_url("https://doi.org/10.1/x") == "https://doi.org/10.1/x"
    assert doi_url("not a doi") is None
    assert doi_url("10.1/x y") is None
    assert arxiv_url("arXiv:2106.09685") == "https://arxiv.org/abs/2106.09685"
    assert arxiv_url("see 2106.09685") is None


def test_a_paper_opens_its_url_then_arxiv_then_doi_then_abstract_link() -> None:
    assert paper_link("file:///etc/passwd", "2106.09685", "10.1/x") == "file:///etc/passwd"  # judged when opened
    assert paper_link(None, "2106.09685", "10.1/x") == "https://arxiv.org/abs/2106.09685"
    assert paper_link("", None, "10.1/x") == "https://doi.org/10.1/x"
    assert paper_link(None, None, None, ["https://github.com/x"]) == "https://github.com/x"
    assert paper_link(None, None, None, []) is None
