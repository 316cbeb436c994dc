"""What Lectern guarantees: kill -9 at any moment loses nothing that was shown
as done, files are written whole or not at all, damaged data is detected and
repaired or restored, and hostile input gives a clear message or a correct import."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from lectern.core.domain.records import NewPaper
from lectern.core.formats.bibtex_import import parse_bibtex
from lectern.core.formats.listing import ListingError, parse_listing, read_listing
from lectern.core.formats.writers import md_escape
from lectern.core.library.facade import Library
from lectern.core.store.backups import backup_dir, backup_if_due, latest_good_backup, restore_backup
from lectern.core.store.library_errors import LibraryDamaged, LibraryError
from lectern.core.text.texsafe import tex_escape
from lectern.core.transfer.export import export
from lectern.core.transfer.importing import import_file, load_default_library_if_new
from tests.conftest import fill_disk

ROOT = Path(__file__).resolve().parents[3]


def integrity_ok(path: Path) -> bool:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()


def spawn(code: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", code, *args], cwd=ROOT, stdout=subprocess.PIPE, text=True)


def kill_after_ready(proc: subprocess.Popen[str], delay: float) -> None:
    line = proc.stdout.readline()  # type: ignore[union-attr]
    assert line.startswith("ready"), line
    time.sleep(delay)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)


def write_listing(path: Path, count: int) -> None:
    sys.path.insert(0, str(ROOT))
    from bench.corpus import generate

    path.write_text("\n".join(f"{p.title}\n{p.abstract}" for p in generate(count)), encoding="utf-8")


IMPORT = """
import sys
from pathlib import Path
from lectern.core.library.facade import Library
from lectern.core.transfer.importing import import_file
lib = Library.open(Path(sys.argv[1]))
print("ready", flush=True)
import_file(lib, Path(sys.argv[2]))
print("done", flush=True)
"""


@pytest.mark.parametrize("delay", [0.2, 0.9])
def test_kill_9_mid_import_leaves_the_file_whole_or_absent(tmp_path: Path, delay: float) -> None:
    library, listing = tmp_path / "lib.sqlite", tmp_path / "papers.txt"
    write_listing(listing, 10_000)
    with Library.open(library) as lib:
        lib.papers.add_many([NewPaper(title="Mine, from before")])
    kill_after_ready(spawn(IMPORT, str(library), str(listing)), delay)
    assert integrity_ok(library)
    with Library.open(library) as lib:
        assert lib.count() in (1, 10_001)
        assert lib.search("before").ids  # what was there is there
        assert lib.index.check() is None  # the index matches the papers


REBUILD = """
import sys
from pathlib import Path
from lectern.core.library.facade import Library
lib = Library.open(Path(sys.argv[1]))
print("ready", flush=True)
while True:
    lib.index.rebuild()
"""


def test_kill_9_mid_index_rebuild_leaves_a_sound_index_the_next_start_completes(tmp_path: Path) -> None:
    """A rebuild commits in short batches: killed midway, the file is whole and
    the index sound but maybe partial; the start-up check says so (it counts)
    and the rebuild it asks for makes the index whole."""
    library, listing = tmp_path / "lib.sqlite", tmp_path / "papers.txt"
    write_listing(listing, 5_000)
    with Library.open(library) as lib:
        import_file(lib, listing)
    kill_after_ready(spawn(REBUILD, str(library)), 1.3)
    assert integrity_ok(library)
    with Library.open(library) as lib:
        problem = lib.index.check()  # what the window's start-up check does
        assert problem is None or problem.startswith("the search index holds")
        if problem:
            lib.index.rebuild()
        assert lib.index.check() is None
        assert len(lib.search("pretraining").ids) > 1000


EXPORT = """
import sys
from pathlib import Path
from lectern.core.library.facade import Library
from lectern.core.transfer.export import export
lib = Library.open(Path(sys.argv[1]))
print("ready", flush=True)
while True:
    export(lib, "bibtex", lib.paper_ids(), Path(sys.argv[2]))
"""


def test_kill_9_mid_export_leaves_the_old_file_whole(tmp_path: Path) -> None:
    library, listing, out = tmp_path / "lib.sqlite", tmp_path / "papers.txt", tmp_path / "out.bib"
    write_listing(listing, 3_000)
    with Library.open(library) as lib:
        import_file(lib, listing)
    out.write_text("% the user's previous export\n")
    for delay in (0.3, 0.7, 1.1):
        kill_after_ready(spawn(EXPORT, str(library), str(out)), delay)
        text = out.read_text(encoding="utf-8")
        assert text == "% the user's previous export\n" or (text.count("@misc{") == 3000 and text.endswith("}\n"))
    with Library.open(library) as lib:  # the next export cleans up what a killed one left
        export(lib, "bibtex", lib.paper_ids(), out)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.bib")]


def test_scheduled_backups_rotate_and_one_restores(library_path: Path, tmp_path: Path) -> None:
    with Library.open(library_path) as lib:
        load_default_library_if_new(lib)
        lib.papers.set_note(lib.paper_ids()[0], "precious")
    assert backup_if_due(library_path) is not None
    assert backup_if_due(library_path) is None  # not due again today
    for _ in range(7):
        backup_if_due(library_path, max_age_hours=0)
    assert len(list(backup_dir(library_path).glob("daily-*.sqlite"))) == 5  # a handful kept
    library_path.write_bytes(b"garbage" * 1000)  # the library is destroyed
    with pytest.raises(LibraryDamaged):
        Library.open(library_path)
    aside = restore_backup(library_path, latest_good_backup(library_path).path)
    assert aside.read_bytes().startswith(b"garbage")  # kept, never deleted
    with Library.open(library_path) as lib:
        assert lib.count() == 222
        assert lib.papers.note(lib.paper_ids()[0]) == "precious"


def test_a_folder_lectern_cannot_write_gives_a_clear_error() -> None:
    with pytest.raises(LibraryError, match="Cannot open the library"):
        Library.open(Path("/proc/lectern-test/library.sqlite"))


# -- hostile input -----------------------------------------------------------

@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_any_text_is_a_listing_or_a_clear_listing_error(text: str) -> None:
    try:
        listing = parse_listing(text)
    except ListingError as exc:
        assert str(exc)
    else:
        assert all(e.title for e in listing.entries)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_any_text_parses_as_bibtex_without_crashing(text: str) -> None:
    parsed = parse_bibtex(text)  # (an entry may have no title: the table shows its key)
    assert all(p.paper.entry_type for p in parsed.papers)
    assert all(failure.startswith("line ") for failure in parsed.failures)


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=200))
@example("\\<")  # found by hypothesis: a backslash before < or > (escaped twice, it changed)
@example("a\\>b")
def test_tex_escaping_is_idempotent_balanced_and_leaves_no_bare_specials(text: str) -> None:
    once = tex_escape(text)
    assert tex_escape(once) == once
    import re

    outside_math = re.sub(r"(?<!\\)\$(?![\d\s])[^$\n]+?(?<![\s\\])\$", "", once)  # $...$ is kept as math
    depth = 0
    i = 0
    while i < len(outside_math):
        ch = outside_math[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            assert depth >= 0
        elif ch in "&%#_^<>$":
            raise AssertionError(f"bare {ch!r} in {once!r}")
        i += 1
    assert depth == 0


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=120))
def test_markdown_titles_round_trip(title: str) -> None:
    tokens = MarkdownIt("commonmark").parse("## " + md_escape(title) + "\n")
    inline = tokens[1]
    assert "".join(c.content for c in inline.children if c.type == "text") == " ".join(title.split())
    assert {c.type for c in inline.children} <= {"text"}


@pytest.mark.parametrize("name, content", [
    ("invalid-utf8.txt", b"Title\n\xff\xfe abstract\n"),
    ("cp1252.txt", "Caf\u00e9 title\nna\u00efve abstract\n".encode("cp1252")),
    ("nul.txt", b"Title\x00\nAbstract\n"),
])
def test_undecodable_and_binary_files_are_refused_clearly(tmp_path: Path, name: str, content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with Library.open(tmp_path / "lib.sqlite") as lib:
        with pytest.raises(ListingError) as info:
            import_file(lib, path)
        assert "UTF-8" in str(info.value) or "binary" in str(info.value)
        assert lib.count() == 0


def test_permission_denied_is_a_clear_message(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "secret.txt"
    path.write_text("Title\nAbstract\n")

    real_open = os.open

    def denied(file, *args, **kwargs):  # root reads any file: the refusal is the OS's, simulated
        if str(file) == str(path):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(os, "open", denied)
    with pytest.raises(ListingError, match="may not read"):
        read_listing(path)


def test_a_one_megabyte_abstract_imports_whole(tmp_path: Path) -> None:
    abstract = ("long " * 210_000).strip()
    path = tmp_path / "big.txt"
    path.write_text(f"A paper with a huge abstract\n{abstract}\n")
    with Library.open(tmp_path / "lib.sqlite") as lib:
        assert import_file(lib, path).added == 1
        assert lib.paper(lib.paper_ids()[0]).paper.abstract == abstract


@pytest.mark.slow
def test_a_50_megabyte_file_with_100000_papers_imports(tmp_path: Path) -> None:
    rng = random.Random(1)
    words = "model language pretraining vision transfer data learning graph speech retrieval".split()
    path = tmp_path / "huge.txt"
    with path.open("w", encoding="utf-8") as handle:
        for i in range(100_000):
            handle.write(f"Paper {i} on {' '.join(rng.choices(words, k=5))}\n")
            handle.write(" ".join(rng.choices(words, k=70)) + f" number {i}.\n")
    assert path.stat().st_size > 50_000_000
    with Library.open(tmp_path / "lib.sqlite") as lib:
        report = import_file(lib, path)
        assert report.added == 100_000 and lib.count() == 100_000
        assert lib.search('"number 99999"').ids


def test_full_disk_keeps_what_was_saved(tmpfs: Path) -> None:
    """A real full disk: a 3 MB tmpfs."""
    path = tmpfs / "library.sqlite"
    with Library.open(path) as lib:
        load_default_library_if_new(lib)
        first = lib.paper_ids()[0]
        lib.papers.set_note(first, "saved before the disk filled")
        filler = fill_disk(tmpfs)
        with pytest.raises(sqlite3.OperationalError, match="full"):
            for n in range(200):
                lib.papers.set_note(lib.paper_ids()[n], "x" * 50_000)
        assert lib.papers.note(first) == "saved before the disk filled"
        filler.unlink()
    assert integrity_ok(path)
    with Library.open(path) as lib:
        assert lib.count() == 222
        assert lib.papers.note(first) == "saved before the disk filled"
