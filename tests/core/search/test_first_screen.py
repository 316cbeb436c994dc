"""The first screen of a search matching many papers: the best matches at once,
in the order the full ranking keeps (nothing shown first moves later)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from lectern.core.domain.records import NewPaper
from lectern.core.library.facade import Library
from lectern.core.search.engine import RANK_ALL

MANY = RANK_ALL + 300  # more matches than are all ranked at every keystroke
FILLER = "A study of methods with results on several benchmarks and a discussion of what they show."


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Library]:
    """Many papers naming "lighthouse" in their abstract or a long title; the
    best match (a short title that is the word) is the oldest paper, and the
    newest ones mention it in a title among many words."""
    papers = [NewPaper(title="Lighthouse", abstract="The lighthouse keeper's logs.", year=2001)]
    papers += [NewPaper(title=f"Notes {i} on coastal engineering", abstract=f"{FILLER} A lighthouse. {FILLER}",
                        year=2000 + i % 25) for i in range(MANY)]
    papers += [NewPaper(title=f"Harbour {i} surveys, tides, buoys, moorings, piers and one lighthouse",
                        abstract=f"{FILLER} {FILLER} {FILLER}", year=2020) for i in range(60)]
    lib = Library.open(tmp_path_factory.mktemp("first-screen") / "library.sqlite")
    lib.papers.add_many(papers)
    yield lib
    lib.close()


def titles(library: Library, ids: list[int]) -> list[str]:
    rows = library.rows(ids)
    return [rows[i].title for i in ids]


@pytest.mark.parametrize("text", ["lighthouse", "lighth", "keeper OR lighthouse", "lighthouse year:2001.."])
def test_the_first_screen_of_a_search_matching_many_papers_is_the_top_of_the_full_ranking(
        library: Library, text: str) -> None:
    first = library.search(text, typing=True, first_screen=50, suggest_spelling=False)
    full = library.search(text, typing=True, suggest_spelling=False)
    assert not first.complete and len(full.ids) > RANK_ALL  # a first screen only, the rest follows
    assert first.ids == full.ids[:50]
    assert titles(library, first.ids[:1]) == ["Lighthouse"]  # the best match first, at once


def test_a_paper_in_the_trash_is_not_on_the_first_screen_and_a_filter_keeps_it_exact(library: Library) -> None:
    best = library.search("lighthouse", first_screen=50).ids[0]
    library.trash.put([best])
    try:
        first = library.search("lighthouse", first_screen=50)
        assert best not in first.ids and first.ids == library.search("lighthouse").ids[:50]
        recent = library.search("lighthouse year:2001..2024", first_screen=50)
        assert not recent.complete and recent.ids == library.search("lighthouse year:2001..2024").ids[:50]
        assert len(recent.ids) == 50 and titles(library, recent.ids[:1])[0].startswith("Harbour")
    finally:
        library.trash.restore([best])
