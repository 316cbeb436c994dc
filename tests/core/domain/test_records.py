"""Statuses, sort keys and tag/list names are each defined once and mean the
same thing to the schema, the search language, the facade and the table."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from lectern.core.domain.records import SORT_KEYS, STATUSES, NewPaper
from lectern.core.library.facade import Library
from lectern.core.library.rows import EditError
from lectern.core.search.query import IS_VALUES, QueryError


def test_every_status_is_stored_searched_and_nothing_else(library_path: Path) -> None:
    with Library.open(library_path) as library:
        ids = sorted(library.papers.add_many([NewPaper(f"Paper {s}") for s in STATUSES]).papers)
        for paper_id, status in zip(ids, STATUSES):
            library.papers.set_status([paper_id], status)
        for paper_id, status in zip(ids, STATUSES):
            assert library.search(f"status:{status}").ids == [paper_id]
            assert library.search(f"is:{status}").ids == [paper_id]
            assert status in IS_VALUES
        with pytest.raises(EditError):
            library.papers.set_status(ids[:1], "finished")
        with pytest.raises(QueryError):
            library.search("status:finished")
    conn = sqlite3.connect(library_path)  # the schema's CHECK holds the same list
    try:
        with pytest.raises(sqlite3.IntegrityError):
            conn.execute("UPDATE paper SET status = 'finished' WHERE id = ?", (ids[0],))
    finally:
        conn.close()


def test_every_sort_key_orders_the_library(library_path: Path) -> None:
    with Library.open(library_path) as library:
        (b,) = library.papers.add_many([NewPaper("B paper", year=2001, authors="Zed, Z.")]).papers  # a misc
        (a,) = library.papers.add_many([NewPaper("A paper", year=2000, authors="Adams, A.", venue="Alpha")],
                                       tags=[["x"]]).papers  # an article
        library.papers.toggle_star([b])
        library.papers.set_status([a], "unread")
        library.papers.set_status([b], "skipped")
        expected = {"title": [a, b], "starred": [a, b], "status": [b, a], "year": [a, b], "tags": [b, a],
                    "added": [b, a], "authors": [a, b], "venue": [b, a], "type": [a, b]}
        assert set(expected) == set(SORT_KEYS)
        for key in SORT_KEYS:
            assert library.paper_ids(sort=key) == expected[key], key
            assert library.paper_ids(sort=key, descending=True) == expected[key][::-1], key


def test_tag_and_list_names_are_cleaned_the_same_everywhere(library_path: Path) -> None:
    messy = '  "machine    learning"  '
    with Library.open(library_path) as library:
        (one,) = library.papers.add_many([NewPaper("One")], tags=[[messy]]).papers
        (two,) = library.papers.add_many([NewPaper("Two")]).papers
        library.tags.add([two], [messy])
        (three,) = library.papers.add_many([NewPaper("Three")]).papers
        library.papers.merge(three, tags=[messy])
        assert [(t.name, t.count) for t in library.tags.all()] == [("machine learning", 3)]
        list_id, _ = library.lists.create(messy)
        assert [row.name for row in library.lists.all()] == ["machine learning"]
        with pytest.raises(EditError):
            library.lists.create("machine learning")  # the same name once cleaned
        assert sorted(library.search('tag:"machine learning"').ids) == sorted([one, two, three])
