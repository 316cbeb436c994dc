"""Where in a paper's full text a query matched: the pages, each with a short
snippet of plain text around the first match (FTS5's snippet over the page)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from lectern.core.store.database import Connection
from lectern.core.store.fulltext_schema import page_paper

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
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        rows = raw.execute(
            f"SELECT a.paper_id, f.attachment_id, f.page, snippet(page_fts, 0, '', '', '…', {SNIPPET_TOKENS}) "
            f"FROM page_fts {page_paper('page_fts.rowid')} "
            f"WHERE page_fts MATCH ? AND a.paper_id IN ({','.join('?' * len(chunk))}) "
            "ORDER BY a.paper_id, a.position, f.attachment_id, f.page", (page_match, *chunk))
        for paper_id, attachment_id, page, snippet in rows:
            found = hits.setdefault(paper_id, [])
            if len(found) < max_pages:
                found.append(PageHit(attachment_id, page, " ".join(str(snippet).split())))
    return hits
