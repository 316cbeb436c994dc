"""The Duplicates view lists each paper's copies together, and a paper's group
(its copies, directly or through another copy) can be merged in one step."""

from __future__ import annotations

from pathlib import Path

from lectern.core.domain.records import NewPaper
from lectern.core.library.facade import Library


def test_copies_of_a_paper_are_listed_together(library_path: Path) -> None:
    with Library.open(library_path) as lib:
        ids = list(lib.papers.add_many([
            NewPaper(title="Graph Kernels Revisited"),                        # a: with c (title)
            NewPaper(title="Attention over Trees", arxiv_id="2101.00001"),    # b: with e (arXiv id)
            NewPaper(title="A Paper Without Copies"),
            NewPaper(title="Unrelated Work on Speech"),
            NewPaper(title="graph kernels revisited", doi="10.1/gk"),         # c: with a, and d (DOI)
            NewPaper(title="Graph kernels, the journal version", doi="10.1/GK"),  # d: a's copy through c
            NewPaper(title="Trees with attention", arxiv_id="arXiv:2101.00001v2"),  # e
        ]).papers)
        a, b, _lone, _other, c, d, e = sorted(ids)
        listed = lib.search("", scope="is:duplicate").ids
        assert listed == [a, c, d, b, e]
        assert lib.duplicate_group(a) == lib.duplicate_group(c) == lib.duplicate_group(d) == [a, c, d]
        assert lib.duplicate_group(_lone) == [_lone]
        assert lib.search("", scope="is:duplicate", sort="title").ids[0] == b  # a column still sorts the view


def test_a_group_merges_into_its_oldest_copy_in_one_undoable_step(library_path: Path) -> None:
    with Library.open(library_path) as lib:
        a, c, d = sorted(lib.papers.add_many([
            NewPaper(title="Graph Kernels Revisited", year=2020),
            NewPaper(title="graph kernels revisited", doi="10.1/gk"),
            NewPaper(title="Graph kernels (journal)", doi="10.1/gk", venue="JMLR"),
        ]).papers)
        group = lib.duplicate_group(c)
        lib.papers.merge(group[0], group[1:])
        kept = lib.paper(a).paper
        assert (kept.year, kept.doi, kept.venue) == (2020, "10.1/gk", "JMLR")
        assert sorted(lib.trash.ids()) == [c, d] and lib.search("", scope="is:duplicate").ids == []
        lib.history.undo()
        assert lib.trash.ids() == [] and lib.search("", scope="is:duplicate").ids == [a, c, d]
