"""The sample reading list Lectern loads into a new library, as a second
machine meets it: a new library joining a sync remote that already holds a
library should take that library over, but the window has loaded the sample
into it first, so it is not empty. While the sample is exactly as loaded
(nothing starred, read, tagged, noted, listed, trashed or edited, nothing
else added), it gives way; once the user touched it, it is their library."""

from __future__ import annotations

from lectern.core.domain.changes import Changes, Collection
from lectern.core.library.facade import Library
from lectern.core.store.database import Connection
from lectern.core.transfer.importing import SEEDED_KEY

_UNTOUCHED = (
    "SELECT count(*) = 0 FROM ("
    " SELECT 1 FROM note WHERE body != '' UNION ALL SELECT 1 FROM paper_tag UNION ALL SELECT 1 FROM reading_list"
    " UNION ALL SELECT 1 FROM saved_search UNION ALL SELECT 1 FROM attachment UNION ALL SELECT 1 FROM paper_uid"
    " UNION ALL SELECT 1 FROM paper WHERE starred OR status != 'unread' OR deleted_at IS NOT NULL"
    " OR updated_at != added_at OR added_at != (SELECT min(added_at) FROM paper)"
    " LIMIT 1)")


def only_the_sample(library: Library) -> bool:
    """Whether the library holds the sample reading list as it was loaded, and nothing else."""
    if library.get_meta(SEEDED_KEY) is None or library.count() == 0:
        return False
    with library.db.read() as conn:
        return bool(conn.exec_driver_sql(_UNTOUCHED).scalar_one())


def remove_the_sample(library: Library) -> Changes:
    """Delete the untouched sample (one undo step until quit); nothing when it
    was touched meanwhile (checked inside the same write: a star pressed just
    before is never lost)."""
    if not only_the_sample(library):
        return Changes()
    with library.db.read() as conn:
        papers = frozenset(r[0] for r in conn.exec_driver_sql("SELECT id FROM paper"))

    def op(conn: Connection) -> None:
        if conn.exec_driver_sql(_UNTOUCHED).scalar_one():
            conn.exec_driver_sql("DELETE FROM paper")

    changes = Changes(papers=papers, membership=True, collections=frozenset({Collection.TAGS, Collection.LISTS}))
    library.history.change("Sample reading list removed", op, changes)
    return changes if library.count() == 0 else Changes()
