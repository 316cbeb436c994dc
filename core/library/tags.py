"""Tags: every tag with its count, tagging and untagging papers, renaming (and
merging) tags. Each write is one undo step."""

from __future__ import annotations

from collections.abc import Iterable

from lectern.core.domain.changes import Changes, Collection
from lectern.core.domain.records import clean_name
from lectern.core.library.history import History
from lectern.core.library.rows import EditError, TagRow, _ids, _live_counts_sql
from lectern.core.store.database import Connection, Database
from lectern.core.text.wording import plural


class Tags:
    """The library's tags."""

    def __init__(self, db: Database, history: History) -> None:
        self.db = db
        self.history = history

    def all(self) -> list[TagRow]:
        """Every tag with the number of papers (not in the Trash) carrying it."""
        with self.db.read() as conn:
            return [TagRow(*r) for r in conn.exec_driver_sql(_live_counts_sql("tag", "paper_tag", "tag_id"))]

    def add(self, ids: Iterable[int], names: Iterable[str]) -> Changes:
        papers = _ids(ids)
        clean = [n for n in dict.fromkeys(clean_name(n) for n in names) if n]
        if not clean:
            raise EditError("A tag needs a name.")

        def op(conn: Connection) -> None:
            if conn.exec_driver_sql(f"SELECT 1 FROM paper WHERE id IN ({','.join(map(str, papers))})").first() is None:
                return  # no paper to tag: no tag without papers either
            for name in clean:
                conn.exec_driver_sql("INSERT OR IGNORE INTO tag (name) VALUES (?)", (name,))
                tag_id = conn.exec_driver_sql("SELECT id FROM tag WHERE name = ?", (name,)).scalar_one()
                conn.exec_driver_sql(
                    f"INSERT OR IGNORE INTO paper_tag (paper_id, tag_id) SELECT id, ? FROM paper "
                    f"WHERE id IN ({','.join(map(str, papers))})", (tag_id,))

        label = f"Tag {plural(len(papers), 'paper')} " + ", ".join(clean)
        return self.history.change(label, op,
                            Changes(papers=papers, fields=frozenset({"tags"}),
                                    collections=frozenset({Collection.TAGS})))

    def remove(self, ids: Iterable[int], names: Iterable[str]) -> Changes:
        papers = _ids(ids)
        clean = [clean_name(n) for n in names]

        def op(conn: Connection) -> None:
            for name in clean:
                conn.exec_driver_sql(
                    f"DELETE FROM paper_tag WHERE paper_id IN ({','.join(map(str, papers))}) "
                    "AND tag_id = (SELECT id FROM tag WHERE name = ?)", (name,))
            conn.exec_driver_sql("DELETE FROM tag WHERE id NOT IN (SELECT tag_id FROM paper_tag)")

        label = f"Untag {plural(len(papers), 'paper')} " + ", ".join(clean)
        return self.history.change(label, op,
                            Changes(papers=papers, fields=frozenset({"tags"}),
                                    collections=frozenset({Collection.TAGS})))

    def rename(self, old: str, new: str) -> Changes:
        """Rename a tag everywhere; renaming onto an existing tag merges the two."""
        new = clean_name(new)
        if not new:
            raise EditError("A tag needs a name.")
        with self.db.read() as conn:
            source = conn.exec_driver_sql("SELECT id, name FROM tag WHERE name = ?", (clean_name(old),)).first()
            target = conn.exec_driver_sql("SELECT id FROM tag WHERE name = ?", (new,)).first()
            if source is None:
                raise EditError(f"There is no tag {old!r}.")
            papers = _ids(r[0] for r in conn.exec_driver_sql(
                "SELECT paper_id FROM paper_tag WHERE tag_id = ?", (source[0],)))
        merge = target is not None and target[0] != source[0]

        def op(conn: Connection) -> None:
            if merge:
                conn.exec_driver_sql(
                    "INSERT OR IGNORE INTO paper_tag (paper_id, tag_id) "
                    "SELECT paper_id, ? FROM paper_tag WHERE tag_id = ?",
                    (target[0], source[0]))
                conn.exec_driver_sql("DELETE FROM tag WHERE id = ?", (source[0],))
            else:
                conn.exec_driver_sql("UPDATE tag SET name = ? WHERE id = ?", (new, source[0]))

        label = f"Merge tag {source[1]} into {new}" if merge else f"Rename tag {source[1]} to {new}"
        return self.history.change(label, op,
                            Changes(papers=papers, fields=frozenset({"tags"}),
                                    collections=frozenset({Collection.TAGS})))
