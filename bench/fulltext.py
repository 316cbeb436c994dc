"""Full-text benchmark (#17): synthetic PDFs made here with reportlab from the
default library's sentences; extraction throughput (pages/s, one worker process
a core), then a library of N papers with P pages of text each: index size
against the text, typing search (first screen + the selected paper's page hits)
p50/p95, the same while PDFs are extracted and saved in the background, and
this process's memory. Prints tables; no pass/fail.

    .venv/bin/python bench/fulltext.py [--papers 10000] [--pages 20] [--pdfs 40] [--workers 1 2]

The library's pages are the text such PDFs give (generated the same way and
written in one transaction), so that 200,000 pages need not be rendered first.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import median_p95, print_table, rss_mb, timed  # noqa: E402
from bench.corpus import _pieces, generate  # noqa: E402
from bench.search import TYPED  # noqa: E402
from lectern.core.fulltext.extractor import TextExtractor  # noqa: E402
from lectern.core.fulltext.runner import extract_attachments  # noqa: E402
from lectern.core.library.facade import Library  # noqa: E402
from lectern.core.library.rows import now_text  # noqa: E402
from lectern.core.store.fulltext_schema import PAGE_ROWS  # noqa: E402
from lectern.desktop.app import GUI_SWITCH_INTERVAL_S  # noqa: E402

LINES_A_PAGE = 40
FULLTEXT_TYPED = ["zeppelin", "masked language objective", "fulltext:pretraining corpus", "transfer learning",
                  "continual pretraining", "retrieval augmented"]


def page_texts(rng: random.Random, sentences: list[str], pages: int) -> list[str]:
    """`pages` pages of about LINES_A_PAGE lines of 80 characters from real sentences."""
    out = []
    for _ in range(pages):
        words = " ".join(rng.choice(sentences) for _ in range(26)).split()
        lines, line = [], ""
        for word in words:
            if len(line) + len(word) > 80:
                lines.append(line)
                line = ""
            line = f"{line} {word}".strip()
        out.append("\n".join(lines[:LINES_A_PAGE]))
    return out


def make_pdf(path: Path, pages: list[str]) -> None:
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path), invariant=True)
    for text in pages:
        pdf.setFont("Helvetica", 9)
        y = 790
        for line in text.split("\n"):
            pdf.drawString(50, y, line)
            y -= 12
        pdf.showPage()
    pdf.save()


def throughput(folder: Path, files: list[Path], workers: int) -> tuple[float, int]:
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
    seconds = time.perf_counter() - start
    return sum(counts) / seconds, sum(counts)


def build_library(path: Path, papers: int, pages: int, rng: random.Random, sentences: list[str],
                  pdf: Path) -> tuple[Library, float, int]:
    """N papers, each with one linked PDF whose P pages of text are kept (one transaction)."""
    library = Library.open(path)
    library.papers.add_many(generate(papers), undoable=False)
    ids = library.paper_ids()
    start = time.perf_counter()
    chars = 0
    with library.db.write() as conn:
        raw = conn.raw
        now = now_text()
        for paper_id in ids:
            cursor = raw.execute("INSERT INTO attachment (paper_id, position, mode, path, name, size, sha256, kind, "
                                 "added_at) VALUES (?, 0, 'link', ?, 'paper.pdf', 1, ?, 'application/pdf', ?)",
                                 (paper_id, str(pdf), f"{paper_id:064x}", now))
            texts = page_texts(rng, sentences, pages)
            if paper_id == ids[len(ids) // 2]:
                texts[2] += "\nA zeppelin appears on this page only."
            chars += sum(map(len, texts))
            raw.executemany("INSERT INTO fulltext_page (id, attachment_id, page, text) VALUES (?, ?, ?, ?)",
                            [(cursor.lastrowid * PAGE_ROWS + n, cursor.lastrowid, n, t)
                             for n, t in enumerate(texts, 1)])
            raw.execute("INSERT INTO document_fts (rowid, text) VALUES (?, ?)", (cursor.lastrowid, "\n".join(texts)))
            raw.execute("INSERT INTO fulltext_state (attachment_id, status, pages, chars, updated_at) "
                        "VALUES (?, 'done', ?, ?, ?)", (cursor.lastrowid, pages, sum(map(len, texts)), now))
    return library, time.perf_counter() - start, chars


def keystroke_samples(library: Library, queries: list[str]) -> list[float]:
    samples = []
    for query in queries:
        library._results.clear()
        for end in range(1, len(query) + 1):
            def one(text: str = query[:end]) -> None:
                result = library.search(text, typing=True, first_screen=200, suggest_spelling=False)
                lit_rows = result.ids[:40]
                library.rows(lit_rows)
                if result.ids:  # the detail pane: the selected paper's text states (its page hits come async)
                    library.fulltext.states(result.ids[:1])
            samples.append(timed(one)[0])
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--papers", type=int, default=10_000)
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--pdfs", type=int, default=40, help="synthetic PDFs for the throughput rows")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--python-switch-interval", action="store_true",
                        help="keep Python's own 5 ms switch interval, not the window's")
    args = parser.parse_args()
    rng = random.Random(17)
    _, sentences = _pieces()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = []
        made_ms, _ = timed(lambda: [make_pdf(folder / f"p{i}.pdf", page_texts(rng, sentences, args.pages))
                                     for i in range(args.pdfs)])
        files = [folder / f"p{i}.pdf" for i in range(args.pdfs)]
        rows = []
        for workers in args.workers:
            rate, pages = throughput(folder, files, workers)
            rows.append([str(workers), f"{pages:,}", f"{rate:,.0f}", f"{rate / workers:,.0f}"])
        print_table(f"Extraction of {args.pdfs} synthetic PDFs x {args.pages} pages (made in {made_ms / 1000:.1f} s, "
                    f"{os.cpu_count()} cores)", ["worker processes", "pages", "pages/s", "pages/s a worker"], rows)

        library, build_s, chars = build_library(folder / "library.sqlite", args.papers, args.pages, rng, sentences,
                                                files[0])
        with library.db.read() as conn:
            index_bytes = conn.exec_driver_sql(
                "SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'page_fts%' OR name LIKE 'document_fts%'").scalar_one()
            text_bytes = conn.exec_driver_sql("SELECT sum(length(CAST(text AS BLOB))) FROM fulltext_page").scalar_one()
        quiet = keystroke_samples(library, TYPED + FULLTEXT_TYPED)
        # While PDFs are read and saved beside the searches (the window's background extraction).
        pending_ids = []
        with library.db.write() as conn:
            for index, path in enumerate(files):
                cursor = conn.raw.execute(
                    "INSERT INTO attachment (paper_id, position, mode, path, name, size, sha256, kind, added_at) "
                    "VALUES (?, 1, 'link', ?, ?, 1, ?, 'application/pdf', ?)",
                    (library.paper_ids()[index], str(path), path.name, f"busy{index}", now_text()))
                pending_ids.append(cursor.lastrowid)
        done = threading.Event()
        if not args.python_switch_interval:  # as in the window's process (desktop/app.py)
            sys.setswitchinterval(GUI_SWITCH_INTERVAL_S)
        background = threading.Thread(target=lambda: (extract_attachments(library, pending_ids), done.set()))
        background.start()
        busy = []
        while not done.is_set():
            busy += keystroke_samples(library, TYPED + FULLTEXT_TYPED)
        background.join()
        memory = rss_mb()
        q_med, q_p95 = median_p95(quiet)
        b_med, b_p95 = median_p95(busy)
        print_table(f"{args.papers:,} papers x {args.pages} pages of full text ({args.papers * args.pages:,} pages)",
                    ["measure", "value", "target"], [
                        ["text kept", f"{text_bytes / 1e6:,.0f} MB ({chars / 1e6:,.0f} M characters)", ""],
                        ["written in", f"{build_s:.1f} s (one transaction)", ""],
                        ["page_fts + document_fts indexes",
                         f"{index_bytes / 1e6:,.0f} MB = {index_bytes / text_bytes:.2f}x the text",
                         "<= 1.5x"],
                        ["typing, first screen + the selected paper's text state: median / p95",
                         f"{q_med:.1f} / {q_p95:.1f} ms ({len(quiet)} keystrokes)", "p95 <= 16 ms"],
                        ["the same while PDFs are extracted and saved",
                         f"{b_med:.1f} / {b_p95:.1f} ms ({len(busy)} keystrokes)", "p95 <= 16 ms"],
                        ["this process's memory after", f"{memory:,.0f} MB", "< 300 MB"],
                    ])
        library.close()


if __name__ == "__main__":
    main()
