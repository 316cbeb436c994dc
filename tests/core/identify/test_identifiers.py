"""Identifiers as users paste them."""

from __future__ import annotations

import pytest

from lectern.core.identify.identifiers import isbn13, only_identifiers, parse_identifier, parse_identifiers


@pytest.mark.parametrize("text", ["10.1038/nature14539", "doi:10.1038/nature14539", "DOI: 10.1038/nature14539",
                                  "https://doi.org/10.1038/nature14539", "http://dx.doi.org/10.1038/nature14539",
                                  "https://doi.org/10.1038%2Fnature14539"])
def test_a_doi_is_read_bare_with_doi_prefix_or_as_a_doi_org_url(text: str) -> None:
    assert parse_identifier(text) is not None
    assert (parse_identifier(text).kind, parse_identifier(text).value) == ("doi", "10.1038/nature14539")


@pytest.mark.parametrize("text, value", [
    ("2003.10555", "2003.10555"), ("2003.10555v2", "2003.10555"), ("arXiv:2003.10555v1", "2003.10555"),
    ("https://arxiv.org/abs/2003.10555", "2003.10555"), ("https://arxiv.org/pdf/2003.10555v3.pdf", "2003.10555"),
    ("https://huggingface.co/papers/2003.10555", "2003.10555"), ("hep-th/9711200", "hep-th/9711200"),
    ("arXiv:hep-th/9711200v3", "hep-th/9711200"), ("math.GT/0309136", "math/0309136"),
])
def test_an_arxiv_id_is_read_new_or_old_style_with_or_without_version_or_url(text: str, value: str) -> None:
    ident = parse_identifier(text)
    assert ident is not None and (ident.kind, ident.value) == ("arxiv", value)


def test_an_isbn_is_read_with_its_check_digit_checked_as_13_digits() -> None:
    assert isbn13("978-0-13-468599-1") == "9780134685991"
    assert isbn13("0-306-40615-2") == "9780306406157"  # ISBN-10 -> 13
    assert isbn13("ISBN:0-8044-2957-X") == "9780804429573"
    assert isbn13("0-306-40615-3") is None  # wrong check digit
    assert isbn13("978-0-13-468599-2") is None


def test_several_identifiers_pasted_at_once_one_a_line_or_separated_by_spaces_or_commas() -> None:
    found, unknown = parse_identifiers("10.1038/nature14539, arXiv:2003.10555\nhep-th/9711200 978-0-13-468599-1;"
                                       " https://arxiv.org/abs/2003.10555v2")
    assert [(i.kind, i.value) for i in found] == [("doi", "10.1038/nature14539"), ("arxiv", "2003.10555"),
                                                  ("arxiv", "hep-th/9711200"), ("isbn", "9780134685991")]
    assert unknown == []


def test_text_with_other_words_is_not_a_list_of_identifiers() -> None:
    assert only_identifiers("Attention is all you need") is None
    assert only_identifiers("2003.10555 and more") is None
    assert only_identifiers("") is None
    assert parse_identifier("1234.5678 is not") is None
