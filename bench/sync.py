"""Sync benchmark against a bare repository on local disk: first publish of a
library, taking it over on a new machine (searchable at the end), a sync that
sends 10 changed papers and receives 10, and one that receives 1,000.

    .venv/bin/python bench/sync.py [--papers 10000 100000]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import print_table, timed  # noqa: E402
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
    return [f"{n:,}", *(f"{ms / 1000:.1f} s" for ms in (publish, take_over, ten, thousand, noop))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--papers", type=int, nargs="+", default=[10000])
    args = parser.parse_args()
    os.environ.setdefault("GIT_CONFIG_GLOBAL", os.devnull)
    rows = [run(n) for n in args.papers]
    print(f"load average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())} ({os.cpu_count()} cores)")
    print_table("Sync through git (bare repository on local disk)",
                ["papers", "first publish", "take over", "send 10 + receive 10", "receive 1,000", "nothing to do"],
                rows)


if __name__ == "__main__":
    main()
