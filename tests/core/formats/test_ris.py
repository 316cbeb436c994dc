"""RIS as Zotero writes it imports with the right entry types and fields;
Lectern's RIS export imports back as the same records; malformed RIS is
refused whole with the line named."""

from __future__ import annotations

from pathlib import Path

import pytest

from lectern.core.cli import build_parser, run
from lectern.core.domain.names import parse_names
from lectern.core.formats.bibtex_import import BibError
from lectern.core.formats.ris import parse_ris
from lectern.core.library.facade import Library
from lectern.core.text.latex import latex_to_text
from lectern.core.transfer.importing import import_file
from tests.conftest import FIXTURES

ZOTERO = FIXTURES / "zotero.ris"


def _papers(library: Library) -> dict:
    return {p.citation_key: (p, tags) for p, tags, _n in library.papers_for_export(library.paper_ids())}


def test_zotero_ris_imports_with_its_types_and_fields(tmp_path: Path) -> None:
    with Library.open(tmp_path / "l.sqlite") as library:
        report = import_file(library, ZOTERO)
        assert report.added == 5
        papers = {latex_to_text(p.title): (p, tags) for p, tags in _papers(library).values()}
    article, tags = next(v for k, v in papers.items() if k.startswith("Effect of Immobilization"))
    fields = dict(article.fields)
    assert article.entry_type == "article" and sorted(tags) == ["carbenes", "catalysis"]
    assert [n.family for n in parse_names(fields["author"])] == ["Aksın", "Türkmen", "Çetinkaya"]
    assert (fields["journal"], fields["volume"], fields["number"], fields["pages"]) == \
        ("Journal of Organometallic Chemistry", "691", "13", "3027--3036")
    assert (fields["year"], fields["month"], fields["day"], fields["issn"]) == ("2006", "jun", "15", "0022-328X")
    assert fields["abstract"] == r"Mizoroki–Heck reactions with 50\% less catalyst \& more."  # TeX-safe once
    assert article.doi == "10.1016/j.jorganchem.2006.03.016"
    paper, _ = papers["Attention Is All You Need"]
    fields = dict(paper.fields)
    assert paper.entry_type == "inproceedings" and len(parse_names(fields["author"])) == 3
    assert (fields["booktitle"], fields["editor"], fields["publisher"], fields["address"], fields["month"]) == \
        ("Advances in Neural Information Processing Systems 30", "Guyon, I.", "Curran Associates", "Long Beach, CA",
         "dec")
    paper, _ = papers["The TeXbook"]
    assert paper.entry_type == "book" and dict(paper.fields)["isbn"] == "0-201-13447-0"
    assert dict(paper.fields)["note"] == r"Volume A of Computers \& Typesetting"
    paper, _ = papers["The True Frontier"]
    assert paper.entry_type == "incollection" and dict(paper.fields)["booktitle"] == "Space and Beyond"
    paper, tags = papers["High-Resolution Micromachined Interferometric Accelerometer"]
    assert paper.entry_type == "mastersthesis" and dict(paper.fields)["school"] == \
        "Massachusetts Institute of Technology" and tags == ["sensors"]


def test_ris_export_imports_back_as_the_same_records(tmp_path: Path) -> None:
    with Library.open(tmp_path / "a.sqlite") as first, Library.open(tmp_path / "b.sqlite") as second:
        import_file(first, ZOTERO)
        code = run(build_parser().parse_args(["--library", str(tmp_path / "a.sqlite"), "export", "--format", "ris",
                                              "-o", str(tmp_path / "out.ris")]))
        assert code == 0
        import_file(second, tmp_path / "out.ris")
        before, after = _papers(first), _papers(second)
    assert set(after) == set(before) and len(after) == 5  # the keys travel in RIS's ID tag
    for key, (paper, tags) in before.items():
        back, back_tags = after[key]
        assert back.entry_type == paper.entry_type and sorted(back_tags) == sorted(tags)
        assert back.fields == paper.fields, key
        assert (back.title, back.authors, back.year, back.venue, back.doi, back.url) == \
            (paper.title, paper.authors, paper.year, paper.venue, paper.doi, paper.url)


@pytest.mark.parametrize(("text", "said"), [
    ("TY  - JOUR\nTI  - A\nAU  - B, C\n", "line 1 has no “ER  -” line"),
    ("Title: A paper\nTY  - JOUR\nTI  - A\nER  - \n", "line 1"),
    ("TY  - JOUR\nTI  - A\nTY  - BOOK\nTI  - B\nER  - \n",
     "line 3 begins a reference before the one that began on line 1"),
    ("TY  - JOUR\nTI  - A\nER  - \nstray words\n", "line 4"),
    ("TY  - \nTI  - A\nER  - \n", "line 1"),
])
def test_malformed_ris_is_refused_naming_the_line_and_nothing_is_imported(tmp_path: Path, text: str,
                                                                        said: str) -> None:
    good = ZOTERO.read_text(encoding="utf-8")
    path = tmp_path / "bad.ris"
    path.write_text(good + "\n" + text if "line 1" not in said else text, encoding="utf-8")
    with Library.open(tmp_path / "l.sqlite") as library:
        with pytest.raises(BibError) as refused:
            import_file(library, path)
        assert library.count() == 0
    if "line 1" not in said:  # after the good references: the line number counts them
        said = said.replace("line 4", f"line {good.count(chr(10)) + 5}")
    assert said in str(refused.value) and "bad.ris" in str(refused.value)


def test_malformed_ris_is_refused_by_lectern_import(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "x.ris").write_text("TY  - JOUR\nTI  - A\n", encoding="utf-8")
    assert run(build_parser().parse_args(["--library", str(tmp_path / "l.sqlite"), "import",
                                          str(tmp_path / "x.ris")])) == 1
    assert "has no “ER  -” line" in capsys.readouterr().err


def test_pasted_ris_is_read_as_ris() -> None:
    parsed = parse_ris(ZOTERO.read_text(encoding="utf-8"))
    assert [b.paper.entry_type for b in parsed.papers] == ["article", "inproceedings", "book", "incollection",
                                                           "mastersthesis"]


def test_a_ris_name_holding_the_word_and_stays_one_name() -> None:
    text = "TY  - JOUR\nTI  - T\nAU  - Johnson and Johnson\nAU  - Smith, AND\nAU  - Doe, Jane\nER  - \n"
    [paper] = [p.paper for p in parse_ris(text).papers]
    names = parse_names(paper.authors)
    assert [(n.literal or n.family, n.given.strip("{}")) for n in names] == [
        ("Johnson and Johnson", ""), ("Smith", "AND"), ("Doe", "Jane")]
