"""Saved searches: named queries that stay live as the library changes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lectern.core.domain.changes import Changes, Collection
from lectern.core.library.history import History
from lectern.core.library.rows import now_text
from lectern.core.store.database import Database


@dataclass(frozen=True)
class SavedSearchRow:
    id: int
    name: str
    query: str


class SavedSearches:
    """The library's saved searches; `compile` refuses a query that cannot run."""

    def __init__(self, db: Database, history: History, compile: Callable[[str], Any]) -> None:
        self.db = db
        self.history = history
        self.compile = compile

    def all(self) -> list[SavedSearchRow]:
        with self.db.read() as conn:
            rows = conn.exec_driver_sql("SELECT id, name, query FROM saved_search ORDER BY name COLLATE NOCASE")
            return [SavedSearchRow(*r) for r in rows]

    def save(self, name: str, query: str) -> Changes:
        """Save (or replace) a named query; it stays live as the library changes."""
        name = name.strip()
        if not name:
            raise ValueError("A saved search needs a name.")
        self.compile(query)  # refuse a query that cannot run
        return self.history.change(
            f"Save search {name}",
            lambda conn: conn.exec_driver_sql(
                "INSERT INTO saved_search (name, query, created_at) VALUES (?, ?, ?) "
                "ON CONFLICT (name) DO UPDATE SET query = excluded.query",
                (name, query, now_text())),
            Changes(collections=frozenset({Collection.SEARCHES})))

    def delete(self, search_id: int) -> Changes:
        return self.history.change(
            "Delete saved search",
            lambda conn: conn.exec_driver_sql("DELETE FROM saved_search WHERE id = ?", (search_id,)),
            Changes(collections=frozenset({Collection.SEARCHES})))
