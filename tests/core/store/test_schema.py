"""The migrated schema matches the SQLModel classes, and migrations back up first."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import fields
from pathlib import Path

import pytest
from sqlmodel import SQLModel

import lectern.core.store.models  # noqa: F401  (registers the tables)
from lectern.core.domain.identity import STORED_KEYS
from lectern.core.domain.records import PAPER_COLUMNS, STATUSES, PaperRecord
from lectern.core.domain.sorting import SORT_COLUMNS
from lectern.core.library.facade import Library
from lectern.core.store import database as core_db
from lectern.core.store.backups import backup_dir


def test_migrations_produce_exactly_the_models_schema(library_path: Path) -> None:
    """Every table, column, NOT NULL and primary key the models declare, and nothing else."""
    Library.open(library_path).close()
    conn = sqlite3.connect(library_path)
    try:
        tables = {r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND name NOT LIKE 'paper_fts%' AND name NOT LIKE 'page_fts%' AND name NOT LIKE 'document_fts%'")}
        assert tables == {t.name for t in SQLModel.metadata.sorted_tables}
        for table in SQLModel.metadata.sorted_tables:
            migrated = {row[1]: (bool(row[3]) or bool(row[5]), bool(row[5]))
                        for row in conn.execute(f"PRAGMA table_info({table.name})")}
            declared = {c.name: (not c.nullable, c.primary_key) for c in table.columns}
            assert migrated == declared, table.name
    finally:
        conn.close()


def test_the_paper_record_reads_the_models_columns() -> None:
    """What the facade selects at run time (PAPER_COLUMNS, PaperRecord) is the model's
    `paper` table less the identity keys, which only duplicate checks read, and
    the sort keys, which only ORDER BY reads."""
    model = [c.name for c in SQLModel.metadata.tables["paper"].columns]
    keys = [column for column, _ in (*STORED_KEYS.values(), *SORT_COLUMNS.values())]
    assert [c for c in model if c not in keys] == list(PAPER_COLUMNS)
    assert set(keys) <= set(model)
    assert [f.name for f in fields(PaperRecord)] == list(PAPER_COLUMNS)
    assert set(STATUSES) == set(STATUSES_IN_SCHEMA)


def test_a_migration_backs_up_the_library_first(library_path: Path, monkeypatch) -> None:
    with Library.open(library_path) as library:
        library.papers.add_many([core_db_paper()])
    current = len(core_db.MIGRATIONS)
    extra = "CREATE TABLE lectern_test_extra (id INTEGER PRIMARY KEY);"
    monkeypatch.setattr(core_db, "MIGRATIONS", [*core_db.MIGRATIONS, extra])
    monkeypatch.setattr(core_db, "SCHEMA_VERSION", current + 1)
    assert core_db.migrate(library_path) == current
    backups = list(backup_dir(library_path).glob("*.sqlite"))
    assert len(backups) == 1
    copy = sqlite3.connect(backups[0])
    try:
        assert copy.execute("SELECT title FROM paper").fetchall() == [("Kept",)]
        assert copy.execute("SELECT name FROM sqlite_master WHERE name='lectern_test_extra'").fetchall() == []
    finally:
        copy.close()


def test_a_failing_migration_leaves_the_library_as_it_was(library_path: Path, monkeypatch) -> None:
    with Library.open(library_path) as library:
        library.papers.add_many([core_db_paper()])
    current = len(core_db.MIGRATIONS)
    broken = "CREATE TABLE half_done (id INTEGER);\nTHIS IS NOT SQL;"
    monkeypatch.setattr(core_db, "MIGRATIONS", [*core_db.MIGRATIONS, broken])
    monkeypatch.setattr(core_db, "SCHEMA_VERSION", current + 1)
    with pytest.raises(sqlite3.OperationalError):
        core_db.migrate(library_path)
    conn = sqlite3.connect(library_path)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == current
        assert conn.execute("SELECT name FROM sqlite_master WHERE name='half_done'").fetchall() == []
        assert conn.execute("SELECT title FROM paper").fetchall() == [("Kept",)]
    finally:
        conn.close()


STATUSES_IN_SCHEMA = re.findall(r"'(\w+)'", re.search(r"CHECK \(status IN \(([^)]*)\)", core_db.MIGRATIONS[0]).group(1))


def core_db_paper():
    from lectern.core.domain.records import NewPaper

    return NewPaper(title="Kept", abstract="A note-worthy paper.")


def test_a_library_from_before_schema_5_opens_and_indexes_new_papers(library_path: Path) -> None:
    """Schema 4's insert trigger called a Python function this version no longer has."""
    conn = sqlite3.connect(library_path)
    conn.create_function("lectern_fts_text", 1, lambda text: text)
    for script in core_db.MIGRATIONS[:4]:
        conn.executescript(script)
    conn.executescript(
        "DROP TRIGGER paper_fts_after_insert;"
        "CREATE TRIGGER paper_fts_after_insert AFTER INSERT ON paper WHEN lectern_fts_live() BEGIN "
        "INSERT INTO paper_fts (rowid, title, abstract, authors, notes, tags) "
        "VALUES (new.id, new.title, new.abstract, new.authors, '', ''); END;"
        "PRAGMA user_version = 4;"
    )
    conn.close()
    with Library.open(library_path) as library:
        from lectern.core.domain.records import NewPaper

        library.papers.add_many([NewPaper(title="Graph networks for zebrafish behaviour")])
        (paper_id,) = library.search("zebrafish").ids
        library.trash.put([paper_id])
        library.trash.empty()
        assert library.search("zebrafish in:trash").ids == []
        library.history.undo()  # puts the row back one by one: the insert trigger indexes it
        assert library.search("zebrafish in:trash").ids == [paper_id]
        assert library.index.check() is None
