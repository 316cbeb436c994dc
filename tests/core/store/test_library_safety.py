"""The library file is sacred: a locked, read-only or full library is not
called damaged; real damage is found (also past the first page) and never
backed up; each library restores its own latest good backup; a missing or
emptied library with backups is damage; one writer per file, whatever name
it is reached by; recent work is in the file itself after a checkpoint."""

from __future__ import annotations

import io
import os
import shutil
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

import lectern.core.store.database
from lectern.core.cli import build_parser, run
from lectern.core.domain.records import NewPaper
from lectern.core.library.facade import Library
from lectern.core.store.backups import backup, backup_dir, backup_if_due, latest_good_backup, list_backups
from lectern.core.store.instance_lock import InstanceLock
from lectern.core.store.library_errors import LibraryDamaged, LibraryError, LibraryFull, LibraryInUse, LibraryReadOnly
from tests.conftest import fill_disk


def make_library(path: Path, titles: list[str]) -> None:
    with Library.open(path) as lib:
        lib.papers.add_many([NewPaper(title=t, abstract=f"About {t.lower()}.") for t in titles])


def cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(build_parser().parse_args(list(argv)), out, err)
    return code, out.getvalue(), err.getvalue()


def titles(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [r[0] for r in conn.execute("SELECT title FROM paper ORDER BY id")]
    finally:
        conn.close()


# -- 1. locked, read-only and full are not damaged -------------------------------
def test_a_library_another_program_holds_locked_is_in_use_not_damaged(library_path: Path, monkeypatch) -> None:
    make_library(library_path, ["Mine"])
    backup(library_path, "daily")
    monkeypatch.setattr(lectern.core.store.database, "BUSY_TIMEOUT_MS", 200)
    holder = sqlite3.connect(library_path)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(LibraryInUse, match="in use by another program") as info:
            Library.open(library_path)
        assert not isinstance(info.value, LibraryDamaged)
        assert "damaged" not in str(info.value).replace("not damaged", "")
        code, _, err = cli("--library", str(library_path), "export", "--format", "bibtex", "-o",
                           str(library_path.parent / "out.bib"))
        assert code == 2 and "in use" in err and "is damaged" not in err
    finally:
        holder.rollback()
        holder.close()
    assert sorted(p.name for p in library_path.parent.iterdir() if ".damaged-" in p.name) == []
    assert titles(library_path) == ["Mine"]


def test_a_read_only_file_system_is_read_only_not_damaged(tmpfs: Path) -> None:
    path = tmpfs / "library.sqlite"
    make_library(path, ["Mine"])
    assert subprocess.run(["mount", "-o", "remount,ro", str(tmpfs)], capture_output=True).returncode == 0
    with Library.open(path) as lib:  # it opens read-only (#18): read and searched, never written
        assert lib.db.read_only and lib.count() == 1
        with pytest.raises(LibraryReadOnly, match="read-only") as info:
            lib.papers.add_many([NewPaper(title="Not written")])
        assert not isinstance(info.value, LibraryDamaged)
    code, out, err = cli("--library", str(path), "search", "mine")
    assert code == 0 and "Mine" in out
    listing = tmpfs.parent / "one.txt"
    listing.write_text("A title\nAn abstract\n")
    code, _, err = cli("--library", str(path), "import", str(listing))
    assert code == 2 and "is damaged" not in err and "read-only" in err


def test_a_full_disk_is_full_not_damaged(tmpfs: Path) -> None:
    fill_disk(tmpfs)
    with pytest.raises(LibraryFull, match="is full") as info:
        Library.open(tmpfs / "new.sqlite")
    assert not isinstance(info.value, LibraryDamaged)


# -- 2. each library restores its own backup -------------------------------------
def test_restore_takes_the_librarys_own_latest_good_backup_never_a_siblings(tmp_path: Path, monkeypatch) -> None:
    thesis, sibling = tmp_path / "thesis.sqlite", tmp_path / "thesis-2.sqlite"
    make_library(thesis, ["Thesis one", "Thesis two", "Thesis three"])
    backup_if_due(thesis)
    time.sleep(0.01)
    make_library(sibling, ["Sibling only"])
    backup_if_due(sibling)  # newer, and its name starts with "thesis-"
    legacy = tmp_path / "backups" / "thesis-2-daily-29990101T000000000000Z.sqlite"  # 0.1's shared folder
    shutil.copy(next(backup_dir(sibling).iterdir()), legacy)
    assert [b.path.parent for b in list_backups(thesis)] == [backup_dir(thesis)]
    thesis.write_bytes(b"not a database at all" * 100)
    with pytest.raises(LibraryDamaged):
        Library.open(thesis)
    code, out, err = cli("--library", str(thesis), "restore-backup")
    assert code == 0, err
    assert "3 papers" in out and "daily-" in out and str(backup_dir(thesis)) in out
    assert titles(thesis) == ["Thesis one", "Thesis two", "Thesis three"]
    kept = [p for p in tmp_path.iterdir() if p.name.startswith("thesis.sqlite.replaced-")]
    assert len(kept) == 1 and kept[0].read_bytes().startswith(b"not a database")
    assert titles(sibling) == ["Sibling only"]


def test_restore_skips_a_damaged_backup_and_names_the_good_one(library_path: Path) -> None:
    make_library(library_path, ["Good"])
    good = backup(library_path, "daily")
    bad = backup_dir(library_path) / "daily-29990101T000000000000Z.sqlite"
    bad.write_bytes(b"garbage" * 200)
    chosen = latest_good_backup(library_path)
    assert chosen is not None and chosen.path == good and chosen.papers == 1
    assert "1 papers" in chosen.describe() or "1 paper" in chosen.describe()
    code, out, _ = cli("--library", str(library_path), "restore-backup", "--list")
    assert code == 0 and "damaged" in out and "good" in out


def test_restore_refuses_while_the_window_holds_the_library(library_path: Path) -> None:
    make_library(library_path, ["Mine"])
    backup(library_path, "daily")
    lock = InstanceLock(library_path)
    assert lock.acquire()
    try:
        code, _, err = cli("--library", str(library_path), "restore-backup")
    finally:
        lock.release()
    assert code == 2 and "in use" in err
    assert not [p for p in library_path.parent.iterdir() if ".replaced-" in p.name]


# -- 3. a missing or emptied library with backups is damage ----------------------
@pytest.mark.parametrize("how", ["truncated", "deleted"])
def test_an_emptied_or_missing_library_with_backups_is_damage_not_a_new_library(library_path: Path, how: str) -> None:
    make_library(library_path, ["One", "Two"])
    backup_if_due(library_path)
    if how == "truncated":
        library_path.write_bytes(b"")
    else:
        library_path.unlink()
    with pytest.raises(LibraryDamaged, match="backups show a library was there"):
        Library.open(library_path)
    out_file = library_path.parent / "out.bib"
    code, out, err = cli("--library", str(library_path), "export", "--format", "bibtex", "-o", str(out_file))
    assert code == 3 and "restore-backup" in err and not out_file.exists()
    if how == "truncated":
        assert library_path.exists() and library_path.stat().st_size == 0
    else:
        assert not library_path.exists()
    code, out, _ = cli("--library", str(library_path), "restore-backup")
    assert code == 0 and "2 papers" in out
    assert titles(library_path) == ["One", "Two"]


def test_an_empty_file_without_backups_is_a_new_library(library_path: Path) -> None:
    library_path.write_bytes(b"")
    with Library.open(library_path) as lib:
        assert lib.count() == 0


# -- 4. damage past the first page -----------------------------------------------
def damage_pages(path: Path, table: str = "paper") -> None:
    """Overwrite the b-tree page headers of `table`'s pages past the first page."""
    conn = sqlite3.connect(path)
    try:
        size = conn.execute("PRAGMA page_size").fetchone()[0]
        pages = [r[0] for r in conn.execute("SELECT pageno FROM dbstat WHERE name = ? AND pageno > 1", (table,))]
    finally:
        conn.close()
    assert pages
    with path.open("r+b") as handle:
        for page in pages:
            handle.seek((page - 1) * size)
            handle.write(b"\x07\xff\xff\xff\xff\xff\xff\xff")


def many_papers(n: int) -> list[str]:
    return [f"Paper number {i} on pre-training " + "x" * 300 for i in range(n)]


def test_damage_past_the_first_page_is_found_and_never_backed_up(library_path: Path) -> None:
    make_library(library_path, many_papers(400))
    for _ in range(3):
        backup(library_path, "daily")
    good = sorted(p.name for p in backup_dir(library_path).iterdir())
    damage_pages(library_path)
    with Library.open(library_path) as lib:  # the first page is whole: it opens...
        with pytest.raises(LibraryDamaged, match="damaged"):
            lib.db.check()  # ...and the background check finds the damage
        with pytest.raises(LibraryDamaged):
            lib.db.backup("daily")
        with pytest.raises(LibraryDamaged):  # and no more writes go into the damaged file
            lib.papers.add_many([NewPaper(title="Written into a damaged file")])
    for _ in range(6):
        with pytest.raises(LibraryDamaged):
            backup_if_due(library_path, max_age_hours=0)
    assert sorted(p.name for p in backup_dir(library_path).iterdir()) == good  # good backups kept, none added
    assert latest_good_backup(library_path).papers == 400


def test_reads_that_hit_damage_say_so_in_the_cli_without_a_traceback(library_path: Path) -> None:
    make_library(library_path, many_papers(400))
    damage_pages(library_path)
    out_file = library_path.parent / "out.bib"
    code, _, err = cli("--library", str(library_path), "export", "--format", "bibtex", "-o", str(out_file))
    assert code == 3 and "is damaged" in err and "restore-backup" in err
    code, _, err = cli("--library", str(library_path), "search", "number")
    assert code == 3 and "is damaged" in err


def test_byte_flips_anywhere_never_give_a_traceback(library_path: Path) -> None:
    """A campaign of single-byte damage: every command ends with a result or a
    message (exit 0, 1, 2 or 3), never an uncaught exception."""
    make_library(library_path, many_papers(300))
    pristine = library_path.read_bytes()
    size = len(pristine)
    for n, offset in enumerate(range(100, size, max(1, size // 12))):
        damaged = bytearray(pristine)
        damaged[offset] ^= 0xFF
        library_path.write_bytes(bytes(damaged))
        for suffix in ("-wal", "-shm"):
            Path(str(library_path) + suffix).unlink(missing_ok=True)
        for argv in (("search", "pre-training"),
                     ("export", "--format", "bibtex", "-o", str(library_path.parent / f"o{n}.bib"))):
            code, _, err = cli("--library", str(library_path), *argv)
            assert code in (0, 1, 2, 3), (offset, argv, err)
            assert "Traceback" not in err


# -- 8. one writer per file -------------------------------------------------------
def test_a_symlink_reaches_the_same_lock_and_a_hard_link_is_refused(tmp_path: Path, library_path: Path) -> None:
    make_library(library_path, ["Mine"])
    link = tmp_path / "other" / "link.sqlite"
    link.parent.mkdir()
    link.symlink_to(library_path)
    first = InstanceLock(library_path)
    assert first.acquire()
    try:
        assert not InstanceLock(link).acquire()
    finally:
        first.release()
    with Library.open(link) as lib:
        assert lib.path == library_path.resolve()
    hard = tmp_path / "hard.sqlite"
    os.link(library_path, hard)
    for name in (hard, library_path):  # both names are refused while the second one exists
        with pytest.raises(LibraryError, match="hard links"):
            Library.open(name)
        with pytest.raises(LibraryError, match="hard links"):
            InstanceLock(name)
    hard.unlink()
    with Library.open(library_path) as lib:
        assert lib.count() == 1


def test_a_fifo_is_not_opened_as_a_library(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.sqlite"
    os.mkfifo(fifo)
    with pytest.raises(LibraryError, match="not a library file"):
        Library.open(fifo)
    code, _, err = cli("--library", str(fifo), "search", "x")
    assert code == 2 and "not a library file" in err


# -- 9. recent work reaches the file itself ---------------------------------------
def test_a_checkpoint_puts_recent_work_in_the_file_a_plain_copy_takes(library_path: Path, tmp_path: Path) -> None:
    with Library.open(library_path) as lib:
        lib.papers.add_many([NewPaper(title="Before")])
        lib.db.checkpoint()
        lib.papers.add_many([NewPaper(title="Recent work")])
        shutil.copy(library_path, tmp_path / "early-copy.sqlite")  # a copy of the main file alone
        assert titles(tmp_path / "early-copy.sqlite") == ["Before"]  # lacks what the -wal holds
        code, out, err = cli("--library", str(library_path), "backup", str(tmp_path / "safe.sqlite"))
        assert code == 0, err
        assert titles(tmp_path / "safe.sqlite") == ["Before", "Recent work"]  # `lectern backup` has it all
        lib.db.checkpoint()
        shutil.copy(library_path, tmp_path / "late-copy.sqlite")
        assert titles(tmp_path / "late-copy.sqlite") == ["Before", "Recent work"]
    assert not Path(str(library_path) + "-wal").exists() or Path(str(library_path) + "-wal").stat().st_size == 0


def test_lectern_backup_without_a_path_adds_a_checked_backup(library_path: Path) -> None:
    make_library(library_path, ["Mine"])
    code, out, _ = cli("--library", str(library_path), "backup")
    assert code == 0
    backups = list_backups(library_path)
    assert len(backups) == 1 and backups[0].reason == "manual" and str(backups[0].path) in out
    damage_pages(library_path)
    code, _, err = cli("--library", str(library_path), "backup")
    assert code == 3 and "no copy of it was kept" in err
    assert len(list_backups(library_path)) == 1


# -- found in review ------------------------------------------------------------------
def test_lectern_backup_never_writes_over_the_library_or_another_file(library_path: Path, tmp_path: Path) -> None:
    make_library(library_path, ["Mine"])
    with Library.open(library_path) as lib:  # the window has it open
        lib.papers.add_many([NewPaper(title="Recent")])
        before = titles(library_path)
        code, _, err = cli("--library", str(library_path), "backup", str(library_path.parent))  # its own folder
        assert code == 2 and "already exists" in err
        other = tmp_path / "other.sqlite"
        other.write_bytes(b"someone's file")
        code, _, err = cli("--library", str(library_path), "backup", str(other))
        assert code == 2 and other.read_bytes() == b"someone's file"
        lib.papers.add_many([NewPaper(title="After")])
    assert titles(library_path) == [*before, "After"]


def test_two_restores_in_a_row_keep_both_files_they_replaced(library_path: Path) -> None:
    make_library(library_path, ["Mine"])
    backup(library_path, "manual")
    library_path.write_bytes(b"first damaged file" * 100)
    assert cli("--library", str(library_path), "restore-backup")[0] == 0
    library_path.write_bytes(b"second damaged file" * 100)
    assert cli("--library", str(library_path), "restore-backup")[0] == 0
    kept = sorted(p.read_bytes()[:19] for p in library_path.parent.iterdir() if ".replaced-" in p.name)
    assert kept == [b"first damaged filef", b"second damaged file"]


def test_a_read_only_folder_is_said_plainly_by_the_lock_too(tmpfs: Path) -> None:
    path = tmpfs / "library.sqlite"
    make_library(path, ["Mine"])
    assert subprocess.run(["mount", "-o", "remount,ro", str(tmpfs)], capture_output=True).returncode == 0
    lock = InstanceLock(path)  # nothing can write there: no lock file is needed, nor made (#18)
    assert lock.acquire()
    lock.release()
    listing = tmpfs.parent / "one.txt"
    listing.write_text("A title\nAn abstract\n")
    code, _, err = cli("--library", str(path), "import", str(listing))
    assert code == 2 and "Traceback" not in err and "read-only" in err


def test_a_new_backup_is_kept_even_when_a_clock_once_ahead_dated_others_later(library_path: Path) -> None:
    make_library(library_path, ["Mine"])
    first = backup(library_path, "daily")
    for year in range(2990, 2995):  # five "daily" backups from the future
        shutil.copy(first, backup_dir(library_path) / f"daily-{year}0101T000000000000Z.sqlite")
    newest = backup(library_path, "daily")
    assert newest.exists()
    assert len([b for b in list_backups(library_path) if b.reason == "daily"]) == 5
