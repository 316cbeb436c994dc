"""Random edits on two machines, synced in a random order, end in the same
library on both, with every note typed still there."""

from __future__ import annotations

import atexit
import shutil
import subprocess
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lectern.core.library.facade import Library
from tests.core.sync.conftest import add, by_key, run_sync, state

KEYS = ["p0", "p1", "p2"]
edits = st.lists(st.tuples(st.sampled_from(["note", "venue", "title", "star", "tag", "untag", "trash", "add",
                                            "list-add", "list-remove", "list-reverse"]),
                           st.sampled_from(KEYS), st.sampled_from(["x", "y", "z"])), min_size=1, max_size=5)


def _notes(library: Library, trashed: bool) -> str:
    """Every note of the library's live papers (or of its papers in the Trash)."""
    with library.db.read() as conn:
        return " ".join(r[0] for r in conn.exec_driver_sql(
            "SELECT n.body FROM note n JOIN paper p ON p.id = n.paper_id WHERE (p.deleted_at IS NOT NULL) = ?",
            (int(trashed),)))


def _edit(library: Library, who: str, edits: list[tuple[str, str, str]], typed: list[tuple[Library, str]]) -> None:
    queue = library.lists.all()[0].id
    for n, (kind, key, word) in enumerate(edits):
        paper = by_key(library, key)
        if library.paper(paper).paper.deleted_at is not None:
            continue
        if kind == "note":
            text = f"{library.papers.note(paper)} {who}{n}{word}".strip()
            typed.append((library, f"{who}{n}{word}"))
            library.papers.set_note(paper, text)
        elif kind == "venue":
            library.papers.update(paper, venue=f"{who} {word}")
        elif kind == "title":
            library.papers.update(paper, title=f"Title {who} {word}")
        elif kind == "star":
            library.papers.toggle_star([paper])
        elif kind == "tag":
            library.tags.add([paper], [word])
        elif kind == "untag":
            library.tags.remove([paper], ["base"])
        elif kind == "trash":
            library.trash.put([paper])
        elif kind == "add":
            add(library, f"{who}{n}", f"New {who} {n}")
        elif kind == "list-add":
            library.lists.add(queue, [paper])
        elif kind == "list-remove":
            library.lists.remove(queue, [paper])
        else:
            library.lists.set_order(queue, list(reversed(library.lists.paper_ids(queue))))


_START: list[Path] = []  # two machines in step with a remote, made once and copied for each example


def _start() -> Path:
    if not _START:
        root = Path(tempfile.mkdtemp(prefix="lectern-convergence-"))
        atexit.register(shutil.rmtree, root, True)
        remote = str(root / "remote.git")
        subprocess.run(["git", "init", "-q", "--bare", "-b", "main", remote], check=True)
        (root / "a").mkdir()
        (root / "b").mkdir()
        with Library.open(root / "a" / "lib.sqlite") as a, Library.open(root / "b" / "lib.sqlite") as b:
            ids = [add(a, key, f"Paper {key}", note="base", tags=("base",)) for key in KEYS]
            queue, _ = a.lists.create("Queue")
            a.lists.add(queue, ids[:2])
            run_sync(a, remote)
            run_sync(b, remote)
        _START.append(root)
    return _START[0]


# Derandomized: the same sequences on every run, so a red run is a regression; many of them
# (a randomized run of 100 others found none failing). Each starts from a copy of two synced machines.
@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(edits, edits, st.booleans())
def test_random_edits_on_two_machines_converge(edits_a, edits_b, a_first) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "machines"
        shutil.copytree(_start(), root, symlinks=True)
        remote = str(root / "remote.git")
        with Library.open(root / "a" / "lib.sqlite") as a, Library.open(root / "b" / "lib.sqlite") as b:
            typed: list[tuple[Library, str]] = []
            _edit(a, "A", edits_a, typed)
            _edit(b, "B", edits_b, typed)
            first, second = (a, b) if a_first else (b, a)
            for n, machine in enumerate((first, second, first, second)):  # the last takes what the first merged
                run_sync(machine, remote if n < 2 else None)  # (the copies' remote is this copy's)
            assert state(a) == state(b)
            # what was typed is in the shared library, or in the Trash of the machine that typed it
            # and deleted that paper there (a deletion sends the paper's deletion, not its last edits)
            notes = _notes(a, trashed=False)
            assert all(word in notes or word in _notes(where, trashed=True) for where, word in typed)
