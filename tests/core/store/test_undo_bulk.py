"""Undo and redo of bulk work are set-based: undoing the tagging of thousands
of papers, or the emptying of a Trash of thousands, runs a few dozen SQLite
statements whatever the count (row by row, the undo took three times as long
as the action at 100k papers), and gives back exactly what was there."""

from __future__ import annotations

import cProfile
import pstats
from collections.abc import Callable

from lectern.core.domain.records import NewPaper
from lectern.core.library.facade import Library

LIMIT = 150  # statements for an undo or redo of any size (row by row: 4,000-9,500 here)
SQLITE_CALLS = ("<method 'execute' of 'sqlite3.Connection' objects>",
                "<method 'executemany' of 'sqlite3.Connection' objects>")


def statements(action: Callable[[], object]) -> int:
    """How many times `action` hands SQLite a statement (execute or executemany)."""
    profile = cProfile.Profile()
    profile.enable()
    action()
    profile.disable()
    stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    return sum(calls for (_, _, name), (calls, *_rest) in stats.items() if name in SQLITE_CALLS)


def fill(lib: Library, n: int) -> list[int]:
    lib.papers.add_many([NewPaper(title=f"Paper {i} on pre-training", abstract=f"About thing {i}.")
                         for i in range(n)])
    ids = lib.paper_ids()  # with the default library's papers
    lib.tags.add(ids[::3], ["survey"])
    lib.papers.set_note(ids[0], "A note on the first paper.")
    thesis, _ = lib.lists.create("Thesis")
    lib.lists.add(thesis, ids[:50])
    return ids


def snapshot(lib: Library) -> tuple:
    with lib.db.read() as conn:
        return tuple(conn.exec_driver_sql(f"SELECT * FROM {table} ORDER BY rowid").all()
                     for table in ("paper", "tag", "paper_tag", "note", "reading_list", "reading_list_item"))


def test_undo_and_redo_of_tagging_3000_papers_are_a_few_statements(lib: Library) -> None:
    ids = fill(lib, 3000)
    before = snapshot(lib)
    lib.tags.add(ids, ["bench"])
    after = snapshot(lib)
    assert len(lib.search("tag:bench").ids) == len(ids) > 3000
    assert statements(lib.history.undo) < LIMIT
    assert snapshot(lib) == before and lib.search("tag:bench").ids == []
    assert statements(lib.history.redo) < LIMIT
    assert snapshot(lib) == after and len(lib.search("tag:bench").ids) == len(ids)


def test_undo_and_redo_of_emptying_a_trash_of_2000_are_a_few_statements(lib: Library) -> None:
    ids = fill(lib, 3000)
    lib.trash.put(ids[:2000])
    before = snapshot(lib)
    found = sorted(lib.search("pre-training", scope="is:trashed").ids)
    assert len(found) > 1500
    lib.trash.empty()
    assert lib.count() == len(ids) - 2000
    assert statements(lib.history.undo) < LIMIT
    assert snapshot(lib) == before  # every paper, tag, note and list place is back, ids included
    assert sorted(lib.search("pre-training", scope="is:trashed").ids) == found  # and found in the Trash again
    assert statements(lib.history.redo) < LIMIT
    assert lib.trash.ids() == [] and lib.count() == len(ids) - 2000
    lib.history.undo()
    assert snapshot(lib) == before


def test_undo_of_a_move_to_the_trash_is_a_few_statements(lib: Library) -> None:
    ids = fill(lib, 3000)
    before = snapshot(lib)
    lib.trash.put(ids)
    assert statements(lib.history.undo) < LIMIT
    assert snapshot(lib) == before and lib.count() == len(ids)




def index_settings(lib: Library) -> list[tuple]:
    with lib.db.read() as conn:
        return [tuple(r) for r in conn.exec_driver_sql("SELECT k, v FROM paper_fts_config ORDER BY k")]


def test_undo_of_emptying_a_large_trash_leaves_the_search_index_settings_as_they_were(lib: Library) -> None:
    ids = fill(lib, 3000)
    lib.trash.put(ids[:2000])
    settings = index_settings(lib)
    found = sorted(lib.search("pre-training", scope="is:trashed").ids)
    lib.trash.empty()
    lib.history.undo()  # 2,000 papers indexed again with the bulk buffer, then the usual one
    assert index_settings(lib) == settings
    assert sorted(lib.search("pre-training", scope="is:trashed").ids) == found
