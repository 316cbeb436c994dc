"""A damaged library on the command line: a damaged search index is rebuilt
(as the window does at start) and the search answers; damaged pages give one
message naming the latest good backup and how to restore it; `lectern check`
reports the file and the index, exit 0 only when healthy."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

from lectern.core.cli import build_parser, run
from lectern.core.domain.records import NewPaper
from lectern.core.library.facade import Library
from lectern.core.store.backups import backup
from lectern.core.store.instance_lock import InstanceLock


def cli(library: Path, *argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(build_parser().parse_args(["--library", str(library), *argv]), out, err)
    return code, out.getvalue(), err.getvalue()


def make_library(path: Path, n: int = 300) -> None:
    with Library.open(path) as lib:
        lib.papers.add_many([NewPaper(title=f"Paper number {i} on pre-training",
                                      abstract=f"About thing {i} " + "y" * 200) for i in range(n)])
    backup(path, "daily")


def damage_index(path: Path) -> None:
    """Garbage in the FTS5 shadow table's segments (the papers are untouched)."""
    conn = sqlite3.connect(path)
    conn.execute("UPDATE paper_fts_data SET block = randomblob(length(block)) WHERE id > 10")
    conn.commit()
    conn.close()


def overwrite(path: Path, after: bytes, old: bytes, new: bytes) -> None:
    """Write `new` over the first `old` past `after` in the file's pages (a damaged page)."""
    data = path.read_bytes()
    at = data.index(old, data.index(after))
    path.write_bytes(data[:at] + new + data[at + len(new):])


def test_search_after_index_damage_rebuilds_it_and_answers(library_path: Path) -> None:
    make_library(library_path)
    damage_index(library_path)
    code, out, err = cli(library_path, "search", "thing", "--limit", "0")
    assert code == 0, err
    assert len(out.splitlines()) == 300
    assert "search index is damaged" in err and "rebuilding" in err and "Traceback" not in err
    code, out, err = cli(library_path, "check")
    assert code == 0 and "Search index: whole." in out


def test_check_finds_index_damage_and_rebuilds_it(library_path: Path) -> None:
    make_library(library_path)
    damage_index(library_path)
    code, out, err = cli(library_path, "check")
    assert code == 0, out + err
    assert "300 papers" in out and "was damaged" in out and "rebuilt from the papers" in out
    code, out, _ = cli(library_path, "check")
    assert code == 0 and "Search index: whole." in out


def test_check_while_the_window_holds_the_library_reports_and_leaves_the_index(library_path: Path) -> None:
    make_library(library_path)
    damage_index(library_path)
    window = InstanceLock(library_path)
    assert window.acquire()
    try:
        code, out, err = cli(library_path, "check")
        assert code == 1 and "Search index: damaged" in out and "Lectern is open on this library" in err
        code, _, err = cli(library_path, "search", "thing")
        assert code == 2 and "is in use" in err and "Traceback" not in err
    finally:
        window.release()


def test_a_healthy_library_checks_clean(library_path: Path) -> None:
    make_library(library_path, 20)
    code, out, err = cli(library_path, "check")
    assert (code, err) == (0, "")
    assert "the file is whole (20 papers" in out and "Search index: whole." in out


def test_text_that_no_longer_decodes_is_damage_with_the_backup_offered(library_path: Path) -> None:
    make_library(library_path)
    overwrite(library_path, b"PaperNumber7", b"About thing 7 ", b"\xff\xfe\xff\xfe\xff")
    code, _, err = cli(library_path, "export", "--format", "bibtex", "-o", str(library_path.parent / "o.bib"))
    assert code == 3
    assert len(err.strip().splitlines()) == 1, err  # one message
    assert "is damaged (Could not decode to UTF-8" in err
    assert "Its latest good backup is daily-" in err and "300 papers" in err and "lectern restore-backup" in err
    code, out, err = cli(library_path, "check")
    assert code == 3 and "damaged" in out and "lectern restore-backup" in err


def test_a_date_that_no_longer_parses_is_damage_not_a_python_error(library_path: Path) -> None:
    make_library(library_path)
    year = str(__import__("datetime").date.today().year).encode()
    overwrite(library_path, b"PaperNumber100", year + b"-", b"20X6-1Q")
    code, _, err = cli(library_path, "export", "--format", "csv", "-o", str(library_path.parent / "o.csv"))
    assert code == 3
    assert "isoformat" not in err and "Traceback" not in err
    assert "is damaged (a stored date reads '20X6-1Q" in err and "lectern restore-backup" in err
    assert len(err.strip().splitlines()) == 1, err
    code, out, err = cli(library_path, "check")
    assert code == 3 and "damaged" in out


def test_restore_backup_after_check_gives_a_whole_library(library_path: Path) -> None:
    make_library(library_path)
    overwrite(library_path, b"PaperNumber7", b"About thing 7 ", b"\xff\xfe\xff\xfe\xff")
    assert cli(library_path, "check")[0] == 3
    code, out, err = cli(library_path, "restore-backup")
    assert code == 0, err
    code, out, err = cli(library_path, "check")
    assert code == 0 and "300 papers" in out
