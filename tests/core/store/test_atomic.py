"""Export files behave like files any program writes: a new one follows the
umask, an existing one keeps its mode, a symlink is written through, and no
file Lectern did not create is ever removed from the folder."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from lectern.core.cli import build_parser, run
from lectern.core.library.facade import Library
from lectern.core.store.atomic import write_atomic
from lectern.core.transfer.export import export
from lectern.core.transfer.importing import import_text

BIB = "@article{k1, title = {One}, author = {Doe, J.}, year = 2020}"


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    (tmp_path / "lib").mkdir()
    with Library.open(tmp_path / "lib" / "l.sqlite") as lib:
        import_text(lib, BIB)
        yield lib


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("umask, expected", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_a_new_export_file_follows_the_umask(library: Library, tmp_path: Path, umask: int, expected: int) -> None:
    old = os.umask(umask)
    try:
        export(library, "csv", library.paper_ids(), tmp_path / "new.csv")
        export(library, "markdown-folder", library.paper_ids(), tmp_path / "notes")
    finally:
        os.umask(old)
    assert mode(tmp_path / "new.csv") == expected
    assert mode(tmp_path / "notes" / "k1.md") == expected


def test_an_existing_file_keeps_its_mode(library: Library, tmp_path: Path) -> None:
    out = tmp_path / "out.bib"
    out.write_text("old")
    out.chmod(0o640)
    export(library, "bibtex", library.paper_ids(), out)
    assert mode(out) == 0o640 and "@article{k1" in out.read_text()


def test_a_symlink_is_written_through_and_stays_a_link(library: Library, tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "refs.bib"
    target.write_text("old")
    target.chmod(0o604)
    link = tmp_path / "refs.bib"
    link.symlink_to(target)
    export(library, "bibtex", library.paper_ids(), link)
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert "@article{k1" in target.read_text() and mode(target) == 0o604
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lib", "real", "refs.bib"]
    assert sorted(p.name for p in (tmp_path / "real").iterdir()) == ["refs.bib"]  # no temp left behind


def test_only_lectern_s_own_temporary_files_are_cleaned_up(library: Library, tmp_path: Path) -> None:
    folder = tmp_path / "dir"
    folder.mkdir()
    others = [".thesis.draft.tmp", ".notes.2024.tmp", ".refs.bib.1234.tmp", ".refs.bib.lectern-zz.tmp"]
    for name in others:
        (folder / name).write_text("mine")
    stale = folder / ".refs.bib.lectern-0a1b2c3d.tmp"  # left by a killed export of refs.bib
    stale.write_text("half")
    assert run(build_parser().parse_args(["--library", str(library.path), "export", "--format", "bibtex",
                                          "-o", str(folder / "*")])) == 0
    export(library, "bibtex", library.paper_ids(), folder / "refs.bib")
    assert all((folder / name).read_text() == "mine" for name in others)
    assert not stale.exists()
    assert sorted(p.name for p in folder.iterdir()) == sorted(others + ["*", "refs.bib"])


def test_a_failed_write_leaves_no_temporary_file(tmp_path: Path) -> None:
    (tmp_path / "adir").mkdir()
    (tmp_path / "adir" / "inside").write_text("kept")
    with pytest.raises(OSError):
        write_atomic(tmp_path / "adir", b"new")  # a folder cannot be replaced by a file
    assert [p.name for p in tmp_path.iterdir()] == ["adir"] and (tmp_path / "adir" / "inside").read_text() == "kept"
