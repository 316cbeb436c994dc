"""Where in a paper's full text a query matched: the pages, each with a short
snippet of plain text around the first match (FTS5's snippet over the page)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from lectern.core.store.database import Connection
from lectern.core.store.fulltext_schema import PAGE_ROWS

SNIPPET_TOKENS = 14
MAX_PAGES = 20  # pages named per paper


@dataclass(frozen=True)
class PageHit:
    attachment_id: int
    page: int  # from 1
    snippet: str  # plain text, "…" where it was cut


def page_hits(conn: Connection, page_match: str | None, paper_ids: Iterable[int],
              max_pages: int = MAX_PAGES) -> dict[int, list[PageHit]]:
    """paper id -> its matching pages in order (best attachment first), for the given papers."""
    ids = list(dict.fromkeys(int(i) for i in paper_ids))
    if not page_match or not ids:
        return {}
    hits: dict[int, list[PageHit]] = {}
    raw = conn.connection.driver_connection  # type: ignore[union-attr]
    # An attachment's pages are the row ids attachment * PAGE_ROWS + page: the index
    # is asked only about that range, never for every page of the library that matches.
    attachments = raw.execute(
        f"SELECT paper_id, id FROM attachment WHERE paper_id IN ({','.join('?' * len(ids))}) "
        "ORDER BY paper_id, position, id", ids).fetchall()
    for paper_id, attachment_id in attachments:
        found = hits.setdefault(paper_id, [])
        if len(found) >= max_pages:
            continue
        first = attachment_id * PAGE_ROWS
        rows = raw.execute(
            f"SELECT rowid - ?, snippet(page_fts, 0, '', '', '…', {SNIPPET_TOKENS}) FROM page_fts "
            "WHERE page_fts MATCH ? AND rowid BETWEEN ? AND ? ORDER BY rowid "
            f"LIMIT {int(max_pages - len(found))}", (first, page_match, first, first + PAGE_ROWS - 1))
        found += [PageHit(attachment_id, page, " ".join(str(snippet).split())) for page, snippet in rows]
    hits = {paper_id: found for paper_id, found in hits.items() if found}
    return hits
