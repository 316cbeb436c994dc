"""The Trash: papers deleted from the library stay here, restorable, until it
is emptied (and undo can bring even those back until quit)."""

from __future__ import annotations

from collections.abc import Iterable

from lectern.core.domain.changes import Changes, Collection
from lectern.core.library.history import History
from lectern.core.library.rows import _ids, now_text
from lectern.core.store.database import Connection, Database
from lectern.core.text.wording import plural


class Trash:
    """The library's Trash."""

    def __init__(self, db: Database, history: History) -> None:
        self.db = db
        self.history = history

    def put(self, ids: Iterable[int]) -> Changes:
        papers = _ids(ids)
        return self.history.change(
            f"Delete {plural(len(papers), 'paper')}",
            lambda conn: conn.exec_driver_sql(
                f"UPDATE paper SET deleted_at = ? WHERE id IN ({','.join(map(str, papers))}) AND deleted_at IS NULL",
                (now_text(),)),
            Changes(papers=papers, membership=True,
                    collections=frozenset({Collection.TAGS, Collection.LISTS, Collection.TRASH})),
        )

    def restore(self, ids: Iterable[int]) -> Changes:
        papers = _ids(ids)
        return self.history.change(
            f"Restore {plural(len(papers), 'paper')}",
            lambda conn: conn.exec_driver_sql(
                f"UPDATE paper SET deleted_at = NULL WHERE id IN ({','.join(map(str, papers))})"),
            Changes(papers=papers, membership=True,
                    collections=frozenset({Collection.TAGS, Collection.LISTS, Collection.TRASH})),
        )

    def ids(self) -> list[int]:
        with self.db.read() as conn:
            return [r[0] for r in conn.exec_driver_sql("SELECT id FROM paper WHERE deleted_at IS NOT NULL")]

    def empty(self) -> Changes:
        """Delete the papers in the Trash for good (undoable until quit)."""
        papers = _ids(self.ids())
        if not papers:
            return Changes()
        def op(conn: Connection) -> None:
            self.history.keep_index_text(conn, papers)
            conn.exec_driver_sql(f"DELETE FROM paper WHERE id IN ({','.join(map(str, papers))})")
            conn.exec_driver_sql("DELETE FROM tag WHERE id NOT IN (SELECT tag_id FROM paper_tag)")

        return self.history.change(f"Empty Trash ({plural(len(papers), 'paper')})", op,
                            Changes(papers=papers, membership=True,
                                    collections=frozenset({Collection.TAGS, Collection.LISTS, Collection.TRASH})))
