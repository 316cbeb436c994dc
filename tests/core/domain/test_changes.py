"""A write names the sidebar parts it changed with typed values: a misspelt one
cannot be made, and each kind of write names exactly the parts it touched; long
work runs in one chunk/progress/cancel loop."""

from __future__ import annotations

import pytest

from lectern.core.domain.changes import Cancelled, CancelToken, Changes, Collection, Progress, in_chunks
from lectern.core.library.facade import Library


def test_a_misspelt_collection_cannot_be_produced() -> None:
    with pytest.raises(ValueError):
        Collection("tag")  # the members are tags, lists, searches, trash
    with pytest.raises(TypeError):
        Changes(collections=frozenset({"tags"}))  # a bare string is not a collection, even spelt right
    with pytest.raises(AttributeError):
        Collection.TAG  # noqa: B018
    merged = Changes(collections=frozenset({Collection.TAGS})).merge(Changes(collections=frozenset({Collection.LISTS})))
    assert merged.collections == {Collection.TAGS, Collection.LISTS}


def test_each_kind_of_write_names_the_sidebar_parts_it_changed(lib: Library) -> None:
    ids = lib.paper_ids()[:3]
    TAGS, LISTS, SEARCHES, TRASH = Collection.TAGS, Collection.LISTS, Collection.SEARCHES, Collection.TRASH
    assert lib.papers.toggle_star(ids).collections == set()
    assert lib.papers.set_status(ids, "read").collections == set()
    assert lib.tags.add(ids, ["vision"]).collections == {TAGS}
    assert lib.tags.rename("vision", "sight").collections == {TAGS}
    list_id, created = lib.lists.create("To read")
    assert created.collections == {LISTS}
    assert lib.lists.add(list_id, ids).collections == {LISTS}
    assert lib.saved_searches.save("Portuguese", "portuguese").collections == {SEARCHES}
    assert lib.trash.put(ids[:1]).collections == {TAGS, LISTS, TRASH}  # counts in the sidebar change too
    assert lib.trash.restore(ids[:1]).collections == {TAGS, LISTS, TRASH}
    lib.trash.put(ids[1:2])
    assert lib.history.undo().collections == {TAGS, LISTS, TRASH}  # the paper leaves the Trash: counts change
    assert lib.history.undo().collections == {TAGS, LISTS, TRASH}  # the restore, undone: back in the Trash
    assert lib.history.undo().collections == {TAGS, LISTS, TRASH}  # the first trash, undone
    assert lib.history.undo().collections == {SEARCHES}
    assert lib.history.undo().collections == {LISTS}


def test_chunks_report_progress_after_each_and_end_at_the_total() -> None:
    seen: list[Progress] = []
    chunks = [list(c) for c in in_chunks(list(range(5)), 2, "Working", seen.append)]
    assert chunks == [[0, 1], [2, 3], [4]]
    assert [(p.done, p.total, p.message) for p in seen] == [(2, 5, "Working"), (4, 5, "Working"), (5, 5, "Working")]


def test_a_cancel_stops_before_the_next_chunk() -> None:
    cancel = CancelToken()
    done = []
    with pytest.raises(Cancelled):
        for chunk in in_chunks(list(range(6)), 2, "Working", cancel=cancel):
            done.extend(chunk)
            cancel.cancel()
    assert done == [0, 1]
