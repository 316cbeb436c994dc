"""The full text's tables as the search reads them (the migration that makes
them is in core/store/migrations.py). Each attached PDF has an extraction state
(pending / done / failed with its reason); its pages' text is in `fulltext_page`,
indexed by `page_fts`, an FTS5 table whose content is that table (external
content: the text is stored once, the index adds only its terms)."""

from __future__ import annotations

STATES = ("pending", "done", "failed")


def page_paper(rowid: str) -> str:
    """Joins the page row `f` whose id is `rowid` and its attachment `a` (whose
    paper_id is the page's paper: a merge that moves attachments is followed)."""
    return f"JOIN fulltext_page f ON f.id = {rowid} JOIN attachment a ON a.id = f.attachment_id"


# The papers having a page that matches `page_fts MATCH ?`.
PAPERS_WITH_PAGES = f"SELECT a.paper_id FROM page_fts {page_paper('page_fts.rowid')} WHERE page_fts MATCH ?"
# An attachment whose text is still to be read: a PDF with no state yet, or pending.
PENDING = ("SELECT a.id FROM attachment a LEFT JOIN fulltext_state s ON s.attachment_id = a.id "
           "WHERE (s.status IS NULL OR s.status = 'pending') "
           "AND (a.kind = 'application/pdf' OR lower(a.name) LIKE '%.pdf')")

FULLTEXT_SCHEMA = """
CREATE TABLE fulltext_state (
    attachment_id INTEGER PRIMARY KEY REFERENCES attachment (id) ON DELETE CASCADE,
    status TEXT NOT NULL CHECK (status IN ('pending', 'done', 'failed')),
    reason TEXT NOT NULL DEFAULT '',
    pages INTEGER NOT NULL DEFAULT 0,
    chars INTEGER NOT NULL DEFAULT 0,
    truncated BOOLEAN NOT NULL DEFAULT 0,
    updated_at DATETIME NOT NULL
);
CREATE TABLE fulltext_page (
    id INTEGER PRIMARY KEY,
    attachment_id INTEGER NOT NULL REFERENCES attachment (id) ON DELETE CASCADE,
    page INTEGER NOT NULL,
    text TEXT NOT NULL
);
CREATE INDEX ix_fulltext_page_attachment ON fulltext_page (attachment_id, page);
CREATE VIRTUAL TABLE page_fts USING fts5(
    text, content = 'fulltext_page', content_rowid = 'id',
    tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER fulltext_page_after_insert AFTER INSERT ON fulltext_page BEGIN
    INSERT INTO page_fts (rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER fulltext_page_after_delete AFTER DELETE ON fulltext_page BEGIN
    INSERT INTO page_fts (page_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
"""
