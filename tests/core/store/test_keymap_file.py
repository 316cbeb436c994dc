"""A keymap file that is not one never stops Lectern: a FIFO, /dev/zero, a
50 MB file or a folder in its place gives the default keys and one problem,
at once (a FIFO hung the start, /dev/zero read until memory ran out)."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from lectern.core.store.keymap import load_keymap

KNOWN = {"paper.star"}


def load_within(path: Path, seconds: float = 10):
    """load_keymap(path), failing the test (not hanging it) if it takes longer than `seconds`."""
    result: list = []
    thread = threading.Thread(target=lambda: result.append(load_keymap(path, KNOWN)), daemon=True)
    thread.start()
    thread.join(seconds)
    assert result, f"reading {path} did not finish within {seconds} s"
    return result[0]


def test_a_fifo_keymap_is_refused_at_once(tmp_path: Path) -> None:
    path = tmp_path / "keymap.toml"
    os.mkfifo(path)
    keymap = load_within(path)
    assert keymap.overrides == {} and len(keymap.problems) == 1
    assert "not a regular file" in keymap.problems[0] and "default keys are used" in keymap.problems[0]


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_a_keymap_linked_to_dev_zero_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "keymap.toml"
    path.symlink_to("/dev/zero")
    keymap = load_within(path)
    assert keymap.overrides == {} and "not a regular file" in keymap.problems[0]


def test_a_50_mb_keymap_is_too_large(tmp_path: Path) -> None:
    path = tmp_path / "keymap.toml"
    with path.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    keymap = load_within(path)
    assert keymap.overrides == {} and len(keymap.problems) == 1 and "too large" in keymap.problems[0]


def test_a_folder_where_the_keymap_should_be_gives_the_defaults(tmp_path: Path) -> None:
    (tmp_path / "keymap.toml").mkdir()
    keymap = load_within(tmp_path / "keymap.toml")
    assert keymap.overrides == {} and "is a folder" in keymap.problems[0]


def test_a_good_keymap_still_applies(tmp_path: Path) -> None:
    path = tmp_path / "keymap.toml"
    path.write_text('[keys]\n"paper.star" = ["F"]\n')
    assert load_within(path).overrides == {"paper.star": ("F",)}
