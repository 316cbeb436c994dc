"""Markdown front matter, the one-file Markdown and CSV carry every field of a
record (its Unicode reading), not only the paper table's columns."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import yaml

from lectern.core.formats.writers import csv_text, markdown_document, markdown_note_file
from lectern.core.library.facade import Library
from lectern.core.transfer.importing import import_text

BIB = r"""@book{knuth84, author = {Knuth, Donald E. and {The TeX Users Group}}, title = {The {\TeX}book},
  publisher = {Addison-Wesley}, address = {Reading, Mass.}, year = 1984, volume = {A}, isbn = {0-201-13447-0},
  series = {Computers {\&} Typesetting}, note = {Caf{\'e} edition}, mycustomfield = {kept}}
@article{a1, author = {M{\"u}ller, J.}, title = {X}, journal = {J}, year = 2020, pages = {1--2}}"""


def test_front_matter_and_csv_hold_every_field_as_unicode(tmp_path: Path) -> None:
    with Library.open(tmp_path / "l.sqlite") as library:
        import_text(library, BIB)
        items = library.papers_for_export(library.paper_ids())
    book = next(item for item in items if item[0].citation_key == "knuth84")
    front = yaml.safe_load(markdown_note_file(*book).split("---")[1])
    assert (front["publisher"], front["address"], front["volume"], front["isbn"], front["series"], front["note"],
            front["mycustomfield"], front["entrytype"]) == ("Addison-Wesley", "Reading, Mass.", "A", "0-201-13447-0",
                                                            "Computers & Typesetting", "Café edition", "kept", "book")
    assert front["author"] == "Donald E. Knuth; The TeX Users Group" and front["title"] == "The TeXbook"
    assert "- publisher: Addison\\-Wesley" in markdown_document(items)
    rows = {r["citation_key"]: r for r in csv.DictReader(io.StringIO(csv_text(items)))}
    assert rows["knuth84"]["publisher"] == "Addison-Wesley" and rows["knuth84"]["mycustomfield"] == "kept"
    assert rows["a1"]["pages"] == "1–2" and rows["a1"]["publisher"] == "" and rows["a1"]["journal"] == "J"
    assert rows["a1"]["author"] == "J. Müller" and rows["knuth84"]["entrytype"] == "book"
