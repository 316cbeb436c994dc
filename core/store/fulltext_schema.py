"""The full text's tables as the search reads them (the migration that makes
them is in core/store/migrations.py). Each attached PDF has an extraction state
(pending / done / failed with its reason); its pages' text is in `fulltext_page`,
indexed twice, without a second copy of the text (FTS5 external content):
`page_fts` by page (which pages a hit is on) and `document_fts` by attachment
(search and ranking: a few rows a paper, not one a page; with an index of
3-letter prefixes, for the word being typed). Saving a document
indexes it (core/library/fulltext.py); a trigger removes it from document_fts
before its attachment goes, while its pages are still there to say its terms.
The indexes are derived data: the pages' text is kept only in `fulltext_page`,
from which a rebuild makes both again."""

from __future__ import annotations

STATES = ("pending", "done", "failed")
# A page's row id is attachment id * PAGE_ROWS + page number: the index alone
# names a hit's attachment, without reading the page rows (3 kB each).
PAGE_ROWS = 100_000  # above any page cap (core/fulltext/results.py Limits.max_pages)

# The papers whose full text (any attachment's pages, as one document) matches `document_fts MATCH ?`.
PAPERS_WITH_PAGES = ("SELECT a.paper_id FROM document_fts JOIN attachment a ON a.id = document_fts.rowid "
                     "WHERE document_fts MATCH ?")
# The same where a query asks for it and not for its opposite (no NOT over it): a
# first screen may narrow it to the first documents that match, its `?` then a
# JSON list of their attachment ids (PAPERS_OF_DOCUMENTS; core/search/engine.py).
PAPERS_WITH_TEXT = ("SELECT a.paper_id FROM attachment a WHERE a.id IN "
                    "(SELECT rowid FROM document_fts WHERE document_fts MATCH ?)")
PAPERS_OF_DOCUMENTS = "SELECT a.paper_id FROM attachment a WHERE a.id IN (SELECT value FROM json_each(?))"


def document_text(attachment_id: str) -> str:
    """SQL for an attachment's whole text as document_fts indexed it: its pages in order, one a line."""
    return (f"(SELECT group_concat(text, char(10)) FROM (SELECT text FROM fulltext_page "
            f"WHERE attachment_id = {attachment_id} ORDER BY id))")


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
CREATE VIRTUAL TABLE document_fts USING fts5(
    text, content = '', prefix = '3', tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER attachment_document_before_delete BEFORE DELETE ON attachment
WHEN EXISTS (SELECT 1 FROM fulltext_page WHERE attachment_id = old.id) BEGIN
    INSERT INTO document_fts (document_fts, rowid, text)
        VALUES ('delete', old.id, """ + document_text("old.id") + """);
END;
"""

# The two indexes as they are now (migration 14 made their triggers so; migration
# 11 above made the first forms): a rebuild drops and creates them again from the
# kept pages (core/library/fulltext_index.py). Each trigger takes out of an index
# only what that index holds (its docsize row says so): during a rebuild, a page
# not indexed yet may be replaced or its attachment removed, and telling FTS5 to
# delete what it never held would damage the index.
FULLTEXT_INDEX_TABLES = ("page_fts", "document_fts")
FULLTEXT_TRIGGERS = """
CREATE TRIGGER fulltext_page_after_insert AFTER INSERT ON fulltext_page BEGIN
    INSERT INTO page_fts (rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER fulltext_page_after_delete AFTER DELETE ON fulltext_page
WHEN EXISTS (SELECT 1 FROM page_fts_docsize WHERE id = old.id) BEGIN
    INSERT INTO page_fts (page_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
CREATE TRIGGER attachment_document_before_delete BEFORE DELETE ON attachment
WHEN EXISTS (SELECT 1 FROM document_fts_docsize WHERE id = old.id) BEGIN
    INSERT INTO document_fts (document_fts, rowid, text)
        VALUES ('delete', old.id, """ + document_text("old.id") + """);
END;
"""
FULLTEXT_TRIGGER_NAMES = ("fulltext_page_after_insert", "fulltext_page_after_delete",
                          "attachment_document_before_delete")
FULLTEXT_INDEX = """
CREATE VIRTUAL TABLE page_fts USING fts5(
    text, content = 'fulltext_page', content_rowid = 'id',
    tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE document_fts USING fts5(
    text, content = '', prefix = '3', tokenize = 'porter unicode61 remove_diacritics 2'
);
""" + FULLTEXT_TRIGGERS
FULLTEXT_OBJECTS = (*FULLTEXT_INDEX_TABLES, *FULLTEXT_TRIGGER_NAMES,
                    *(f"{table}_{shadow}" for table in FULLTEXT_INDEX_TABLES for shadow in ("data", "idx", "docsize",
                                                                                            "config")))
