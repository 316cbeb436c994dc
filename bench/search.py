"""Search benchmark: Lectern's FTS5 engine against a plain Whoosh index of the
same synthetic corpus, at 1k / 10k / 100k papers. Prints tables; no pass/fail.
Per query kind: the first screen's latency, the full ranking's, and how much of
the full ranking's first 200 the first screen holds (its overlap; 100% when the
rows shown first are the ranking's top and never move).

    .venv/bin/python bench/search.py [--sizes 1000 10000 100000] [--whoosh-max 10000]
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import median_p95, print_table, rss_mb, timed  # noqa: E402
from bench.corpus import generate  # noqa: E402
from lectern.core.library.facade import Library  # noqa: E402
from lectern.core.search.engine import Highlighter  # noqa: E402

FIRST_SCREEN = 200
SCREENFUL = 40
QUERIES: dict[str, list[str]] = {
    "single word": ["language", "portuguese", "retrieval", "vision", "bert", "distillation", "biomedical", "speech"],
    "two words": ["language model", "masked language", "transfer learning", "vision transformer", "data quality",
                  "continual pretraining"],
    "phrase": ['"masked language"', '"transfer learning"', '"language models"', '"pre-trained models"'],
    "prefix": ["tra*", "pre*", "lang*", "bio*", "distil*", "vis*"],
    "fuzzy": ["pretrainig~", "langauge~", "trasformer~2", "retreival~"],
    "field": ["title:bert", "abstract:retrieval", "author:silva", 'title:"language model"'],
    "filter": ["bert year:2019..2021", "status:unread vision", "year:2020 retrieval", "language -bert year:2022.."],
}
TYPED = ["masked language model", "continual pretraining of language models", "vision transformer",
         "biomedical bert", "retrieval augmented generation", "sabia portuguese"]


def build(size: int, folder: Path) -> tuple[Library, dict[str, str]]:
    papers = generate(size)
    library = Library.open(folder / "library.sqlite")
    add_ms, _ = timed(lambda: library.papers.add_many(papers))
    rebuild_ms, _ = timed(library.index.rebuild)
    with library.db.read() as conn:
        try:
            fts_bytes = conn.exec_driver_sql(
                "SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'paper_fts%'"
            ).scalar_one()
        except Exception:
            fts_bytes = None
    update_samples = []
    ids = library.paper_ids()[:20]
    for n, paper_id in enumerate(ids):
        def update(paper_id: int = paper_id, n: int = n) -> None:
            with library.db.write() as conn:
                conn.exec_driver_sql("UPDATE paper SET title = title || ? WHERE id = ?", (f" v{n}", paper_id))
        update_samples.append(timed(update)[0])
    facts = {
        "add papers (insert + index)": f"{add_ms / 1000:.1f} s",
        "index build (rebuild)": f"{rebuild_ms / 1000:.1f} s",
        "index size": f"{fts_bytes / 2**20:.0f} MB" if fts_bytes else "n/a (no dbstat)",
        "one-paper update (median)": f"{median_p95(update_samples)[0]:.2f} ms",
    }
    return library, facts


def first_result_in_fresh_process(path: Path) -> float:
    code = (
        "import sys, time; sys.path.insert(0, sys.argv[2]); from lectern.core.library.facade import Library; "
        "lib = Library.open(__import__('pathlib').Path(sys.argv[1])); "
        "r = lib.search('language model', typing=True, first_screen=200); lib.rows(r.ids[:40])"
    )
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code, str(path), str(Path(__file__).resolve().parent.parent)], check=True)
    return (time.perf_counter() - start) * 1000


def screen(library: Library, text: str, typing: bool) -> list[int]:
    """What the window does for one keystroke: first screen, rows, highlights."""
    result = library.search(text, typing=typing, first_screen=FIRST_SCREEN, suggest_spelling=False)
    lit = Highlighter.for_field(result.query, "title")
    rows = library.rows(result.ids[:SCREENFUL])
    for row in rows.values():
        lit.spans(row.title)
    return result.ids


def overlap(first: list[int], full: list[int]) -> float | None:
    """The share of the full ranking's first FIRST_SCREEN papers the first screen shows (None: no match)."""
    top = full[:FIRST_SCREEN]
    return len(set(first[:FIRST_SCREEN]) & set(top)) / len(top) if top else None


Measures = tuple[list[float], list[float], list[float]]  # first screen ms, every match ranked ms, overlaps


def lectern_queries(library: Library, repeat: int) -> dict[str, Measures]:
    out: dict[str, Measures] = {}
    for category, queries in QUERIES.items():
        first, full, overlaps = [], [], []
        for query in queries:
            for n in range(repeat):
                library._results.clear()  # measure the work, not the cache of recent results
                ms, shown = timed(lambda: screen(library, query, False))
                first.append(ms)
                library._results.clear()
                ms, ranked = timed(lambda: library.search(query, suggest_spelling=False))
                full.append(ms)
                share = overlap(shown, ranked.ids)
                if n == 0 and share is not None:
                    overlaps.append(share)
        out[category] = (first, full, overlaps)
    keystrokes, overlaps = [], []
    for n in range(repeat):
        for query in TYPED:  # each session from an empty cache; keystrokes in order, as typed
            library._results.clear()
            for end in range(1, len(query) + 1):
                ms, shown = timed(lambda: screen(library, query[:end], True))
                keystrokes.append(ms)
                if n == 0:  # the full ranking of each keystroke, once (outside the timing)
                    share = overlap(shown, library.search(query[:end], typing=True, suggest_spelling=False).ids)
                    overlaps += [share] if share is not None else []
    out["typing (per keystroke)"] = (keystrokes, [], overlaps)
    return out


def whoosh_peer(size: int, folder: Path, repeat: int) -> tuple[float, dict[str, list[float]]]:
    from whoosh import fields, index, qparser
    from whoosh.analysis import StemmingAnalyzer

    schema = fields.Schema(id=fields.ID(stored=True), title=fields.TEXT(analyzer=StemmingAnalyzer(), field_boost=10.0),
                           abstract=fields.TEXT(analyzer=StemmingAnalyzer()),
                           author=fields.TEXT(analyzer=StemmingAnalyzer()))
    papers = generate(size)
    (folder / "whoosh").mkdir()

    def build_index() -> object:
        ix = index.create_in(str(folder / "whoosh"), schema)
        writer = ix.writer(limitmb=256)
        for i, paper in enumerate(papers):
            writer.add_document(id=str(i), title=paper.title, abstract=paper.abstract, author=paper.authors)
        writer.commit()
        return ix

    build_ms, ix = timed(build_index)
    parser = qparser.MultifieldParser(["title", "abstract"], ix.schema)
    parser.add_plugin(qparser.FuzzyTermPlugin())
    out: dict[str, list[float]] = {}
    with ix.searcher() as searcher:
        def run(text: str) -> int:
            query = parser.parse(text.replace("year:", "").replace("status:unread", ""))
            hits = searcher.search(query, limit=FIRST_SCREEN)
            return len(hits)

        for category, queries in QUERIES.items():
            out[category] = [timed(lambda: run(q))[0] for q in queries for _ in range(repeat)]
        keystrokes = []
        for query in TYPED:
            for end in range(1, len(query) + 1):
                text = query[:end] + ("*" if not query[:end].endswith(" ") else "")
                keystrokes += [timed(lambda: run(text))[0] for _ in range(repeat)]
        out["typing (per keystroke)"] = keystrokes
    return build_ms, out


def load() -> str:
    """The machine's 1-minute load average (other programs' work slows every figure)."""
    return f"{os.getloadavg()[0]:.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--whoosh-max", type=int, default=10000, help="skip the Whoosh peer above this size")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"SQLite {__import__('sqlite3').sqlite_version}; load average {load()} (other work inflates times)")
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            rss_before = rss_mb()
            library, facts = build(size, folder)
            facts["first result, fresh process"] = f"{first_result_in_fresh_process(library.path):.0f} ms"
            rss_open = rss_mb()
            load_before = load()
            results = lectern_queries(library, args.repeat)
            facts["load average while searching"] = f"{load_before} before, {load()} after"
            facts["memory added by searching"] = (f"{rss_mb() - rss_open:+.1f} MB (process {rss_mb():.0f} MB, "
                                                  f"{rss_before:.0f} MB before the library)")
            library.close()
            print_table(f"{size:,} papers: index", ["measure", "value"], [[k, v] for k, v in facts.items()])
            peer: dict[str, list[float]] = {}
            if size <= args.whoosh_max:
                whoosh_build, peer = whoosh_peer(size, folder, args.repeat)
                print(f"Whoosh index build: {whoosh_build / 1000:.1f} s")
            else:
                print(f"Whoosh peer skipped at {size:,} papers (above --whoosh-max {args.whoosh_max:,}: "
                      "its build alone takes minutes)")
            rows = []
            for category, (first, full, overlaps) in results.items():
                med, p95 = median_p95(first)
                full_text = "—" if not full else "{:.1f} / {:.1f}".format(*median_p95(full))
                shared = f"{100 * min(overlaps):.0f}% / {100 * sum(overlaps) / len(overlaps):.0f}%" if overlaps else "—"
                if category in peer:
                    w_med, w_p95 = median_p95(peer[category])
                    whoosh_text = f"{w_med:.1f} / {w_p95:.1f}"
                    ratio = f"{w_med / med:.1f}x / {w_p95 / p95:.1f}x"
                else:
                    whoosh_text = ratio = "—"
                rows.append([category, f"{med:.1f} / {p95:.1f}", shared, full_text, whoosh_text, ratio])
            print_table(
                f"{size:,} papers: latency in ms, median / p95; first screen's overlap with the full top 200, "
                "least / mean",
                ["query", "Lectern first screen", "overlap", "Lectern every match ranked", "Whoosh top 200",
                 "Whoosh ÷ Lectern"],
                rows,
            )


if __name__ == "__main__":
    main()
