"""The first screen of a `fulltext:` search reads only as many documents as a
screen needs when a word is in many papers: it shows only papers that match,
says it is not the whole result, and the whole result (the same search without
a first screen) still holds every match. A NOT over `fulltext:` is never
narrowed, so it never lets in a paper holding the word."""

from __future__ import annotations

from pathlib import Path

import pytest

from lectern.core.domain.records import NewPaper
from lectern.core.library.facade import Library
from lectern.core.search.engine import SCREEN_DOCUMENTS, bounded_fulltext, query_ids

SCREEN = 2
COMMON = 3 * SCREEN_DOCUMENTS * SCREEN  # papers holding the common word: more documents than a first screen reads


@pytest.fixture
def library(library_path: Path, pdfs):
    """COMMON papers whose text says "common" (one of them also "zeppelin"), and
    three whose text does not; each has one linked PDF with its pages saved."""
    with Library.open(library_path) as lib:
        titles = [f"Holder {i}" for i in range(COMMON)] + ["Other one", "Other two", "Other three"]
        lib.papers.add_many([NewPaper(title=t, year=2021 if i % 2 else 2020) for i, t in enumerate(titles)])
        for paper_id, title in zip(lib.paper_ids(), titles, strict=True):
            lib.attachments.add(paper_id, [pdfs["paper"]], "link")
            [attachment] = lib.attachments_of(paper_id)
            words = "a common word" if title.startswith("Holder") else "nothing shared here"
            extra = " and a zeppelin" if title == f"Holder {COMMON - 1}" else ""
            lib.fulltext.save(attachment.id, [(1, f"Page one with {words}{extra}."), (2, "Page two.")], None, 2)
        yield lib


def _titles(library: Library, ids: list[int]) -> set[str]:
    return {row.title for row in library.rows(ids).values()}


def holders() -> set[str]:
    return {f"Holder {i}" for i in range(COMMON)}


def test_a_common_word_gives_a_partial_first_screen_of_matches_then_every_match(library):
    first = library.search("fulltext:common", first_screen=SCREEN)
    assert not first.complete
    assert len(first.ids) == SCREEN and _titles(library, first.ids) <= holders()
    whole = library.search("fulltext:common")
    assert whole.complete and _titles(library, whole.ids) == holders()


def test_a_word_being_typed_reads_the_same_way(library):
    first = library.search("fulltext:comm", typing=True, first_screen=SCREEN)
    assert not first.complete and _titles(library, first.ids) <= holders()
    assert _titles(library, library.search("fulltext:comm", typing=True).ids) == holders()


def test_a_rare_word_gives_the_whole_result_at_once(library):
    first = library.search("fulltext:zeppelin", first_screen=SCREEN)
    assert first.complete and _titles(library, first.ids) == {f"Holder {COMMON - 1}"}


def test_a_common_word_with_a_filter_or_a_sort_shows_only_matches_and_the_rest_follows(library):
    for query, sort in (("fulltext:common year:2021", None), ("fulltext:common", "title"),
                        ("holder fulltext:common", None)):
        first = library.search(query, sort=sort, first_screen=SCREEN)
        whole = library.search(query, sort=sort)
        assert not first.complete and set(first.ids) <= set(whole.ids)
    assert len(library.search("fulltext:common year:2021").ids) == COMMON // 2


def test_not_fulltext_never_shows_a_paper_holding_the_word(library):
    others = {"Other one", "Other two", "Other three"}
    for query in ("-fulltext:common", "NOT fulltext:common", "page NOT fulltext:common",
                  "fulltext:page -fulltext:common"):
        first = library.search(query, first_screen=SCREEN)
        assert _titles(library, first.ids) <= others, query
        assert _titles(library, library.search(query).ids) == others, query


def test_either_word_finds_both_kinds_of_papers(library):
    query = "fulltext:common OR fulltext:shared"
    first = library.search(query, first_screen=SCREEN)
    assert not first.complete and len(first.ids) == SCREEN
    assert _titles(library, library.search(query).ids) == holders() | {"Other one", "Other two", "Other three"}


def test_a_first_screen_reads_no_more_documents_than_its_rows_need(library):
    with library.db.read() as conn:
        common, cut = bounded_fulltext(conn, library.compile("fulltext:common"), SCREEN)
        assert cut and len(query_ids(conn, common)) == SCREEN_DOCUMENTS * SCREEN  # of COMMON papers
        rare, cut = bounded_fulltext(conn, library.compile("fulltext:zeppelin"), SCREEN)
        assert not cut and len(query_ids(conn, rare)) == 1
