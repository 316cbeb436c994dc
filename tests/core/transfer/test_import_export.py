"""Import and export: BibTeX round trips, BibTeX import edge cases, duplicates,
Markdown that parses back to the same titles, CSL-JSON, CSV, arXiv lists."""

from __future__ import annotations

import csv
import io
import json
import os
import tracemalloc
from pathlib import Path

import pytest
import yaml
from markdown_it import MarkdownIt

from lectern.core.cli import build_parser, run
from lectern.core.domain.changes import Cancelled, CancelToken
from lectern.core.formats.bibtex import export_text
from lectern.core.formats.bibtex_import import BibError, parse_bibtex, read_bibtex
from lectern.core.formats.listing import ListingError
from lectern.core.formats.writers import markdown_document, markdown_note_file
from lectern.core.library.facade import Library
from lectern.core.text.latex import latex_to_text
from lectern.core.transfer.export import export, export_ids
from lectern.core.transfer.importing import (
    find_duplicates,
    import_file,
    import_text,
    load_default_library_if_new,
    parse_text,
)
from tests.fixtures.hostile import build_hostile


@pytest.fixture
def default_lib(tmp_path: Path):
    lib = Library.open(tmp_path / "default.sqlite")
    load_default_library_if_new(lib)
    yield lib
    lib.close()


@pytest.fixture
def hostile_lib(tmp_path: Path):
    lib = Library.open(tmp_path / "hostile.sqlite")
    build_hostile(lib)
    yield lib
    lib.close()


def snapshot(lib: Library) -> list[tuple]:
    out = []
    for paper, tags, _note in lib.papers_for_export(lib.paper_ids()):
        out.append((paper.citation_key, " ".join(latex_to_text(paper.title).split()), paper.year, paper.arxiv_id,
                    paper.doi, " ".join(latex_to_text(paper.authors).split()), tuple(tags)))
    return out


@pytest.mark.parametrize("profile", ["bibtex", "biblatex"])
@pytest.mark.parametrize("ascii_only", [False, True])
def test_bibtex_export_reimports_to_the_same_papers(default_lib: Library, tmp_path: Path, profile: str,
                                                    ascii_only: bool) -> None:
    path = tmp_path / "out.bib"
    export(default_lib, profile, default_lib.paper_ids(), path, ascii_only=ascii_only)
    with Library.open(tmp_path / "again.sqlite") as again:
        report = import_file(again, path)
        assert report.added == 222 and report.warnings == []
        assert snapshot(again) == snapshot(default_lib)
        abstracts = {p.citation_key: latex_to_text(p.abstract)
                     for p, _, _ in again.papers_for_export(again.paper_ids())}
    original = {p.citation_key: latex_to_text(p.abstract)
                for p, _, _ in default_lib.papers_for_export(default_lib.paper_ids())}
    assert abstracts == original


def test_hostile_library_round_trips_through_biblatex(hostile_lib: Library, tmp_path: Path) -> None:
    path = tmp_path / "out.bib"
    export(hostile_lib, "biblatex", hostile_lib.paper_ids(), path)
    with Library.open(tmp_path / "again.sqlite") as again:
        report = import_file(again, path, policy="import")
        assert report.added == len(hostile_lib.paper_ids())
        keys = [row[0] for row in snapshot(again)]
        assert keys == [row[0] for row in snapshot(hostile_lib)]
        titles = {row[0]: row[1] for row in snapshot(again)}
    assert titles["obrienquality"].startswith("Quality, & Toxicity: 100% of #1 costs $5 with under_scores")
    assert titles["paper"] == "Трансформеры для русского языка"  # no Latin word to make a key from


def test_export_is_deterministic(default_lib: Library) -> None:
    ids = default_lib.paper_ids()
    assert export_text(default_lib, ids) == export_text(default_lib, ids)


def test_bibtex_import_resolves_strings_months_comments_and_crossref(tmp_path: Path) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text(r"""
@string{acl = "Proceedings of ACL"}
% a line comment
@comment{jabref-meta: databaseType:bibtex;}
@inproceedings{devlin2019bert,
  title = {{BERT}: Pre-training of Deep Bidirectional Transformers},
  author = {Devlin, Jacob and Chang, Ming-Wei},
  booktitle = acl, month = jun, crossref = {acl2019},
  keywords = {nlp; transformers}, abstract = {We introduce \textbf{BERT}.},
  annote = {Key reading for the thesis chapter}
}
@proceedings{acl2019, title = {ACL 2019}, year = 2019}
@misc{sabia, title = {Sabi\'a: Portuguese Large Language Models}, eprint = {2304.07880},
  archivePrefix = {arXiv}, primaryClass = {cs.CL}}
""", encoding="utf-8")
    with Library.open(tmp_path / "lib.sqlite") as lib:
        report = import_file(lib, bib)
        assert report.added == 3 and report.warnings == []
        bert = lib.paper(lib.search("title:bert").ids[0])
        assert (bert.paper.venue, bert.paper.year, bert.tags) == ("Proceedings of ACL", 2019, ["nlp", "transformers"])
        assert bert.title_text == "BERT: Pre-training of Deep Bidirectional Transformers"
        assert bert.abstract_text == "We introduce BERT."
        assert bert.paper.abstract == r"We introduce \textbf{BERT}."  # the original is kept for export
        assert lib.search("tag:transformers").ids == [bert.paper.id]  # searchable as soon as imported
        assert lib.search("note:thesis").ids == [bert.paper.id]
        assert lib.index.check() is None
        sabia = lib.paper(lib.search("sabia").ids[0])
        assert (sabia.paper.arxiv_id, sabia.paper.year, sabia.title_text) == (
            "2304.07880", 2023, "Sabiá: Portuguese Large Language Models")


def test_broken_blocks_are_listed_with_line_numbers_and_the_rest_imports(tmp_path: Path) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text("@article{good1, title = {Good one}}\n@article{broken,\n  title = {Missing brace,\n"
                   "  year = 2020\n@misc{good2, title = {Good\x07 two\x00}}\n", encoding="utf-8")
    parsed = parse_bibtex(bib.read_text())
    assert [p.paper.title for p in parsed.papers] == ["Good one", "Good two"]  # control characters stripped
    assert len(parsed.failures) == 1 and parsed.failures[0].startswith("line 2:")


@pytest.mark.parametrize("content, message", [
    (b"", "empty"), (b"   \n", "empty"), (b"\x89PNG\r\n\x00\x00\x00binary", "binary"),
    (b"just some words, no entries", "no BibTeX entries"),
])
def test_bad_bibtex_files_are_refused_and_nothing_is_written(tmp_path: Path, content: bytes, message: str) -> None:
    bib = tmp_path / "bad.bib"
    bib.write_bytes(content)
    with Library.open(tmp_path / "lib.sqlite") as lib:
        with pytest.raises(BibError, match=message):
            import_file(lib, bib)
        assert lib.count() == 0


def test_duplicates_are_found_and_skipped_merged_or_imported(default_lib: Library, tmp_path: Path) -> None:
    bib = tmp_path / "dups.bib"
    bib.write_text("@misc{mine, title = {Sabiá: Portuguese Large Language Models}, author = {Pires, Ramon},"
                   " year = {2023}, keywords = {portuguese}}\n@misc{new1, title = {A brand new paper}}\n",
                   encoding="utf-8")
    parsed = read_bibtex(bib)
    dups = find_duplicates(default_lib, [p.paper for p in parsed.papers])
    assert [(d.index, d.reason) for d in dups] == [(0, "title")]
    report = import_file(default_lib, bib, policy="skip")
    assert (report.added, report.skipped) == (1, 1) and default_lib.count() == 223
    report = import_file(default_lib, bib, policy="merge")
    sabia = default_lib.paper(dups[0].existing_id)
    assert (sabia.paper.year, sabia.tags) == (2023, ["portuguese"])  # what it lacked; its authors stay
    assert sabia.paper.authors.startswith("Ramon Pires and ")
    assert default_lib.count() == 223
    report = import_file(default_lib, bib, policy="import")
    assert report.added == 2 and default_lib.count() == 225
    assert len(default_lib.search("", scope="is:duplicate").ids) == 4


def test_markdown_titles_parse_back_exactly_and_never_become_markup(hostile_lib: Library, default_lib: Library) -> None:
    md = MarkdownIt("commonmark")
    for lib in (hostile_lib, default_lib):
        items = lib.papers_for_export(lib.paper_ids())
        tokens = md.parse(markdown_document(items))
        headings = [tokens[i + 1] for i, t in enumerate(tokens) if t.type == "heading_open" and t.tag == "h2"]
        assert [h.content and "".join(c.content for c in h.children) for h in headings] == \
            [" ".join(latex_to_text(p.title).split()) for p, _, _ in items]
        for heading in headings:
            assert {c.type for c in heading.children} <= {"text"}, heading.children


def test_markdown_front_matter_is_safe_yaml(hostile_lib: Library) -> None:
    for paper, tags, note in hostile_lib.papers_for_export(hostile_lib.paper_ids()):
        text = markdown_note_file(paper, tags, note)
        front = yaml.safe_load(text.split("---\n")[1])
        assert front["title"] == latex_to_text(paper.title)
        assert front["citekey"] == paper.citation_key
        assert front["tags"] == tags
        assert isinstance(front["year"], str) and isinstance(front["title"], str)


def test_markdown_folder_csljson_and_csv(default_lib: Library, tmp_path: Path) -> None:
    ids = default_lib.paper_ids()
    assert export(default_lib, "markdown-folder", ids, tmp_path / "notes") == 222
    assert len(list((tmp_path / "notes").glob("*.md"))) == 222
    export(default_lib, "csljson", ids, tmp_path / "lib.json")
    items = json.loads((tmp_path / "lib.json").read_text(encoding="utf-8"))
    # CSL-JSON holds English titles in sentence case, as pandoc writes them (styles title-case them).
    assert len(items) == 222 and items[0]["title"] == "Pre-trained models: Past, present and future"
    assert any(item["title"] == "Sabiá: Portuguese large language models" for item in items)
    export(default_lib, "csv", ids, tmp_path / "lib.csv")
    rows = list(csv.DictReader(io.StringIO((tmp_path / "lib.csv").read_text(encoding="utf-8"))))
    assert len(rows) == 222 and rows[0]["citation_key"] == "han2021pre"


def test_scopes_reading_list_and_search(default_lib: Library) -> None:
    ids = default_lib.paper_ids()
    thesis, _ = default_lib.lists.create("Thesis")
    default_lib.lists.add(thesis, [ids[3], ids[1]])
    assert export_ids(default_lib, list_name="thesis") == [ids[3], ids[1]]
    assert export_ids(default_lib, query="sabia") == default_lib.search("sabia").ids
    with pytest.raises(ValueError, match="no reading list"):
        export_ids(default_lib, list_name="nope")


def test_an_interrupted_export_leaves_the_old_file(default_lib: Library, tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    path = tmp_path / "out" / "refs.bib"
    path.write_text("old contents\n")
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        export(default_lib, "bibtex", default_lib.paper_ids(), path, cancel=token)
    assert path.read_text() == "old contents\n"
    assert [p.name for p in path.parent.iterdir()] == ["refs.bib"]  # no temporary file left beside it


def test_arxiv_id_lists_and_pasted_text_import(tmp_path: Path) -> None:
    with Library.open(tmp_path / "lib.sqlite") as lib:
        report = import_text(lib, "2106.09685\nhttps://arxiv.org/abs/1810.04805v2\narXiv:2304.07880\n")
        assert report.added == 3
        papers = [lib.paper(i).paper for i in lib.paper_ids()]
        assert [(p.arxiv_id, p.year) for p in papers] == [
            ("2106.09685", 2021), ("1810.04805", 2018), ("2304.07880", 2023)]
        report = import_text(lib, "A pasted title\nIts abstract.\nAnother title\nAnother abstract.")
        assert report.added == 2
        with pytest.raises(ListingError):
            import_text(lib, "a single line")


def test_cli_import_and_export(tmp_path: Path, default_library: Path, capsys) -> None:
    library = default_library
    out = tmp_path / "out.bib"
    assert run(build_parser().parse_args(["--library", str(library), "export", "--format", "bibtex",
                                          "--query", "sabia", "-o", str(out)])) == 0
    assert "pires2023sabia" in out.read_text()
    junk = tmp_path / "junk.bib"
    junk.write_bytes(b"\x00\x01\x02")
    other = tmp_path / "other.sqlite"
    code = run(build_parser().parse_args(["--library", str(other), "import", str(out), str(junk)]))
    captured = capsys.readouterr()
    assert code == 1
    assert "1 paper added" in captured.out
    assert "binary" in captured.err and "Nothing was imported" in captured.err
    assert run(build_parser().parse_args(["--library", str(other), "export", "--format", "csv", "--list", "nope",
                                          "-o", str(tmp_path / "x.csv")])) == 2


@pytest.mark.parametrize("suffix", [".bib", ".json", ".ris", ".txt"])
def test_a_fifo_or_device_is_refused_at_once_and_imports_nothing(tmp_path: Path, suffix: str) -> None:
    fifo = tmp_path / f"pipe{suffix}"
    os.mkfifo(fifo)
    with Library.open(tmp_path / "library.sqlite") as lib:
        for path in (fifo, Path("/dev/zero")):
            with pytest.raises((BibError, ListingError), match="not a regular file"):
                import_file(lib, path)  # returns at once: nothing waits on the pipe or reads forever
        assert lib.count() == 0


def test_a_parsed_listing_holds_little_more_memory_than_its_text() -> None:
    """A large listing is held whole while it is imported: its papers' titles
    and abstracts are its text once more, and what holds them (a small object
    a paper, no dictionary each) adds under 40% of it on top."""
    text = "\n".join(f"A study of method {i} for pre-training\n" + "We propose a method that improves results. " * 23
                     for i in range(2000))
    tracemalloc.start()
    try:
        parsed = parse_text(text)
        held = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert len(parsed.papers) == 2000
    assert held < 1.4 * len(text)


def test_a_large_import_leaves_nothing_of_the_search_index_to_merge(tmp_path: Path, monkeypatch) -> None:
    """A large import's index segments are merged inside the import (on the
    worker), not by one of the small writes after it: FTS5 merges them all at
    once when enough small segments pile up beside them, and at 100,000 papers
    that made the eleventh star or note after an import take most of a second."""
    from lectern.core.search import index
    from lectern.core.search.index import SETTLE_INDEX_FROM, merge_step

    monkeypatch.setattr(index, "BULK_HASH_BYTES", 16 * 1024)  # a few hundred papers make many segments
    count = SETTLE_INDEX_FROM + 100
    bib = tmp_path / "big.bib"
    bib.write_text("".join(f"@article{{study{i}, title = {{Pre-training study {i}}}, year = 2020,\n"
                           f"  abstract = {{Notes on study {i}, read twice.}}}}\n" for i in range(count)),
                   encoding="utf-8")
    with Library.open(tmp_path / "lib.sqlite") as lib:
        assert import_file(lib, bib).added == count
        with lib.db.write() as conn:
            assert not merge_step(conn, 16)  # no level holds enough segments to merge
        assert len(lib.search("study").ids) == count and len(lib.search("twice").ids) == count
