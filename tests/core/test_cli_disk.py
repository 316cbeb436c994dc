"""A command-line import into a library on a full disk or in a read-only
folder ends with one line saying so (exit 2), never a traceback, and the
library keeps what it held. Simulated with a small real tmpfs (root only)."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

from lectern.core.cli import build_parser, run
from lectern.core.domain.records import NewPaper
from lectern.core.library.facade import Library
from tests.conftest import fill_disk


def cli(library: Path, *argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(build_parser().parse_args(["--library", str(library), *argv]), out, err)
    return code, out.getvalue(), err.getvalue()


def listing(folder: Path, n: int) -> Path:
    path = folder / "papers.txt"
    path.write_text("".join(f"Title number {i} on pre-training\nAbstract {i} {'z' * 400}\n" for i in range(n)))
    return path


def papers(library: Path) -> int:
    with Library.open(library) as lib:
        return lib.count()


def make(library: Path) -> None:
    with Library.open(library) as lib:
        lib.papers.add_many([NewPaper(title="Kept", abstract="Already here.")])


def test_an_import_onto_a_full_disk_says_the_disk_is_full_in_one_line(tmpfs: Path, tmp_path: Path) -> None:
    library = tmpfs / "library.sqlite"
    make(library)
    source = listing(tmp_path, 4000)  # about 2 MB of papers: more than the disk has left
    filler = fill_disk(tmpfs)
    code, out, err = cli(library, "import", str(source))
    assert code == 2, err
    assert len(err.strip().splitlines()) == 1 and "is full" in err and "Traceback" not in err
    filler.unlink()
    assert papers(library) == 1  # nothing of the import, nothing lost


def test_an_import_into_a_read_only_folder_says_so_in_one_line(tmpfs: Path, tmp_path: Path) -> None:
    library = tmpfs / "library.sqlite"
    make(library)
    source = listing(tmp_path, 10)
    assert subprocess.run(["mount", "-o", "remount,ro", str(tmpfs)], capture_output=True).returncode == 0
    code, out, err = cli(library, "import", str(source))
    assert code == 2, err
    assert len(err.strip().splitlines()) == 1 and "read-only" in err and "Traceback" not in err


def test_a_disk_that_fills_during_an_import_says_so_in_one_line(tmpfs: Path, tmp_path: Path) -> None:
    library = tmpfs / "library.sqlite"
    make(library)
    source = listing(tmp_path, 4000)
    reserve = tmpfs / "reserve"
    reserve.write_bytes(b"\0" * 600 * 1024)
    fill_disk(tmpfs)
    reserve.unlink()  # 600 KB left: the library opens, the import's 2 MB do not fit
    code, out, err = cli(library, "import", str(source))
    assert code == 2, err
    assert len(err.strip().splitlines()) == 1 and "is full" in err and "Traceback" not in err
    assert papers(library) == 1
