"""Note drafts: what was typed but not yet saved lives in a file beside the
library, and comes back into the library at the next start."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

from lectern.core.domain.records import NewPaper
from lectern.core.library.facade import Library
from lectern.core.store.drafts import Drafts, drafts_folder, recover


def two_papers(library: Library) -> tuple[int, int]:
    library.papers.add_many([NewPaper(title="Alpha"), NewPaper(title="Beta")])
    first, second = library.paper_ids()
    return first, second


def note_of(library: Library):
    """The lookup the window gives: a paper's note and when it was added."""
    return lambda paper_id: ((d.note, d.paper.added_at) if (d := library.paper(paper_id)) is not None else None)


def test_a_draft_is_a_file_beside_the_library_made_on_first_write(library_path: Path) -> None:
    drafts = Drafts(library_path)
    assert drafts.folder == Path(str(library_path) + ".drafts") == drafts_folder(library_path)
    assert not drafts.folder.exists() and drafts.all() == []
    drafts.write(7, "first thoughts\r\nsecond line — Sabiá")
    drafts.write(7, "first thoughts, edited")
    assert (drafts.folder / "7.md").read_text(encoding="utf-8") == "first thoughts, edited"
    assert sorted(p.name for p in drafts.folder.iterdir()) == ["7.md"]  # no temporary file left
    draft = drafts.read(7)
    assert draft is not None and draft.paper_id == 7 and draft.text == "first thoughts, edited"
    drafts.write(8, "line one\r\nline two", durable=True)
    assert drafts.read(8).text == "line one\r\nline two"  # exactly as typed, newlines included
    assert [d.paper_id for d in drafts.all()] == [7, 8]
    drafts.remove(7)
    drafts.remove(8)
    assert drafts.read(7) is None and not drafts.folder.exists()


def test_files_that_are_not_drafts_are_left_alone(library_path: Path) -> None:
    drafts = Drafts(library_path)
    drafts.write(3, "note")
    (drafts.folder / "README.txt").write_text("mine")
    (drafts.folder / "x.md").write_text("mine too")
    assert [d.paper_id for d in drafts.all()] == [3]
    drafts.remove(3)
    assert (drafts.folder / "README.txt").exists()  # the folder stays while it holds anything


def test_at_start_a_newer_draft_is_saved_into_its_paper_and_removed(library_path: Path) -> None:
    with Library.open(library_path) as library:
        first, second = two_papers(library)
        library.papers.set_note(first, "saved before the crash")
        drafts = Drafts(library_path)
        drafts.write(first, "saved before the crash, and typed after it")
        recovery = recover(drafts, note_of(library), library.papers.set_note)
        assert [d.paper_id for d in recovery.restored] == [first]
        assert library.papers.note(first) == "saved before the crash, and typed after it"
        assert drafts.all() == [] and not drafts.folder.exists()


def test_a_draft_equal_to_the_saved_note_is_dropped_silently(library_path: Path) -> None:
    with Library.open(library_path) as library:
        first, _second = two_papers(library)
        library.papers.set_note(first, "same")
        drafts = Drafts(library_path)
        drafts.write(first, "same")
        recovery = recover(drafts, note_of(library), library.papers.set_note)
        assert recovery.discarded == 1 and not recovery.restored and not recovery.orphans
        assert drafts.all() == []


def test_a_draft_whose_paper_is_gone_is_kept_and_reported(library_path: Path) -> None:
    with Library.open(library_path) as library:
        first, _second = two_papers(library)
        drafts = Drafts(library_path)
        drafts.write(first + 1000, "a note of a paper deleted since")
        recovery = recover(drafts, note_of(library), library.papers.set_note)
        assert [d.paper_id for d in recovery.orphans] == [first + 1000]
        assert recovery.orphans[0].path.read_text() == "a note of a paper deleted since"
        assert recover(drafts, note_of(library), library.papers.set_note).orphans  # and again at every start


def test_a_draft_that_cannot_be_saved_yet_stays_on_disk(library_path: Path) -> None:
    with Library.open(library_path) as library:
        first, _second = two_papers(library)
        drafts = Drafts(library_path)
        drafts.write(first, "typed on a full disk")

        def disk_full(_paper_id: int, _text: str) -> None:
            raise sqlite3.OperationalError("database or disk is full")

        recovery = recover(drafts, note_of(library), disk_full)
        assert [(d.paper_id, why) for d, why in recovery.unsaved] == [(first, "database or disk is full")]
        assert drafts.read(first).text == "typed on a full disk"
        assert library.papers.note(first) == ""
        assert recover(drafts, note_of(library), library.papers.set_note).restored  # space freed: it is saved
        assert library.papers.note(first) == "typed on a full disk"


def test_a_draft_is_not_given_to_a_paper_added_after_it_under_a_reused_id(library_path: Path) -> None:
    with Library.open(library_path) as library:
        drafts = Drafts(library_path)
        drafts.write(1, "a note of a paper deleted since")
        old = time.time() - 3600
        os.utime(drafts.path_of(1), (old, old))
        first, _second = two_papers(library)  # ids start at 1 again
        assert first == 1
        recovery = recover(drafts, note_of(library), library.papers.set_note)
        assert [d.paper_id for d in recovery.orphans] == [1]
        assert library.papers.note(1) == "" and drafts.read(1).text == "a note of a paper deleted since"
