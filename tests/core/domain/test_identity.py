"""One rule for "same paper": the importer, the facade and the Duplicates view
(`is:duplicate`) agree on accents, case, LaTeX and DOI case."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from lectern.core.domain.identity import normal_arxiv, normal_doi, normal_title
from lectern.core.domain.records import NewPaper
from lectern.core.library.facade import Library
from lectern.core.store import database as core_db
from lectern.core.transfer.importing import find_duplicates, import_bib, parse_text

DUPLICATES_VIEW = "is:duplicate"  # what the sidebar's Duplicates entry searches


def test_titles_compare_with_latex_accents_case_and_punctuation_aside() -> None:
    forms = ["Sabi\\'a: Portuguese Large Language Models", "Sabiá: Portuguese Large Language Models",
             "SABIA -- portuguese large language   models", "{Sabi\\'{a}}: Portuguese Large Language Models."]
    assert len({normal_title(t) for t in forms}) == 1
    assert normal_title("Sabiá: Portuguese Large Language Models") != normal_title("Sabiá: Spanish Models")
    assert normal_title("Σ-Attention") == normal_title("σ attention")  # letters beyond ASCII are kept


def test_dois_and_arxiv_ids_compare_with_case_prefix_and_version_aside() -> None:
    assert {normal_doi(d) for d in ("10.1/ABC", "10.1/abc", "https://doi.org/10.1/Abc", "doi:10.1/abc")} == {"10.1/abc"}
    assert {normal_arxiv(a) for a in ("2303.17003", "arXiv:2303.17003v2", "2303.17003V1")} == {"2303.17003"}


def _titles(library: Library, query: str) -> list[str]:
    ids = library.search(query).ids
    rows = library.rows(ids)
    return sorted(rows[i].title for i in ids)


def test_importer_facade_and_duplicates_view_agree(library_path: Path) -> None:
    with Library.open(library_path) as library:
        library.papers.add_many([
            NewPaper("Sabiá: Portuguese Large Language Models"),
            NewPaper("Sabia: portuguese large language models"),
            NewPaper("A paper with a DOI", doi="10.1/ABC"),
            NewPaper("Another title, same DOI", doi="https://doi.org/10.1/abc"),
            NewPaper("Unrelated", doi="10.1/xyz"),
        ])
        # the Duplicates view and is:duplicate: accents, case and DOI case aside
        assert _titles(library, DUPLICATES_VIEW) == [
            "A paper with a DOI", "Another title, same DOI",
            "Sabia: portuguese large language models", "Sabiá: Portuguese Large Language Models",
        ]
        # the facade's identity index knows the same papers by the same keys
        index = library.identity_index()
        assert set(index["title"]) >= {normal_title("Sabi\\'a: Portuguese Large Language Models")}
        assert "10.1/abc" in index["DOI"]
        # the importer finds the same duplicates, whichever way they are written
        parsed = parse_text(
            "@article{a, title = {Sabi\\'a: Portuguese Large Language Models}}\n"
            "@article{b, title = {Brand new}, doi = {10.1/Abc}}\n"
            "@article{c, title = {Brand new too}, doi = {10.1/other}}\n")
        found = find_duplicates(library, [p.paper for p in parsed.papers])
        assert [(d.index, d.reason) for d in found] == [(0, "title"), (1, "DOI")]
        report = import_bib(library, parsed, policy="skip")
        assert report.added == 1
        # what the importer skipped is what the view would have shown as a duplicate
        assert "Brand new too" not in _titles(library, DUPLICATES_VIEW)


def test_editing_a_title_moves_the_paper_in_and_out_of_duplicates(library_path: Path) -> None:
    with Library.open(library_path) as library:
        changes = library.papers.add_many([NewPaper("Sabiá"), NewPaper("Something else", arxiv_id="2303.17003")])
        first, second = sorted(changes.papers)
        assert _titles(library, DUPLICATES_VIEW) == []
        library.papers.update(second, title="SABI\\'A")
        assert _titles(library, DUPLICATES_VIEW) == ["SABIÁ", "Sabiá"]  # shown rendered
        library.history.undo()
        assert _titles(library, DUPLICATES_VIEW) == []
        library.history.redo()
        assert len(_titles(library, DUPLICATES_VIEW)) == 2
        library.trash.put([first])
        assert _titles(library, DUPLICATES_VIEW) == []


def test_a_library_from_before_the_keys_gets_them_filled(library_path: Path, monkeypatch) -> None:
    before_keys = next(i for i, m in enumerate(core_db.MIGRATIONS) if "ADD COLUMN title_key" in m)
    monkeypatch.setattr(core_db, "MIGRATIONS", core_db.MIGRATIONS[:before_keys])
    monkeypatch.setattr(core_db, "SCHEMA_VERSION", before_keys)
    core_db.migrate(library_path)
    conn = sqlite3.connect(library_path)
    core_db.configure_connection(conn)
    with conn:
        for title, doi in (("Sabi\\'a", "10.1/ABC"), ("Sabia", None), ("Other", "10.1/abc")):
            conn.execute("INSERT INTO paper (title, doi, citation_key, added_at, updated_at) "
                         "VALUES (?, ?, ?, '2024-01-01', '2024-01-01')",
                         (title, doi, title[:4] + str(len(title) + len(doi or ""))))
    conn.close()
    monkeypatch.undo()
    with Library.open(library_path) as library:
        assert _titles(library, DUPLICATES_VIEW) == ["Other", "Sabia", "Sabiá"]
