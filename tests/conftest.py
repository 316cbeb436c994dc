"""Shared fixtures: every test gets its own data, config, cache and state folders."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
DEFAULT_LISTING = ROOT / "resources" / "default_library.txt"

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """platformdirs locations inside the test's temp dir, never the user's own."""
    home = tmp_path / "home"
    for var, sub in (
        ("XDG_DATA_HOME", "data"),
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_CACHE_HOME", "cache"),
        ("XDG_STATE_HOME", "state"),
    ):
        monkeypatch.setenv(var, str(home / sub))
    return home


@pytest.fixture
def remote(tmp_path: Path) -> str:
    """An empty bare git repository on local disk: a sync remote."""
    bare = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(bare)], check=True)
    return str(bare)


@pytest.fixture
def library_path(tmp_path: Path) -> Path:
    return tmp_path / "library.sqlite"


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A small real file system, 3 MB, to fill or remount read-only (needs root; CI runs as root)."""
    mount = tmp_path / "fs"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount)], capture_output=True).returncode:
        if os.environ.get("CI"):
            raise AssertionError("CI runs as root and must be able to mount a small tmpfs")
        pytest.skip("mounting a small tmpfs needs root")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def fill_disk(folder: Path) -> Path:
    """Fill the file system holding `folder` to the last byte; returns the filler file."""
    filler = folder / "filler"
    with filler.open("wb", buffering=0) as handle:
        try:
            while True:
                handle.write(b"\0" * 65536)
        except OSError:
            pass
    return filler


@pytest.fixture(scope="session")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Real PDFs made once per session (tests/pdfs.py): name -> file. `paper` has
    "zeppelin" only on page 3; the hostile ones are named for what is wrong."""
    from reportlab.lib import pdfencrypt

    from tests import pdfs as make

    folder = tmp_path_factory.mktemp("pdfs")
    pages = ["Deep transformers for reading lists\nWe study attention.",
             "Related work covers masked language modeling objectives.",
             "A zeppelin appears only on this third page.", "Conclusion: reading is good."]
    made = {
        "paper": make.paper_pdf(folder / "paper.pdf", pages, title="Microsoft Word - draft.docx", author="",
                                heading="Deep Transformers for Reading Lists",
                                byline="Ada Lovelace1, Alan Turing2*",),
        "titled": make.paper_pdf(folder / "titled.pdf", ["See arXiv:1706.03762v5 and doi:10.1145/3292500.3330701."],
                                 title="Attention Is All You Need", author="Ashish Vaswani; Noam Shazeer"),
        "html_title": make.paper_pdf(folder / "html.pdf", ["Body text."],
                                     title="<b>Bold</b> <a href='x'>link</a> <script>alert(1)</script>"),
        "user_password": make.paper_pdf(folder / "locked.pdf", pages, encrypt=pdfencrypt.StandardEncryption(
            "secret", "owner", strength=128)),
        "owner_password": make.paper_pdf(folder / "owner.pdf", pages, encrypt=pdfencrypt.StandardEncryption(
            "", "owner", strength=128)),
        "nested": make.nested_pdf(folder / "nested.pdf"),
        "many_pages": make.many_pages_pdf(folder / "many.pdf", 100_000),
        "bomb": make.bomb_pdf(folder / "bomb.pdf", 1024),
        "scanned": make.image_only_pdf(folder / "scan.pdf"),
    }
    truncated = folder / "truncated.pdf"
    truncated.write_bytes(made["paper"].read_bytes()[:1200])
    made["truncated"] = truncated
    not_pdf = folder / "notes.pdf"
    not_pdf.write_text("These are my notes, not a PDF.\n" * 50)
    made["not_pdf"] = not_pdf
    huge = folder / "huge.pdf"
    with huge.open("wb") as handle:  # sparse: 500 MB on paper, nothing on disk
        handle.write(b"%PDF-1.7\n")
        handle.truncate(500 * 1024 * 1024)
    made["huge"] = huge
    return made
