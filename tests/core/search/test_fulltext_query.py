"""The query language knows the full text: `fulltext:` searches it alone, and
a query of plain words searches it too (ranked after the record's hits)."""

from __future__ import annotations

from lectern.core.search.query import compile_query


def test_fulltext_field_searches_only_the_pages():
    query = compile_query("fulltext:zeppelin")
    assert query.match is None and query.fulltext_match is None
    assert query.page_match == '(("zeppelin"))'
    assert any("document_fts MATCH ?" in w for w in query.where)


def test_plain_words_also_search_the_full_text():
    query = compile_query("masked language")
    assert query.match and query.fulltext_match == query.match
    assert query.page_match


def test_a_named_field_keeps_the_search_to_the_record():
    query = compile_query("title:bert masked")
    assert query.match and query.fulltext_match is None and query.page_match is None


def test_fulltext_with_other_words_combines_both():
    query = compile_query("bert fulltext:zeppelin")
    assert '"bert"' in query.match and "zeppelin" not in query.match
    assert '"zeppelin"' in query.page_match and "bert" not in query.page_match
