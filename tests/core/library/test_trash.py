"""Emptying the Trash and its undo and redo: the papers come back (or go)
searchable by their title, note and tag words, and the library file as
another process or the next start reads it agrees, with nothing to repair."""

from __future__ import annotations

from pathlib import Path

import pytest

from lectern.core.domain.records import NewPaper
from lectern.core.library.facade import Library
from lectern.core.library.health import check_health
from lectern.core.store import database
from lectern.core.text.latex import index_text

# Words no paper of the default library holds: in the title, the note, the tag.
TITLE, NOTE, TAG = "quokkas", "walrus", "marmot"


def trashed_papers(lib: Library) -> list[int]:
    """Three papers with LaTeX in their titles, one with a note and a tag, put in the Trash."""
    ids = [lib.papers.add(NewPaper(title=rf"Caf\'e {TITLE} on \emph{{zeppelins}} {n}", authors="Doe, Jane",
                                   year=2024))[0] for n in range(3)]
    lib.papers.set_note(ids[0], f"Thoughts of a {NOTE} on this one.")
    lib.tags.add(ids[:1], [TAG])
    lib.trash.put(ids)
    return ids


def found(lib: Library, scope: str = "") -> dict[str, set[int]]:
    """The papers each word finds (in the library, or in the Trash)."""
    return {word: set(lib.search(word, scope=scope).ids) for word in (TITLE, NOTE, TAG)}


def reopened(path: Path, scope: str = "") -> dict[str, set[int]]:
    """What a library opened afresh on the file finds, after its start-up
    check (which must find nothing to repair)."""
    with Library.open(path) as other:
        health = check_health(other, repair_index=False)
        assert health.index_problem is None and not health.index_rebuilt
        return found(other, scope)


def test_undoing_an_emptied_trash_brings_the_papers_back_searchable_and_redo_takes_them_again(
        lib: Library, library_path: Path) -> None:
    ids = trashed_papers(lib)
    lib.trash.restore(ids)
    back = {TITLE: set(ids), NOTE: {ids[0]}, TAG: {ids[0]}}
    assert found(lib) == back
    lib.trash.put(ids)
    gone = {TITLE: set(), NOTE: set(), TAG: set()}
    lib.trash.empty()
    assert found(lib) == gone == reopened(library_path)
    assert found(lib, "in:trash") == gone == reopened(library_path, "in:trash")
    lib.history.undo()  # back in the Trash
    assert set(lib.trash.ids()) == set(ids) and TAG in {t.name for t in lib.tags.all()}
    assert found(lib, "in:trash") == back == reopened(library_path, "in:trash")
    assert found(lib) == gone
    lib.history.undo()  # and out of it
    assert found(lib) == back == reopened(library_path)
    lib.history.redo()
    lib.history.redo()  # emptied again
    assert found(lib) == gone == reopened(library_path)
    assert found(lib, "in:trash") == gone == reopened(library_path, "in:trash")
    assert lib.search("zeppelins").ids == []
    lib.history.undo()  # in the Trash once more: the same papers, found by the same words
    assert found(lib, "in:trash") == back == reopened(library_path, "in:trash")
    lib.history.undo()
    assert found(lib) == back == reopened(library_path)
    assert lib.index.check() is None
    lib.close()
    assert reopened(library_path) == back  # after a restart


def test_undoing_an_emptied_trash_indexes_the_papers_from_the_text_the_index_held(
        library_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The undo indexes the papers from the text kept when the Trash was
    emptied: it renders only their notes again (the LaTeX of every title,
    abstract and record was rendered when they were first indexed)."""
    rendered: list[str] = []

    def counted(text: str | None) -> str:
        rendered.append(text or "")
        return index_text(text)

    monkeypatch.setattr(database, "index_text", counted)  # the function SQLite calls to render LaTeX
    with Library.open(library_path) as lib:
        ids = trashed_papers(lib)
        lib.trash.empty()
        rendered.clear()
        lib.history.undo()
        assert rendered == [f"Thoughts of a {NOTE} on this one."]
        assert set(lib.search(TITLE, scope="in:trash").ids) == set(ids)
        assert set(lib.search(NOTE, scope="in:trash").ids) == {ids[0]}
