"""Markdown-folder and CSV exports: one file per paper whatever its key, and
CSV cells that a spreadsheet shows as text, never runs as a formula."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from lectern.core.formats.writers import csv_text
from lectern.core.library.facade import Library
from lectern.core.transfer.export import export
from lectern.core.transfer.importing import import_text

KEYS = ["smith:2020", "smith::2020", "smith_2020", "Smith_2020"]


def test_keys_that_differ_only_in_unsafe_characters_get_one_file_each(tmp_path: Path) -> None:
    bib = "\n".join(f"@article{{{key}, title = {{Paper {n}}}, author = {{Smith, A.}}, year = 2020}}"
                    for n, key in enumerate(KEYS))
    with Library.open(tmp_path / "l.sqlite") as library:
        import_text(library, bib)
        count = export(library, "markdown-folder", library.paper_ids(), tmp_path / "notes")
        again = export(library, "markdown-folder", library.paper_ids(), tmp_path / "notes")
    files = sorted((tmp_path / "notes").iterdir())
    assert count == again == len(files) == 4
    assert {p.name.casefold() for p in files}.__len__() == 4  # distinct on a case-blind disk too
    assert "smith_2020.md" in [p.name for p in files]  # a safe key is its own name
    titles = sorted(next(line for line in p.read_text().splitlines() if line.startswith("title:")) for p in files)
    assert titles == [f'title: "Paper {n}"' for n in range(4)]


def test_csv_cells_that_would_start_a_formula_are_prefixed_with_a_quote(tmp_path: Path) -> None:
    bib = r"""@article{k1, title = {=HYPERLINK("http://evil.example","click")}, author = {+cmd, A.}, year = 2020,
      journal = {@SUM(1+1)}, note = {-2+3}}
    @article{k2, title = {A plain title = fine}, author = {Doe, J.}, year = 2021, journal = {J}}"""
    with Library.open(tmp_path / "l.sqlite") as library:
        import_text(library, bib)
        text = csv_text(library.papers_for_export(library.paper_ids()))
    rows = {r["citation_key"]: r for r in csv.DictReader(io.StringIO(text))}
    assert rows["k1"]["title"] == "'=HYPERLINK(\"http://evil.example\",\"click\")"
    assert rows["k1"]["venue"] == "'@SUM(1+1)" and rows["k1"]["note"] == "'-2+3"
    assert rows["k1"]["authors"] == "'+cmd, A."
    assert rows["k2"]["title"] == "A plain title = fine" and rows["k2"]["venue"] == "J"
    for row in rows.values():
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value
