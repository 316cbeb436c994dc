"""A hostile .bib imports or is refused within seconds: braces nested 100,000
deep, a 3 MB field, thousands of unclosed entries and a huge single line. What
was left out is named in the import summary; real files pass untouched."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from lectern.core.formats.bib_guard import MAX_BLOCK_CHARS, MAX_DEPTH, guard
from lectern.core.formats.bibtex_import import parse_bibtex
from lectern.core.library.facade import Library

GOOD = "@article{ok, title = {A fine {{nested}} title}, author = {Doe, J.}, year = 2020}\n"


def good(name: str) -> str:
    return f"@article{{ok{name}, title = {{A fine {{{{nested}}}} title on {name}}}, year = 2020}}\n"


def hostile_files(folder: Path) -> dict[str, Path]:
    files = {
        "nested": "@article{deep, title={" + "{" * 100_000 + "x" + "}" * 100_000 + "}}\n" + good("nested"),
        "long": "@article{big, title={Big}, abstract={" + "word " * (3 * MAX_BLOCK_CHARS // 5) + "}}\n" + good("long"),
        "unbalanced": "".join(f"@article{{u{i}, title={{Unclosed {{brace}}, year=2020}}\n" for i in range(3000))
        + good("unbalanced"),
        "oneline": " ".join(f"@article{{l{i}, title={{Line {i}}}, year=2020}}" for i in range(2000))
        + " @article{wide, title={" + "x" * (2 * MAX_BLOCK_CHARS) + "}}",
    }
    paths = {}
    for name, text in files.items():
        paths[name] = folder / f"{name}.bib"
        paths[name].write_text(text, encoding="utf-8")
    return paths


def test_hostile_files_import_within_seconds_and_the_summary_names_what_was_cut(tmp_path: Path) -> None:
    files = hostile_files(tmp_path)
    library = tmp_path / "lib.sqlite"
    code = ("import sys; from lectern.core.cli import build_parser, run; "
            "sys.exit(run(build_parser().parse_args(sys.argv[1:])))")
    start = time.monotonic()
    try:
        done = subprocess.run([sys.executable, "-c", code, "--library", str(library), "import",
                               *map(str, files.values())], capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail("importing four hostile .bib files took over a minute")
    took = time.monotonic() - start
    assert done.returncode == 0, done.stderr
    assert took < 30, took  # minutes before the guard (bibtexparser's splitter is quadratic in nesting)
    out = done.stdout.splitlines()
    assert [line.split(": ")[1].split()[0] for line in out] == ["1", "1", "1", "2000"]  # papers added from each
    assert [line.split(": ")[0] for line in out] == [str(p) for p in files.values()]
    err = done.stderr
    assert f"nested.bib: 1 entry skipped: braces nested deeper than {MAX_DEPTH} levels" in err
    assert "nested.bib: line 1: @article{deep} skipped" in err
    assert "long.bib: 1 entry skipped: longer than 1 MB of text" in err and "@article{big} skipped" in err
    assert "oneline.bib: line 1: @article{wide} skipped: longer than 1 MB of text" in err
    assert "unbalanced.bib: line 3000: could not read" in err  # each unclosed entry is its own failure
    assert "Traceback" not in err
    with Library.open(library) as lib:
        keys = {lib.paper(i).paper.citation_key for i in lib.paper_ids()}
    assert {"oknested", "oklong", "okunbalanced", "l0", "l1999"} <= keys and not {"deep", "big", "wide"} & keys


def test_a_left_out_entry_keeps_the_line_numbers_of_the_rest() -> None:
    text = "@article{deep, title={" + "{" * (MAX_DEPTH + 1) + "}" * (MAX_DEPTH + 1) + "}}\n\n" + \
        "@article{broken, title={Unclosed {brace}, year=2020}\n" + GOOD
    parsed = parse_bibtex(text)
    assert [b.paper.citation_key for b in parsed.papers] == ["ok"]
    assert parsed.failures and parsed.failures[0].startswith("line 3:")
    assert parsed.notices[1] == f"line 1: @article{{deep}} skipped: braces nested deeper than {MAX_DEPTH} levels"


def test_nesting_up_to_the_limit_and_text_as_written_pass_untouched() -> None:
    fine = "@article{k, title={" + "{" * (MAX_DEPTH - 2) + "x" + "}" * (MAX_DEPTH - 2) + "}}\n" + \
        "Some text {between entries} with an @ sign.\n@string{jan = \"January\"}\n" + GOOD + \
        "@misc{esc, note = {a \\{ b}, title = {LeQua @ {CLEF}}}\n"
    guarded = guard(fine)
    assert guarded.text is fine and guarded.notices == []
    assert [b.paper.citation_key for b in parse_bibtex(fine).papers] == ["k", "ok", "esc"]
