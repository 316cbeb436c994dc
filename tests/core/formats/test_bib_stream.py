"""A .bib file read a few bytes at a time (core/formats/bib_stream.py) gives
what reading its whole text gives: the same papers, failures, notices,
preambles and comments, wherever the pieces end; macros defined after their
use and crossref parents after their children too."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from lectern.core.formats.bib_guard import MAX_BLOCK_CHARS, MAX_DEPTH
from lectern.core.formats.bib_stream import stream_bibtex
from lectern.core.formats.bibtex_import import BibError, ParsedBib, parse_bibtex
from tests.core.formats.test_bib_fast import MIXED, damaged_texts

LATE = """@misc{early, title = {Uses a macro defined later}, publisher = acl, month = jan, crossref = {parent}}
@string{acl = "Association for Computational Linguistics"}
@preamble{"\\newcommand{\\x}{" # acl # "}"}
@misc{later, title = {After}, publisher = acl # { Press}}
@string{acl = "ACL"}
@book{parent, title = {The Parent}, year = 2020, publisher = {Parent Press}, editor = {Smith, Ana}}
@book{parent, title = {A second parent of that key}, year = 1999}
"""
HOSTILE = ("@article{deep, title={" + "{" * (MAX_DEPTH + 1) + "}" * (MAX_DEPTH + 1) + "}}\n"
           "@article{big, abstract={" + "word " * (MAX_BLOCK_CHARS // 4) + "}}\n"
           "@article{broken, title={Unclosed {brace}, year=2020}\n"
           "text between \x01 entries\n@misc{ü, title = {Ünïcödé ✓}}\n")


def streamed(path: Path, piece_bytes: int) -> ParsedBib:
    stream = stream_bibtex(path, piece_bytes=piece_bytes)
    assert stream is not None
    papers = [paper for chunk in stream.chunks() for paper in chunk]
    stream.parsed.papers = papers
    return stream.parsed


@pytest.mark.parametrize("text", [MIXED, LATE, HOSTILE, MIXED * 40 + LATE], ids=["mixed", "late", "hostile", "long"])
def test_a_file_read_in_pieces_reads_as_its_whole_text(tmp_path: Path, text: str) -> None:
    path = tmp_path / "refs.bib"
    path.write_text(text, encoding="utf-8")
    whole = parse_bibtex(text)
    assert whole.papers
    for size in (1, 7, 64, 1000, 1 << 22) if len(text) < 10_000 else (5000, 1 << 16, 1 << 22):
        assert streamed(path, size) == whole, size


def test_macros_as_the_file_leaves_them_and_parents_anywhere_reach_every_entry(tmp_path: Path) -> None:
    path = tmp_path / "late.bib"
    path.write_text(LATE, encoding="utf-8")
    papers = {p.paper.citation_key: p.paper for p in streamed(path, 16).papers}
    assert dict(papers["early"].fields)["publisher"] == "ACL"
    assert papers["early"].year == 2020  # from its parent, which comes after it
    assert dict(papers["later"].fields)["publisher"] == "ACL Press"


def test_damage_anywhere_reads_the_same_in_pieces(tmp_path: Path) -> None:
    rng = random.Random(5)
    path = tmp_path / "damaged.bib"
    for joined in damaged_texts(rng, list(MIXED) * 2, 25, 6):
        path.write_text(joined, encoding="utf-8")
        assert streamed(path, rng.choice((3, 50, 400))) == parse_bibtex(joined)


def test_files_not_to_stream_are_left_to_the_whole_file_reader(tmp_path: Path) -> None:
    latin = tmp_path / "latin.bib"
    latin.write_bytes("@misc{k, title = {Caf\xe9}}\n".encode("latin-1"))
    assert stream_bibtex(latin) is None  # not UTF-8: read whole, which says so (or reads the encoding named)
    utf8 = tmp_path / "utf8.bib"
    utf8.write_text("@misc{k, title = {Café}}\n", encoding="utf-8")
    assert stream_bibtex(utf8, encoding="latin-1") is None
    for name, data, said in (("empty.bib", b"  \n\n", "is empty"), ("binary.bib", b"@misc{k,\x00}", "binary")):
        (tmp_path / name).write_bytes(data)
        with pytest.raises(BibError, match=said):
            stream_bibtex(tmp_path / name)
