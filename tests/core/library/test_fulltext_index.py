"""The full-text indexes are derived data: damage to page_fts or document_fts in
a real library file is found by the start-up check and by `lectern check`, and
a rebuild makes them again from the kept pages, so the page hits come back and
no extracted text is lost. A rebuild runs beside the window's writes: text
saved again or an attachment removed before the rebuild reached it leaves
whole indexes."""

from __future__ import annotations

import io
import json
import sqlite3
from pathlib import Path

import pytest

from lectern.core.cli import build_parser, run
from lectern.core.domain.changes import Cancelled, CancelToken, Progress
from lectern.core.domain.records import NewPaper
from lectern.core.fulltext.pdf_import import import_pdfs
from lectern.core.library import fulltext_index
from lectern.core.library.facade import Library
from lectern.core.library.fulltext_index import fulltext_problem, rebuild_fulltext
from lectern.core.search.index import recreate_fulltext_index


def cli(library: Path, *argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(build_parser().parse_args(["--library", str(library), *argv]), out, err)
    return code, out.getvalue(), err.getvalue()


def make_library(path: Path, pdfs, copies: int = 3) -> dict[int, list[tuple[int, str]]]:
    """A library with the 4-page test PDF ("zeppelin" on page 3) attached to
    `copies` papers; returns each attachment's kept pages."""
    with Library.open(path) as lib:
        [paper_id] = import_pdfs(lib, [pdfs["paper"]]).added
        [attachment] = lib.attachments_of(paper_id)
        pages = lib.fulltext.pages(attachment.id)
        lib.papers.add_many([NewPaper(title=f"Copy {i}") for i in range(copies - 1)])
        for other in lib.paper_ids()[1:]:
            lib.attachments.add(other, [pdfs["paper"]], "link")
            [linked] = lib.attachments_of(other)
            lib.fulltext.save(linked.id, pages, None, len(pages))
        return {a.id: lib.fulltext.pages(a.id) for pid in lib.paper_ids() for a in lib.attachments_of(pid)}


def damage(path: Path, *statements: str) -> None:
    conn = sqlite3.connect(path)
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.close()


def zeppelin_pages(lib: Library) -> list[int]:
    result = lib.search("zeppelin")
    hits = lib.fulltext.hits(result.query, result.ids)
    return sorted(h.page for paper_hits in hits.values() for h in paper_hits)


GARBAGE_PAGES = "UPDATE page_fts_data SET block = randomblob(length(block)) WHERE id > 10"
GARBAGE_DOCUMENTS = "UPDATE document_fts_data SET block = randomblob(length(block)) WHERE id > 10"


def test_check_finds_garbage_in_the_page_index_and_the_page_hits_come_back(library_path, pdfs):
    kept = make_library(library_path, pdfs)
    damage(library_path, GARBAGE_PAGES)
    code, out, err = cli(library_path, "check")
    assert code == 0, out + err
    assert "was damaged" in out and "full-text index is damaged" in out
    code, out, _ = cli(library_path, "check")
    assert code == 0 and "Search index: whole." in out
    with Library.open(library_path) as lib:
        assert zeppelin_pages(lib) == [3, 3, 3]
        assert {a: lib.fulltext.pages(a) for a in kept} == kept  # every page's text is still there


def test_the_start_up_check_finds_each_kind_of_damage_and_a_rebuild_mends_it(library_path, pdfs):
    kept = make_library(library_path, pdfs)
    for statements, said in (
        ([GARBAGE_DOCUMENTS], "full-text index is damaged"),
        (["DELETE FROM page_fts_docsize WHERE id % 2 = 0"], "holds 6 pages of 12"),
        (["DELETE FROM document_fts_docsize WHERE id = (SELECT min(id) FROM document_fts_docsize)"],
         "holds 2 documents of 3"),
        (["DROP TABLE page_fts_idx"], "full-text index is missing (page_fts_idx)"),
        (["DELETE FROM page_fts_data WHERE id > 10"], "full-text index is damaged"),
    ):
        damage(library_path, *statements)
        with Library.open(library_path) as lib:
            assert said in (lib.index.check(thorough=False) or ""), statements  # the window's check at start
            lib.index.rebuild()
            assert lib.index.check() is None
            assert zeppelin_pages(lib) == [3, 3, 3]
            assert sorted(lib.search("fulltext:zeppelin").ids) == sorted(lib.paper_ids())
            assert {a: lib.fulltext.pages(a) for a in kept} == kept


@pytest.mark.parametrize("damaged", [[GARBAGE_PAGES], [GARBAGE_DOCUMENTS], [GARBAGE_PAGES, GARBAGE_DOCUMENTS]])
def test_a_search_on_the_command_line_after_full_text_damage_rebuilds_it(library_path, pdfs, damaged):
    make_library(library_path, pdfs, copies=1)
    damage(library_path, *damaged)
    code, out, err = cli(library_path, "search", "zeppelin", "--json")
    assert code == 0, err
    assert "full-text index is damaged" in err and "rebuilding" in err and "Traceback" not in err
    [hit] = json.loads(out)
    assert hit["pages"] == [3] and "zeppelin" in hit["snippet"]


def test_text_saved_again_or_removed_before_the_rebuild_reached_it_leaves_whole_indexes(library_path, pdfs):
    kept = make_library(library_path, pdfs)
    first, second, third = sorted(kept)
    with Library.open(library_path) as lib:
        with lib.db.write() as conn:  # a rebuild has begun: empty indexes, nothing indexed again yet
            recreate_fulltext_index(conn)
        lib.fulltext.save(first, [(1, "An airship on the first page."), (2, "Nothing more.")], None, 2)
        lib.attachments.remove(second)
        assert "holds 2 pages of 6" in (lib.index.check() or "")  # FTS5's own check passes: nothing was damaged
        reports: list[Progress] = []
        rebuild_fulltext(lib.db, progress=reports.append)
        assert lib.index.check() is None
        # counted in PDFs (the two with text left), as the status bar says it: "... 2 of 2 PDFs"
        assert (reports[-1].done, reports[-1].total, reports[-1].unit) == (2, 2, "PDFs")
        assert lib.search("fulltext:airship").ids == [lib.attachments.get(first).paper_id]
        assert zeppelin_pages(lib) == [3]  # the third attachment's page 3
        assert lib.fulltext.pages(third) == kept[third]


def test_a_rebuild_cut_short_is_found_by_the_next_check_and_finished_then(library_path, pdfs, monkeypatch):
    make_library(library_path, pdfs, copies=4)
    monkeypatch.setattr(fulltext_index, "REBUILD_ATTACHMENTS", 1)  # a first transaction of one attachment
    token = CancelToken()

    def stop_after_the_first(progress: Progress) -> None:
        token.cancel()

    with Library.open(library_path) as lib:
        with pytest.raises(Cancelled):
            rebuild_fulltext(lib.db, progress=stop_after_the_first, cancel=token)
        assert "holds 4 pages of 16" in (fulltext_problem(lib.db) or "")
        lib.index.rebuild()
        assert lib.index.check() is None and zeppelin_pages(lib) == [3, 3, 3, 3]
