"""Scale benchmark: Lectern with 1k / 10k / 100k papers (with tags, notes, stars
and lists spread over them). Prints median and worst of several runs per size.

    .venv/bin/python bench/scale.py [--sizes 1000 10000 100000] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import longest_stall, print_table, rss_mb, run_until, timed  # noqa: E402
from bench.corpus import generate  # noqa: E402
from lectern.core.formats.bibtex import BibOptions, export_text  # noqa: E402
from lectern.core.library.facade import Library  # noqa: E402
from lectern.core.transfer.export import export  # noqa: E402
from lectern.core.transfer.importing import import_file  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {
    "cold start: window painted": 600, "cold start: first key handled": 700,
    "sort by a column (worst column)": 100, "jump to the last row (G)": 100, "scroll a page": 100,
    "star one paper, repainted": 16, "tag/status one paper, repainted": 16, "star 1,000 papers, repainted": 300,
    "status of 1,000 papers, repainted": 300, "import listing: browsable and searchable": 5000,
    "import BibTeX: browsable and searchable": 10000, "export BibTeX (all)": 5000,
    "export Markdown (all)": 8000, "export CSL-JSON (all)": 8000, "steady memory (RSS, MB)": 300,
    "star during an index rebuild, repainted": 50, "star during the start-up check, repainted": 50,
    "GUI stall during an index rebuild": 50, "GUI stall during the start-up check": 50,
    "GUI stall while ranking a large result": 50, "GUI stall during an import": 50,
}

IMPORT = r"""
import sys, time
sys.path.insert(0, sys.argv[3])
from pathlib import Path
from lectern.core.library.facade import Library
from lectern.core.transfer.importing import import_file
with Library.open(Path(sys.argv[2])) as lib:
    t0 = time.perf_counter()
    import_file(lib, Path(sys.argv[1]))
    took = time.perf_counter() - t0
    found = len(lib.search("pre-training").ids)  # searchable at the end
status = {l.split(":")[0]: l.split()[1] for l in open("/proc/self/status") if l.startswith("VmHWM")}
print(took * 1000, int(status["VmHWM"]) / 1024, found)
"""


def import_run(source: Path, target: Path) -> tuple[float, float]:
    """One import in a fresh process: (ms, the process's peak RSS in MB)."""
    out = subprocess.run([sys.executable, "-c", IMPORT, str(source), str(target), str(ROOT)],
                         capture_output=True, text=True, check=True)
    took, peak, found = out.stdout.split()[-3:]
    if int(found) == 0:
        raise SystemExit(f"the import of {source.name} is not searchable")
    return float(took), float(peak)


def jabref_run(bib: Path, folder: Path) -> tuple[float, float] | None:
    """JabRef 3.8 (Debian's `jabref`) importing the same file and writing BibTeXML,
    the peer in the same run: (ms, peak RSS in MB of it and its children); None without it."""
    if shutil.which("jabref") is None:
        return None
    start = time.perf_counter()
    proc = subprocess.Popen(["jabref", "-n", "-i", f"{bib},bibtex", "-o", f"{folder / 'jabref.xml'},bibtexml"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    took = (time.perf_counter() - start) * 1000
    if status != 0 or not (folder / "jabref.xml").exists():
        return None
    return took, usage.ru_maxrss / 1024


COLD_START = r"""
import os, sys, time, resource
t0 = float(sys.argv[2])
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, sys.argv[3])
from PySide6.QtWidgets import QApplication
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
app = QApplication(sys.argv[:1])
from lectern.desktop.app import open_window
from pathlib import Path
window = open_window(Path(sys.argv[1]))
window.show()
window.table.viewport().repaint()
painted = time.time() - t0
window.activateWindow()
QTest.keyClick(window.table, Qt.Key.Key_Down)
app.processEvents()
handled = time.time() - t0 if window.table.currentIndex().row() == 1 else float("nan")
for _ in range(20):
    app.processEvents()
    time.sleep(0.02)
while window.index_worker.busy():
    app.processEvents()
    time.sleep(0.01)
status = {l.split(":")[0]: l.split()[1] for l in open("/proc/self/status") if l.startswith(("VmRSS", "VmHWM"))}
print(painted * 1000, handled * 1000, int(status["VmRSS"]) / 1024, int(status["VmHWM"]) / 1024)
"""


def spread_annotations(library: Library, rng: random.Random) -> None:
    ids = library.paper_ids()
    library.papers.set_starred(rng.sample(ids, len(ids) // 20), True)
    library.papers.set_status(rng.sample(ids, len(ids) // 5), "read")
    for tag in ("survey", "to read", "vision", "nlp", "thesis"):
        library.tags.add(rng.sample(ids, len(ids) // 10), [tag])
    for paper_id in rng.sample(ids, min(500, len(ids) // 10)):
        library.papers.set_note(paper_id, f"Notes on paper {paper_id}: compare with the *baseline*.")
    thesis, _ = library.lists.create("Thesis")
    library.lists.add(thesis, rng.sample(ids, min(300, len(ids))))
    library.history.stack.done.clear()


def cold_start(path: Path, runs: int) -> tuple[list[float], list[float], list[float], list[float]]:
    """A new process each run, as a user's launch: with Python's compiled modules
    written (an installed Lectern has them; PYTHONDONTWRITEBYTECODE would make
    every launch compile its sources), after one launch that writes them."""
    painted, handled, steady, peak = [], [], [], []
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    for run in range(runs + 1):
        t0 = time.time()
        out = subprocess.run([sys.executable, "-c", COLD_START, str(path), repr(t0), str(ROOT)],
                             capture_output=True, text=True, check=True, env=env)
        p, h, rss, maxrss = map(float, out.stdout.split()[-4:])
        if run:
            painted.append(p), handled.append(h), steady.append(rss), peak.append(maxrss)
    return painted, handled, steady, peak


def in_window(path: Path, runs: int, incoming: Path | None = None) -> dict[str, list[float]]:
    """Sorting, jumping, scrolling and annotating in a real (offscreen) window,
    and how long its thread stalls while background work runs (`incoming`: a
    file imported meanwhile)."""
    from PySide6.QtCore import QItemSelectionModel, Qt
    from PySide6.QtWidgets import QApplication

    from lectern.desktop.app import open_window

    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = open_window(path)
    window.resize(1280, 800)
    window.show()
    app.processEvents()
    table, model = window.table, window.model

    def star_shown(row: int) -> Callable[[], bool]:
        before = model.index(row, 1).data()
        return lambda: model.index(row, 1).data() != before

    def status_shown(_row: int) -> Callable[[], bool]:
        return window.ops.idle  # written and published (the status may not change)

    def stars_during(start: Callable[[], None], presses: int, label: str) -> list[float]:
        """Press `s` every 200 ms (`presses` times at most) while the background
        work `start` began runs; each time from the key to the star repainted.
        Prints where the slowest press's time went (the write's phases)."""
        start()
        times, phases = [], []
        while window.index_worker.busy() and len(times) < presses:
            window.go_to_row(5)
            shown = star_shown(5)
            t0 = time.perf_counter()
            window.commands.run("paper.star")
            run_until(shown)
            t1 = time.perf_counter()
            times.append((t1 - t0) * 1000)
            phases.append((t0, window.ops.last_timing, t1))
            pause = time.perf_counter() + 0.2
            while time.perf_counter() < pause:
                app.processEvents()
                time.sleep(0.005)
        run_until(lambda: not window.index_worker.busy())
        if times:
            t0, op, t1 = phases[times.index(max(times))]
            if op is not None and op.asked >= t0:
                steps = {"command": op.asked - t0, "waiting for the writer": op.began - op.asked,
                         "write": op.ended - op.began, "hand-back": op.handed_back - op.ended,
                         "publish": op.published - op.handed_back, "repaint": t1 - op.published}
                print(f"  {label}, slowest press ({max(times):.0f} ms of {len(times)}): "
                      + ", ".join(f"{name} {took * 1000:.1f}" for name, took in steps.items()) + " ms")
        return times

    def stall_during(start: Callable[[], None], busy: Callable[[], bool]) -> float:
        """The GUI thread's longest stall while background work runs, until the
        work is done and the search it started again is shown (a rebuild's new
        search used to be shown during the next row)."""
        return longest_stall(start, lambda: not busy() and not window.searcher.busy())

    run_until(lambda: not window.index_worker.busy() and window.ops.idle())
    out: dict[str, list[float]] = {k: [] for k in (
        "sort by a column (worst column)", "jump to the last row (G)", "scroll a page", "star one paper, repainted",
        "tag/status one paper, repainted", "star 1,000 papers, repainted", "status of 1,000 papers, repainted",
        "star during an index rebuild, repainted", "star during the start-up check, repainted",
        *(name for name in TARGETS if name.startswith("GUI stall")))}

    def repaint() -> None:
        app.processEvents()  # delivers the update requests: Qt repaints what changed

    for _ in range(runs):
        worst = 0.0
        for column in range(model.columnCount()):
            for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
                # until the first screen is repainted in the new order (every id follows on a worker)
                worst = max(worst, timed(lambda: (table.sortByColumn(column, order), repaint()))[0])
                run_until(lambda: model.complete and not window.searcher.busy())
        out["sort by a column (worst column)"].append(worst)
        window.go_to_row(0)
        repaint()
        out["jump to the last row (G)"].append(timed(lambda: (window.commands.run("paper.last"), repaint()))[0])
        window.go_to_row(0)
        repaint()
        out["scroll a page"].append(timed(lambda: (table.verticalScrollBar().setValue(
            table.verticalScrollBar().value() + table.verticalScrollBar().pageStep()), repaint()))[0])
        window.go_to_row(5)
        repaint()
        shown = star_shown(5)
        out["star one paper, repainted"].append(timed(lambda: (window.commands.run("paper.star"), run_until(shown)))[0])
        shown = status_shown(5)
        out["tag/status one paper, repainted"].append(
            timed(lambda: (window.commands.run("paper.read"), run_until(shown)))[0])
        window.go_to_row(0)
        table.selectionModel().select(
            model.index(0, 0), QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows)
        for row in range(1, 1000):
            table.selectionModel().select(
                model.index(row, 0), QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows)
        shown = window.ops.idle  # (row 999 may be starred already)
        out["star 1,000 papers, repainted"].append(
            timed(lambda: (window.commands.run("paper.star"), run_until(shown)))[0])
        shown = status_shown(999)
        out["status of 1,000 papers, repainted"].append(
            timed(lambda: (window.commands.run("paper.unread"), run_until(shown)))[0])
        library, relay = window.library, window.index_progress
        out["star during an index rebuild, repainted"].extend(stars_during(lambda: window.index_worker.submit(
            lambda job: library.index.rebuild(progress=relay.report)), presses=10_000,  # the whole rebuild
            label="star during an index rebuild"))
        # (the check starts again after each write: five presses)
        out["star during the start-up check, repainted"].extend(stars_during(
            window.check_search_index, presses=5, label="star during the start-up check"))
        run_until(window.ops.idle)
        out["GUI stall during an index rebuild"].append(stall_during(lambda: window.index_worker.submit(
            lambda job: library.index.rebuild(progress=relay.report)), window.index_worker.busy))
        out["GUI stall during the start-up check"].append(
            stall_during(window.check_search_index, window.index_worker.busy))
        out["GUI stall while ranking a large result"].append(stall_during(
            lambda: window.run_search("model", typing=False, first_screen=None), window.searcher.busy))
        window.run_search("")
        run_until(lambda: not window.searcher.busy())
        if incoming is not None:  # new papers imported on a worker, as the window's import reads and writes
            out["GUI stall during an import"].append(stall_during(lambda: window.index_worker.submit(
                lambda job: import_file(library, incoming)), window.index_worker.busy))
            library.history.undo()  # (the next run imports them again)
        run_until(window.ops.idle)
    window.close()
    window.library.close()
    return out


def bulk_undo(path: Path, runs: int) -> list[list[str]]:
    """Tagging every paper and emptying a Trash of half of them, each with its
    undo and redo (medians in ms; the target: undo and redo at most 1.5x the action)."""
    timings: dict[str, list[list[float]]] = {"tag every paper": [], "empty a Trash of half the papers": []}
    with Library.open(path) as lib:
        ids = lib.paper_ids()
        for run in range(runs):
            action = timed(lambda: lib.tags.add(ids, [f"bulk{run}"]))[0]
            timings["tag every paper"].append([action, timed(lib.history.undo)[0], timed(lib.history.redo)[0]])
            lib.history.undo()
            lib.trash.put(ids[: len(ids) // 2])
            action = timed(lib.trash.empty)[0]
            timings["empty a Trash of half the papers"].append(
                [action, timed(lib.history.undo)[0], timed(lib.history.redo)[0]])
            lib.history.undo()  # the papers are back in the Trash...
            lib.trash.restore(ids[: len(ids) // 2])  # ...and out of it, for the next run
            lib.history.stack.clear()
    rows = []
    for name, samples in timings.items():
        action, undo, redo = (statistics.median(column) for column in zip(*samples))
        met = "yes" if max(undo, redo) <= 1.5 * action else "NO"
        rows.append([name, f"{action:,.0f} ms", f"{undo:,.0f} ms ({undo / action:.1f}x)",
                     f"{redo:,.0f} ms ({redo / action:.1f}x)", met])
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            papers = generate(size)
            listing = folder / "papers.txt"
            listing.write_text("\n".join(f"{p.title}\n{p.abstract}" for p in papers), encoding="utf-8")
            results: dict[str, list[float]] = {k: [] for k in TARGETS}
            peaks: dict[str, list[float]] = {"import listing": [], "import BibTeX": [], "JabRef import": []}
            for run in range(args.runs):
                took, peak = import_run(listing, folder / f"listing{run}.sqlite")
                results["import listing: browsable and searchable"].append(took)
                peaks["import listing"].append(peak)
            seeded = folder / "seeded.sqlite"
            with Library.open(seeded) as lib:
                lib.papers.add_many(papers)
                spread_annotations(lib, random.Random(size))
                bib = folder / "papers.bib"
                bib.write_text(export_text(lib, lib.paper_ids(), BibOptions(profile="biblatex")), encoding="utf-8")
                for run in range(args.runs):
                    results["export BibTeX (all)"].append(timed(lambda: export(
                        lib, "bibtex", lib.paper_ids(), folder / "out.bib"))[0])
                    results["export Markdown (all)"].append(timed(lambda: export(
                        lib, "markdown", lib.paper_ids(), folder / "out.md"))[0])
                    results["export CSL-JSON (all)"].append(timed(lambda: export(
                        lib, "csljson", lib.paper_ids(), folder / "out.json"))[0])
            jabref: list[float] = []
            for run in range(args.runs):  # Lectern and JabRef in turn, under the same load
                took, peak = import_run(bib, folder / f"bib{run}.sqlite")
                results["import BibTeX: browsable and searchable"].append(took)
                peaks["import BibTeX"].append(peak)
                peer = jabref_run(bib, folder)
                if peer is not None:
                    jabref.append(peer[0])
                    peaks["JabRef import"].append(peer[1])
            painted, handled, steady, peak = cold_start(seeded, args.runs)
            results["cold start: window painted"] = painted
            results["cold start: first key handled"] = handled
            results["steady memory (RSS, MB)"] = steady
            incoming = folder / "incoming.txt"  # a tenth more papers, imported during the window's run
            incoming.write_text("\n".join(f"{p.title}\n{p.abstract}" for p in generate(max(100, size // 10), seed=11)),
                                encoding="utf-8")
            results.update(in_window(seeded, args.runs, incoming))
            rows = []
            for name, target in TARGETS.items():
                values = results.get(name) or []
                if not values:
                    continue
                median = statistics.median(values)
                worst = max(values)
                met = "yes" if worst <= target else "NO"
                unit = "" if "MB" in name else " ms"
                rows.append([name, f"{median:,.0f}{unit}", f"{worst:,.0f}{unit}", f"{target:,}{unit}", met])
            rows.append(["peak memory (RSS, MB)", f"{statistics.median(peak):,.0f}", f"{max(peak):,.0f}", "—", "—"])
            for name, values in peaks.items():
                if values:
                    target = "—" if name.startswith("JabRef") else "300"
                    met = "—" if target == "—" else ("yes" if max(values) <= 300 else "NO")
                    rows.append([f"{name}: peak RSS (MB)", f"{statistics.median(values):,.0f}", f"{max(values):,.0f}",
                                 target, met])
            if jabref:
                ours = statistics.median(results["import BibTeX: browsable and searchable"])
                peer_ms = statistics.median(jabref)
                rows.append(["JabRef 3.8: import BibTeX (+ write BibTeXML)", f"{peer_ms:,.0f} ms",
                             f"{max(jabref):,.0f} ms", "—", "—"])
                rows.append(["BibTeX import: JabRef's time / Lectern's", f"{peer_ms / ours:.2f}x", "", ">= 2x",
                             "yes" if peer_ms / ours >= 2 else "NO"])
            print_table(f"{size:,} papers ({args.runs} runs; bench process RSS {rss_mb():.0f} MB)",
                        ["measure", "median", "worst", "target at 100k", "met"], rows)
            print_table(f"{size:,} papers: undo and redo of bulk work (median of {args.runs} runs)",
                        ["bulk step", "action", "undo", "redo", "undo and redo <= 1.5x"],
                        bulk_undo(seeded, args.runs))


if __name__ == "__main__":
    main()
