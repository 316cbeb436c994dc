"""Generated citation keys read names as BibTeX splits them, in ASCII."""

from __future__ import annotations

import pytest

from lectern.core.domain.citekeys import base_key, is_valid_key


@pytest.mark.parametrize(("authors", "expected"), [
    (r'M{\"u}ller, Hans', "muller2019"),
    (r"{\"O}zge Aks{\i}n", "aksin2019"),  # a dotless i is still an i
    ("{Google Research}", "googleresearch2019"),  # an organisation, whole
    ("von Neumann, Jr., John", "neumann2019"),
    ("Kevin Clark and Minh-Thang Luong", "clark2019"),
    ("Łukasz Kaiser", "kaiser2019"),
])
def test_the_first_authors_family_name_starts_the_key(authors: str, expected: str) -> None:
    assert base_key("Paper", authors, 2019).startswith(expected)


@pytest.mark.parametrize("key", ["DBLP:conf/wicsa/ZimmermannWKG15", "baez/article", "9.8:9", "a.b+c*d", "Müller2020"])
def test_keys_bibtex_and_biber_accept_are_valid(key: str) -> None:
    assert is_valid_key(key)


@pytest.mark.parametrize("key", ["", "has space", "a,b", "a{b", "a%b", "a#b", "a~b", "a\\b", 'a"b', "x" * 201])
def test_keys_that_break_a_bib_file_or_cite_are_refused(key: str) -> None:
    assert not is_valid_key(key)
