"""The entry editor's source tab: a record written as stored, read back whole,
and refused with a reason unless it is exactly one readable entry."""

from __future__ import annotations

import pytest

from lectern.core.domain.entry import RAW
from lectern.core.formats.bib_source import entry_source, parse_entry
from lectern.core.formats.bibtex_import import BibError


def test_a_record_survives_source_and_back() -> None:
    fields = (("author", "M{\\\"u}ller, Hans"), ("title", "{DNA} and 76\\%"), ("month", RAW + "jan"),
              ("x-custom", "any {thing}"))
    text = entry_source("article", "DBLP:conf/x/Y15", fields)
    assert "  month = jan,\n" in text
    assert parse_entry(text) == ("article", "DBLP:conf/x/Y15", fields)


@pytest.mark.parametrize("text, message", [
    ("@article{x, title = {Unclosed", "cannot be read"),
    ("", "exactly one entry"),
    ("just words", "exactly one entry"),
    ("@book{a, title={A}}\n@book{b, title={B}}", "it holds 2 entries"),
])
def test_anything_but_one_entry_is_refused_with_a_reason(text: str, message: str) -> None:
    with pytest.raises(BibError, match=message):
        parse_entry(text)
