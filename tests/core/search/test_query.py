"""Queries that cannot be read say what is wrong in the reader's terms, and one
query's work is bounded (nesting, filters, fuzzy words)."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from lectern.core.library.facade import Library
from lectern.core.search.query import MAX_FILTERS, MAX_FUZZY, QueryError, compile_query
from lectern.core.search.query_checks import MAX_DEPTH
from lectern.core.transfer.importing import import_text

BIB = "\n".join(f"@article{{k{i}, title = {{Paper {i} on attention}}, author = {{Doe, J.}}, year = {2000 + i}}}"
                for i in range(40))


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    lib = Library.open(tmp_path / "l.sqlite")
    import_text(lib, BIB)
    for n in range(40):
        list_id, _ = lib.lists.create(f"L{n}")
        lib.lists.add(list_id, lib.paper_ids()[n:])
    yield lib
    lib.close()


def message(text: str, typing: bool = False) -> str:
    with pytest.raises(QueryError) as caught:
        compile_query(text, typing=typing)
    text = str(caught.value)
    assert not re.search(r"\b[A-Z][a-z]+Error\b", text), text  # never a Python exception's name
    return text


def test_deep_nesting_names_the_limit_at_once() -> None:
    start = time.perf_counter()
    assert message("(" * 995 + "bert" + ")" * 995) == f"Too many nested parentheses (at most {MAX_DEPTH})."
    assert time.perf_counter() - start < 0.5
    assert compile_query("(" * MAX_DEPTH + "bert" + ")" * MAX_DEPTH).match is not None


@pytest.mark.parametrize("text", ["AND OR NOT", "NOT AND AND", "OR", "( NOT )", "NOT NOT"])
def test_a_query_of_only_operators_says_so(text: str) -> None:
    assert message(text).startswith("The query has only operators (")
    assert compile_query(text, typing=True).match is None  # while typing, the word comes next


@pytest.mark.parametrize("text, pair", [("NOT AND bert", "NOT AND"), ("bert NOT OR x", "NOT OR"),
                                        ("NOT -bert", "NOT -"), ("x ANDNOT ANDMAYBE y", "ANDNOT ANDMAYBE")])
def test_two_operators_in_a_row_are_named(text: str, pair: str) -> None:
    assert message(text) == f"Two operators in a row ({pair}): put a word between them."


def test_and_not_or_not_and_lower_case_words_still_work(library: Library) -> None:
    assert len(library.search("attention AND NOT year:2000").ids) == 39
    assert len(library.search("year:2000 OR NOT attention").ids) == 1
    assert library.search("self - attention").ids == library.search("self attention").ids
    assert compile_query("and or not").match is not None


def test_filters_in_one_query_are_capped_with_a_clear_message(library: Library) -> None:
    allowed = " ".join(f"list:L{n}" for n in range(MAX_FILTERS))
    assert len(library.search(allowed).ids) == 40 - (MAX_FILTERS - 1)
    too_many = " ".join(f"-list:L{n}" for n in range(MAX_FILTERS + 1))
    with pytest.raises(QueryError, match=rf"more than {MAX_FILTERS} filters"):
        library.search(too_many)
    fuzzy = " ".join(f"paper{n}~" for n in range(MAX_FUZZY + 1))
    with pytest.raises(QueryError, match=rf"more than {MAX_FUZZY} fuzzy words"):
        library.search(fuzzy)
    assert len(library.search(" ".join(f"paper{n}~" for n in range(MAX_FUZZY))).ids) == 40  # answered, not refused


def test_list_filters_are_each_computed_once_not_per_paper() -> None:
    """A list: filter is a plain IN over the list's ids (not a subquery run for every paper)."""
    sql = compile_query("-list:Thesis").where[0]
    assert "p.id IN (SELECT li.paper_id" in sql and "li.paper_id = p.id" not in sql
