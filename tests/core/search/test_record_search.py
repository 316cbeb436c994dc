"""Searching complete records: the Unicode readings of LaTeX, and the fields a
record holds beyond the paper table (venue, entry type, editor, key, DOI, dates).
Every library here is built by importing a .bib file written by the test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from lectern.core.library.facade import Library
from lectern.core.search.query import QueryError
from lectern.core.transfer.importing import import_file

BIB = r"""
@article{braces,
  author = {M{\"u}ller, Hans},
  title = {Braced Umlaut},
  journal = {J.~Chem. Phys.},
  year = {2018},
  doi = {10.1000/ABC.Def},
}
@article{bare,
  author = {M\"uller, Greta},
  title = {Bare Umlaut},
  journal = {Nature},
  year = {2019},
}
@inproceedings{DBLP:conf/wicsa/ZimmermannWKG15,
  author = {M{\"{u}}ller, Ida},
  title = {Doubly Braced Umlaut},
  booktitle = {Proceedings of the {\"O}sterreichische Konferenz},
  date = {2020-05-01},
  editor = {Br{\"u}ggemann, Otto and Smith, Jane},
}
@book{unicode,
  author = {Müller, Karl},
  title = {Plain Unicode Umlaut},
  publisher = {Springer},
  year = {2021},
}
@phdthesis{ecole,
  author = {Dupont, Jean},
  title = {Th{\`e}se {\`a} l'{\'E}cole},
  school = {{\'E}cole Polytechnique},
  year = {2015},
}
@thesis{masters,
  author = {Roe, Ann},
  title = {{T}est of Braces Inside Words},
  institution = {MIT},
  type = {mathesis},
  date = {2022-11},
}
@article{math,
  author = {Amari, Shun-ichi},
  title = {$\alpha$-Divergences and Their Geometry},
  journaltitle = {{IEEE} Trans. Inf. Theory},
  date = {2009-10-01},
  doi = {https://doi.org/10.1109/TIT.2009.2030485},
}
@incollection{collected,
  author = {Ørsted, Hans},
  title = {Aks{\i}n and Stra{\ss}e},
  booktitle = {Collected Works},
  editor = {Smithson, Paul},
  year = {2010},
}
"""


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Library]:
    folder = tmp_path_factory.mktemp("records")
    bib = folder / "refs.bib"
    bib.write_text(BIB, encoding="utf-8")
    lib = Library.open(folder / "library.sqlite")
    report = import_file(lib, bib)
    assert report.added == 8, report.warnings
    yield lib
    lib.close()


def keys(library: Library, query: str) -> set[str]:
    """The citation keys of the papers a query finds."""
    ids = library.search(query).ids
    return {library.paper(i).paper.citation_key for i in ids}  # type: ignore[union-attr]


UMLAUTS = {"braces", "bare", "DBLP:conf/wicsa/ZimmermannWKG15", "unicode"}


@pytest.mark.parametrize("query", ["müller", "muller", "Müller", "MULLER", "author:muller", "mull*"])
def test_muller_finds_every_way_of_writing_the_umlaut(library: Library, query: str) -> None:
    assert keys(library, query) == UMLAUTS


def test_an_accented_letter_in_braces_is_found_without_its_accent(library: Library) -> None:
    assert keys(library, "ecole") == {"ecole"}  # {\'E}cole
    assert keys(library, "école") == {"ecole"}
    assert keys(library, "these") == {"ecole"}  # Th{\`e}se


def test_braces_inside_a_word_do_not_split_it(library: Library) -> None:
    assert keys(library, "test") == {"masters"}
    assert keys(library, "title:test") == {"masters"}


def test_math_reads_as_its_letters_and_its_names(library: Library) -> None:
    assert keys(library, "alpha") == {"math"}
    assert keys(library, "α") == {"math"}
    assert keys(library, "α-divergences") == {"math"}
    assert keys(library, "divergences") == {"math"}


def test_dotless_i_and_sharp_s_read_as_letters(library: Library) -> None:
    assert keys(library, "aksin") == {"collected"}
    assert keys(library, "straße") == {"collected"}


@pytest.mark.parametrize(("query", "found"), [
    ("venue:chem", {"braces"}),  # J.~Chem. Phys.
    ('venue:"chem phys"', {"braces"}),
    ("venue:osterreichische", {"DBLP:conf/wicsa/ZimmermannWKG15"}),  # booktitle {\"O}sterreichische
    ("venue:ieee", {"math"}),  # biblatex journaltitle
    ("venue:nature", {"bare"}),
    ("venue:springer", set()),  # a publisher is not a venue
    ("nature", {"bare"}),  # a plain word searches the venue too
    ("-venue:nature muller", UMLAUTS - {"bare"}),
])
def test_venue_searches_the_journal_or_proceedings(library: Library, query: str, found: set[str]) -> None:
    assert keys(library, query) == found


@pytest.mark.parametrize(("query", "found"), [
    ("type:inproceedings", {"DBLP:conf/wicsa/ZimmermannWKG15"}),
    ("type:conference", {"DBLP:conf/wicsa/ZimmermannWKG15"}),  # BibTeX's other name for it
    ("type:book", {"unicode"}),
    ("type:Article", {"braces", "bare", "math"}),
    ("type:thesis", {"ecole", "masters"}),  # @thesis, @phdthesis, @mastersthesis
    ("type:phdthesis", {"ecole"}),
    ("type:mastersthesis", {"masters"}),  # @thesis with type = {mathesis}
    ("type:report", set()),
    ("muller type:inproceedings", {"DBLP:conf/wicsa/ZimmermannWKG15"}),
    ("type:article OR type:book", {"braces", "bare", "math", "unicode"}),
])
def test_type_searches_the_entry_type_with_its_other_names(library: Library, query: str, found: set[str]) -> None:
    assert keys(library, query) == found


@pytest.mark.parametrize(("query", "found"), [
    ("editor:bruggemann", {"DBLP:conf/wicsa/ZimmermannWKG15"}),  # Br{\"u}ggemann
    ("editor:brüggemann", {"DBLP:conf/wicsa/ZimmermannWKG15"}),
    ("editor:smith", {"DBLP:conf/wicsa/ZimmermannWKG15"}),  # a word: not Smithson
    ("editor:smith*", {"DBLP:conf/wicsa/ZimmermannWKG15", "collected"}),
    ("author:smith", set()),  # an editor is not an author
    ("editor:muller", set()),
    ("bruggemann", {"DBLP:conf/wicsa/ZimmermannWKG15"}),  # a plain word searches the editors too
])
def test_editor_searches_the_records_editors(library: Library, query: str, found: set[str]) -> None:
    assert keys(library, query) == found


@pytest.mark.parametrize(("query", "found"), [
    ("key:DBLP:conf/wicsa/ZimmermannWKG15", {"DBLP:conf/wicsa/ZimmermannWKG15"}),
    ("key:dblp:conf/wicsa/zimmermannwkg15", {"DBLP:conf/wicsa/ZimmermannWKG15"}),  # any case
    ('key:"DBLP:conf/wicsa/ZimmermannWKG15"', {"DBLP:conf/wicsa/ZimmermannWKG15"}),
    ("key:DBLP:*", {"DBLP:conf/wicsa/ZimmermannWKG15"}),
    ("key:brace", set()),  # exact unless a * asks for a prefix
    ("key:brace*", {"braces"}),
    ("key:b*", {"braces", "bare"}),
    ("-key:b*", {"DBLP:conf/wicsa/ZimmermannWKG15", "unicode", "ecole", "masters", "math", "collected"}),
])
def test_key_finds_a_citation_key_exactly_or_by_prefix(library: Library, query: str, found: set[str]) -> None:
    assert keys(library, query) == found


@pytest.mark.parametrize(("query", "found"), [
    ("doi:10.1000/abc.def", {"braces"}),
    ("doi:10.1000/ABC.DEF", {"braces"}),
    ("doi:https://doi.org/10.1000/abc.def", {"braces"}),
    ("doi:10.1109/TIT.2009.2030485", {"math"}),  # stored as a doi.org link
    ("doi:10.1109/*", {"math"}),
    ("doi:10.1000/abc", set()),
])
def test_doi_finds_a_doi_however_it_is_written(library: Library, query: str, found: set[str]) -> None:
    assert keys(library, query) == found


@pytest.mark.parametrize(("query", "found"), [
    ("year:2009", {"math"}),  # date = {2009-10-01}
    ("year:2020", {"DBLP:conf/wicsa/ZimmermannWKG15"}),  # date = {2020-05-01}
    ("year:2022", {"masters"}),  # date = {2022-11}
    ("year:2019..2021", {"bare", "DBLP:conf/wicsa/ZimmermannWKG15", "unicode"}),
    ("year:2021..", {"unicode", "masters"}),
    ("year:..2010", {"math", "collected"}),
    ("year:>2018", {"bare", "DBLP:conf/wicsa/ZimmermannWKG15", "unicode", "masters"}),
    ("year:>=2021", {"unicode", "masters"}),
    ("year:<2010", {"math"}),
    ("year:<=2010", {"math", "collected"}),
    ("year:[2019 TO 2020]", {"bare", "DBLP:conf/wicsa/ZimmermannWKG15"}),
])
def test_year_reads_full_dates_ranges_and_comparisons(library: Library, query: str, found: set[str]) -> None:
    assert keys(library, query) == found


def test_a_key_being_typed_matches_as_a_prefix(library: Library) -> None:
    ids = library.search("key:DBLP:conf/wic", typing=True).ids
    assert {library.paper(i).paper.citation_key for i in ids} == {"DBLP:conf/wicsa/ZimmermannWKG15"}  # type: ignore[union-attr]


def test_field_names_ignore_case(library: Library) -> None:
    assert keys(library, "Venue:Nature") == {"bare"}
    assert keys(library, "TYPE:book") == {"unicode"}


@pytest.mark.parametrize(("query", "message"), [
    ("publisher:springer", "Unknown field publisher:"),
    ("type:@@", "type:@@ is not an entry type"),
    ("key:a*b", "key:a*b is not a citation key"),
    ("doi:https://doi.org/", "is not a DOI"),
    ("year:soon", "year:>2018"),
])
def test_a_field_that_cannot_be_read_gets_a_short_message(library: Library, query: str, message: str) -> None:
    with pytest.raises(QueryError, match=__import__("re").escape(message)):
        library.search(query)


def test_the_unknown_field_message_lists_every_field(library: Library) -> None:
    with pytest.raises(QueryError) as error:
        library.search("journal:nature")
    for name in ("title:", "author:", "editor:", "venue:", "type:", "key:", "doi:", "year:", "is:", "tag:"):
        assert name in str(error.value)


def test_links_and_identifiers_before_a_colon_are_still_searched_as_text(library: Library) -> None:
    assert library.search("https://example.org/x").ids == []
    assert library.search("arxiv:2106.09685").ids == []


def test_a_library_from_before_the_unicode_index_is_reindexed_when_opened(tmp_path: Path, monkeypatch) -> None:
    import sqlite3

    from lectern.core.domain.entry import dump_fields
    from lectern.core.store import database as core_db

    before = next(i for i, m in enumerate(core_db.MIGRATIONS) if "DROP TABLE paper_fts;" in m)
    path = tmp_path / "library.sqlite"
    monkeypatch.setattr(core_db, "MIGRATIONS", core_db.MIGRATIONS[:before])
    monkeypatch.setattr(core_db, "SCHEMA_VERSION", before)
    core_db.migrate(path)
    conn = sqlite3.connect(path)
    core_db.configure_connection(conn)
    conn.create_function("lectern_fts_text", 1, lambda text: text)  # an index as an older version wrote it
    fields = [("author", 'M{\\"u}ller, Hans'), ("editor", "Br{\\\"u}ggemann, Otto"), ("title", "{T}est"),
              ("booktitle", "Proc. {\\\"O}sterreich")]
    with conn:
        conn.execute("INSERT INTO paper (title, authors, venue, citation_key, added_at, updated_at, entry_type, "
                     "fields) VALUES ('{T}est', ?, 'Proc. {\\\"O}sterreich', 'old', '2024-01-01', '2024-01-01', "
                     "'inproceedings', ?)", ('M{\\"u}ller, Hans', dump_fields(fields)))
        assert conn.execute("SELECT count(*) FROM paper_fts WHERE paper_fts MATCH 'muller'").fetchone() == (0,)
    conn.close()
    monkeypatch.undo()
    with Library.open(path) as library:
        for query in ("muller", "test", "venue:osterreich", "editor:bruggemann", "type:conference"):
            assert keys(library, query) == {"old"}, query
        assert library.index.check() is None
