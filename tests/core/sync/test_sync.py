"""Libraries on three machines stay in step through one bare git remote."""

from __future__ import annotations

from pathlib import Path

import pytest

from lectern.core.domain.entry import get
from lectern.core.domain.records import NewPaper
from lectern.core.search import index
from lectern.core.search.index import SETTLE_INDEX_FROM, merge_step
from lectern.core.sync import engine
from lectern.core.sync.engine import SyncError, sync_folder
from lectern.core.sync.merge import NOTE_MARK
from tests.core.sync.conftest import add, by_key, run_sync, state


def test_a_library_is_published_and_an_empty_one_takes_it_over(machine, remote) -> None:
    a = machine("a")
    paper = add(a, "clark2020electra", "{ELECTRA}: Pre-training Text Encoders", note="Read §3.", tags=("nlp",))
    a.papers.set_starred([paper], True)
    a.papers.set_record(paper, "article", (*a.paper(paper).paper.fields, ("month", "\x00jan")))
    list_id, _ = a.lists.create("To read")
    a.lists.add(list_id, [paper])
    a.saved_searches.save("NLP", "tag:nlp")
    first = run_sync(a, remote)
    assert first.set_up and first.sent >= 1
    b = machine("b")
    taken = run_sync(b, remote)
    assert taken.received == 1
    assert state(b) == state(a)
    detail = b.paper(by_key(b, "clark2020electra"))
    assert detail.note == "Read §3." and detail.tags == ["nlp"] and detail.paper.starred
    assert ("month", "\x00jan") in detail.paper.fields
    assert b.search("electra").ids == [detail.paper.id]  # searchable at once
    assert [row.name for row in b.lists.all()] == ["To read"] and b.lists.paper_ids(b.lists.all()[0].id)
    assert [(s.name, s.query) for s in b.saved_searches.all()] == [("NLP", "tag:nlp")]


def test_the_tree_holds_one_readable_file_a_paper(machine, remote) -> None:
    a = machine("a")
    add(a, "clark2020electra", "{ELECTRA}: Pre-training", note="The note, as typed.", tags=("nlp", "survey"))
    run_sync(a, remote)
    (path,) = (sync_folder(a.path) / "papers").iterdir()
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\nkey: clark2020electra\ntype: article\nfields:\n- [author, 'Clark, Kevin and")
    assert "tags: [nlp, survey]\n" in text and text.endswith("---\nThe note, as typed.\n")
    run_sync(a)
    assert path.read_text(encoding="utf-8") == text  # nothing changed: the same bytes


def _three(machine, remote):
    a = machine("a")
    add(a, "p1", "Paper one", note="base note", tags=("keep", "old"))
    add(a, "p2", "Paper two")
    run_sync(a, remote)
    b, c = machine("b"), machine("c")
    run_sync(b, remote)
    run_sync(c, remote)
    return a, b, c


def _field(library, key: str, name: str) -> str | None:
    return get(library.paper(by_key(library, key)).paper.fields, name)


def test_edits_of_different_fields_of_one_paper_on_two_machines_both_arrive(machine, remote) -> None:
    a, b, c = _three(machine, remote)
    a.papers.update(by_key(a, "p1"), venue="ACL")
    b.papers.update(by_key(b, "p1"), year=2021)
    run_sync(a)
    run_sync(b)
    run_sync(a)
    run_sync(c)
    for lib in (a, b, c):
        assert _field(lib, "p1", "journal") == "ACL" and _field(lib, "p1", "year") == "2021"
    assert state(a) == state(b) == state(c)


def test_the_same_field_changed_differently_keeps_the_local_value_and_lists_a_conflict(machine, remote) -> None:
    a, b, _ = _three(machine, remote)
    a.papers.update(by_key(a, "p1"), title="Title from A")
    b.papers.update(by_key(b, "p1"), title="Title from B")
    run_sync(a)
    report = run_sync(b)
    assert _field(b, "p1", "title") == "Title from B"
    assert [(c.what, c.local, c.remote) for c in report.conflicts] == [("title", "Title from B", "Title from A")]
    assert "1 conflict" in report.summary() and "Title from A" in report.summary()
    run_sync(a)
    assert _field(a, "p1", "title") == "Title from B"  # the merge is shared: both end the same


def test_a_note_edited_on_both_machines_keeps_both_texts(machine, remote) -> None:
    a, b, _ = _three(machine, remote)
    a.papers.set_note(by_key(a, "p1"), "base note\nA's thought")
    b.papers.set_note(by_key(b, "p1"), "base note\nB's thought")
    run_sync(a)
    run_sync(b)
    run_sync(a)
    for lib in (a, b):
        note = lib.papers.note(by_key(lib, "p1"))
        assert note == "base note\nB's thought" + NOTE_MARK + "base note\nA's thought"


def test_a_tag_added_on_one_machine_and_another_removed_on_the_other_both_apply(machine, remote) -> None:
    a, b, _ = _three(machine, remote)
    a.tags.add([by_key(a, "p1")], ["new"])
    b.tags.remove([by_key(b, "p1")], ["old"])
    run_sync(a)
    run_sync(b)
    run_sync(a)
    for lib in (a, b):
        assert lib.paper(by_key(lib, "p1")).tags == ["keep", "new"]


def test_reading_lists_reordered_and_filled_on_both_machines_merge(machine, remote) -> None:
    a = machine("a")
    ids = [add(a, f"k{i}", f"Paper {i}") for i in range(4)]
    list_id, _ = a.lists.create("Queue")
    a.lists.add(list_id, ids[:3])
    run_sync(a, remote)
    b = machine("b")
    run_sync(b, remote)
    a.lists.set_order(list_id, [ids[2], ids[1], ids[0]])  # A reverses the list
    b_list = b.lists.all()[0].id
    b.lists.add(b_list, [by_key(b, "k3")])  # B appends a paper
    b.lists.remove(b_list, [by_key(b, "k0")])  # and drops one
    run_sync(a)
    run_sync(b)
    run_sync(a)
    for lib in (a, b):
        keys = lib.citation_keys_of(lib.lists.paper_ids(lib.lists.all()[0].id))
        assert [keys[i] for i in lib.lists.paper_ids(lib.lists.all()[0].id)] == ["k2", "k1", "k3"]


def test_a_deletion_against_an_edit_keeps_the_paper_and_says_so(machine, remote) -> None:
    a, b, _ = _three(machine, remote)
    a.trash.put([by_key(a, "p1")])
    b.papers.set_note(by_key(b, "p1"), "an important thought")
    run_sync(a)
    report = run_sync(b)
    assert b.paper(by_key(b, "p1")).paper.deleted_at is None
    assert any(c.what == "deleted" for c in report.conflicts)
    run_sync(a)
    assert a.paper(by_key(a, "p1")).paper.deleted_at is None
    assert a.papers.note(by_key(a, "p1")) == "an important thought"


def test_a_deletion_on_one_machine_reaches_the_others(machine, remote) -> None:
    a, b, _ = _three(machine, remote)
    a.trash.put([by_key(a, "p2")])
    run_sync(a)
    run_sync(b)
    assert b.paper(by_key(b, "p2")).paper.deleted_at is not None


def test_a_citation_key_changed_on_one_machine_is_taken(machine, remote) -> None:
    a, b, _ = _three(machine, remote)
    a.papers.update(by_key(a, "p1"), citation_key="renamed2020")
    b.papers.set_starred([by_key(b, "p1")], True)
    run_sync(a)
    run_sync(b)
    paper = b.paper(by_key(b, "renamed2020")).paper
    assert paper.starred


def test_a_push_race_fetches_merges_and_pushes_again(machine, remote, monkeypatch) -> None:
    a, b, _ = _three(machine, remote)
    a.papers.update(by_key(a, "p1"), venue="ACL")
    b.papers.update(by_key(b, "p2"), venue="ICLR")
    pushed_between: list[str] = []

    def b_pushes_first(step: str) -> None:  # the sync's test hook: B pushes after A fetched, before A pushes
        if step == "before-push" and not pushed_between:
            pushed_between.append(step)
            run_sync(b)

    monkeypatch.setattr(engine, "checkpoint", b_pushes_first)
    report = run_sync(a)
    assert pushed_between and report.received == 1
    assert _field(a, "p2", "journal") == "ICLR" and _field(a, "p1", "journal") == "ACL"
    monkeypatch.undo()
    run_sync(b)
    assert _field(b, "p1", "journal") == "ACL" and state(a) == state(b)


def test_a_note_edited_by_hand_in_the_sync_folder_arrives_in_the_library(machine, remote) -> None:
    a, b, _ = _three(machine, remote)
    uid_path = next(p for p in (sync_folder(b.path) / "papers").iterdir() if "key: p1\n" in p.read_text())
    uid_path.write_text(uid_path.read_text().replace("base note", "edited in vim"), encoding="utf-8")
    b.papers.set_starred([by_key(b, "p1")], True)  # and the library changed meanwhile
    run_sync(b)
    assert b.papers.note(by_key(b, "p1")) == "edited in vim" and b.paper(by_key(b, "p1")).paper.starred
    run_sync(a)
    assert a.papers.note(by_key(a, "p1")) == "edited in vim"


def test_a_reading_list_edited_by_hand_in_the_sync_folder_arrives_in_the_library(machine, remote) -> None:
    a, b, _ = _three(machine, remote)
    lists = sync_folder(b.path) / "lists.yaml"
    assert lists.read_text() == "lists: []\n"
    lists.write_text("lists:\n- name: Written in vim\n  papers: []\n", encoding="utf-8")
    searches = sync_folder(b.path) / "searches.yaml"
    searches.write_text("searches:\n- name: Old ones\n  query: 'year:<2000'\n", encoding="utf-8")
    run_sync(b)
    assert [row.name for row in b.lists.all()] == ["Written in vim"]
    assert [(s.name, s.query) for s in b.saved_searches.all()] == [("Old ones", "year:<2000")]
    run_sync(a)
    assert [row.name for row in a.lists.all()] == ["Written in vim"]


def test_an_unreachable_remote_says_so_and_changes_nothing(machine, tmp_path: Path) -> None:
    a = machine("a")
    add(a, "p1", "Paper one")
    def held():
        return [(p.citation_key, p.fields, p.starred, tags, note)
                for p, tags, note in a.papers_for_export(a.paper_ids())]

    before = held()
    with pytest.raises(SyncError, match="could not be reached") as error:
        run_sync(a, str(tmp_path / "nowhere.git"))
    assert "nowhere.git" in str(error.value) and "Traceback" not in str(error.value)
    assert held() == before


def test_a_sync_without_a_remote_says_how_to_set_one(machine) -> None:
    with pytest.raises(SyncError, match="--remote"):
        run_sync(machine("a"))


def test_a_sync_is_one_undo_step(machine, remote) -> None:
    a, b, _ = _three(machine, remote)
    a.papers.update(by_key(a, "p1"), venue="ACL")
    a.tags.add([by_key(a, "p2")], ["x"])
    run_sync(a)
    run_sync(b)
    assert b.history.stack.done[-1].label == "Sync"
    b.history.undo()
    assert _field(b, "p1", "journal") is None and b.paper(by_key(b, "p2")).tags == []


def test_a_sync_that_sends_and_receives_makes_one_commit_after_the_remotes(machine, remote) -> None:
    a, b, _ = _three(machine, remote)
    a.papers.update(by_key(a, "p1"), venue="ACL")
    run_sync(a)
    b.papers.update(by_key(b, "p2"), venue="ICLR")
    folder = sync_folder(b.path)
    before, pushed = engine.Git(folder).rev("HEAD"), engine.Git(sync_folder(a.path)).rev("HEAD")
    report = run_sync(b)
    assert report.sent == 1 and report.received == 1
    git = engine.Git(folder)
    assert git.text(["rev-list", "--parents", "-n", "1", "HEAD"]).split()[1:] == [pushed]  # after A's, one parent
    assert git.text(["rev-list", "--count", f"{before}..HEAD"]) == "2"  # A's commit and this one, nothing more
    assert "+- [journal, ICLR]" in git.text(["diff", "HEAD^", "HEAD"])  # B's change travels in it
    run_sync(a)
    assert _field(a, "p2", "journal") == "ICLR" and state(a) == state(b)


def test_a_sync_after_a_commit_made_by_hand_merges_with_both_parents(machine, remote) -> None:
    a, b, _ = _three(machine, remote)
    a.papers.update(by_key(a, "p1"), venue="ACL")
    run_sync(a)
    folder = sync_folder(b.path)
    (folder / "README.md").write_text("Our lab's reading list.\n", encoding="utf-8")
    git = engine.Git(folder)
    git.run(["add", "README.md"])
    git.run(["-c", "user.name=Ada", "-c", "user.email=ada@example.org", "commit", "-q", "-m", "A README"])
    mine, pushed = git.rev("HEAD"), engine.Git(sync_folder(a.path)).rev("HEAD")
    run_sync(b)
    assert git.text(["rev-list", "--parents", "-n", "1", "HEAD"]).split()[1:] == [mine, pushed]
    run_sync(a)
    assert (sync_folder(a.path) / "README.md").is_file() and _field(b, "p1", "journal") == "ACL"


def test_a_sync_says_each_step_as_it_begins(machine, remote) -> None:
    """What the status bar (and `lectern sync` on a terminal) shows while a sync runs."""
    a = machine("a")
    add(a, "clark2020electra", "{ELECTRA}: Pre-training Text Encoders")
    said: list[str] = []
    engine.sync(a, remote, progress=lambda p: said.append(p.message))
    assert said == [engine.STEPS["fetch"], engine.STEPS["commit"], engine.STEPS["push"]]  # published
    said.clear()
    engine.sync(a, progress=lambda p: said.append(p.message))
    assert engine.STEPS["fetch"] in said and engine.STEPS["push"] not in said  # nothing to send
    b = machine("b")
    said.clear()
    engine.sync(b, remote, progress=lambda p: said.append(p.message))
    assert said[:2] == [engine.STEPS["fetch"], engine.STEPS["merge"]]  # taken over


def test_a_large_take_over_leaves_nothing_of_the_search_index_to_merge(machine, remote, monkeypatch) -> None:
    """The papers a take-over adds are indexed in large segments; they are merged then, not by one of the
    small writes that follow (FTS5 merges them all at once when enough small segments pile up beside them:
    at 100,000 papers, the eleventh star or note after a take-over took most of a second)."""
    monkeypatch.setattr(index, "BULK_HASH_BYTES", 16 * 1024)  # a few hundred papers make many segments
    a = machine("a")
    count = SETTLE_INDEX_FROM + 100
    a.papers.add_many([NewPaper(title=f"Pre-training study {i}", citation_key=f"study{i}") for i in range(count)],
                      notes=[f"Notes on study {i}, read twice." for i in range(count)])
    run_sync(a, remote)
    b = machine("b")
    assert run_sync(b, remote).received == count
    with b.db.write() as conn:
        assert not merge_step(conn, 16)  # no level holds enough segments to merge
    assert len(b.search("study").ids) == count and len(b.search("twice").ids) == count
