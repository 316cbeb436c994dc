"""Numbered schema migrations. `PRAGMA user_version` holds the number of the
last one applied; each runs in one transaction after a backup of the file."""

from __future__ import annotations

MIGRATIONS: list[str] = [
    # 1: papers, tags, notes, reading lists, saved searches.
    """
    CREATE TABLE paper (
        id INTEGER PRIMARY KEY,
        title TEXT NOT NULL,
        abstract TEXT NOT NULL DEFAULT '',
        authors TEXT NOT NULL DEFAULT '',
        year INTEGER,
        venue TEXT NOT NULL DEFAULT '',
        arxiv_id TEXT,
        doi TEXT,
        url TEXT,
        citation_key TEXT NOT NULL,
        added_at DATETIME NOT NULL,
        updated_at DATETIME NOT NULL,
        starred BOOLEAN NOT NULL DEFAULT 0,
        status TEXT NOT NULL DEFAULT 'unread'
            CHECK (status IN ('unread', 'reading', 'read', 'skipped')),
        read_at DATETIME,
        deleted_at DATETIME
    );
    CREATE UNIQUE INDEX ix_paper_citation_key ON paper (citation_key COLLATE NOCASE);
    CREATE INDEX ix_paper_title ON paper (title COLLATE NOCASE);
    CREATE INDEX ix_paper_year ON paper (year);
    CREATE INDEX ix_paper_added_at ON paper (added_at);
    CREATE INDEX ix_paper_starred ON paper (starred);
    CREATE INDEX ix_paper_status ON paper (status);
    CREATE INDEX ix_paper_arxiv_id ON paper (arxiv_id);
    CREATE INDEX ix_paper_doi ON paper (doi COLLATE NOCASE);

    CREATE TABLE tag (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE
    );
    CREATE TABLE paper_tag (
        paper_id INTEGER NOT NULL REFERENCES paper (id) ON DELETE CASCADE,
        tag_id INTEGER NOT NULL REFERENCES tag (id) ON DELETE CASCADE,
        PRIMARY KEY (paper_id, tag_id)
    );
    CREATE INDEX ix_paper_tag_tag ON paper_tag (tag_id);

    CREATE TABLE note (
        paper_id INTEGER PRIMARY KEY REFERENCES paper (id) ON DELETE CASCADE,
        body TEXT NOT NULL DEFAULT '',
        created_at DATETIME NOT NULL,
        updated_at DATETIME NOT NULL
    );

    CREATE TABLE reading_list (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        created_at DATETIME NOT NULL
    );
    CREATE TABLE reading_list_item (
        list_id INTEGER NOT NULL REFERENCES reading_list (id) ON DELETE CASCADE,
        paper_id INTEGER NOT NULL REFERENCES paper (id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        PRIMARY KEY (list_id, paper_id)
    );
    CREATE INDEX ix_reading_list_item_paper ON reading_list_item (paper_id);

    CREATE TABLE saved_search (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        query TEXT NOT NULL,
        created_at DATETIME NOT NULL
    );

    CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    """,
]

SCHEMA_VERSION = len(MIGRATIONS)
