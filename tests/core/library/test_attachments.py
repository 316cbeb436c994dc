"""Attached files: copied beside the library or linked where they are, removed
to the storage folder's Trash and brought back by undo, never a user's own
file deleted."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path

import pytest

from lectern.core.library.attachments import AttachError, storage_folder
from lectern.core.library.facade import Library
from lectern.core.store.migrations import SCHEMA_VERSION


def make_file(folder: Path, name: str, content: bytes = b"%PDF-1.4 a paper\n") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(content)
    return path


def files_under(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def test_a_copied_file_lands_in_the_storage_folder_under_the_citation_key(lib: Library, tmp_path: Path) -> None:
    paper = lib.paper_ids()[0]
    key = lib.paper(paper).paper.citation_key
    source = make_file(tmp_path / "downloads", "bert.pdf", b"%PDF-1.4 bert")
    changes = lib.attachments.add(paper, [source], "copy")
    assert changes.papers == {paper} and "attachments" in changes.fields
    (found,) = lib.attachments_of(paper)
    assert found.path == storage_folder(lib.path) / key / "bert.pdf"
    assert found.path.read_bytes() == b"%PDF-1.4 bert" and source.exists()
    assert (found.mode, found.exists, found.name, found.size) == ("copy", True, "bert.pdf", 13)
    assert found.sha256 == hashlib.sha256(b"%PDF-1.4 bert").hexdigest()
    assert found.kind == "application/pdf"
    with sqlite3.connect(lib.path) as raw:  # stored relative to the storage folder
        assert raw.execute("SELECT path FROM attachment").fetchone()[0] == f"{key}/bert.pdf"
        assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_copies_get_unique_names_and_never_overwrite(lib: Library, tmp_path: Path) -> None:
    paper = lib.paper_ids()[0]
    first = make_file(tmp_path / "a", "paper.pdf", b"one")
    second = make_file(tmp_path / "b", "paper.pdf", b"two")
    lib.attachments.add(paper, [first], "copy")
    lib.attachments.add(paper, [second], "copy")
    names = [a.path.name for a in lib.attachments_of(paper)]
    assert names == ["paper.pdf", "paper (2).pdf"]
    assert [a.path.read_bytes() for a in lib.attachments_of(paper)] == [b"one", b"two"]
    with pytest.raises(AttachError, match="attached to this paper already"):
        lib.attachments.add(paper, [first], "copy")
    assert len(lib.attachments_of(paper)) == 2


def test_a_linked_file_stays_where_it_is(lib: Library, tmp_path: Path) -> None:
    paper = lib.paper_ids()[1]
    source = make_file(tmp_path / "mine", "notes.pdf")
    lib.attachments.add(paper, [source], "link")
    (found,) = lib.attachments_of(paper)
    assert (found.mode, found.path, found.exists) == ("link", source, True)
    assert not storage_folder(lib.path).exists()


def test_undo_of_an_attach_takes_the_copy_away_and_redo_brings_it_back(lib: Library, tmp_path: Path) -> None:
    paper = lib.paper_ids()[0]
    lib.attachments.add(paper, [make_file(tmp_path, "x.pdf", b"x")], "copy")
    (found,) = lib.attachments_of(paper)
    lib.history.undo()
    assert lib.attachments_of(paper) == () and not found.path.exists()
    lib.history.redo()
    (again,) = lib.attachments_of(paper)
    assert again.path == found.path and again.path.read_bytes() == b"x"


def test_removing_a_copied_file_moves_it_to_the_trash_folder_and_undo_restores_it(
        lib: Library, tmp_path: Path) -> None:
    paper = lib.paper_ids()[0]
    lib.attachments.add(paper, [make_file(tmp_path, "x.pdf", b"x")], "copy")
    (found,) = lib.attachments_of(paper)
    lib.attachments.remove(found.id)
    assert lib.attachments_of(paper) == ()
    assert not found.path.exists()
    trash = storage_folder(lib.path) / ".trash"
    assert [p.read_bytes() for p in trash.rglob("x.pdf")] == [b"x"]
    assert lib.history.stack.undo_label() == "Remove x.pdf"
    lib.history.undo()
    assert lib.attachments_of(paper) == (found,)
    assert found.path.read_bytes() == b"x" and list(trash.rglob("x.pdf")) == []


def test_a_name_waiting_in_the_trash_is_not_reused(lib: Library, tmp_path: Path) -> None:
    paper = lib.paper_ids()[0]
    lib.attachments.add(paper, [make_file(tmp_path / "a", "x.pdf", b"old")], "copy")
    lib.attachments.remove(lib.attachments_of(paper)[0].id)
    lib.attachments.add(paper, [make_file(tmp_path / "b", "x.pdf", b"new")], "copy")
    assert [a.path.name for a in lib.attachments_of(paper)] == ["x (2).pdf"]


def test_removing_a_linked_file_never_touches_it(lib: Library, tmp_path: Path) -> None:
    paper = lib.paper_ids()[0]
    source = make_file(tmp_path / "mine", "own.pdf", b"mine")
    lib.attachments.add(paper, [source], "link")
    lib.attachments.remove(lib.attachments_of(paper)[0].id)
    assert source.read_bytes() == b"mine"
    lib.history.undo()
    assert lib.attachments_of(paper)[0].path == source


def test_a_missing_linked_file_is_reported_missing_and_can_be_located(lib: Library, tmp_path: Path) -> None:
    paper = lib.paper_ids()[0]
    source = make_file(tmp_path / "mine", "moved.pdf", b"content")
    lib.attachments.add(paper, [source], "link")
    moved = tmp_path / "elsewhere" / "moved.pdf"
    moved.parent.mkdir()
    source.rename(moved)
    (found,) = lib.attachments_of(paper)
    assert found.exists is False
    lib.attachments.relink(found.id, moved)
    (located,) = lib.attachments_of(paper)
    assert (located.id, located.path, located.exists, located.mode) == (found.id, moved, True, "link")
    lib.history.undo()
    assert lib.attachments_of(paper)[0].path == source


def test_trashing_a_paper_keeps_its_files_and_emptying_deletes_only_copies(lib: Library, tmp_path: Path) -> None:
    paper = lib.paper_ids()[0]
    own = make_file(tmp_path / "mine", "own.pdf", b"mine")
    lib.attachments.add(paper, [make_file(tmp_path, "copy.pdf", b"copy")], "copy")
    lib.attachments.add(paper, [own], "link")
    copied = lib.attachments_of(paper)[0].path
    lib.trash.put([paper])
    assert [a.exists for a in lib.attachments_of(paper)] == [True, True]
    lib.trash.empty()
    assert not copied.exists() and own.read_bytes() == b"mine"
    lib.history.undo()  # until the library closes, undo brings the copy back too
    assert [a.exists for a in lib.attachments_of(paper)] == [True, True]
    lib.history.redo()
    path = lib.path
    lib.close()
    assert files_under(storage_folder(path)) == []  # deleted for good
    assert own.read_bytes() == b"mine"


@pytest.mark.parametrize("kind", ["folder", "fifo", "missing"])
def test_only_regular_files_are_attached(lib: Library, tmp_path: Path, kind: str) -> None:
    target = tmp_path / "thing"
    if kind == "folder":
        target.mkdir()
    elif kind == "fifo":
        os.mkfifo(target)
    expected = {"folder": "is a folder", "fifo": "not a regular file", "missing": "does not exist"}[kind]
    with pytest.raises(AttachError, match=expected):
        lib.attachments.add(lib.paper_ids()[0], [target], "copy")
    assert lib.attachments_of(lib.paper_ids()[0]) == ()


def test_a_failed_insert_leaves_no_copy_behind(lib: Library, tmp_path: Path) -> None:
    paper = lib.paper_ids()[0]
    key = lib.paper(paper).paper.citation_key
    with sqlite3.connect(lib.path) as raw:  # the database refuses the row (as a full disk would)
        raw.execute("CREATE TRIGGER refuse BEFORE INSERT ON attachment BEGIN SELECT RAISE(ABORT, 'no'); END")
    with pytest.raises(sqlite3.DatabaseError):
        lib.attachments.add(paper, [make_file(tmp_path, "x.pdf")], "copy")
    assert files_under(storage_folder(lib.path) / key) == []
    assert lib.attachments_of(paper) == ()


def test_a_copy_killed_halfway_leaves_no_file_under_its_name(lib: Library, tmp_path: Path) -> None:
    paper = lib.paper_ids()[0]
    key = lib.paper(paper).paper.citation_key
    folder = storage_folder(lib.path) / key
    folder.mkdir(parents=True)
    (folder / ".0123abcd.part").write_bytes(b"half")  # what a killed copy leaves
    lib.attachments.add(paper, [make_file(tmp_path, "x.pdf", b"whole")], "copy")
    assert files_under(folder) == ["x.pdf"]
    assert (folder / "x.pdf").read_bytes() == b"whole"


def test_citation_keys_with_slashes_make_one_safe_folder(library_path: Path, tmp_path: Path) -> None:
    from lectern.core.domain.records import NewPaper
    with Library.open(library_path) as library:
        library.papers.add_many([NewPaper(title="T", citation_key="DBLP:conf/x/Y15")])
        (paper,) = library.paper_ids()
        library.attachments.add(paper, [make_file(tmp_path, "a.pdf")], "copy")
        (found,) = library.attachments_of(paper)
        assert found.path.parent == storage_folder(library.path) / "DBLP_conf_x_Y15"


def test_merging_duplicates_keeps_every_attached_file_on_the_kept_paper(lib: Library, tmp_path: Path) -> None:
    keep, other = lib.paper_ids()[:2]
    lib.attachments.add(keep, [make_file(tmp_path / "a", "same.pdf", b"same")], "copy")
    lib.attachments.add(other, [make_file(tmp_path / "b", "same.pdf", b"same"),
                                make_file(tmp_path / "b", "extra.pdf", b"extra")], "copy")
    lib.papers.merge(keep, [other])
    assert [(a.name, a.exists) for a in lib.attachments_of(keep)] == [("same.pdf", True), ("extra.pdf", True)]
    lib.trash.empty()  # the merged-away duplicate goes for good; the kept paper's files stay
    assert [a.path.read_bytes() for a in lib.attachments_of(keep)] == [b"same", b"extra"]
    lib.history.undo()
    lib.history.undo()
    assert [a.name for a in lib.attachments_of(other)] == ["same.pdf", "extra.pdf"]


def test_a_process_killed_in_the_middle_of_a_copy_leaves_no_row_and_no_half_file(library_path: Path,
                                                                                  tmp_path: Path) -> None:
    """kill -9 (os._exit) once the copy's bytes are written but before they are
    durable and named: the library has no row, the final name no file."""
    import subprocess
    import sys

    from lectern.core.domain.records import NewPaper
    with Library.open(library_path) as library:
        library.papers.add_many([NewPaper(title="T", citation_key="k1")])
    source = make_file(tmp_path / "src", "big.pdf", b"%PDF" + b"x" * 3_000_000)
    code = ("import os, sys; from pathlib import Path; from lectern.core.library.facade import Library\n"
            "lib = Library.open(Path(sys.argv[1])); os.fsync = lambda fd: os._exit(9)\n"
            "lib.attachments.add(lib.paper_ids()[0], [Path(sys.argv[2])], 'copy')\n")
    killed = subprocess.run([sys.executable, "-c", code, str(library_path), str(source)], capture_output=True)
    assert killed.returncode == 9, killed.stderr
    folder = storage_folder(library_path) / "k1"
    left = [p.name for p in folder.iterdir()]
    assert len(left) == 1 and left[0].endswith(".part")  # the bytes, under a temporary name only
    with Library.open(library_path) as library:
        (paper,) = library.paper_ids()
        assert library.attachments_of(paper) == ()
        library.attachments.add(paper, [source], "copy")  # trying again works, and tidies the leftover
        assert files_under(folder) == ["big.pdf"] and (folder / "big.pdf").read_bytes() == source.read_bytes()


def test_copies_of_a_batch_killed_before_its_commit_are_gone_when_the_next_writer_opens_it(
        library_path: Path, tmp_path: Path) -> None:
    """kill -9 (os._exit) inside a PDF-import-like batch, after its files were
    copied and named but before the batch committed: a program that only reads
    the library leaves them; the next writer (`lectern attach`, holding the
    one-writer lock) deletes those copies (no row points at them) and keeps
    everything else in the folder: a copy a row holds, and a file the user put there."""
    import subprocess
    import sys

    from lectern.core.domain.records import NewPaper
    with Library.open(library_path) as library:
        library.papers.add_many([NewPaper(title="T", citation_key="k1")])
        kept = make_file(tmp_path / "src", "kept.pdf", b"%PDF kept")
        library.attachments.add(library.paper_ids()[0], [kept], "copy")
    folder = storage_folder(library_path) / "k1"
    mine = make_file(folder, "my own notes.pdf", b"%PDF the user's own file")
    sources = [make_file(tmp_path / "src", f"new{n}.pdf", f"%PDF new {n}".encode()) for n in range(3)]
    code = ("import os, sys; from pathlib import Path; from lectern.core.library.facade import Library\n"
            "lib = Library.open(Path(sys.argv[1]))\n"
            "with lib.history.step('Import 3 PDFs'):\n"
            "    for name in sys.argv[2:]:\n"
            "        lib.attachments.add(lib.paper_ids()[0], [Path(name)], 'copy')\n"
            "    os._exit(9)\n")
    killed = subprocess.run([sys.executable, "-c", code, str(library_path), *map(str, sources)], capture_output=True)
    assert killed.returncode == 9, killed.stderr
    assert files_under(folder) == ["kept.pdf", "my own notes.pdf", "new0.pdf", "new1.pdf", "new2.pdf"]
    with Library.open(library_path) as library:  # a reader (a search, an export's helper) sweeps nothing
        (paper,) = library.paper_ids()
        assert [a.name for a in library.attachments_of(paper)] == ["kept.pdf"]
    assert len(files_under(folder)) == 5
    code = "import sys; from lectern.desktop.app import main; sys.exit(main(sys.argv[1:]))"
    again = subprocess.run([sys.executable, "-c", code, "--library", str(library_path), "attach", "k1",
                            str(sources[0]), "--copy"], capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr
    assert files_under(folder) == ["kept.pdf", "my own notes.pdf", "new0.pdf"]  # new0 attached again, by its name
    assert mine.read_bytes() == b"%PDF the user's own file"
    with Library.open(library_path) as library:
        assert [a.name for a in library.attachments_of(library.paper_ids()[0])] == ["kept.pdf", "new0.pdf"]
    assert not (storage_folder(library_path) / ".copies-pending").exists()  # nothing is pending after a close


def test_a_users_file_with_the_same_content_at_the_name_a_copy_tried_is_never_deleted(lib: Library,
                                                                                       tmp_path: Path) -> None:
    """A copy that finds its name taken (by the user's own file, here with the
    very same bytes) takes `name (2)`; sweeping the pending copies afterwards
    (a failed batch, the library closed) leaves the user's file alone."""
    paper = lib.paper_ids()[0]
    key = lib.paper(paper).paper.citation_key
    folder = storage_folder(lib.path) / key
    mine = make_file(folder, "paper.pdf", b"%PDF same bytes")
    lib.attachments.add(paper, [make_file(tmp_path / "downloads", "paper.pdf", b"%PDF same bytes")], "copy")
    assert [a.path.name for a in lib.attachments_of(paper)] == ["paper (2).pdf"]
    lib.attachments.sweep_copies()
    lib.attachments.sweep_left_behind()
    assert mine.read_bytes() == b"%PDF same bytes"
    assert files_under(folder) == ["paper (2).pdf", "paper.pdf"]


def test_a_rolled_back_batch_takes_its_copies_with_it(lib: Library, tmp_path: Path) -> None:
    from lectern.core.fulltext.extractor import TextExtractor
    from lectern.core.fulltext.pdf_import import PdfImportReport, add_pdfs, read_pdfs
    from lectern.core.fulltext.sample import text_pdf

    pdfs = [make_file(tmp_path / "in", f"p{n}.pdf", text_pdf([[f"Paper {n}"]])) for n in range(2)]
    report = PdfImportReport()
    with TextExtractor() as reader:
        batch = read_pdfs(lib, pdfs, report, reader, {}, None, None, 0, 2)
    before = lib.count()
    with sqlite3.connect(lib.path) as raw:  # the second file's text cannot be kept (as on a full disk)
        raw.execute("CREATE TRIGGER refuse BEFORE INSERT ON fulltext_page WHEN NEW.text LIKE '%Paper 1%' "
                    "BEGIN SELECT RAISE(ABORT, 'disk full'); END")
    with pytest.raises(sqlite3.DatabaseError):
        add_pdfs(lib, batch, "copy", report)
    assert lib.count() == before
    assert [p for p in files_under(storage_folder(lib.path)) if not p.startswith(".")] == []
