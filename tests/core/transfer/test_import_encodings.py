"""Importing files in any encoding through the core API: UTF-8 (BOM or not) and
UTF-16 with a BOM directly; anything else refused with the line and a likely
encoding, and imported exactly when the user names it. Never mojibake."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from lectern.core.formats.bibtex_import import BibError
from lectern.core.formats.listing import ListingError
from lectern.core.library.facade import Library
from lectern.core.text.encoding import EncodingError
from lectern.core.transfer.importing import import_file, parse_file

CHINESE_TITLE = "深度学习在自然语言处理中的应用研究"
CHINESE_BIB = f"@article{{wang2020,\n  title = {{{CHINESE_TITLE}}},\n  author = {{王, 小明}},\n  year = {{2020}},\n}}\n"
WESTERN_BIB = "@article{muller2019,\n  title = {Zur Theorie der Größen},\n  author = {Müller, Hans},\n}\n"


def _only(lib: Library):
    return lib.paper(lib.paper_ids()[0]).paper


def test_a_gbk_bib_is_refused_naming_the_line_and_gb18030(tmp_path: Path) -> None:
    bib = tmp_path / "chinese.bib"
    bib.write_bytes(CHINESE_BIB.encode("gbk"))
    with Library.open(tmp_path / "lib.sqlite") as lib:
        with pytest.raises(BibError) as info:
            import_file(lib, bib)
        assert lib.count() == 0  # nothing written, no mojibake
    error = info.value
    assert isinstance(error, EncodingError) and error.guess == "gb18030" and error.line == 2
    assert "chinese.bib is not UTF-8 text: line 2" in str(error) and "GB18030" in str(error)
    assert f"line 2 says “title = {{{CHINESE_TITLE}}},”" in str(error)


@pytest.mark.parametrize("encoding", ["gbk", "GB18030", "gb2312"])
def test_a_gbk_bib_imports_exactly_when_its_encoding_is_named(tmp_path: Path, encoding: str) -> None:
    bib = tmp_path / "chinese.bib"
    bib.write_bytes(CHINESE_BIB.encode("gbk"))
    with Library.open(tmp_path / "lib.sqlite") as lib:
        report = import_file(lib, bib, encoding=encoding)
        assert report.added == 1
        paper = _only(lib)
        assert (paper.title, paper.authors, paper.citation_key) == (CHINESE_TITLE, "王, 小明", "wang2020")


def test_a_cp1252_bib_is_refused_then_imported_as_cp1252_or_latin1(tmp_path: Path) -> None:
    bib = tmp_path / "western.bib"
    bib.write_bytes(WESTERN_BIB.encode("cp1252"))
    with pytest.raises(BibError, match=r"line 2 .*Windows-1252.*says “title = \{Zur Theorie der Größen\},”"):
        parse_file(bib)
    for encoding in ("cp1252", "latin-1"):
        with Library.open(tmp_path / f"{encoding}.sqlite") as lib:
            import_file(lib, bib, encoding=encoding)
            paper = _only(lib)
            assert (paper.title, paper.authors) == ("Zur Theorie der Größen", "Müller, Hans")


@pytest.mark.parametrize(("bom", "codec"), [
    (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
], ids=["utf-8 BOM", "utf-16 LE BOM", "utf-16 BE BOM"])
def test_unicode_files_with_a_bom_import_directly(tmp_path: Path, bom: bytes, codec: str) -> None:
    bib = tmp_path / "unicode.bib"
    bib.write_bytes(bom + WESTERN_BIB.encode(codec))
    listing = tmp_path / "unicode.txt"
    listing.write_bytes(bom + "Über Größen\nAn abstract by Müller.\n".encode(codec))
    with Library.open(tmp_path / "lib.sqlite") as lib:
        import_file(lib, bib)
        import_file(lib, listing)
        papers = [lib.paper(i).paper for i in lib.paper_ids()]
    assert papers[0].citation_key == "muller2019"  # the BOM is not glued to the first entry
    assert (papers[0].title, papers[0].authors) == ("Zur Theorie der Größen", "Müller, Hans")
    assert (papers[1].title, papers[1].abstract) == ("Über Größen", "An abstract by Müller.")


def test_a_latin1_listing_is_refused_then_imported_when_named(tmp_path: Path) -> None:
    listing = tmp_path / "papers.txt"
    listing.write_bytes("A Title About Sch\u00f6n\nAn abstract, na\u00efve.\n".encode("latin-1"))
    with Library.open(tmp_path / "lib.sqlite") as lib:
        with pytest.raises(ListingError, match="papers.txt is not UTF-8 text: line 1"):
            import_file(lib, listing)
        import_file(lib, listing, encoding="latin-1")
        assert (_only(lib).title, _only(lib).abstract) == ("A Title About Schön", "An abstract, naïve.")


def test_a_named_encoding_that_does_not_fit_or_does_not_exist_is_a_clear_error(tmp_path: Path) -> None:
    bib = tmp_path / "odd.bib"
    bib.write_bytes(b"@misc{a,\n  title = {\x81\x8d}\n}\n")  # bytes cp1252 leaves undefined
    with Library.open(tmp_path / "lib.sqlite") as lib:
        with pytest.raises(BibError, match="odd.bib is not Windows-1252 .* text: line 2"):
            import_file(lib, bib, encoding="cp1252")
        with pytest.raises(BibError, match="does not know the encoding “klingon”"):
            import_file(lib, bib, encoding="klingon")
        listing = tmp_path / "odd.txt"
        listing.write_bytes(b"A title\nAn abstract\n")
        with pytest.raises(ListingError, match="does not know the encoding"):
            import_file(lib, listing, encoding="klingon")
        assert lib.count() == 0

