"""Numbered schema migrations. `PRAGMA user_version` holds the number of the
last one applied; each runs in one transaction after a backup of the file."""

from __future__ import annotations

from lectern.core.store.fulltext_schema import FULLTEXT_SCHEMA, FULLTEXT_TRIGGER_NAMES, FULLTEXT_TRIGGERS
from lectern.core.store.search_schema import FTS_OBJECTS, FTS_REBUILD, FTS_SCHEMA

__all__ = ["FTS_OBJECTS", "FTS_REBUILD", "FTS_SCHEMA", "MIGRATIONS", "SCHEMA_VERSION"]

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

# The full-text index as migrations 2-7 made it (its current form, and why it
# is built so, are in core/store/search_schema.py; migration 8 made it so).
_FTS_INSERT_TRIGGER_5 = """CREATE TRIGGER paper_fts_after_insert AFTER INSERT ON paper BEGIN
    INSERT INTO paper_fts (rowid, title, abstract, authors, notes, tags) VALUES (
        new.id, lectern_fts_text(new.title), lectern_fts_text(new.abstract), lectern_fts_text(new.authors), '', '');
END;"""
_FTS_SCHEMA_2 = """
CREATE VIRTUAL TABLE paper_fts USING fts5(
    title, abstract, authors, notes, tags,
    tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE paper_fts_vocab USING fts5vocab(paper_fts, 'row');
CREATE VIEW paper_fts_source AS
    SELECT p.id AS rowid,
           CASE WHEN instr(p.title, '\\') THEN lectern_fts_text(p.title) ELSE p.title END AS title,
           CASE WHEN instr(p.abstract, '\\') THEN lectern_fts_text(p.abstract) ELSE p.abstract END AS abstract,
           CASE WHEN instr(p.authors, '\\') THEN lectern_fts_text(p.authors) ELSE p.authors END AS authors,
           coalesce((SELECT lectern_fts_text(n.body) FROM note n WHERE n.paper_id = p.id), '') AS notes,
           coalesce((SELECT group_concat(t.name, ' ') FROM paper_tag pt JOIN tag t ON t.id = pt.tag_id
                     WHERE pt.paper_id = p.id), '') AS tags
    FROM paper p;
""" + _FTS_INSERT_TRIGGER_5 + """
CREATE TRIGGER paper_fts_after_update AFTER UPDATE OF title, abstract, authors ON paper BEGIN
    DELETE FROM paper_fts WHERE rowid = old.id;
    INSERT INTO paper_fts (rowid, title, abstract, authors, notes, tags)
        SELECT * FROM paper_fts_source WHERE rowid = new.id;
END;
CREATE TRIGGER paper_fts_after_delete AFTER DELETE ON paper BEGIN
    DELETE FROM paper_fts WHERE rowid = old.id;
END;
CREATE TRIGGER note_fts_after_insert AFTER INSERT ON note BEGIN
    DELETE FROM paper_fts WHERE rowid = new.paper_id;
    INSERT INTO paper_fts (rowid, title, abstract, authors, notes, tags)
        SELECT * FROM paper_fts_source WHERE rowid = new.paper_id;
END;
CREATE TRIGGER note_fts_after_update AFTER UPDATE OF body ON note BEGIN
    DELETE FROM paper_fts WHERE rowid = new.paper_id;
    INSERT INTO paper_fts (rowid, title, abstract, authors, notes, tags)
        SELECT * FROM paper_fts_source WHERE rowid = new.paper_id;
END;
CREATE TRIGGER note_fts_after_delete AFTER DELETE ON note BEGIN
    DELETE FROM paper_fts WHERE rowid = old.paper_id;
    INSERT INTO paper_fts (rowid, title, abstract, authors, notes, tags)
        SELECT * FROM paper_fts_source WHERE rowid = old.paper_id;
END;
CREATE TRIGGER paper_tag_fts_after_insert AFTER INSERT ON paper_tag BEGIN
    DELETE FROM paper_fts WHERE rowid = new.paper_id;
    INSERT INTO paper_fts (rowid, title, abstract, authors, notes, tags)
        SELECT * FROM paper_fts_source WHERE rowid = new.paper_id;
END;
CREATE TRIGGER paper_tag_fts_after_delete AFTER DELETE ON paper_tag BEGIN
    DELETE FROM paper_fts WHERE rowid = old.paper_id;
    INSERT INTO paper_fts (rowid, title, abstract, authors, notes, tags)
        SELECT * FROM paper_fts_source WHERE rowid = old.paper_id;
END;
CREATE TRIGGER tag_fts_after_rename AFTER UPDATE OF name ON tag BEGIN
    DELETE FROM paper_fts WHERE rowid IN (SELECT paper_id FROM paper_tag WHERE tag_id = new.id);
    INSERT INTO paper_fts (rowid, title, abstract, authors, notes, tags)
        SELECT * FROM paper_fts_source WHERE rowid IN (SELECT paper_id FROM paper_tag WHERE tag_id = new.id);
END;
"""
_FTS_REBUILD_2 = """
DELETE FROM paper_fts;
INSERT INTO paper_fts (rowid, title, abstract, authors, notes, tags) SELECT * FROM paper_fts_source;
"""

# 2: the full-text index, built from the papers already there.
MIGRATIONS.append(_FTS_SCHEMA_2 + _FTS_REBUILD_2)

# 3: listing the library in any column's order reads a small index of the papers
# not in the Trash instead of scanning the table (100k papers: 170 ms -> ~20 ms).
MIGRATIONS.append("""
DROP INDEX ix_paper_title;
DROP INDEX ix_paper_year;
DROP INDEX ix_paper_added_at;
DROP INDEX ix_paper_starred;
DROP INDEX ix_paper_status;
CREATE INDEX ix_live_added ON paper (added_at) WHERE deleted_at IS NULL;
CREATE INDEX ix_live_title ON paper (title COLLATE NOCASE) WHERE deleted_at IS NULL;
CREATE INDEX ix_live_year ON paper (year) WHERE deleted_at IS NULL;
CREATE INDEX ix_live_starred ON paper (starred) WHERE deleted_at IS NULL;
CREATE INDEX ix_live_status ON paper (status) WHERE deleted_at IS NULL;
CREATE INDEX ix_trashed ON paper (deleted_at) WHERE deleted_at IS NOT NULL;
""")

# 4: the index source calls Python only for text holding LaTeX (a backslash):
# rebuilding 100k papers no longer makes 400,000 calls into Python.
MIGRATIONS.append("DROP VIEW paper_fts_source;\n"
                  + _FTS_SCHEMA_2[_FTS_SCHEMA_2.index("CREATE VIEW"):_FTS_SCHEMA_2.index("CREATE TRIGGER")])

# 5: the insert trigger no longer asks Python whether a bulk import is running
# (a bulk import drops it for its transaction instead).
MIGRATIONS.append("DROP TRIGGER paper_fts_after_insert;\n" + _FTS_INSERT_TRIGGER_5)

# 6: the identity keys of `lectern.core.domain.identity` stored beside title, DOI and
# arXiv id (filled here for the papers already there; writes keep them up to
# date), so `is:duplicate` groups on small indexes at any library size.
MIGRATIONS.append("""
ALTER TABLE paper ADD COLUMN title_key TEXT;
ALTER TABLE paper ADD COLUMN doi_key TEXT;
ALTER TABLE paper ADD COLUMN arxiv_key TEXT;
UPDATE paper SET title_key = lectern_title_key(title), doi_key = lectern_doi_key(doi),
    arxiv_key = lectern_arxiv_key(arxiv_id);
CREATE INDEX ix_live_title_key ON paper (title_key) WHERE deleted_at IS NULL AND title_key IS NOT NULL;
CREATE INDEX ix_live_doi_key ON paper (doi_key) WHERE deleted_at IS NULL AND doi_key IS NOT NULL;
CREATE INDEX ix_live_arxiv_key ON paper (arxiv_key) WHERE deleted_at IS NULL AND arxiv_key IS NOT NULL;
""")

# 7: complete records: each paper's entry type and every field as written (JSON
# pairs in source order, core/domain/entry.py); the other columns are readings
# of it. Papers stored before get the record their export was written from.
MIGRATIONS.append("""
ALTER TABLE paper ADD COLUMN entry_type TEXT NOT NULL DEFAULT 'misc';
ALTER TABLE paper ADD COLUMN fields TEXT NOT NULL DEFAULT '[]';
UPDATE paper SET entry_type = json_extract(r.record, '$[0]'), fields = json(json_extract(r.record, '$[1]'))
    FROM (SELECT id AS pid, lectern_record(title, abstract, authors, year, venue, arxiv_id, doi, url) AS record
          FROM paper) AS r
    WHERE paper.id = r.pid;
""")

# 8: the search index holds each paper's Unicode reading (braces and LaTeX
# symbols too: `M{\"u}ller`, `{T}est`, `Stra{\ss}e`) and two more columns, the
# venue and the record's editors; rebuilt from the papers already there. An
# index of entry types answers `type:` (a scan of 100k papers took 150 ms).
MIGRATIONS.append("".join(f"DROP TRIGGER IF EXISTS {name};\n" for name in FTS_OBJECTS if "_after_" in name)
                  + "DROP VIEW paper_fts_source;\nDROP TABLE paper_fts_vocab;\nDROP TABLE paper_fts;\n"
                  + FTS_SCHEMA + FTS_REBUILD
                  + "CREATE INDEX ix_live_type_added ON paper (entry_type, added_at) WHERE deleted_at IS NULL;\n")

# 9: the Authors, Venue and Type columns of the paper table sort on small indexes:
# authors and venue by stored sort keys (core/domain/sorting.py: the Unicode
# reading, folded; writes keep them up to date), the type by itself.
MIGRATIONS.append("""
ALTER TABLE paper ADD COLUMN authors_sort TEXT;
ALTER TABLE paper ADD COLUMN venue_sort TEXT;
UPDATE paper SET authors_sort = lectern_authors_sort(authors), venue_sort = lectern_venue_sort(venue);
CREATE INDEX ix_live_authors_sort ON paper (authors_sort) WHERE deleted_at IS NULL;
CREATE INDEX ix_live_venue_sort ON paper (venue_sort) WHERE deleted_at IS NULL;
CREATE INDEX ix_live_entry_type ON paper (entry_type COLLATE NOCASE) WHERE deleted_at IS NULL;
""")

# 10: files attached to papers (core/library/attachments.py). A copied file's
# path is relative to the storage folder beside the library, a linked file's
# absolute; the name is the file's name when attached, the hash its SHA-256.
# An attachment goes to the Trash with its paper (no state of its own here).
MIGRATIONS.append("""
CREATE TABLE attachment (
    id INTEGER PRIMARY KEY,
    paper_id INTEGER NOT NULL REFERENCES paper (id) ON DELETE CASCADE,
    position INTEGER NOT NULL DEFAULT 0,
    mode TEXT NOT NULL CHECK (mode IN ('copy', 'link')),
    path TEXT NOT NULL,
    name TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT '',
    added_at DATETIME NOT NULL
);
CREATE INDEX ix_attachment_paper ON attachment (paper_id, position);
CREATE INDEX ix_attachment_sha256 ON attachment (sha256);
""")

# 11: the attached PDFs' text (core/store/fulltext_schema.py): each one's extraction
# state, its pages' text, and page_fts over them (external content: stored once).
MIGRATIONS.append(FULLTEXT_SCHEMA)

# 12: each paper's stable id in a synced library (core/sync/): the name of its
# file in the sync repository, the same on every machine. Given at sync time
# (one statement for the papers without one), so adding papers pays nothing.
MIGRATIONS.append("""
CREATE TABLE paper_uid (
    paper_id INTEGER PRIMARY KEY REFERENCES paper (id) ON DELETE CASCADE,
    uid TEXT NOT NULL UNIQUE
);
""")

# 13: each tagged paper's first tag in alphabetical order, the key of the Tags
# column's sort: kept by triggers (derived, like the search index: not in the undo
# log, and right again after any undo since the triggers fire then too), so a sort
# reads one row a paper instead of gathering its tags.
_FIRST_TAG = ("SELECT pt.paper_id, min(t.name) FROM paper_tag pt JOIN tag t ON t.id = pt.tag_id "
              "WHERE pt.paper_id {papers} GROUP BY pt.paper_id")
MIGRATIONS.append(f"""
CREATE TABLE paper_tag_order (
    paper_id INTEGER PRIMARY KEY,
    tag_key TEXT NOT NULL COLLATE NOCASE
);
INSERT INTO paper_tag_order (paper_id, tag_key) {_FIRST_TAG.format(papers="IS NOT NULL")};
CREATE TRIGGER paper_tag_order_after_insert AFTER INSERT ON paper_tag BEGIN
    INSERT INTO paper_tag_order (paper_id, tag_key) SELECT new.paper_id, name FROM tag WHERE id = new.tag_id
        ON CONFLICT (paper_id) DO UPDATE SET tag_key = excluded.tag_key WHERE excluded.tag_key < tag_key;
END;
CREATE TRIGGER paper_tag_order_after_delete AFTER DELETE ON paper_tag BEGIN
    DELETE FROM paper_tag_order WHERE paper_id = old.paper_id;
    INSERT INTO paper_tag_order (paper_id, tag_key) {_FIRST_TAG.format(papers="= old.paper_id")};
END;
CREATE TRIGGER paper_tag_order_after_rename AFTER UPDATE OF name ON tag BEGIN
    REPLACE INTO paper_tag_order (paper_id, tag_key)
        {_FIRST_TAG.format(papers="IN (SELECT paper_id FROM paper_tag WHERE tag_id = new.id)")};
END;
CREATE TRIGGER paper_tag_order_after_paper_delete AFTER DELETE ON paper BEGIN
    DELETE FROM paper_tag_order WHERE paper_id = old.id;
END;
""")

# 14: the full-text triggers take out of page_fts and document_fts only what they
# hold, so that a rebuild of those indexes can run beside the window's writes.
MIGRATIONS.append("".join(f"DROP TRIGGER {name};\n" for name in FULLTEXT_TRIGGER_NAMES) + FULLTEXT_TRIGGERS)

# 15: the synced papers changed since the last sync (core/sync/), by sync id: kept by
# triggers, so a sync writes the files of those papers only, not of every paper. A
# paper's row, note or tags, a tag's name, a paper given an id or deleted mark it.
# Plain inserts, a paper marked as often as it changes (each mark's id tells a sync
# what it has written): a unique uid would clash under an outer INSERT OR ... or
# upsert, whose conflict policy SQLite applies inside the trigger too.
_MARK = "INSERT INTO sync_dirty (uid) SELECT uid FROM paper_uid WHERE paper_id = {}"
MIGRATIONS.append(f"""
CREATE TABLE sync_dirty (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL
);
CREATE TRIGGER sync_dirty_uid AFTER INSERT ON paper_uid BEGIN
    INSERT INTO sync_dirty (uid) VALUES (new.uid);
END;
CREATE TRIGGER sync_dirty_paper AFTER UPDATE ON paper BEGIN {_MARK.format("new.id")}; END;
CREATE TRIGGER sync_dirty_paper_delete BEFORE DELETE ON paper BEGIN {_MARK.format("old.id")}; END;
CREATE TRIGGER sync_dirty_note_insert AFTER INSERT ON note BEGIN {_MARK.format("new.paper_id")}; END;
CREATE TRIGGER sync_dirty_note_update AFTER UPDATE ON note BEGIN {_MARK.format("new.paper_id")}; END;
CREATE TRIGGER sync_dirty_note_delete AFTER DELETE ON note BEGIN {_MARK.format("old.paper_id")}; END;
CREATE TRIGGER sync_dirty_tag_insert AFTER INSERT ON paper_tag BEGIN {_MARK.format("new.paper_id")}; END;
CREATE TRIGGER sync_dirty_tag_delete AFTER DELETE ON paper_tag BEGIN {_MARK.format("old.paper_id")}; END;
CREATE TRIGGER sync_dirty_tag_rename AFTER UPDATE OF name ON tag BEGIN
    INSERT INTO sync_dirty (uid) SELECT u.uid FROM paper_tag pt JOIN paper_uid u ON u.paper_id = pt.paper_id
    WHERE pt.tag_id = new.id;
END;
""")

SCHEMA_VERSION = len(MIGRATIONS)
