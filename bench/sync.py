"""Sync benchmark against a bare repository on local disk: first publish of a
library, taking it over on a new machine (searchable at the end), a sync that
sends 10 changed papers and receives 10, and one that receives 1,000; then the
real (offscreen) window on the taken-over library syncs ten and ten with
Ctrl+Shift+S's command while a 5 ms timer on its thread measures its longest
stall (the no-stall rule: 50 ms).

    .venv/bin/python bench/sync.py [--papers 10000 100000]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import longest_stall, print_table, run_until, timed  # noqa: E402
from bench.corpus import generate  # noqa: E402
from lectern.core.library.facade import Library  # noqa: E402
from lectern.core.sync.engine import sync  # noqa: E402


def run(n: int) -> list[str]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        remote = str(root / "remote.git")
        subprocess.run(["git", "init", "-q", "--bare", "-b", "main", remote], check=True)
        for name in ("a", "b"):
            (root / name).mkdir()
        with Library.open(root / "a" / "lib.sqlite") as a, Library.open(root / "b" / "lib.sqlite") as b:
            a.papers.add_many(generate(n), tags=[("bench",)] * n, notes=["A note."] * n)
            publish, _ = timed(lambda: sync(a, remote))
            take_over, _ = timed(lambda: (sync(b, remote), b.search("bench")))
            assert b.count() == n
            ids_a, ids_b = a.paper_ids(), b.paper_ids()
            for paper in ids_a[:10]:
                a.papers.set_note(paper, "Edited on A.")
            sync(a)
            for paper in ids_b[-10:]:
                b.papers.set_note(paper, "Edited on B.")
            ten, _ = timed(lambda: sync(b))
            for paper in ids_a[100:1100]:
                a.papers.set_starred([paper], True)
            sync(a)
            thousand, _ = timed(lambda: sync(b))
            noop, _ = timed(lambda: sync(b))
            for paper in ids_a[10:20]:
                a.papers.set_note(paper, "Edited on A again.")
            sync(a)
        took, stall = window_sync(root / "b" / "lib.sqlite")
    return [f"{n:,}", *(f"{ms / 1000:.1f} s" for ms in (publish, take_over, ten, thousand, noop, took)),
            f"{stall:.0f} ms"]


def window_sync(path: Path) -> tuple[float, float]:
    """The real window on `path` edits ten notes and syncs (sending ten, receiving the ten
    another machine sent): (ms until the sync is done and shown, the GUI thread's longest stall)."""
    from PySide6.QtWidgets import QApplication

    from lectern.core.store.settings import save_setting
    from lectern.desktop.app import open_window

    save_setting("sync_auto", False)  # this sync only: the one timed
    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = open_window(path)
    window.resize(1280, 800)
    window.show()

    library = window.library
    run_until(lambda: not window.index_worker.busy() and window.ops.idle() and not window.sync.running
              and not window.searcher.busy())
    ids = library.paper_ids()[-20:-10]
    window.ops.run(lambda: [library.papers.set_note(paper, "Edited in the window.") for paper in ids][-1])
    run_until(window.ops.idle)
    start = time.perf_counter()
    stall = longest_stall(lambda: window.commands.run("sync.now"),
                          lambda: not window.sync.running and window.ops.idle() and not window.searcher.busy())
    took = (time.perf_counter() - start) * 1000
    assert window.sync.problem is None, window.sync.problem
    print(f"  the window at {library.count():,} papers: {window.statusBar().currentMessage()}", flush=True)
    window.close()
    app.processEvents()
    window.library.close()
    return took, stall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--papers", type=int, nargs="+", default=[10000])
    args = parser.parse_args()
    os.environ.setdefault("GIT_CONFIG_GLOBAL", os.devnull)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    settings = tempfile.mkdtemp()  # the window's settings (automatic sync off by default), not the user's
    os.environ["XDG_CONFIG_HOME"] = os.environ["XDG_DATA_HOME"] = settings
    rows = [run(n) for n in args.papers]
    print(f"load average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())} ({os.cpu_count()} cores)")
    print_table("Sync through git (bare repository on local disk)",
                ["papers", "first publish", "take over", "send 10 + receive 10", "receive 1,000", "nothing to do",
                 "window: 10 + 10", "window's longest stall"],
                rows)


if __name__ == "__main__":
    main()
