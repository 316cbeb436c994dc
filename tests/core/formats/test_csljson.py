"""CSL-JSON export reads as pandoc reads the same .bib (types, titles, containers,
names, dates, numbers, publishers, identifiers); Lectern reads its own export
back as the same records, reads pandoc's CSL-JSON into complete records, and
refuses JSON that is not CSL-JSON without adding anything."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from bench.roundtrip import Result, compare
from lectern.core.cli import build_parser, run
from lectern.core.domain.names import parse_names
from lectern.core.formats.bibtex_import import BibError
from lectern.core.formats.csljson_import import parse_csl_json
from lectern.core.library.facade import Library
from lectern.core.text.latex import latex_to_text
from lectern.core.transfer.export import export
from lectern.core.transfer.importing import import_file

NAMES = ("author", "editor", "translator", "bookauthor")


def _examples() -> Path:
    found = shutil.which("kpsewhich") and subprocess.run(["kpsewhich", "biblatex-examples.bib"], capture_output=True,
                                                         text=True).stdout.strip()
    if not found:
        pytest.skip("TeX Live's biblatex-examples.bib is not installed (kpsewhich finds none)")
    return Path(found)


def _pandoc(path: Path, reader: str = "biblatex") -> list[dict]:
    if shutil.which("pandoc") is None:
        pytest.skip("pandoc is not installed")
    done = subprocess.run(["pandoc", "-f", reader, "-t", "csljson", str(path)], capture_output=True, check=True)
    return json.loads(done.stdout)


def _library(tmp_path: Path, name: str) -> Library:
    library = Library.open(tmp_path / f"{name}.sqlite")
    return library


def _export(tmp_path: Path, source: Path) -> tuple[Library, Path]:
    library = _library(tmp_path, "a")
    import_file(library, source, policy="import")
    out = tmp_path / "out.json"
    export(library, "csljson", library.paper_ids(), out)
    return library, out


def _records(library: Library) -> dict[str, tuple]:
    return {p.citation_key: p for p, _tags, _note in library.papers_for_export(library.paper_ids())}


def _names(value: str) -> list[tuple[str, ...]]:
    """Structured names, apostrophes as CSL writes them (typographic, as pandoc does)."""
    return [tuple(part.replace("'", "’") for part in (n.family, n.given, n.prefix, n.suffix, n.literal))
            for n in parse_names(value)]


def _agreement(pandoc_items: list[dict], ours: list[dict]) -> Result:
    result = compare(Result("biblatex-examples.bib", "biblatex"), pandoc_items, ours, max_differences=40)
    assert result.missing == 0, result.differences
    return result


def test_csljson_export_agrees_with_pandoc_on_the_fields_pandoc_reads(tmp_path: Path) -> None:
    source = _examples()
    library, out = _export(tmp_path, source)
    with library:
        result = _agreement(_pandoc(source), json.loads(out.read_text(encoding="utf-8")))
    print(f"{result.equal} of {result.fields} (entry, field) pairs equal")
    assert result.percent >= 95.0, "\n".join(result.differences)


def test_lecterns_own_csljson_export_imports_as_the_same_records(tmp_path: Path) -> None:
    source = _examples()
    library, out = _export(tmp_path, source)
    other = _library(tmp_path, "b")
    with library, other:
        report = import_file(other, out, policy="import")
        before, after = _records(library), _records(other)
        assert report.added == len(before) == len(after) == 92
        assert set(after) == set(before)  # every key kept
        for key, paper in before.items():
            back = after[key]
            assert (back.entry_type, back.fields) == (paper.entry_type, paper.fields), key
            assert (back.title, back.authors, back.year, back.venue, back.doi, back.url, back.arxiv_id) == \
                (paper.title, paper.authors, paper.year, paper.venue, paper.doi, paper.url, paper.arxiv_id), key


def test_an_item_without_lecterns_record_is_read_from_its_csl_variables(tmp_path: Path) -> None:
    """What another program writes (or an item it changed): names, numbers,
    dates and identifiers come back from the CSL variables alone."""
    source = _examples()
    library, out = _export(tmp_path, source)
    items = json.loads(out.read_text(encoding="utf-8"))
    for item in items:
        item.pop("custom")
    items[0]["title"] = "A title changed in Zotero"
    with library:
        before = _records(library)
        back = {b.paper.citation_key: b.paper for b in parse_csl_json(json.dumps(items)).papers}
    assert latex_to_text(back[items[0]["id"]].title) == "A title changed in Zotero"
    for key, paper in before.items():
        fields, kept = dict((k.lower(), v) for k, v in paper.fields), dict((k.lower(), v) for k, v in back[key].fields)
        for name in NAMES:
            if name in fields:
                assert _names(kept[name]) == _names(fields[name]), (key, name)
        for name in ("volume", "doi", "isbn", "issn", "edition", "pages"):
            if name in fields and not (name == "volume" and "part" in fields):  # CSL writes volume 7, part 2 as "7.2"
                same = [latex_to_text(v).replace("--", "-").replace("–", "-") for v in (kept[name], fields[name])]
                assert same[0] == same[1], (key, name)  # a page range's dash written as BibTeX's `--`
        assert back[key].year == paper.year, key


def test_pandocs_csljson_imports_as_complete_records_that_export_as_pandoc_read_them(tmp_path: Path) -> None:
    source = _examples()
    pandoc_items = _pandoc(source)
    (tmp_path / "pandoc.json").write_text(json.dumps(pandoc_items, ensure_ascii=False), encoding="utf-8")
    library = _library(tmp_path, "p")
    with library:
        import_file(library, tmp_path / "pandoc.json", policy="import")
        papers = _records(library)
        aksin = dict(papers["aksin"].fields)
        assert papers["aksin"].entry_type == "article"
        assert (aksin["journaltitle"], aksin["volume"], aksin["number"], aksin["pages"], aksin["date"]) == \
            ("J.~Organomet. Chem.", "691", "13", "3027--3036", "2006")  # no-break spaces as ties
        assert parse_names(aksin["author"])[0].family == "Aksın"
        assert papers["geer"].entry_type == "thesis" and dict(papers["geer"].fields)["type"] == "phdthesis"
        assert papers["westfahl:space"].entry_type == "incollection"
        assert dict(papers["westfahl:space"].fields)["booktitle"].startswith("Space and beyond")
        assert dict(papers["markey"].fields)["date"] == "2005-10-16"
        export(library, "csljson", library.paper_ids(), tmp_path / "again.json")
        result = _agreement(pandoc_items, json.loads((tmp_path / "again.json").read_text(encoding="utf-8")))
    assert result.percent >= 95.0, "\n".join(result.differences)


@pytest.mark.parametrize("text", [
    "[1, 2, 3]", "{}", "[]", json.dumps({"name": "lectern", "version": "1.0.0", "dependencies": {"x": "^1"}}),
    json.dumps([{"name": "x"}]), json.dumps([{"id": "a", "type": "book"}, "junk"]), "[{\"id\": \"a\",",
])
def test_json_that_is_not_csljson_is_refused_and_imports_nothing(tmp_path: Path, text: str) -> None:
    path = tmp_path / "package.json"
    path.write_text(text, encoding="utf-8")
    library = _library(tmp_path, "j")
    with library:
        with pytest.raises(BibError) as refused:
            import_file(library, path)
        assert library.count() == 0
    message = str(refused.value)
    assert "package.json" in message and ("CSL-JSON" in message or "not JSON" in message or "no references" in message)
    assert "Traceback" not in message


def test_lectern_import_refuses_junk_json_with_a_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "numbers.json"
    path.write_text("[1,2,3]", encoding="utf-8")
    code = run(build_parser().parse_args(["--library", str(tmp_path / "c.sqlite"), "import", str(path)]))
    err = capsys.readouterr().err
    assert code == 1 and "item 1 is a number, not a reference" in err and "Nothing was imported" in err


@pytest.mark.skipif(shutil.which("pandoc") is None, reason="pandoc is not installed")
def test_an_articles_number_and_issue_are_joined_as_pandoc_joins_them(tmp_path: Path) -> None:
    """tugboat.bib's articles have both (`number = {1}, issue = {1}`): every one of them
    differed from pandoc's reading while Lectern wrote `1,1`."""
    bib = tmp_path / "issue.bib"
    bib.write_text("@article{k, title = {T}, journal = {J}, year = 2000, number = {3}, issue = {4}}\n",
                   encoding="utf-8")
    theirs = json.loads(subprocess.run(["pandoc", "-f", "bibtex", "-t", "csljson", str(bib)], check=True,
                                       capture_output=True, text=True).stdout)[0]["issue"]
    with Library.open(tmp_path / "lib.sqlite") as library:
        import_file(library, bib)
        export(library, "csljson", library.paper_ids(), tmp_path / "out.json")
    mine = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))[0]["issue"]
    assert mine == theirs == "3, 4"
