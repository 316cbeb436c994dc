"""The library file: the default reading list, persistence, keys and SQLite settings."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lectern.core.domain.changes import Cancelled, CancelToken
from lectern.core.domain.citekeys import base_key, is_valid_key
from lectern.core.domain.records import NewPaper
from lectern.core.formats.listing import ListingError, read_listing
from lectern.core.library.facade import Library
from lectern.core.store.database import LibraryError
from lectern.core.store.migrations import SCHEMA_VERSION
from lectern.core.transfer.importing import import_listing_file, load_default_library_if_new
from tests.conftest import DEFAULT_LISTING


def test_a_new_library_loads_the_default_reading_list(library_path: Path) -> None:
    with Library.open(library_path) as library:
        report = load_default_library_if_new(library)
        assert report is not None and report.added == 222
        ids = library.paper_ids()
        assert len(ids) == 222 == library.count()
        assert library.paper(ids[0]).paper.title == "Pre-Trained Models: Past, Present and Future"
        assert library.paper(ids[-1]).paper.title == "Simple Open-Vocabulary Object Detection with Vision Transformers"


def test_reopening_keeps_every_title_and_abstract(library_path: Path) -> None:
    expected = [(e.title, e.abstract) for e in read_listing(DEFAULT_LISTING).entries]
    with Library.open(library_path) as library:
        load_default_library_if_new(library)
    with Library.open(library_path) as library:
        assert load_default_library_if_new(library) is None  # not loaded twice
        stored = [library.paper(i).paper for i in library.paper_ids()]
    assert [(p.title, p.abstract) for p in stored] == expected


def test_the_default_list_is_not_reloaded_after_the_user_empties_the_library(library_path: Path) -> None:
    with Library.open(library_path) as library:
        load_default_library_if_new(library)
    conn = sqlite3.connect(library_path)
    with conn:
        conn.execute("DELETE FROM paper")
    conn.close()
    with Library.open(library_path) as library:
        assert load_default_library_if_new(library) is None
        assert library.count() == 0


def test_citation_keys_are_valid_and_unique_case_insensitively(library_path: Path) -> None:
    with Library.open(library_path) as library:
        load_default_library_if_new(library)
        keys = [library.paper(i).paper.citation_key for i in library.paper_ids()]
    assert all(is_valid_key(k) for k in keys)
    assert len({k.lower() for k in keys}) == 222
    assert keys[0] == "han2021pre"  # the usual pattern, from the shipped authors and year


def test_citation_keys_use_author_and_year_when_known(library_path: Path) -> None:
    with Library.open(library_path) as library:
        library.papers.add_many(
            [
                NewPaper(title="Attention Is All You Need", authors="Vaswani, Ashish and Shazeer, Noam", year=2017),
                NewPaper(title="Attention Is All You Need", authors="Ashish Vaswani", year=2017),
            ]
        )
        keys = [library.paper(i).paper.citation_key for i in library.paper_ids()]
    assert keys == ["vaswani2017attention", "vaswani2017attentiona"]


@given(st.text(max_size=120), st.text(max_size=60), st.one_of(st.none(), st.integers(1000, 2100)))
def test_a_generated_key_is_always_usable_in_bibtex(title: str, authors: str, year: int | None) -> None:
    key = base_key(title, authors, year)
    assert is_valid_key(key)
    assert "".join(re.findall(r"[A-Za-z0-9]+", key)) == key


def test_papers_with_the_same_key_pattern_get_suffixes_in_order(library_path: Path) -> None:
    with Library.open(library_path) as library:
        library.papers.add_many([NewPaper(title="Attention Is All You Need")] * 28)
        library.papers.add_many([NewPaper(title="Attention is all you need!")] * 2)
        keys = [library.paper(i).paper.citation_key for i in library.paper_ids()]
    assert keys[:3] == ["AttentionAllYou", "AttentionAllYoua", "AttentionAllYoub"]
    assert keys[26:] == ["AttentionAllYouz", "AttentionAllYouaa", "AttentionAllYouab", "AttentionAllYouac"]


def test_duplicate_keys_differing_only_in_case_are_refused(library_path: Path) -> None:
    with Library.open(library_path) as library:
        library.papers.add_many([NewPaper(title="A", citation_key="Key1")])
        with pytest.raises(Exception):
            library.papers.add_many([NewPaper(title="B", citation_key="key1")])
        assert library.count() == 1


def test_sqlite_runs_with_wal_foreign_keys_and_a_busy_timeout(library_path: Path) -> None:
    with Library.open(library_path) as library:
        with library.db.read() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000
            assert conn.exec_driver_sql("PRAGMA user_version").scalar() == SCHEMA_VERSION


def test_a_cancelled_import_writes_nothing(library_path: Path) -> None:
    token = CancelToken()
    token.cancel()
    with Library.open(library_path) as library:
        with pytest.raises(Cancelled):
            import_listing_file(library, DEFAULT_LISTING, cancel=token)
        assert library.count() == 0


def test_an_import_cancelled_halfway_leaves_the_library_and_its_index_as_they_were(library_path: Path) -> None:
    token = CancelToken()
    with Library.open(library_path) as library:
        library.papers.add_many([NewPaper(title="Kept paper about zebrafish")])
        with pytest.raises(Cancelled):  # cancelled after the first batch of rows went in
            library.papers.add_many([NewPaper(title=f"Paper {n}") for n in range(4500)],
                               progress=lambda _progress: token.cancel(), cancel=token,
                               tags=[["bulk"]] * 4500, notes=["bulk note"] * 4500)
        assert library.count() == 1 and library.tags.all() == []
        assert library.index.check() is None  # its triggers are back
        library.papers.set_note(library.paper_ids()[0], "Read again for the thesis")
        assert len(library.search("note:thesis zebrafish").ids) == 1


def test_importing_a_non_listing_writes_nothing(library_path: Path, tmp_path: Path) -> None:
    bad = tmp_path / "refs.bib"
    bad.write_text("@article{a, title={T}}\n")
    with Library.open(library_path) as library:
        load_default_library_if_new(library)
        with pytest.raises(ListingError):
            import_listing_file(library, bad)
        assert library.count() == 222


def test_a_file_that_is_not_a_database_gets_a_clear_error(tmp_path: Path) -> None:
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"this is not a database" * 100)
    with pytest.raises(LibraryError, match="not a Lectern library or is damaged"):
        Library.open(junk)
    assert junk.read_bytes() == b"this is not a database" * 100


def test_rows_sort_in_sql_by_title(library_path: Path) -> None:
    with Library.open(library_path) as library:
        load_default_library_if_new(library)
        ids = library.paper_ids("title")
        titles = [library.rows([i])[i].title for i in ids]
    assert titles == sorted(titles, key=lambda t: library_sort_key(t))
    assert len(titles) == 222


def library_sort_key(title: str) -> str:
    return title.lower()
