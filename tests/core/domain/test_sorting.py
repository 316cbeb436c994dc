"""The Authors and Venue columns sort by the Unicode reading, accents and case
aside, authors by family name however the names are written; sorting 100k
papers by them walks an index (stored keys, migration 8)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from lectern.core.domain.records import NewPaper
from lectern.core.domain.sorting import authors_sort_key, venue_sort_key
from lectern.core.library.facade import Library
from lectern.core.store import database


def test_an_author_sorts_by_family_name_as_read() -> None:
    assert authors_sort_key("Kevin Clark and Minh-Thang Luong") == "clark kevin; luong minh-thang"
    assert authors_sort_key("Clark, Kevin and Luong, Minh-Thang") == "clark kevin; luong minh-thang"
    assert authors_sort_key('M{\\"u}ller, Hans') == authors_sort_key("Muller, Hans") == "muller hans"
    assert authors_sort_key("{\\'E}mile Zola") == "zola emile"
    assert authors_sort_key("{Google Research} and others") == "google research"
    assert authors_sort_key("{Barnes and Noble}") == "barnes and noble"
    assert authors_sort_key("") is None and authors_sort_key(None) is None


def test_a_venue_sorts_by_its_reading() -> None:
    assert venue_sort_key("J.~Chem. Phys.") == "j. chem. phys."
    assert venue_sort_key("{\\'E}cole Normale") == "ecole normale"
    assert venue_sort_key("  ") is None


def _papers() -> list[NewPaper]:
    return [
        NewPaper(title="Z", authors="Zola, Emile", venue="Nature", citation_key="z"),
        NewPaper(title="A", authors='M{\\"u}ller, Hans', venue="{\\'E}cole Review", citation_key="m"),
        NewPaper(title="B", authors="Ada Lovelace and Charles Babbage", venue="ACL", citation_key="l"),
        NewPaper(title="C", citation_key="none"),
    ]


def test_the_library_sorts_by_authors_venue_and_type(library_path: Path) -> None:
    with Library.open(library_path) as library:
        library.papers.add_many(_papers())
        titles = lambda ids: [library.paper(i).paper.title for i in ids]  # noqa: E731
        assert titles(library.paper_ids(sort="authors")) == ["C", "B", "A", "Z"]  # no authors first
        assert titles(library.paper_ids(sort="authors", descending=True)) == ["Z", "A", "B", "C"]
        assert titles(library.paper_ids(sort="venue")) == ["C", "B", "A", "Z"]  # ACL, École, Nature
        babbage = library.paper_ids(sort="authors")[1]
        library.papers.update(babbage, authors="Zuse, Konrad")  # an edit re-sorts it
        assert titles(library.paper_ids(sort="authors")) == ["C", "A", "Z", "B"]
        library.history.undo()
        assert titles(library.paper_ids(sort="authors")) == ["C", "B", "A", "Z"]
        library.papers.set_record(babbage, "book", (("author", "Aaron, A."), ("title", "B")))
        assert titles(library.paper_ids(sort="authors")) == ["C", "B", "A", "Z"]
        assert titles(library.paper_ids(sort="type"))[0] == "B"  # book before misc


def test_sorting_by_authors_or_venue_reads_an_index(library_path: Path) -> None:
    with Library.open(library_path) as library:
        library.papers.add_many(_papers())
    conn = sqlite3.connect(library_path)
    try:
        for column in ("authors_sort", "venue_sort", "entry_type COLLATE NOCASE"):
            plan = " ".join(str(r) for r in conn.execute(
                f"EXPLAIN QUERY PLAN SELECT id FROM paper p WHERE p.deleted_at IS NULL ORDER BY {column}, id"))
            assert "USING INDEX ix_live_" in plan and "TEMP B-TREE FOR ORDER BY" not in plan.split("USING")[0], plan
    finally:
        conn.close()


def test_a_library_from_before_gets_its_sort_keys(library_path: Path, monkeypatch) -> None:
    mine = next(i for i, m in enumerate(database.MIGRATIONS) if "ADD COLUMN authors_sort" in m)
    with monkeypatch.context() as patch:  # a library as the release before wrote it
        patch.setattr(database, "MIGRATIONS", database.MIGRATIONS[:mine])
        patch.setattr(database, "SCHEMA_VERSION", mine)
        database.migrate(library_path)
    conn = sqlite3.connect(library_path)
    database.configure_connection(conn)
    for paper in _papers():
        conn.execute("INSERT INTO paper (title, authors, venue, citation_key, added_at, updated_at) "
                     "VALUES (?, ?, ?, ?, '2024-01-01 00:00:00', '2024-01-01 00:00:00')",
                     (paper.title, paper.authors, paper.venue, paper.citation_key))
    conn.commit()
    conn.close()
    with Library.open(library_path) as library:
        titles = [library.paper(i).paper.title for i in library.paper_ids(sort="authors")]
        assert titles == ["C", "B", "A", "Z"]
        assert [library.paper(i).paper.title for i in library.paper_ids(sort="venue")] == ["C", "B", "A", "Z"]


def _by_first_tag(library: Library, descending: bool = False) -> list[str]:
    """The titles in the order the Tags column should show them: by each paper's
    first tag alphabetically, case aside, papers without tags first (ties by id)."""
    rows = []
    for paper_id in library.paper_ids():
        tags = sorted((t.lower() for t in library.paper(paper_id).tags))
        rows.append(((tags[0] if tags else ""), paper_id))
    rows.sort(reverse=descending)
    return [library.paper(i).paper.title for _, i in rows]


def test_the_tags_column_sorts_by_first_tag_through_every_kind_of_tag_edit(library_path: Path) -> None:
    with Library.open(library_path) as library:
        library.papers.add_many(_papers())
        a, b, c, z = library.paper_ids(sort="title")
        titles = lambda **kw: [library.paper(i).paper.title for i in library.paper_ids(sort="tags", **kw)]  # noqa: E731

        def agrees() -> None:
            assert titles() == _by_first_tag(library)
            assert titles(descending=True) == _by_first_tag(library, descending=True)

        library.tags.add([z], ["Beta", "zeta"])
        library.tags.add([a], ["alpha"])
        library.tags.add([b], ["gamma"])
        assert titles() == ["C", "A", "Z", "B"]  # untagged, alpha, Beta, gamma
        agrees()
        library.tags.remove([z], ["Beta"])  # Z's first tag is zeta now
        assert titles() == ["C", "A", "B", "Z"]
        agrees()
        library.tags.rename("gamma", "aardvark")
        assert titles()[:2] == ["C", "B"]
        agrees()
        library.tags.rename("zeta", "alpha")  # merged into another tag
        agrees()
        library.history.undo()
        library.history.undo()
        agrees()
        library.history.redo()
        agrees()
        library.trash.put([a])
        library.trash.empty()
        assert "A" not in titles()
        agrees()
        library.history.undo()  # the emptied Trash comes back, tags and all
        library.trash.restore([a])
        agrees()


def test_a_library_from_before_sorts_by_its_tags(library_path: Path, monkeypatch) -> None:
    mine = next(i for i, m in enumerate(database.MIGRATIONS) if "CREATE TABLE paper_tag_order" in m)
    with monkeypatch.context() as patch:  # a library as the release before wrote it, with tagged papers
        patch.setattr(database, "MIGRATIONS", database.MIGRATIONS[:mine])
        patch.setattr(database, "SCHEMA_VERSION", mine)
        with Library.open(library_path) as library:
            library.papers.add_many(_papers())
            a, b, c, z = library.paper_ids(sort="title")
            library.tags.add([z], ["alpha"])
            library.tags.add([a], ["omega", "Mu"])
    with Library.open(library_path) as library:
        assert [library.paper(i).paper.title for i in library.paper_ids(sort="tags")] == ["B", "C", "Z", "A"]
