"""The BibTeX import row of bench/scale.py on one size alone: a .bib exported
by Lectern from a library made as scale.py makes its seeded one, imported by
Lectern and by JabRef 3.8 (when installed) in turn, each in a fresh process,
with wall time, CPU time and peak RSS of each (CPU time is steadier than the
wall clock on a busy machine).

    .venv/bin/python bench/bib_import.py [--size 100000] [--runs 1] [--bib FILE] [--no-jabref]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import print_table  # noqa: E402
from bench.corpus import generate  # noqa: E402
from bench.scale import ROOT, jabref_run, spread_annotations  # noqa: E402
from lectern.core.formats.bibtex import BibOptions, export_text  # noqa: E402
from lectern.core.library.facade import Library  # noqa: E402

IMPORT = r"""
import resource, sys, time
sys.path.insert(0, sys.argv[3])
from pathlib import Path
from lectern.core.library.facade import Library
from lectern.core.transfer.importing import import_file
with Library.open(Path(sys.argv[2])) as lib:
    t0, c0 = time.perf_counter(), time.process_time()
    report = import_file(lib, Path(sys.argv[1]))
    took, cpu = time.perf_counter() - t0, time.process_time() - c0
    found = len(lib.search("pre-training").ids)  # searchable at the end
status = {l.split(":")[0]: l.split()[1] for l in open("/proc/self/status") if l.startswith("VmHWM")}
print(took * 1000, cpu * 1000, int(status["VmHWM"]) / 1024, found, report.added)
"""


def make_bib(size: int, path: Path) -> None:
    """The file scale.py imports at `size` papers."""
    with tempfile.TemporaryDirectory() as tmp, Library.open(Path(tmp) / "seeded.sqlite") as lib:
        lib.papers.add_many(generate(size))
        spread_annotations(lib, random.Random(size))
        path.write_text(export_text(lib, lib.paper_ids(), BibOptions(profile="biblatex")), encoding="utf-8")


def lectern_run(bib: Path, target: Path) -> tuple[float, float, float]:
    """One import in a fresh process: (wall ms, CPU ms of the import, peak RSS MB of the process)."""
    out = subprocess.run([sys.executable, "-c", IMPORT, str(bib), str(target), str(ROOT)],
                         capture_output=True, text=True, check=True)
    took, cpu, peak, found, _added = out.stdout.split()[-5:]
    if int(found) == 0:
        raise SystemExit(f"the import of {bib.name} is not searchable")
    return float(took), float(cpu), float(peak)


def jabref_cpu_run(bib: Path, folder: Path) -> tuple[float, float, float] | None:
    """jabref_run with the CPU time of JabRef and its children."""
    before = os.times()
    found = jabref_run(bib, folder)
    after = os.times()
    if found is None:
        return None
    cpu = (after.children_user + after.children_system - before.children_user - before.children_system) * 1000
    return found[0], cpu, found[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=100000)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--bib", type=Path, help="import this file (made at --size if missing)")
    parser.add_argument("--no-jabref", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        bib = args.bib or folder / "papers.bib"
        if not bib.exists():
            make_bib(args.size, bib)
        ours: list[tuple[float, float, float]] = []
        peer: list[tuple[float, float, float]] = []
        for run in range(args.runs):  # in turn, under the same load
            ours.append(lectern_run(bib, folder / f"bib{run}.sqlite"))
            found = None if args.no_jabref else jabref_cpu_run(bib, folder)
            if found is not None:
                peer.append(found)
        rows = []
        for name, values in (("Lectern", ours), ("JabRef 3.8 (+ write BibTeXML)", peer)):
            if values:
                rows.append([name] + [f"{statistics.median(v[i] for v in values):,.0f}" for i in range(3)])
        if peer:
            rows.append(["JabRef / Lectern"] + [
                f"{statistics.median(v[i] for v in peer) / statistics.median(v[i] for v in ours):.2f}x"
                for i in range(2)] + [""])
        load = os.getloadavg()
        print_table(f"{bib.name} ({bib.stat().st_size / 1e6:.0f} MB; median of {args.runs} runs; "
                    f"load {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} at {time.strftime('%H:%M')})",
                    ["import", "wall ms", "CPU ms", "peak RSS MB"], rows)


if __name__ == "__main__":
    main()
