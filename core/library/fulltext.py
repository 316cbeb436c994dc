"""The attached PDFs' text as the library keeps it: each attachment's extraction
state (pending until read; done with its pages; failed with the reason) and its
pages. Saving a result is upkeep, not an edit: it is no undo step (undoing the
attachment's removal brings the file back, and its text is read again)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from lectern.core.domain.changes import Changes
from lectern.core.library.rows import now_text
from lectern.core.search.pages import PageHit, page_hits
from lectern.core.search.query import CompiledQuery
from lectern.core.store.database import Database
from lectern.core.store.fulltext_schema import PAGE_ROWS, PENDING, document_text


@dataclass(frozen=True)
class TextState:
    """How far an attachment's text is read: `status` is pending, done or failed."""

    attachment_id: int
    paper_id: int
    status: str
    reason: str = ""  # why there is no text (failed)
    pages: int = 0  # the document's page count
    chars: int = 0  # characters kept
    truncated: bool = False  # a cap stopped the reading

    def describe(self) -> str:
        """In the user's words: "text not extracted: encrypted (needs a password)"."""
        if self.status == "pending":
            return "text not read yet"
        if self.status == "failed":
            return f"text not extracted: {self.reason}"
        note = " (only the first part: the file is over the limits)" if self.truncated else ""
        return f"text of {self.pages} page{'s' if self.pages != 1 else ''} indexed{note}"


class FullText:
    """The library's full text: what is pending, saving what a reader found, and page hits."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def pending(self, limit: int | None = None) -> list[int]:
        """Attachment ids whose text is still to be read, oldest first (a restart resumes here)."""
        sql = PENDING + " ORDER BY a.id" + (f" LIMIT {int(limit)}" if limit is not None else "")
        with self.db.read() as conn:
            return [row[0] for row in conn.exec_driver_sql(sql)]

    def is_pending(self, attachment_id: int) -> bool:
        """True while this attachment's text is still to be read."""
        with self.db.read() as conn:
            return conn.exec_driver_sql(PENDING + " AND a.id = ?", (attachment_id,)).first() is not None

    def save(self, attachment_id: int, pages: Sequence[tuple[int, str]], reason: str | None = None,
             page_count: int = 0, truncated: bool = False) -> Changes:
        """Keep what was read from one attachment (its pages, or the reason there are
        none), replacing what was there; nothing when the attachment has gone meanwhile."""
        with self.db.write() as conn:
            row = conn.exec_driver_sql("SELECT paper_id FROM attachment WHERE id = ?", (attachment_id,)).first()
            if row is None:
                return Changes()
            # (only what document_fts holds is taken out: during a rebuild, it may not hold this one yet)
            if conn.exec_driver_sql("SELECT 1 FROM document_fts_docsize WHERE id = ?", (attachment_id,)).first():
                conn.exec_driver_sql("INSERT INTO document_fts (document_fts, rowid, text) "
                                     f"VALUES ('delete', ?, {document_text('?')})", (attachment_id, attachment_id))
            conn.exec_driver_sql("DELETE FROM fulltext_page WHERE attachment_id = ?", (attachment_id,))
            kept = [(attachment_id * PAGE_ROWS + int(n), attachment_id, int(n), text)
                    for n, text in pages if 0 < int(n) < PAGE_ROWS] if reason is None else []
            conn.raw.executemany("INSERT INTO fulltext_page (id, attachment_id, page, text) VALUES (?, ?, ?, ?)",
                                 kept)
            if kept:  # the same text document_text() reads back
                conn.exec_driver_sql("INSERT INTO document_fts (rowid, text) VALUES (?, ?)",
                                     (attachment_id, "\n".join(t for *_, t in kept)))
            conn.exec_driver_sql(
                "INSERT OR REPLACE INTO fulltext_state (attachment_id, status, reason, pages, chars, truncated, "
                "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (attachment_id, "failed" if reason else "done", reason or "", page_count,
                 sum(len(t) for *_, t in kept), int(truncated), now_text()))
        return Changes(papers=frozenset({row[0]}), fields=frozenset({"fulltext"}))

    def states(self, paper_ids: Iterable[int]) -> dict[int, list[TextState]]:
        """paper id -> the text state of each of its PDFs (pending when not read yet)."""
        ids = sorted({int(i) for i in paper_ids})
        if not ids:
            return {}
        found: dict[int, list[TextState]] = {}
        with self.db.read() as conn:
            rows = conn.exec_driver_sql(
                "SELECT a.id, a.paper_id, coalesce(s.status, 'pending'), coalesce(s.reason, ''), "
                "coalesce(s.pages, 0), coalesce(s.chars, 0), coalesce(s.truncated, 0) FROM attachment a "
                "LEFT JOIN fulltext_state s ON s.attachment_id = a.id "
                f"WHERE a.paper_id IN ({','.join(map(str, ids))}) "
                "AND (a.kind = 'application/pdf' OR lower(a.name) LIKE '%.pdf') ORDER BY a.paper_id, a.position, a.id")
            for aid, pid, status, reason, pages, chars, truncated in rows:
                found.setdefault(pid, []).append(TextState(aid, pid, status, reason, pages, chars, bool(truncated)))
        return found

    def pages(self, attachment_id: int) -> list[tuple[int, str]]:
        """The kept pages of one attachment: (page number, text)."""
        with self.db.read() as conn:
            return [(n, t) for n, t in conn.exec_driver_sql(
                "SELECT page, text FROM fulltext_page WHERE attachment_id = ? ORDER BY page", (attachment_id,))]

    def hits(self, query: CompiledQuery, paper_ids: Iterable[int]) -> dict[int, list[PageHit]]:
        """paper id -> the pages of its full text that `query` matched, with snippets."""
        if not query.page_match:
            return {}
        with self.db.read() as conn:
            return page_hits(conn, query.page_match, paper_ids)
