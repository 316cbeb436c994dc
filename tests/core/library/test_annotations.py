"""Stars, status, tags, notes, lists, edits and the Trash: each persists, each
bulk action is one step, and undo puts back exactly what was there."""

from __future__ import annotations

import pytest

from lectern.core.library.facade import Library
from lectern.core.library.rows import EditError


def state(lib: Library) -> dict:
    """Everything a user could see, for comparing before and after."""
    with lib.db.read() as conn:
        q = lambda sql: [tuple(r) for r in conn.exec_driver_sql(sql)]  # noqa: E731
        return {
            "papers": q("SELECT id, title, starred, status, read_at, deleted_at, authors, year, citation_key, "
                        "arxiv_id, url FROM paper ORDER BY id"),
            "tags": q("SELECT t.name, pt.paper_id FROM tag t JOIN paper_tag pt ON pt.tag_id = t.id ORDER BY 1, 2"),
            "tag_names": q("SELECT name FROM tag ORDER BY name"),
            "notes": q("SELECT paper_id, body FROM note ORDER BY paper_id"),
            "lists": q("SELECT l.name, li.paper_id, li.position FROM reading_list l "
                       "LEFT JOIN reading_list_item li ON li.list_id = l.id ORDER BY 1, 3"),
        }


def test_star_one_and_many_and_undo_redo(lib: Library) -> None:
    ids = lib.paper_ids()[:12]
    before = state(lib)
    lib.papers.set_starred(ids[:1], True)
    assert lib.rows(ids[:1])[ids[0]].starred
    changes = lib.papers.toggle_star(ids)  # one is starred: star all 12
    assert changes.papers == frozenset(ids)
    assert all(r.starred for r in lib.rows(ids).values())
    assert lib.history.stack.undo_label() == "Star 12 papers"
    assert len(lib.search("is:starred").ids) == 12
    lib.history.undo()
    assert [i for i, r in lib.rows(ids).items() if r.starred] == [ids[0]]
    lib.history.undo()
    assert state(lib) == before
    lib.history.redo()
    lib.history.redo()
    assert all(r.starred for r in lib.rows(ids).values())


def test_status_records_when_a_paper_was_read(lib: Library) -> None:
    ids = lib.paper_ids()[:3]
    before = state(lib)
    lib.papers.set_status(ids, "read")
    assert {r.status for r in lib.rows(ids).values()} == {"read"}
    assert all(lib.paper(i).paper.read_at is not None for i in ids)
    assert len(lib.search("status:read").ids) == 3
    assert lib.history.stack.undo_label() == "Mark 3 papers read"
    lib.history.undo()
    assert state(lib) == before
    with pytest.raises(EditError):
        lib.papers.set_status(ids, "done")


def test_tags_add_remove_rename_merge_with_undo(lib: Library) -> None:
    ids = lib.paper_ids()[:5]
    before = state(lib)
    lib.tags.add(ids[:3], ["vision", "to read"])
    lib.tags.add(ids[3:], ["computer vision"])
    assert {t.name: t.count for t in lib.tags.all()} == {"computer vision": 2, "to read": 3, "vision": 3}
    assert lib.rows(ids[:1])[ids[0]].tags == "to read, vision"
    assert set(lib.search('tag:"to read"').ids) == set(ids[:3])
    lib.tags.rename("vision", "Vision models")
    assert {t.name for t in lib.tags.all()} == {"computer vision", "to read", "Vision models"}
    lib.tags.rename("computer vision", "Vision models")  # onto an existing tag: merge
    assert {t.name: t.count for t in lib.tags.all()} == {"to read": 3, "Vision models": 5}
    assert lib.history.stack.undo_label() == "Merge tag computer vision into Vision models"
    lib.tags.remove(ids[:1], ["to read"])
    assert {t.name: t.count for t in lib.tags.all()}["to read"] == 2
    lib.trash.put(ids[1:2])
    assert {t.name: t.count for t in lib.tags.all()}["to read"] == 1
    lib.history.undo()
    for _ in range(5):
        lib.history.undo()
    assert state(lib) == before
    assert lib.tags.all() == []


def test_notes_save_and_are_searchable(lib: Library) -> None:
    paper_id = lib.paper_ids()[7]
    lib.papers.set_note(paper_id, "# Thoughts\nCompare with *zebrafish* results.")
    assert lib.papers.note(paper_id).startswith("# Thoughts")
    assert lib.search("zebrafish").ids == [paper_id]
    assert lib.search("note:zebrafish").ids == [paper_id]
    lib.papers.set_note(paper_id, "")
    assert lib.search("zebrafish").ids == []


def test_reading_lists_keep_the_users_order(lib: Library) -> None:
    ids = lib.paper_ids()
    before = state(lib)
    thesis, _ = lib.lists.create("Thesis")
    lib.lists.add(thesis, [ids[5], ids[2], ids[9]])
    lib.lists.add(thesis, [ids[2], ids[0]])  # already there: keeps its place
    assert lib.lists.paper_ids(thesis) == [ids[5], ids[2], ids[9], ids[0]]
    assert lib.search("", scope='list:"thesis"').ids == [ids[5], ids[2], ids[9], ids[0]]
    lib.lists.move(thesis, [ids[9]], -2)
    assert lib.lists.paper_ids(thesis) == [ids[9], ids[5], ids[2], ids[0]]
    lib.lists.set_order(thesis, [ids[0], ids[2]])
    assert lib.lists.paper_ids(thesis) == [ids[0], ids[2], ids[9], ids[5]]
    lib.lists.remove(thesis, [ids[2]])
    other, _ = lib.lists.create("Reading group")
    lib.lists.add(other, [ids[0]])  # a paper can be in many lists
    assert [(rl.name, rl.count) for rl in lib.lists.all()] == [("Reading group", 1), ("Thesis", 3)]
    lib.trash.put([ids[0]])  # the sidebar counts papers not in the Trash
    assert [(rl.name, rl.count) for rl in lib.lists.all()] == [("Reading group", 0), ("Thesis", 2)]
    lib.history.undo()
    with pytest.raises(EditError):
        lib.lists.create("thesis")
    lib.lists.rename(thesis, "PhD thesis")
    lib.lists.delete(other)
    assert [rl.name for rl in lib.lists.all()] == ["PhD thesis"]
    for _ in range(10):
        lib.history.undo()
    assert state(lib) == before


def test_metadata_edits_are_validated_and_arxiv_fills_in(lib: Library) -> None:
    paper_id = lib.paper_ids()[0]
    original = lib.paper(paper_id).paper.arxiv_id
    lib.papers.update(paper_id, authors="Han, Xu and Zhang, Zhengyan", url="https://arxiv.org/abs/2106.07139v3")
    paper = lib.paper(paper_id).paper
    assert (paper.arxiv_id, paper.year, paper.url) == ("2106.07139", 2021, "https://arxiv.org/abs/2106.07139v3")
    lib.papers.update(paper_id, citation_key="han2021ptm:survey")
    assert lib.paper(paper_id).paper.citation_key == "han2021ptm:survey"
    other = lib.paper_ids()[1]
    taken = lib.paper(other).paper.citation_key
    with pytest.raises(EditError, match="already used"):
        lib.papers.update(paper_id, citation_key=taken.upper())
    with pytest.raises(EditError, match="may not be empty or hold spaces"):
        lib.papers.update(paper_id, citation_key="has space")
    with pytest.raises(EditError, match="arXiv id"):
        lib.papers.update(paper_id, arxiv_id="not an id")
    with pytest.raises(EditError, match="year"):
        lib.papers.update(paper_id, year="soon")
    lib.history.undo()
    lib.history.undo()
    assert lib.paper(paper_id).paper.arxiv_id == original


def test_delete_to_trash_restore_and_empty_with_undo(lib: Library) -> None:
    ids = lib.paper_ids()[:20]
    lib.tags.add(ids[:2], ["keep"])
    lib.papers.set_note(ids[0], "precious note")
    thesis, _ = lib.lists.create("Thesis")
    lib.lists.add(thesis, ids[:3])
    before = state(lib)
    lib.trash.put(ids)
    assert lib.count() == 202
    assert set(lib.search("", scope="in:trash").ids) == set(ids)
    assert lib.history.stack.undo_label() == "Delete 20 papers"
    lib.history.undo()
    assert state(lib) == before
    lib.trash.put(ids)
    lib.trash.empty()
    assert lib.trash.ids() == [] and lib.count() == 202
    assert lib.search("precious").ids == []
    lib.history.undo()  # the papers come back with their notes, tags and list places
    lib.history.undo()
    assert state(lib) == before
    assert lib.search("precious").ids == [ids[0]]
    assert lib.lists.paper_ids(thesis) == ids[:3]


def test_arxiv_parsing() -> None:
    from lectern.core.domain.arxiv import parse_arxiv

    assert parse_arxiv("2106.09685").year == 2021
    assert parse_arxiv("arXiv:2106.09685v2").id == "2106.09685"
    assert parse_arxiv("https://arxiv.org/pdf/1810.04805v2.pdf").id == "1810.04805"
    old = parse_arxiv("cs/0112017")
    assert (old.id, old.year, old.primary_class) == ("cs/0112017", 2001, "cs")
    assert parse_arxiv("hello") is None


def test_adding_a_paper_by_hand_can_be_undone(lib: Library) -> None:
    from lectern.core.domain.records import NewPaper

    paper_id, _ = lib.papers.add(NewPaper(title="My hand-added paper", authors="Doe, Jane", year=2024))
    assert lib.paper(paper_id).paper.citation_key == "doe2024hand"
    assert lib.count() == 223
    lib.history.undo()
    assert lib.count() == 222 and lib.paper(paper_id) is None
    lib.history.redo()
    assert lib.paper(paper_id).paper.title == "My hand-added paper"
    assert lib.search("hand-added").ids == [paper_id]
