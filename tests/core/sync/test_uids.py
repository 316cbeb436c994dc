"""A paper keeps its sync id through the Trash and undo, so another machine
sees the same paper, not a deletion and a new one."""

from __future__ import annotations

from lectern.core.sync.engine import sync_folder
from tests.core.sync.conftest import add, by_key, run_sync, state


def _uid(library, paper: int) -> str:
    with library.db.read() as conn:
        return conn.exec_driver_sql("SELECT uid FROM paper_uid WHERE paper_id = ?", (paper,)).scalar_one()


def _emptied(machine, remote):
    """Two machines in step, then p1 deleted for good on the first: (a, b, p1's id on a, its sync id)."""
    a = machine("a")
    paper = add(a, "p1", "Paper one", note="typed")
    add(a, "p2", "Paper two")
    run_sync(a, remote)
    b = machine("b")
    run_sync(b, remote)
    uid = _uid(a, paper)
    a.trash.put([paper])
    a.trash.empty()
    return a, b, paper, uid


def test_undoing_empty_trash_brings_papers_back_with_their_sync_ids(machine, remote) -> None:
    a, b, paper, uid = _emptied(machine, remote)
    a.history.undo()  # the Trash holds it again
    a.trash.restore([paper])
    assert _uid(a, paper) == uid
    report = run_sync(a)
    assert report.sent == 0  # nothing changed: not a deletion and a new paper
    assert sorted(p.name for p in (sync_folder(a.path) / "papers").iterdir()) == sorted(
        f"{u}.md" for u in (uid, _uid(a, by_key(a, "p2"))))
    run_sync(b)
    assert state(b) == state(a)
    assert b.count() == 2 and b.trash.ids() == []


def test_undoing_empty_trash_after_a_sync_sent_the_deletion_brings_the_same_paper_back(machine, remote) -> None:
    a, b, paper, uid = _emptied(machine, remote)
    run_sync(a)
    run_sync(b)
    assert b.count() == 1
    a.history.undo()
    a.trash.restore([paper])
    run_sync(a)
    run_sync(b)
    assert b.count() == 2 and len(b.trash.ids()) == 0
    assert _uid(b, by_key(b, "p1")) == uid
    assert b.papers.note(by_key(b, "p1")) == "typed"


def test_a_paper_added_after_one_was_deleted_for_good_gets_an_id_and_is_sent(machine, remote) -> None:
    a, b, _, uid = _emptied(machine, remote)  # as many papers as ids again: the deleted one's went with it
    add(a, "p3", "Paper three")
    add(a, "p4", "Paper four")
    run_sync(a)
    with a.db.read() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM paper_uid").scalar_one() == 3
        assert conn.exec_driver_sql("SELECT count(*) FROM paper_uid WHERE uid = ?", (uid,)).scalar_one() == 0
    run_sync(b)
    assert sorted(b.citation_keys_of(b.paper_ids()).values()) == ["p2", "p3", "p4"] and state(a) == state(b)
