"""The library's tables declared as SQLModel classes: the one readable statement
of the schema (tables, columns, types, NOT NULL, keys) that the numbered
migrations in `core/store/migrations.py` must produce exactly, and that the
run-time column list (`PAPER_COLUMNS`, `PaperRecord`) must match; tests in
`tests/core/store/test_schema.py` check both. Run-time code does not import this
module: it reads and writes with `sqlite3`, because importing SQLAlchemy and
SQLModel would take a large share of the start-up time and validating every row
through SQLModel would slow large exports many times over. Change a table here
and in a new migration together."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlmodel import Field, SQLModel

from lectern.core.domain.records import STATUSES


class Paper(SQLModel, table=True):
    __tablename__ = "paper"

    id: Optional[int] = Field(default=None, primary_key=True)
    title: str
    abstract: str = ""
    authors: str = ""  # BibTeX style: "Last, First and Last, First"
    year: Optional[int] = None
    venue: str = ""
    arxiv_id: Optional[str] = None
    doi: Optional[str] = None
    url: Optional[str] = None
    citation_key: str  # unique case-insensitively (index in migration 1)
    added_at: datetime
    updated_at: datetime
    starred: bool = False
    status: str = STATUSES[0]  # one of STATUSES (the CHECK in migration 1)
    read_at: Optional[datetime] = None
    deleted_at: Optional[datetime] = None  # set when the paper is in the Trash
    # identity keys (lectern.core.domain.identity), written with title, DOI and arXiv id
    title_key: Optional[str] = Field(default=None, index=True)
    doi_key: Optional[str] = Field(default=None, index=True)
    arxiv_key: Optional[str] = Field(default=None, index=True)
    # the complete record (lectern.core.domain.entry): entry type and every field as written, JSON pairs
    entry_type: str = "misc"
    fields: str = "[]"
    # sort keys of the Authors and Venue columns (lectern.core.domain.sorting), written with them
    authors_sort: Optional[str] = Field(default=None, index=True)
    venue_sort: Optional[str] = Field(default=None, index=True)


class Tag(SQLModel, table=True):
    __tablename__ = "tag"

    id: Optional[int] = Field(default=None, primary_key=True)
    name: str


class PaperTag(SQLModel, table=True):
    __tablename__ = "paper_tag"

    paper_id: int = Field(foreign_key="paper.id", primary_key=True)
    tag_id: int = Field(foreign_key="tag.id", primary_key=True)


class Note(SQLModel, table=True):
    __tablename__ = "note"

    paper_id: int = Field(foreign_key="paper.id", primary_key=True)
    body: str = ""
    created_at: datetime
    updated_at: datetime


class ReadingList(SQLModel, table=True):
    __tablename__ = "reading_list"

    id: Optional[int] = Field(default=None, primary_key=True)
    name: str
    created_at: datetime


class ReadingListItem(SQLModel, table=True):
    __tablename__ = "reading_list_item"

    list_id: int = Field(foreign_key="reading_list.id", primary_key=True)
    paper_id: int = Field(foreign_key="paper.id", primary_key=True)
    position: int


class SavedSearch(SQLModel, table=True):
    __tablename__ = "saved_search"

    id: Optional[int] = Field(default=None, primary_key=True)
    name: str
    query: str
    created_at: datetime


class Attachment(SQLModel, table=True):
    """A file attached to a paper (core/library/attachments.py)."""

    __tablename__ = "attachment"

    id: Optional[int] = Field(default=None, primary_key=True)
    paper_id: int = Field(foreign_key="paper.id", index=True)
    position: int = 0
    mode: str  # 'copy': path relative to the storage folder; 'link': absolute
    path: str
    name: str  # the file's name when it was attached
    size: int
    sha256: str = Field(index=True)
    kind: str = ""  # MIME type
    added_at: datetime


class FulltextState(SQLModel, table=True):
    """How far an attached PDF's text is read (core/library/fulltext.py)."""

    __tablename__ = "fulltext_state"

    attachment_id: int = Field(primary_key=True, foreign_key="attachment.id")
    status: str  # 'pending', 'done' or 'failed'
    reason: str = ""
    pages: int = 0
    chars: int = 0
    truncated: bool = False
    updated_at: datetime


class FulltextPage(SQLModel, table=True):
    """One page of an attached PDF's text; page_fts indexes it (core/store/fulltext_schema.py)."""

    __tablename__ = "fulltext_page"

    id: Optional[int] = Field(default=None, primary_key=True)
    attachment_id: int = Field(foreign_key="attachment.id")
    page: int
    text: str


class Meta(SQLModel, table=True):
    __tablename__ = "meta"

    key: str = Field(primary_key=True)
    value: str


class PaperUid(SQLModel, table=True):
    """A paper's stable id in a synced library (core/sync/): its file's name in the sync repository."""

    __tablename__ = "paper_uid"

    paper_id: int = Field(foreign_key="paper.id", primary_key=True)
    uid: str = Field(unique=True)


class PaperTagOrder(SQLModel, table=True):
    """A tagged paper's first tag in alphabetical order: the Tags column's sort
    key, kept by triggers on paper_tag and tag (migration 13)."""

    __tablename__ = "paper_tag_order"

    paper_id: int = Field(primary_key=True)
    tag_key: str


class SyncDirty(SQLModel, table=True):
    """A synced paper changed since the last sync (by its sync id; kept by triggers, see migration 15)."""

    __tablename__ = "sync_dirty"

    id: int | None = Field(default=None, primary_key=True)
    uid: str
