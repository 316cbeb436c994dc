"""Full-text benchmark (#17), on synthetic PDFs made here from the default
library's sentences (core/fulltext/sample.py writes them: a PDF library's
writer would take longer than the extraction). Prints tables; no pass/fail.

1. Throughput: pages a second read from a sample of the PDFs by 1 and 2
   worker processes.
2. A library of N papers, each with its own P-page PDF linked (N x P pages, all
   pending), opened in the real (offscreen) window, which reads them all in the
   background as it does after an import: its own worker thread and PDF worker
   process, each result saved by its writer thread. Typing search (the first
   screen, the rows shown and the selected paper's text state, per keystroke)
   is timed on the window's thread every --keystroke-ms throughout, until
   every page is indexed.
3. Then, with all that text indexed: typing again, the indexes' size against
   the text's, the window process's memory; and a word found on page 3 of one
   paper only is checked to be found there.

    .venv/bin/python bench/fulltext.py [--papers 10000] [--pages 20] [--keystroke-ms 100]
    .venv/bin/python bench/fulltext.py --quick      # 300 papers x 5 pages
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import signal
import sys
import tempfile
import threading
import time
from itertools import cycle
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import median_p95, print_table, rss_mb, timed  # noqa: E402
from bench.corpus import _pieces, generate  # noqa: E402
from bench.search import TYPED  # noqa: E402
from lectern.core.fulltext.extractor import TextExtractor  # noqa: E402
from lectern.core.fulltext.sample import text_pdf  # noqa: E402
from lectern.core.library.facade import Library  # noqa: E402

LINES_A_PAGE = 40
MARK = "A zeppelin appears on this page only."  # page 3 of one paper
FULLTEXT_TYPED = ["zeppelin", "masked language objective", "fulltext:pretraining corpus", "transfer learning",
                  "continual pretraining", "retrieval augmented"]
QUERIES = TYPED + FULLTEXT_TYPED


def text_lines(sentences: list[str], width: int = 80) -> list[str]:
    """The sentences run together and cut into lines of at most `width` characters."""
    lines, line = [], ""
    for word in " ".join(sentences).split():
        if line and len(line) + len(word) >= width:
            lines.append(line)
            line = ""
        line = f"{line} {word}".strip()
    return lines


def page_texts(rng: random.Random, lines: list[str], pages: int) -> list[list[str]]:
    """`pages` pages of LINES_A_PAGE lines drawn from `lines`."""
    return [rng.choices(lines, k=LINES_A_PAGE) for _ in range(pages)]


def make_pdfs(folder: Path, papers: int, pages: int, rng: random.Random, lines: list[str]) -> list[Path]:
    """One PDF of `pages` pages for each paper, each with its own text; MARK on
    page 3 (or the last) of the middle one."""
    folder.mkdir()
    paths = []
    for index in range(papers):
        texts = page_texts(rng, lines, pages)
        if index == papers // 2:
            texts[min(2, pages - 1)].append(MARK)
        path = folder / f"paper{index:05d}.pdf"
        path.write_bytes(text_pdf(texts, compress=True))
        paths.append(path)
    return paths


def throughput(files: list[Path], workers: int) -> tuple[float, int]:
    """Pages a second with `workers` worker processes reading the files in parallel."""
    chunks = [files[i::workers] for i in range(workers)]
    counts = [0] * workers

    def run(index: int) -> None:
        with TextExtractor() as reader:
            for path in chunks[index]:
                counts[index] += len(reader.extract(path).pages)

    start = time.perf_counter()
    threads = [threading.Thread(target=run, args=(i,)) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / (time.perf_counter() - start), sum(counts)


def build_library(path: Path, pdfs: list[Path]) -> float:
    """N papers, the i-th with the i-th PDF linked (`lectern attach` leaves its
    text pending for the window to read); seconds taken to attach them."""
    library = Library.open(path)
    library.papers.add_many(generate(len(pdfs)), undoable=False)
    start = time.perf_counter()
    for paper_id, pdf in zip(library.paper_ids(), pdfs):
        library.attachments.add(paper_id, [pdf], "link")
    took = time.perf_counter() - start
    library.close()
    return took


def keystroke(library: Library, text: str) -> tuple[float, float]:
    """One keystroke's search as the benchmarks time it: the first screen, the
    rows shown, the selected paper's text state (its page hits come async).
    Milliseconds of wall clock and of this thread's CPU (which no other
    process's load, nor a wait for Python's interpreter, can inflate)."""
    cpu = time.thread_time()
    start = time.perf_counter()
    result = library.search(text, typing=True, first_screen=200, suggest_spelling=False)
    library.rows(result.ids[:40])
    if result.ids:
        library.fulltext.states(result.ids[:1])
    return (time.perf_counter() - start) * 1000, (time.thread_time() - cpu) * 1000


def typed_prefixes() -> "cycle[tuple[bool, str]]":
    """Every prefix of every query, in order (True at the start of a query: a new search session)."""
    return cycle([(end == 1, query[:end]) for query in QUERIES for end in range(1, len(query) + 1)])


def quiet_typing(library: Library) -> list[tuple[float, float]]:
    samples = []
    for query in QUERIES:
        library._results.clear()
        samples += [keystroke(library, query[:end]) for end in range(1, len(query) + 1)]
    return samples


def process_cpu_s(pid: int | str | None) -> float:
    """User + system CPU seconds of a live process (Linux), 0 when gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, TypeError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def thread_cpu_s(name: str) -> float:
    """CPU seconds of this process's live thread called `name` (Linux), 0 when none."""
    for thread in threading.enumerate():
        if thread.name == name and thread.native_id is not None:
            return process_cpu_s(f"{os.getpid()}/task/{thread.native_id}")
    return 0.0


def percentiles(samples: list[tuple[float, float]]) -> str:
    """"median / p95 ms (CPU median / p95)" of (wall, CPU) samples."""
    if not samples:
        return "none"
    wall, cpu = median_p95([w for w, _ in samples]), median_p95([c for _, c in samples])
    return f"{wall[0]:.1f} / {wall[1]:.1f} ms (CPU {cpu[0]:.1f} / {cpu[1]:.1f})"


def process_rss_mb(pid: int | None) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except (OSError, TypeError):
        pass
    return float("nan")


def in_window(path: Path, expected_pages: int, keystroke_ms: int) -> dict:
    """Open the library in the real window, type while it reads every pending PDF, then measure."""
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from lectern.desktop.app import open_window

    app = QApplication.instance() or QApplication(sys.argv[:1])
    start = time.perf_counter()
    cpu_start, gui_cpu_start = time.process_time(), time.thread_time()
    window = open_window(path)
    window.resize(1280, 800)
    window.show()
    library, worker = window.library, window.fulltext.worker
    prefixes = typed_prefixes()
    busy: list[tuple[float, float]] = []
    threads: dict[str, float] = {}  # the window's threads: CPU seconds when last seen
    progress: list[tuple[float, int]] = []
    typing_from: list[tuple[float, int]] = []  # (seconds, pages read) at the first keystroke
    worker_pids: dict[int, float] = {}
    loop = QEventLoop()

    def type_one() -> None:
        if window.index_worker.busy():  # the window's start-up check first (its cold caches are no reading's)
            return
        if not busy:
            typing_from.append((time.perf_counter() - start, pages_done()))
        new, text = next(prefixes)
        if new:
            library._results.clear()
        busy.append(keystroke(library, text))

    def pages_done() -> int:
        with library.db.read() as conn:
            return conn.exec_driver_sql("SELECT coalesce(sum(pages), 0) FROM fulltext_state").scalar_one()

    def check() -> None:
        pid = worker._reader.pid if worker._reader is not None else None
        if pid is not None:
            worker_pids[pid] = max(worker_pids.get(pid, 0.0), process_cpu_s(pid))
        threads["gui"] = time.thread_time() - gui_cpu_start
        for name in ("lectern-writer", "lectern-fulltext"):
            threads[name] = max(threads.get(name, 0.0), thread_cpu_s(name))
        done = pages_done()
        now = time.perf_counter() - start
        if not progress or now - progress[-1][0] >= 30:
            print(f"  {now:6.0f} s: {done:,} of {expected_pages:,} pages; {len(busy):,} keystrokes "
                  f"{percentiles(busy)}; load {os.getloadavg()[0]:.1f}", flush=True)
            progress.append((now, done))
        if done >= expected_pages and not worker.busy() and window.ops.idle() and not library.fulltext.pending(1):
            loop.quit()

    typist, checker = QTimer(), QTimer()
    typist.setInterval(keystroke_ms)
    typist.timeout.connect(type_one)
    checker.setInterval(1000)
    checker.timeout.connect(check)
    typist.start()
    checker.start()
    loop.exec()
    typist.stop()
    checker.stop()
    seconds = time.perf_counter() - start
    cpu_window = time.process_time() - cpu_start
    app.processEvents()
    quiet = quiet_typing(library)
    memory = rss_mb()
    pid = worker._reader.pid if worker._reader is not None else None
    with library.db.read() as conn:
        index_bytes = conn.exec_driver_sql(
            "SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'page_fts%' OR name LIKE 'document_fts%'").scalar_one()
        text_bytes, chars, pages = conn.exec_driver_sql(
            "SELECT sum(length(CAST(text AS BLOB))), sum(length(text)), count(*) FROM fulltext_page").first()
        states = dict(conn.exec_driver_sql("SELECT status, count(*) FROM fulltext_state GROUP BY status").all())
    result = library.search("fulltext:zeppelin")
    hits = library.fulltext.hits(result.query, result.ids)
    found = [(pid_, [h.page for h in page_hits]) for pid_, page_hits in hits.items()]
    out = dict(seconds=seconds, cpu_window=cpu_window, threads=threads, worker_cpu=sum(worker_pids.values()),
               worker_rss=process_rss_mb(pid), busy=busy, quiet=quiet, memory=memory, index_bytes=index_bytes,
               text_bytes=text_bytes, chars=chars, pages=pages, states=states, found=found,
               db_bytes=path.stat().st_size, typing_from=typing_from[0] if typing_from else (seconds, 0))
    window.close()
    app.processEvents()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--papers", type=int, default=10_000)
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--sample", type=int, default=40, help="PDFs read for the throughput rows")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--keystroke-ms", type=int, default=100, help="time between two keystrokes while reading")
    parser.add_argument("--quick", action="store_true", help="300 papers x 5 pages")
    args = parser.parse_args()
    if args.quick:
        args.papers, args.pages, args.sample = 300, 5, 20
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # (the temporary folder is removed then)
    rng = random.Random(17)
    lines = text_lines(_pieces()[1])
    print(f"load at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())} ({os.cpu_count()} cores)")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
            os.environ[name] = str(folder / name.lower())  # the window's settings stay in here
        made_ms, pdfs = timed(lambda: make_pdfs(folder / "pdfs", args.papers, args.pages, rng, lines))
        pdf_bytes = sum(p.stat().st_size for p in pdfs)
        rows = []
        for workers in args.workers:
            rate, pages = throughput(pdfs[: args.sample], workers)
            rows.append([str(workers), f"{pages:,}", f"{rate:,.0f}", f"{rate / workers:,.0f}"])
        print_table(f"Extraction of {min(args.sample, len(pdfs))} of the PDFs x {args.pages} pages "
                    f"({os.cpu_count()} cores)", ["worker processes", "pages", "pages/s", "pages/s a worker"], rows)
        link_s = build_library(folder / "library.sqlite", pdfs)
        expected = args.papers * args.pages
        print(f"\n{args.papers:,} PDFs x {args.pages} pages made in {made_ms / 1000:.1f} s "
              f"({pdf_bytes / 1e6:,.0f} MB), attached (linked) in {link_s:.1f} s; the window reads them:", flush=True)
        out = in_window(folder / "library.sqlite", expected, args.keystroke_ms)
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        typing_cpu = sum(c for _, c in out["busy"]) / 1000
        threads = out["threads"]
        worker_cpu = out["worker_cpu"] or (children.ru_utime + children.ru_stime)
        print_table(f"{args.papers:,} papers x {args.pages} pages of full text ({expected:,} pages), read by the "
                    "window in the background", ["measure", "value", "target"], [
                        ["pages read and indexed", f"{out['pages']:,} of {expected:,} ({out['states']})", ""],
                        ["background reading, wall clock",
                         f"{out['seconds']:.0f} s = {out['pages'] / out['seconds']:,.0f} pages/s while typing",
                         ">= 20 pages/s a core"],
                        ["PDF worker process CPU",
                         f"{worker_cpu:.0f} s = {out['pages'] / max(worker_cpu, 1e-9):,.0f} pages per CPU second", ""],
                        ["window process CPU", f"{out['cpu_window']:.0f} s: its thread {threads['gui']:.1f} "
                         f"(typing {typing_cpu:.1f}), writer {threads['lectern-writer']:.1f}, "
                         f"reading thread {threads['lectern-fulltext']:.1f}", ""],
                        ["typing began (after the window's start-up check)",
                         f"at {out['typing_from'][0]:.1f} s, {out['typing_from'][1]:,} pages read", ""],
                        [f"typing during the reading (a keystroke every {args.keystroke_ms} ms): median / p95",
                         f"{percentiles(out['busy'])}, {len(out['busy']):,} keystrokes", "p95 <= 16 ms"],
                        ["typing with everything indexed: median / p95",
                         f"{percentiles(out['quiet'])}, {len(out['quiet'])} keystrokes", "p95 <= 16 ms"],
                        ["text kept", f"{out['text_bytes'] / 1e6:,.0f} MB ({out['chars'] / 1e6:,.0f} M characters)",
                         ""],
                        ["page_fts + document_fts indexes",
                         f"{out['index_bytes'] / 1e6:,.0f} MB = {out['index_bytes'] / out['text_bytes']:.2f}x "
                         "the text", "<= 1.5x"],
                        ["library file", f"{out['db_bytes'] / 1e6:,.0f} MB", ""],
                        ["window process memory (RSS) after", f"{out['memory']:,.0f} MB", "< 300 MB"],
                        ["PDF worker process memory (RSS) after", f"{out['worker_rss']:,.0f} MB", ""],
                        ["'fulltext:zeppelin' (page 3 of one paper)", f"{out['found']}", "one paper, [3]"],
                    ])
        print(f"load at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
