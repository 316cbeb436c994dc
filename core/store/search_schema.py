"""The full-text index's objects as they are now (migration 8 made them so;
core/store/migrations.py keeps the older forms its earlier migrations ran).

The index lives in the same database, kept in step by triggers in the same
transaction as the data. It holds each paper's Unicode reading for search:
`lectern_fts_text` (core/text/latex.index_text, registered on every connection
by core/store/database.py) renders LaTeX accents, symbols and braces, and is
called only for text holding a backslash or a brace. Beside the paper's title,
abstract, authors, note and tags it holds the venue reading and the record's
editors (`venue:`, `editor:`). A bulk import drops the insert triggers for its
transaction and indexes its papers (with their notes and tags) in one
statement at the end (core/search/index.py): any trigger on a table costs
~30 us a row, and FTS5 flushes a segment at every trigger statement."""

from __future__ import annotations

FTS_COLUMNS = ("title", "abstract", "authors", "notes", "tags", "venue", "editor")
_INSERT_INTO = "INSERT INTO paper_fts (rowid, " + ", ".join(FTS_COLUMNS) + ")"


def _reading(column: str) -> str:
    """SQL for the index's reading of a text column: Python only when it holds LaTeX."""
    return f"CASE WHEN instr({column}, '\\') OR instr({column}, '{{') THEN lectern_fts_text({column}) ELSE {column} END"


def _editors(fields: str) -> str:
    """SQL for the readings of a record's editor fields (JSON pairs, any case of
    the name); the LIKE skips parsing the records that have none."""
    return (f"CASE WHEN {fields} LIKE '%\"editor\"%' THEN coalesce((SELECT group_concat(lectern_fts_text("
            f"json_extract(e.value, '$[1]')), ' ') FROM json_each({fields}) e "
            "WHERE lower(json_extract(e.value, '$[0]')) = 'editor'), '') "
            "ELSE '' END")


# A paper's note and tags as the index holds them (over paper `p`).
NOTES_READING = "coalesce((SELECT lectern_fts_text(n.body) FROM note n WHERE n.paper_id = p.id), '')"
TAGS_READING = ("coalesce((SELECT group_concat(t.name, ' ') FROM paper_tag pt JOIN tag t ON t.id = pt.tag_id\n"
                "                     WHERE pt.paper_id = p.id), '')")


def _reindex(rowids: str) -> str:
    return f"""DELETE FROM paper_fts WHERE rowid {rowids};
    {_INSERT_INTO}
        SELECT * FROM paper_fts_source WHERE rowid {rowids};"""


FTS_INSERT_TRIGGER = f"""CREATE TRIGGER paper_fts_after_insert AFTER INSERT ON paper BEGIN
    {_INSERT_INTO} VALUES (
        new.id, lectern_fts_text(new.title), lectern_fts_text(new.abstract), lectern_fts_text(new.authors), '', '',
        lectern_fts_text(new.venue), {_editors('new.fields')});
END;"""
FTS_SCHEMA = f"""
CREATE VIRTUAL TABLE paper_fts USING fts5(
    {", ".join(FTS_COLUMNS)},
    tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE paper_fts_vocab USING fts5vocab(paper_fts, 'row');
CREATE VIEW paper_fts_source AS
    SELECT p.id AS rowid,
           {_reading('p.title')} AS title,
           {_reading('p.abstract')} AS abstract,
           {_reading('p.authors')} AS authors,
           {NOTES_READING} AS notes,
           {TAGS_READING} AS tags,
           {_reading('p.venue')} AS venue,
           {_editors('p.fields')} AS editor
    FROM paper p;
{FTS_INSERT_TRIGGER}
CREATE TRIGGER paper_fts_after_update AFTER UPDATE OF title, abstract, authors, venue, fields ON paper BEGIN
    {_reindex("= new.id")}
END;
CREATE TRIGGER paper_fts_after_delete AFTER DELETE ON paper BEGIN
    DELETE FROM paper_fts WHERE rowid = old.id;
END;
CREATE TRIGGER note_fts_after_insert AFTER INSERT ON note BEGIN
    {_reindex("= new.paper_id")}
END;
CREATE TRIGGER note_fts_after_update AFTER UPDATE OF body ON note BEGIN
    {_reindex("= new.paper_id")}
END;
CREATE TRIGGER note_fts_after_delete AFTER DELETE ON note BEGIN
    {_reindex("= old.paper_id")}
END;
CREATE TRIGGER paper_tag_fts_after_insert AFTER INSERT ON paper_tag BEGIN
    {_reindex("= new.paper_id")}
END;
CREATE TRIGGER paper_tag_fts_after_delete AFTER DELETE ON paper_tag BEGIN
    {_reindex("= old.paper_id")}
END;
CREATE TRIGGER tag_fts_after_rename AFTER UPDATE OF name ON tag BEGIN
    {_reindex("IN (SELECT paper_id FROM paper_tag WHERE tag_id = new.id)")}
END;
"""
FTS_OBJECTS = (
    "paper_fts", "paper_fts_vocab", "paper_fts_source",
    "paper_fts_after_insert", "paper_fts_after_update", "paper_fts_after_delete",
    "note_fts_after_insert", "note_fts_after_update", "note_fts_after_delete",
    "paper_tag_fts_after_insert", "paper_tag_fts_after_delete", "tag_fts_after_rename",
)
FTS_REBUILD = f"""
DELETE FROM paper_fts;
{_INSERT_INTO} SELECT * FROM paper_fts_source;
"""


def index_papers_sql(where: str) -> str:
    """The statement that indexes the papers matching `where` (over the source view)."""
    return f"{_INSERT_INTO} SELECT * FROM paper_fts_source WHERE {where}"
