"""A table's indexes set aside while many rows go into it, and made again
from all its rows afterwards (in the same transaction): a row inserted into an
indexed table puts a key into each index at a random place, and once the
indexes outgrow the page cache every insert reads and rewrites their pages
(the rows' own pages, appended in order, push them out); building an index
from all its rows sorts them once instead."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from lectern.core.store.database import Connection


def worth_deferring(existing: int, adding: int) -> bool:
    """Whether adding `adding` rows to a table of `existing` rows is quicker
    with its indexes made again afterwards: only when the new rows are many
    and at least as many as the old (making the indexes again sorts them all)."""
    return adding >= 5000 and adding >= existing


@contextmanager
def deferred_indexes(conn: Connection, table: str, defer: bool = True) -> Iterator[None]:
    """Inside (one write transaction), `table` has none of its own indexes
    (those its UNIQUE or PRIMARY KEY constraints make stay); each is made
    again, as it was declared, on leaving. A UNIQUE index that the new rows
    break fails then, as their insert would have; the rollback of the
    transaction brings every index back as it was."""
    if not defer:
        yield
        return
    declared = [(name, sql) for name, sql in conn.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL "
        "ORDER BY rowid", (table,))]
    for name, _ in declared:
        conn.exec_driver_sql(f'DROP INDEX "{name}"')
    yield
    for _, sql in declared:
        conn.exec_driver_sql(sql)
