"""The undo and redo of bulk steps (bench/scale.py's `bulk_undo`) on one size
alone, on a library made as scale.py makes its seeded one; with each step's
CPU time too, steadier than the wall clock on a busy machine.

    .venv/bin/python bench/bulk_undo.py [--size 100000] [--runs 1]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import print_table  # noqa: E402
from bench.corpus import generate  # noqa: E402
from bench.scale import bulk_undo, spread_annotations  # noqa: E402
from lectern.core.library.facade import Library  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=100000)
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        seeded = Path(tmp) / "seeded.sqlite"
        with Library.open(seeded) as lib:
            lib.papers.add_many(generate(args.size))
            spread_annotations(lib, random.Random(args.size))
        cpu = time.process_time()
        rows = bulk_undo(seeded, args.runs)
        print_table(f"{args.size:,} papers: undo and redo of bulk work (median of {args.runs} runs; "
                    f"{time.process_time() - cpu:.1f} s CPU in all)",
                    ["bulk step", "action", "undo", "redo", "undo and redo <= 1.5x"], rows)


if __name__ == "__main__":
    main()
