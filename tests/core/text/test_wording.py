"""Counts in messages: one paper, two papers (the CLI says it the same way)."""

from __future__ import annotations

from pathlib import Path

from lectern.core.text.wording import plural
from tests.core.test_cli import lectern


def test_a_count_of_one_takes_the_singular() -> None:
    assert [plural(n, "paper") for n in (0, 1, 2)] == ["0 papers", "1 paper", "2 papers"]
    assert plural(3, "entry", "entries") == "3 entries"


def test_the_cli_says_one_paper_written(tmp_path: Path) -> None:
    bib = tmp_path / "one.bib"
    bib.write_text("@misc{solo, title = {A Single Paper}, year = {2024}}\n")
    library = str(tmp_path / "lib.sqlite")
    assert lectern("--library", library, "import", str(bib)).stdout == f"{bib}: 1 paper added\n"
    exported = lectern("--library", library, "export", "--format", "bibtex", "-o", str(tmp_path / "out.bib"))
    assert exported.stdout == f"1 paper written to {tmp_path / 'out.bib'}\n"
