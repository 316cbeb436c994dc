"""Attached files leave and enter with the records: BibTeX/BibLaTeX `file`
fields (JabRef's `:path:PDF`), CSL-JSON (the carried record's `file` field and
`custom.files`), Markdown links; a .bib's or a Lectern CSL-JSON's `file` fields
link the files that exist, and keep the missing ones as written."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from lectern.core.domain.entry import get
from lectern.core.formats.bibtex_import import parse_bibtex
from lectern.core.library.facade import Library
from lectern.core.transfer.export import export
from lectern.core.transfer.importing import import_file


def _bib(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "refs.bib"
    path.write_text(text, encoding="utf-8")
    return path


def test_bibtex_and_biblatex_exports_write_each_attachment_in_the_file_field(library_path: Path,
                                                                             tmp_path: Path) -> None:
    odd = tmp_path / "my papers" / "a:b;c.pdf"
    odd.parent.mkdir()
    odd.write_bytes(b"%PDF odd")
    plain = tmp_path / "plain.pdf"
    plain.write_bytes(b"%PDF plain")
    with Library.open(library_path) as lib:
        import_file(lib, _bib(tmp_path / "in", "@article{k1, title = {One}, year = 2020}\n"))
        (paper,) = lib.paper_ids()
        lib.attachments.add(paper, [odd], "link")
        lib.attachments.add(paper, [plain], "copy")
        copied = lib.attachments_of(paper)[1].path
        for profile in ("bibtex", "biblatex"):
            out = tmp_path / "exports" / f"out-{profile}.bib"  # elsewhere: the paths are written absolute
            out.parent.mkdir(exist_ok=True)
            export(lib, profile, [paper], out)
            text = out.read_text(encoding="utf-8")
            escaped = str(odd).replace(":", "\\:").replace(";", "\\;")
            assert f"file = {{:{escaped}:PDF;:{copied}:PDF}}" in text, text
            (read,) = parse_bibtex(text).papers
            assert get(read.paper.fields, "file") == f":{escaped}:PDF;:{copied}:PDF"


def test_importing_a_bib_links_the_files_it_names_and_reports_the_missing_ones(library_path: Path,
                                                                              tmp_path: Path) -> None:
    folder = tmp_path / "project"
    (folder / "papers").mkdir(parents=True)
    (folder / "papers" / "here.pdf").write_bytes(b"%PDF here")
    absolute = tmp_path / "elsewhere.pdf"
    absolute.write_bytes(b"%PDF abs")
    field = f":papers/here.pdf:PDF;:papers/gone.pdf:PDF;Full Text:{absolute}:application/pdf"
    bib = _bib(folder, f"@article{{k1, title = {{One}}, year = 2020, file = {{{field}}}}}\n")
    with Library.open(library_path) as lib:
        report = import_file(lib, bib)
        (paper,) = lib.paper_ids()
        found = lib.attachments_of(paper)
        assert [(a.path, a.mode, a.exists) for a in found] == [
            (folder / "papers" / "here.pdf", "link", True), (absolute, "link", True)]
        assert report.warnings == ["k1: the file papers/gone.pdf is not there (kept in its file field, not attached)"]
        assert get(lib.paper(paper).paper.fields, "file") == field  # the record keeps it as written
        out = tmp_path / "out.bib"
        export(lib, "bibtex", [paper], out)  # every attachment is named already: the field as it was
        assert f"file = {{{field}}}" in out.read_text(encoding="utf-8")
        lib.history.undo()  # the import, its links included, is one undo step
        assert lib.paper_ids() == [] and lib.attachments.for_papers([paper]) == {}
        assert (folder / "papers" / "here.pdf").exists()  # a linked file is never touched


def test_markdown_links_the_attached_files(library_path: Path, tmp_path: Path) -> None:
    source = tmp_path / "with space (1).pdf"
    source.write_bytes(b"%PDF")
    with Library.open(library_path) as lib:
        import_file(lib, _bib(tmp_path / "in", "@article{k1, title = {One}, year = 2020}\n"))
        (paper,) = lib.paper_ids()
        lib.attachments.add(paper, [source], "link")
        out = tmp_path / "list.md"
        export(lib, "markdown", [paper], out)
        text = out.read_text(encoding="utf-8")
        assert "### Attached files" in text
        assert f"- [with space \\(1\\)\\.pdf]({source.as_uri()})" in text
        assert "%20%281%29.pdf)" in text
        export(lib, "markdown-folder", [paper], tmp_path / "notes")
        assert source.as_uri() in (tmp_path / "notes" / "k1.md").read_text(encoding="utf-8")


def test_a_file_inside_the_exported_bibs_folder_is_written_relative_and_imports_back(tmp_path: Path) -> None:
    library = tmp_path / "lib.sqlite"
    with Library.open(library) as lib:
        import_file(lib, _bib(tmp_path / "in", "@article{k1, title = {One}, year = 2020}\n"))
        (paper,) = lib.paper_ids()
        source = tmp_path / "x.pdf"
        source.write_bytes(b"%PDF x")
        lib.attachments.add(paper, [source], "copy")
        out = tmp_path / "export.bib"  # beside the library: its files folder is inside this folder
        export(lib, "biblatex", [paper], out)
        assert "file = {:lib files/k1/x.pdf:PDF}" in out.read_text(encoding="utf-8")
    with Library.open(tmp_path / "other.sqlite") as other:
        import_file(other, out)
        (found,) = other.attachments_of(other.paper_ids()[0])
        assert (found.mode, found.path, found.exists) == ("link", tmp_path / "lib files" / "k1" / "x.pdf", True)


def test_csl_json_lists_the_attached_files_and_importing_it_links_them_again(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    with Library.open(project / "lib.sqlite") as lib:
        import_file(lib, _bib(tmp_path / "in", "@article{k1, title = {One}, year = 2020}\n"
                                                "@article{k2, title = {Two}, year = 2021}\n"))
        first, second = lib.paper_ids()
        outside = tmp_path / "elsewhere" / "linked.pdf"
        outside.parent.mkdir()
        outside.write_bytes(b"%PDF linked")
        lib.attachments.add(first, [outside], "link")
        source = tmp_path / "x.pdf"
        source.write_bytes(b"%PDF x")
        lib.attachments.add(first, [source], "copy")
        out = project / "export.json"  # beside the library: its files folder is inside this folder
        export(lib, "csljson", [first, second], out)
    one, two = json.loads(out.read_text(encoding="utf-8"))
    assert one["custom"]["files"] == [str(outside), "lib files/k1/x.pdf"]
    assert "files" not in two["custom"]  # a paper with nothing attached lists nothing
    assert one["title"] == "One" and "file" not in one  # the CSL variables are as before
    with Library.open(tmp_path / "other.sqlite") as other:
        report = import_file(other, out)
        assert report.warnings == []
        paper = next(i for i in other.paper_ids() if other.paper(i).paper.citation_key == "k1")
        found = other.attachments_of(paper)
        assert [(a.mode, a.path, a.exists) for a in found] == [
            ("link", outside, True), ("link", project / "lib files" / "k1" / "x.pdf", True)]


@pytest.mark.skipif(shutil.which("pandoc") is None, reason="pandoc is not installed")
def test_pandoc_reads_a_csl_json_export_with_attachments_as_the_same_references(tmp_path: Path) -> None:
    with Library.open(tmp_path / "lib.sqlite") as lib:
        import_file(lib, _bib(tmp_path / "in", "@article{k1, title = {One}, author = {Doe, Jane}, year = 2020}\n"))
        (paper,) = lib.paper_ids()
        plain = tmp_path / "out-plain.json"
        export(lib, "csljson", [paper], plain)
        source = tmp_path / "x.pdf"
        source.write_bytes(b"%PDF x")
        lib.attachments.add(paper, [source], "link")
        out = tmp_path / "out.json"
        export(lib, "csljson", [paper], out)
    read = [subprocess.run(["pandoc", "-f", "csljson", "-t", "csljson", str(p)], check=True, capture_output=True,
                           text=True).stdout for p in (plain, out)]
    assert read[0] == read[1] and json.loads(read[1])[0]["title"] == "One"


def test_a_records_own_file_field_is_carried_as_written_and_not_listed_as_an_attachment(tmp_path: Path) -> None:
    """biblatex's `file` may be a web address (biblatex-examples.bib has two):
    it stays in the carried record and is not read as an attached file."""
    with Library.open(tmp_path / "lib.sqlite") as lib:
        import_file(lib, _bib(tmp_path / "in", "@report{k1, title = {One}, year = 2020,\n"
                                                "  file = {ftp://gaia.cs.umass.edu/pub/x.ps}}\n"))
        out = tmp_path / "out.json"
        export(lib, "csljson", lib.paper_ids(), out)
    (item,) = json.loads(out.read_text(encoding="utf-8"))
    assert "files" not in item["custom"]
    assert ["file", "ftp://gaia.cs.umass.edu/pub/x.ps"] in item["custom"]["lectern-record"]["fields"]
