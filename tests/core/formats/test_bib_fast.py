"""The fast path of BibTeX reading (core/formats/bib_fast.py) gives what
bibtexparser's splitter gives, entry by entry, whatever surrounds the entries
it reads: macros, comments, broken blocks, quotes, escapes, parentheses."""

from __future__ import annotations

import random
from collections.abc import Iterator

from lectern.core.formats.bib_fast import read_entry
from lectern.core.formats.bib_guard import guard
from lectern.core.formats.bibtex_import import ParsedBib, parse_bibtex, parse_guarded

MIXED = r"""% Encoding: UTF-8
@string{acl = "Association for Computational Linguistics"}
@preamble{"\newcommand{\noop}[1]{}"}
@inproceedings{smith2020bert,
  author = {Smith, Ana and M{\"u}ller, Bo},
  title = {The {BERT} Model: {A} {{Study}}},
  booktitle = acl # { Meeting},
  year = 2020,
  month = jan,
  note = "quoted, with a comma",
  pages = {1--10},
}
@comment{kept as written}
@article{broken2019,
  title = {An unclosed brace,
  year = {2019}

@article{after2021, title = {After the broken one}, year = {2021}}
@misc(paren2018, title = {Parenthesised})
@misc{email2017, note = {write to a@b.org}}
@book{dup2016, title = {First}, title = {Second}}
@incollection{child2015, crossref = {smith2020bert}, title = {A chapter}}
@misc{escaped2014, title = {An \{escaped\} brace and a \"quote}}
@misc{quoted2013, title = "{"}Inner{"} quotes"}
trailing text
"""


def reference(text: str) -> ParsedBib:
    """The text read by bibtexparser's splitter alone."""
    guarded = guard(text)
    guarded.starts = None
    return parse_guarded(guarded)


def test_a_file_of_every_kind_of_block_reads_as_bibtexparser_reads_it() -> None:
    fast = parse_bibtex(MIXED)
    assert fast == reference(MIXED)
    keys = [p.paper.citation_key for p in fast.papers]
    assert "smith2020bert" in keys and "after2021" in keys and "child2015" in keys
    assert fast.failures and fast.failures[0].startswith("line 14:")  # the broken entry, on its own line


def test_the_fast_path_reads_plain_entries_and_leaves_the_rest_to_bibtexparser() -> None:
    entry, end = read_entry("@article{k1,\n  title = {A {B} c},\n  year = 2020,\n}\n", 0)
    assert entry is not None and entry.key == "k1" and entry.fields == [("title", "{A {B} c}"), ("year", "2020")]
    assert end == len("@article{k1,\n  title = {A {B} c},\n  year = 2020,\n}")
    for other in ("@string{a = {b}}", "@misc(k, t = {x})", "@misc{k, n = {a@b}}", "@misc{k, t = {a}, t = {b}}",
                  "@misc{k, t = \"{x}\"}", "@misc{k}", "@misc{k, t = {unclosed}"):
        assert read_entry(other, 0) == (None, 0), other


def damaged_texts(rng: random.Random, pieces: list[str], count: int, most: int) -> Iterator[str]:
    """`count` texts of `pieces` with 1 to `most` of BibTeX's special characters put in anywhere."""
    for _ in range(count):
        text = pieces[:]
        for _ in range(rng.randint(1, most)):
            text.insert(rng.randrange(len(text)), rng.choice('{}"@,=#\\\n() '))
        yield "".join(text)


def test_files_with_damage_anywhere_read_as_bibtexparser_reads_them() -> None:
    for joined in damaged_texts(random.Random(3), list(MIXED) * 3, 60, 5):
        fast, slow = parse_bibtex(joined), reference(joined)
        assert [p.paper for p in fast.papers] == [p.paper for p in slow.papers]
        assert fast.preambles == slow.preambles and fast.comments == slow.comments


def test_an_entry_without_a_type_is_refused_and_one_without_a_key_gets_one(library_path) -> None:
    from lectern.core.formats.bibtex_import import parse_bibtex
    from lectern.core.library.facade import Library
    from lectern.core.transfer.importing import import_bib

    parsed = parse_bibtex("@{}\n@misc{,\n  title = {Keyless}\n}\n@misc{kept,\n  title = {Kept}\n}\n")
    assert parsed.failures == ["line 1: an entry without a type (write it as @misc{key, ...})"]
    with Library.open(library_path) as library:
        import_bib(library, parsed)
        keys = sorted(library.paper(i).paper.citation_key for i in library.paper_ids())
    assert "" not in keys and "kept" in keys and len(keys) == 2
