"""Undo never breaks: imports are steps, a step that can no longer be undone
says so and leaves the rest of the history usable, redo brings back the exact
record, and an action on nothing records nothing."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from lectern.core.domain.records import NewPaper
from lectern.core.library.facade import Library
from lectern.core.store.database import configure_connection
from lectern.core.store.undo import UndoError
from lectern.core.transfer.importing import import_file, import_text


def dump(lib: Library) -> dict[str, list[tuple]]:
    """Every row of every user table (timestamps of edits aside), and the search index."""
    with lib.db.read() as conn:
        q = lambda sql: [tuple(r) for r in conn.exec_driver_sql(sql)]  # noqa: E731
        return {
            "paper": q("SELECT * FROM paper ORDER BY id"),
            "tag": q("SELECT * FROM tag ORDER BY id"),
            "paper_tag": q("SELECT * FROM paper_tag ORDER BY 1, 2"),
            "note": q("SELECT * FROM note ORDER BY paper_id"),
            "reading_list": q("SELECT * FROM reading_list ORDER BY id"),
            "reading_list_item": q("SELECT * FROM reading_list_item ORDER BY 1, 2"),
            "saved_search": q("SELECT * FROM saved_search ORDER BY id"),
            "index": q("SELECT rowid, title, abstract, authors, notes, tags FROM paper_fts ORDER BY rowid"),
        }


@pytest.fixture
def lib(library_path: Path):
    library = Library.open(library_path)
    library.papers.add_many([NewPaper(title=f"Paper number {i} on graphs", authors=f"Doe{i}, Jane", year=2000 + i)
                        for i in range(6)], undoable=False)
    yield library
    library.close()


def outside(lib: Library, *statements: str) -> None:
    """Another program writes to the library file (its own connection)."""
    conn = sqlite3.connect(lib.path, isolation_level=None)
    configure_connection(conn)
    for sql in statements:
        conn.execute(sql)
    conn.close()


def test_undo_after_renaming_a_tag_and_importing_that_tag_again(lib: Library, tmp_path: Path) -> None:
    """The issue's case: rename alpha -> renamed, import a .bib with keywords={alpha}, Ctrl+Z, Ctrl+Z."""
    first = lib.paper_ids()[0]
    lib.tags.add([first], ["alpha"])
    start = dump(lib)
    lib.tags.rename("alpha", "renamed")
    bib = tmp_path / "more.bib"
    bib.write_text("@article{fresh1, title={Fresh paper one}, author={Roe, Ann}, keywords={alpha}, annote={read me}}\n"
                   "@article{fresh2, title={Fresh paper two}, keywords={alpha, beta}}\n")
    import_file(lib, bib)
    end = dump(lib)
    assert lib.history.stack.undo_label() == "Import of 2 papers"
    lib.history.undo()  # the import goes: its papers, their tags (alpha, beta), the note
    assert {t.name for t in lib.tags.all()} == {"renamed"}
    assert lib.search("fresh").ids == []
    assert lib.history.stack.undo_label() == "Rename tag alpha to renamed"
    lib.history.undo()
    assert dump(lib) == start
    lib.history.redo()
    lib.history.redo()
    assert dump(lib) == end
    assert lib.index.check() is None


def test_an_import_that_merges_is_one_step_and_undo_restores_the_merged_paper(lib: Library) -> None:
    existing = lib.paper_ids()[2]
    lib.papers.set_note(existing, "my own note")
    start = dump(lib)
    report = import_text(lib,
                         "@misc{a, title={Paper number 2 on graphs}, doi={10.1/x}, keywords={dup}, annote={theirs}}\n"
                         "@misc{b, title={Entirely new}, keywords={new}}", policy="merge")
    assert (report.added, report.merged) == (1, 1)
    merged = lib.paper(existing)
    assert merged.paper.doi == "10.1/x" and "dup" in merged.tags and "theirs" in merged.note
    assert lib.history.stack.undo_label() == "Import of 1 paper (1 merged)"
    lib.history.undo()
    assert dump(lib) == start
    assert lib.history.stack.undo_label() == "Edit note"


def test_a_step_that_can_no_longer_be_undone_says_so_and_older_steps_still_undo(lib: Library) -> None:
    a, b = lib.paper_ids()[:2]
    lib.papers.set_starred([a], True)
    lib.tags.add([b], ["alpha"])
    lib.tags.rename("alpha", "renamed")
    outside(lib, "INSERT INTO tag (name) VALUES ('alpha')")  # e.g. another program imported "alpha"
    with pytest.raises(UndoError) as refused:
        lib.history.undo()
    assert str(refused.value).startswith("This step can no longer be undone: Rename tag alpha to renamed.")
    assert "alpha" in str(refused.value)
    assert {t.name for t in lib.tags.all()} == {"renamed", "alpha"}  # nothing was written
    assert lib.history.stack.undo_label() == "Tag 1 paper alpha"  # the refused step is dropped
    with pytest.raises(UndoError, match="can no longer be undone: Tag 1 paper alpha. The tag “renamed” was changed"):
        lib.history.undo()  # it built on the refused one: refused too, in its own terms
    lib.history.undo()  # a step that does not depend on them still undoes
    assert not lib.rows([a])[a].starred
    assert lib.paper(b).tags == ["renamed"]
    assert lib.history.undo() is None


def test_undo_of_tagging_a_paper_deleted_since_is_refused_not_a_foreign_key_error(lib: Library) -> None:
    a = lib.paper_ids()[0]
    lib.tags.add([a], ["alpha"])
    lib.tags.remove([a], ["alpha"])
    outside(lib, f"DELETE FROM paper WHERE id = {a}")
    with pytest.raises(UndoError, match="can no longer be undone: Untag 1 paper alpha"):
        lib.history.undo()
    assert lib.history.stack.undo_label() == "Tag 1 paper alpha"
    with pytest.raises(UndoError, match="can no longer be undone"):
        lib.history.undo()
    assert lib.history.undo() is None and lib.index.check() is None


def test_undo_of_an_old_tag_rename_never_renames_a_newer_tag_with_the_same_id(lib: Library) -> None:
    a = lib.paper_ids()[0]
    lib.tags.add([a], ["old"])
    lib.tags.rename("old", "kept")
    (tag_id,) = [t.id for t in lib.tags.all()]
    # another program drops the tag and makes a new one, which gets the freed id
    outside(lib, "DELETE FROM tag", "INSERT INTO tag (name) VALUES ('newer')")
    assert [(t.id, t.name) for t in lib.tags.all()] == [(tag_id, "newer")]
    with pytest.raises(UndoError):
        lib.history.undo()
    assert [t.name for t in lib.tags.all()] == ["newer"]


def test_actions_on_nothing_record_no_step_and_change_nothing(lib: Library) -> None:
    start = dump(lib)
    list_id, _ = lib.lists.create("Reading")
    lib.history.stack.clear()
    start = dump(lib)
    lib.papers.set_starred([], True)
    lib.papers.toggle_star([])
    lib.papers.set_status([], "read")
    lib.tags.add([], ["orphan"])
    lib.tags.add([99999], ["orphan"])
    lib.tags.remove([], ["orphan"])
    lib.trash.put([])
    lib.trash.restore([])
    lib.trash.empty()
    lib.lists.add(list_id, [])
    lib.lists.add(list_id, [99999])
    lib.lists.remove(list_id, [])
    lib.lists.set_order(list_id, [])
    lib.lists.move(list_id, [], 1)
    lib.papers.update(99999, title="Nothing")
    lib.papers.merge(lib.paper_ids()[0], [])
    lib.trash.put([99999])
    lib.lists.rename(99999, "Nope")
    lib.lists.delete(99999)
    lib.papers.add_many([])
    assert dump(lib) == start
    assert lib.history.stack.done == [] and lib.history.undo() is None


def test_add_paper_undo_redo_brings_back_every_field(lib: Library) -> None:
    paper_id, _ = lib.papers.add(NewPaper(title="Hand-added paper"), authors="Doe, Jane", year="2024",
                                venue="NeurIPS", doi="10.5555/12345", url="https://example.org/p",
                                abstract="What it found.")
    with lib.db.read() as conn:
        row = conn.exec_driver_sql("SELECT * FROM paper WHERE id = ?", (paper_id,)).first()
    detail = lib.paper(paper_id).paper
    assert (detail.authors, detail.year, detail.venue, detail.doi) == ("Doe, Jane", 2024, "NeurIPS", "10.5555/12345")
    assert detail.citation_key == "doe2024hand"
    assert lib.history.stack.undo_label() == "Add paper"
    lib.history.undo()
    assert lib.paper(paper_id) is None
    lib.history.redo()
    with lib.db.read() as conn:
        assert conn.exec_driver_sql("SELECT * FROM paper WHERE id = ?", (paper_id,)).first() == row
    assert lib.search("hand-added").ids == [paper_id]


def test_add_paper_with_a_bad_field_adds_nothing(lib: Library) -> None:
    from lectern.core.library.rows import EditError

    start = dump(lib)
    with pytest.raises(EditError, match="year"):
        lib.papers.add(NewPaper(title="Bad year"), year="soon")
    assert dump(lib) == start and lib.history.stack.done == []


def test_note_saves_in_a_row_are_one_step(lib: Library) -> None:
    a = lib.paper_ids()[0]
    start = dump(lib)
    for text in ("d", "dr", "draft", "draft done"):
        lib.papers.set_note(a, text)
    assert [e.label for e in lib.history.stack.done] == ["Edit note"]
    lib.history.undo()
    assert dump(lib) == start
    lib.history.redo()
    assert lib.papers.note(a) == "draft done" and lib.search("done").ids == [a]
