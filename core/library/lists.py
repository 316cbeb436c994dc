"""Reading lists: create, rename, delete, fill and order them. Each write is
one undo step."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from lectern.core.domain.changes import Changes, Collection
from lectern.core.domain.records import clean_name
from lectern.core.library.history import History
from lectern.core.library.rows import EditError, ListRow, _ids, _live_counts_sql, now_text
from lectern.core.store.database import Connection, Database
from lectern.core.text.wording import plural


class ReadingLists:
    """The library's reading lists."""

    def __init__(self, db: Database, history: History) -> None:
        self.db = db
        self.history = history

    def all(self) -> list[ListRow]:
        with self.db.read() as conn:
            return [ListRow(*r) for r in conn.exec_driver_sql(
                _live_counts_sql("reading_list", "reading_list_item", "list_id"))]

    def paper_ids(self, list_id: int) -> list[int]:
        """A list's papers in the user's order (Trash left out)."""
        with self.db.read() as conn:
            return [r[0] for r in conn.exec_driver_sql(
                "SELECT li.paper_id FROM reading_list_item li JOIN paper p ON p.id = li.paper_id "
                "WHERE li.list_id = ? AND p.deleted_at IS NULL ORDER BY li.position", (list_id,))]

    def _name_free(self, name: str, except_id: int | None = None) -> str:
        name = clean_name(name)
        if not name:
            raise EditError("A reading list needs a name.")
        with self.db.read() as conn:
            clash = conn.exec_driver_sql(
                "SELECT id FROM reading_list WHERE name = ? COLLATE NOCASE AND id != ?",
                (name, except_id or -1)).first()
        if clash:
            raise EditError(f"There is already a reading list named {name!r}.")
        return name

    def create(self, name: str) -> tuple[int, Changes]:
        name = self._name_free(name)
        created: list[int] = []

        def op(conn: Connection) -> None:
            created.append(conn.exec_driver_sql(
                "INSERT INTO reading_list (name, created_at) VALUES (?, ?)", (name, now_text())).cursor.lastrowid)

        changes = self.history.change(f"Create list {name}", op, Changes(collections=frozenset({Collection.LISTS})))
        return created[0], changes

    def rename(self, list_id: int, name: str) -> Changes:
        name = self._name_free(name, except_id=list_id)
        return self.history.change(
            f"Rename list to {name}",
            lambda conn: conn.exec_driver_sql("UPDATE reading_list SET name = ? WHERE id = ?", (name, list_id)),
            Changes(collections=frozenset({Collection.LISTS}), membership=True),
        )

    def delete(self, list_id: int) -> Changes:
        return self.history.change(
            "Delete list",
            lambda conn: conn.exec_driver_sql("DELETE FROM reading_list WHERE id = ?", (list_id,)),
            Changes(collections=frozenset({Collection.LISTS}), membership=True),
        )

    def add(self, list_id: int, ids: Sequence[int]) -> Changes:
        """Append papers to a list (ones already there keep their place; ids
        of papers not in the library are left out)."""
        def op(conn: Connection) -> None:
            if conn.exec_driver_sql("SELECT 1 FROM reading_list WHERE id = ?", (list_id,)).first() is None:
                raise EditError("That reading list no longer exists.")
            present = {r[0] for r in conn.exec_driver_sql(
                f"SELECT id FROM paper WHERE id IN ({','.join(map(str, _ids(ids)))})")}
            position = conn.exec_driver_sql(
                "SELECT coalesce(max(position), -1) + 1 FROM reading_list_item WHERE list_id = ?",
                (list_id,)).scalar_one()
            for paper_id in (i for i in dict.fromkeys(ids) if i in present):
                inserted = conn.exec_driver_sql(
                    "INSERT OR IGNORE INTO reading_list_item (list_id, paper_id, position) VALUES (?, ?, ?)",
                    (list_id, paper_id, position)).rowcount
                position += inserted

        return self.history.change(f"Add {plural(len(set(ids)), 'paper')} to list", op,
                            Changes(papers=_ids(ids), membership=True, collections=frozenset({Collection.LISTS})))

    def remove(self, list_id: int, ids: Iterable[int]) -> Changes:
        papers = _ids(ids)
        return self.history.change(
            f"Remove {plural(len(papers), 'paper')} from list",
            lambda conn: conn.exec_driver_sql(
                f"DELETE FROM reading_list_item WHERE list_id = ? AND paper_id IN ({','.join(map(str, papers))})",
                (list_id,)),
            Changes(papers=papers, membership=True, collections=frozenset({Collection.LISTS})),
        )

    def set_order(self, list_id: int, ordered_ids: Sequence[int], label: str = "Reorder list") -> Changes:
        """Put the list's papers in `ordered_ids` order (others keep theirs, after)."""
        def op(conn: Connection) -> None:
            current = [r[0] for r in conn.exec_driver_sql(
                "SELECT paper_id FROM reading_list_item WHERE list_id = ? ORDER BY position", (list_id,))]
            wanted = [i for i in dict.fromkeys(ordered_ids) if i in set(current)]
            order = wanted + [i for i in current if i not in set(wanted)]
            for position, paper_id in enumerate(order):
                conn.exec_driver_sql(
                    "UPDATE reading_list_item SET position = ? WHERE list_id = ? AND paper_id = ?",
                    (position, list_id, paper_id))

        return self.history.change(label, op,
                            Changes(membership=True, collections=frozenset({Collection.LISTS})))

    def move(self, list_id: int, ids: Iterable[int], delta: int) -> Changes:
        """Move papers up (delta < 0) or down the list, keeping their order."""
        order = self.paper_ids(list_id)
        moving = [i for i in order if i in set(ids)]
        rest = [i for i in order if i not in set(moving)]
        if not moving:
            return Changes()
        start = max(0, min(len(rest), order.index(moving[0]) + delta))
        new_order = rest[:start] + moving + rest[start:]
        return self.set_order(list_id, new_order,
                                   f"Move {plural(len(moving), 'paper')} {'up' if delta < 0 else 'down'}")
