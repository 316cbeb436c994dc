"""`lectern sync`: set up with --remote, then plain syncs; failures said in a line."""

from __future__ import annotations

import io
import json
from pathlib import Path

from lectern.core.cli import build_parser, run
from lectern.core.library.facade import Library
from tests.core.sync.conftest import add


def _lectern(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(build_parser().parse_args(list(args)), out, err)
    return code, out.getvalue(), err.getvalue()


def _two_library_paths(tmp_path: Path) -> tuple[Path, Path]:
    """Two machines' library files, in folders of their own (each gets its sync folder beside it)."""
    for name in ("one", "two"):
        (tmp_path / name).mkdir()
    return tmp_path / "one" / "lib.sqlite", tmp_path / "two" / "lib.sqlite"


def test_lectern_sync_publishes_then_another_library_takes_it_over(tmp_path: Path, remote: str) -> None:
    first, second = _two_library_paths(tmp_path)
    with Library.open(first) as library:
        add(library, "p1", "Paper one")
        add(library, "p2", "Paper two")
    code, out, err = _lectern("--library", str(first), "sync", "--remote", remote)
    assert code == 0, err
    assert f"Set up sync with {remote}" in out and "sent 2 changes, received 0 changes." in out
    code, out, _ = _lectern("--library", str(second), "sync", "--remote", remote)
    assert code == 0 and "received 2 changes" in out
    with Library.open(second) as library:
        assert sorted(library.citation_keys()) == ["p1", "p2"]
        assert json.loads(library.get_meta("sync_last"))["received"] == 2
    code, out, _ = _lectern("--library", str(second), "sync")
    assert code == 0 and out == "sent 0 changes, received 0 changes.\n"


def test_lectern_sync_says_plainly_when_the_remote_cannot_be_reached(tmp_path: Path) -> None:
    library = tmp_path / "lib.sqlite"
    code, out, err = _lectern("--library", str(library), "sync", "--remote", str(tmp_path / "missing.git"))
    assert code == 1 and out == ""
    assert err.startswith(f"lectern: The remote {tmp_path / 'missing.git'} could not be reached")
    assert "Traceback" not in err
    code, _, err = _lectern("--library", str(tmp_path / "other.sqlite"), "sync")
    assert code == 1 and "--remote URL_OR_PATH" in err


def test_lectern_sync_remote_on_the_untouched_sample_takes_the_remote_over(tmp_path: Path, remote: str) -> None:
    from lectern.core.transfer.importing import load_default_library_if_new

    first, second = _two_library_paths(tmp_path)
    with Library.open(first) as library:
        add(library, "p1", "Paper one")
    assert _lectern("--library", str(first), "sync", "--remote", remote)[0] == 0
    with Library.open(second) as library:
        load_default_library_if_new(library)  # as a window's first run leaves it
    code, out, err = _lectern("--library", str(second), "sync", "--remote", remote)
    assert code == 0, err
    assert "sample reading list made way" in out
    with Library.open(second) as library:
        assert sorted(library.citation_keys()) == ["p1"]
