"""A person working in the sync folder with an editor or with git: what they
change there arrives with the next sync, and their own commits do not upset it."""

from __future__ import annotations

import subprocess
from pathlib import Path

from lectern.core.sync.engine import sync_folder
from lectern.core.sync.status import sync_status
from tests.core.sync.conftest import add, by_key, run_sync, state


def _git(folder: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(folder), "-c", "user.name=Ada", "-c", "user.email=ada@example.org",
                           *args], check=True, capture_output=True, text=True).stdout


def _two(machine, remote):
    a = machine("a")
    add(a, "p1", "Paper one", note="base note", tags=("keep",))
    add(a, "p2", "Paper two")
    run_sync(a, remote)
    b = machine("b")
    run_sync(b, remote)
    return a, b


def _file(library, key: str) -> Path:
    return next(p for p in (sync_folder(library.path) / "papers").iterdir() if f"key: {key}\n" in p.read_text())


def test_a_note_edited_and_committed_with_git_in_the_sync_folder_arrives(machine, remote) -> None:
    a, b = _two(machine, remote)
    path = _file(b, "p1")
    path.write_text(path.read_text().replace("base note", "edited in vim, committed"), encoding="utf-8")
    _git(path.parent.parent, "commit", "-q", "-am", "My note")
    b.papers.set_starred([by_key(b, "p2")], True)  # and the library changed meanwhile
    report = run_sync(b)
    assert b.papers.note(by_key(b, "p1")) == "edited in vim, committed" and report.received == 1
    assert "edited in vim, committed" in path.read_text()  # the commit is not undone by the next export
    assert b.paper(by_key(b, "p2")).paper.starred
    run_sync(a)
    assert a.papers.note(by_key(a, "p1")) == "edited in vim, committed"
    assert state(a) == state(b)
    assert "My note" in _git(path.parent.parent, "log", "--format=%s")  # the person's commit stays in the history


def test_a_commit_in_the_folder_after_an_uncommitted_edit_and_a_new_file_still_syncs(machine, remote) -> None:
    a, b = _two(machine, remote)
    folder = sync_folder(b.path)
    (folder / "README.md").write_text("Our lab's reading list.\n", encoding="utf-8")
    _git(folder, "add", "README.md")
    _git(folder, "commit", "-q", "-m", "A README")
    path = _file(b, "p2")
    path.write_text(path.read_text() + "Typed in vim, not committed.\n", encoding="utf-8")
    a.papers.set_note(by_key(a, "p1"), "edited on a")
    run_sync(a)
    run_sync(b)
    assert b.papers.note(by_key(b, "p2")) == "Typed in vim, not committed."
    assert b.papers.note(by_key(b, "p1")) == "edited on a"
    run_sync(a)
    assert a.papers.note(by_key(a, "p2")) == "Typed in vim, not committed."
    assert (sync_folder(a.path) / "README.md").read_text() == "Our lab's reading list.\n"
    assert state(a) == state(b)


def test_a_paper_file_deleted_and_committed_with_git_goes_to_the_trash(machine, remote) -> None:
    a, b = _two(machine, remote)
    path = _file(b, "p2")
    _git(path.parent.parent, "rm", "-q", str(path))
    _git(path.parent.parent, "commit", "-q", "-m", "Not this one")
    run_sync(b)
    assert b.paper(by_key(b, "p2")).paper.deleted_at is not None
    run_sync(a)
    assert a.paper(by_key(a, "p2")).paper.deleted_at is not None
    assert state(a) == state(b)


def test_a_history_rewritten_by_hand_in_the_folder_still_syncs(machine, remote) -> None:
    a, b = _two(machine, remote)
    b.papers.set_note(by_key(b, "p1"), "sent once")
    run_sync(b)
    folder = sync_folder(b.path)
    _git(folder, "reset", "-q", "--hard", "HEAD~1")  # the person undoes the last sync's commit in git
    b.papers.set_note(by_key(b, "p2"), "after the reset")
    run_sync(b)
    run_sync(a)
    assert a.papers.note(by_key(a, "p1")) == "sent once" and a.papers.note(by_key(a, "p2")) == "after the reset"
    assert state(a) == state(b)


def test_a_git_pull_made_by_hand_in_the_folder_still_brings_the_changes_into_the_library(machine, remote) -> None:
    a, b = _two(machine, remote)
    a.papers.set_note(by_key(a, "p1"), "edited on a")
    run_sync(a)
    _git(sync_folder(b.path), "pull", "-q", "--no-rebase", "origin", "main")
    b.papers.set_note(by_key(b, "p2"), "edited on b")
    run_sync(b)
    run_sync(a)
    assert b.papers.note(by_key(b, "p1")) == "edited on a" and a.papers.note(by_key(a, "p2")) == "edited on b"
    assert state(a) == state(b)


def test_hand_edits_made_between_syncs_arrive_while_git_caches_the_folder(machine, remote) -> None:
    a, b = _two(machine, remote)
    run_sync(b)
    run_sync(b)  # git's cache of the folder's files is written, and read by the next sync
    folder = sync_folder(b.path)
    (folder / "draft.txt").write_text("Mine, not Lectern's.\n", encoding="utf-8")  # untracked, beside the papers
    path = _file(b, "p1")
    with open(path, "r+", encoding="utf-8") as file:  # written in place: the folder's own entries do not change
        text = file.read()
        file.seek(0)
        file.write(text.replace("base note", "edited in place"))
    added = folder / "papers" / f"{'ab' * 16}.md"
    added.write_text(_file(b, "p2").read_text().replace("key: p2\n", "key: p3\n"), encoding="utf-8")
    assert sync_status(b).to_send == 2
    report = run_sync(b)
    assert b.papers.note(by_key(b, "p1")) == "edited in place" and by_key(b, "p3")
    assert report.refused == [] and (folder / "draft.txt").read_text() == "Mine, not Lectern's.\n"
    path.write_text(path.read_text().replace("edited in place", "edited again"), encoding="utf-8")
    run_sync(b)
    assert b.papers.note(by_key(b, "p1")) == "edited again"
    run_sync(a)
    assert a.papers.note(by_key(a, "p1")) == "edited again" and state(a) == state(b)
