"""`lectern check`: is the library whole? SQLite's integrity check over the
file, every paper read back as Lectern reads it (a damaged page can pass the
check yet hold a date or text that no longer decodes), then the search index
checked and, when damaged, rebuilt from the papers (it is derived data)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from lectern.core.domain.records import PAPER_COLUMNS, PaperRecord
from lectern.core.store.library_errors import LibraryDamaged

if TYPE_CHECKING:
    from lectern.core.library.facade import Library

READ_BATCH = 2000  # papers read back per read transaction
TEXT_COLUMNS = (("note", "body"), ("tag", "name"), ("reading_list", "name"), ("saved_search", "query"))


@dataclass(frozen=True)
class Health:
    """What a check found: the file's problem (damage: restore a backup), the
    search index's problem (None when whole) and whether it was rebuilt."""

    papers: int
    file_problem: str | None = None
    index_problem: str | None = None
    index_rebuilt: bool = False

    @property
    def healthy(self) -> bool:
        return self.file_problem is None and (self.index_problem is None or self.index_rebuilt)


def integrity_problem(library: "Library") -> str | None:
    """None when SQLite's full integrity_check passes and every stored value reads back."""
    with library.db.read() as conn:
        rows = [r[0] for r in conn.exec_driver_sql("PRAGMA integrity_check(20)")]
    if rows != ["ok"]:
        return "; ".join(str(r) for r in rows[:3])
    try:
        last = 0
        while True:
            with library.db.read() as conn:
                batch = list(conn.exec_driver_sql(
                    f"SELECT {', '.join(PAPER_COLUMNS)} FROM paper WHERE id > ? ORDER BY id LIMIT {READ_BATCH}",
                    (last,)).mappings())
                for row in batch:
                    PaperRecord.from_row(row)
            if not batch:
                break
            last = batch[-1]["id"]
        with library.db.read() as conn:
            for table, column in TEXT_COLUMNS:
                conn.exec_driver_sql(f"SELECT {column} FROM {table}").all()
    except LibraryDamaged as exc:
        return exc.detail or str(exc)
    return None


def check_health(library: "Library", repair_index: bool = True) -> Health:
    """Check the file, then (when it is whole) the search index, rebuilding a
    damaged index when `repair_index` (the caller holds the library's lock)."""
    try:
        problem = integrity_problem(library)
    except LibraryDamaged as exc:  # not even the integrity check could run
        problem = exc.detail or str(exc)
    if problem is not None:
        return Health(papers=0, file_problem=problem)
    papers = library.count()
    writable = not library.db.read_only  # FTS5's own integrity check is written as an INSERT
    index_problem = library.index.check(thorough=writable)
    if index_problem is None or not repair_index or not writable:
        return Health(papers=papers, index_problem=index_problem)
    library.index.rebuild()
    after = library.index.check(thorough=True)
    return Health(papers=papers, index_problem=after or index_problem, index_rebuilt=after is None)
