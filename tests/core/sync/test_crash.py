"""A sync killed (SIGKILL) at any of its steps leaves the library whole, and
the next sync finishes the work: nothing lost, nothing twice."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys

import pytest

from lectern.core.domain.entry import get
from lectern.core.library.facade import Library
from lectern.core.sync.local import KILL_AT_ENV
from lectern.core.sync.merge import NOTE_MARK
from tests.core.sync.conftest import add, by_key, run_sync, state

CLI = "import sys; from lectern.core.cli import build_parser, run; sys.exit(run(build_parser().parse_args()))"


@pytest.mark.parametrize("step", ["before-commit", "after-fetch", "mid-apply", "after-apply", "before-push"])
def test_a_sync_killed_at_a_step_is_finished_by_the_next(machine, remote, step: str) -> None:
    a = machine("a")
    add(a, "p1", "Paper one", note="base")
    add(a, "p2", "Paper two")
    run_sync(a, remote)
    b = machine("b")
    run_sync(b, remote)
    a.papers.set_note(by_key(a, "p1"), "base\nfrom A")
    add(a, "p3", "Paper three")
    run_sync(a)
    b.papers.update(by_key(b, "p2"), venue="ICLR")
    b.tags.add([by_key(b, "p1")], ["from-b"])
    b.papers.set_note(by_key(b, "p1"), "base\nfrom B")
    add(b, "p4", "Paper four")
    path = b.path
    b.close()

    env = {**os.environ, KILL_AT_ENV: step}
    done = subprocess.run([sys.executable, "-c", CLI, "--library", str(path), "sync"], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == -signal.SIGKILL, done.stderr

    check = sqlite3.connect(path)
    assert check.execute("PRAGMA quick_check").fetchone() == ("ok",)
    check.close()
    b = Library.open(path)
    try:
        run_sync(b)
        run_sync(a)
        run_sync(b)
        assert state(a) == state(b)
        for lib in (a, b):
            assert sorted(lib.citation_keys_of(lib.paper_ids()).values()) == ["p1", "p2", "p3", "p4"]
            assert lib.papers.note(by_key(lib, "p1")) == "base\nfrom B" + NOTE_MARK + "base\nfrom A"  # once
            assert lib.paper(by_key(lib, "p1")).tags == ["from-b"]
            assert get(lib.paper(by_key(lib, "p2")).paper.fields, "journal") == "ICLR"
    finally:
        b.close()
