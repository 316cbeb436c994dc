"""A paper as read from the library: a plain dataclass with the columns of the
`paper` table (declared in core/store/models.py). Reads build these directly from
SQLite rows: validating through SQLModel cost 0.34 ms a paper (34 s for a
100,000-paper export), and importing SQLModel costs a third of a second at start."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from operator import itemgetter
from typing import Any, Literal, get_args

from lectern.core.domain.damage import DamagedValue
from lectern.core.domain.entry import load_fields

STATUSES = ("unread", "reading", "read", "skipped")
# What a listing can be sorted by: the paper table's columns, in their order.
SortKey = Literal["title", "starred", "status", "year", "tags", "added", "authors", "venue", "type"]
SORT_KEYS: tuple[SortKey, ...] = get_args(SortKey)
PAPER_COLUMNS = ("id", "title", "abstract", "authors", "year", "venue", "arxiv_id", "doi", "url", "citation_key",
                 "added_at", "updated_at", "starred", "status", "read_at", "deleted_at", "entry_type", "fields")

_IN_ORDER = itemgetter(*PAPER_COLUMNS)


def clean_name(name: str) -> str:
    """A tag or reading-list name as stored: spaces collapsed, no double quotes
    (so `tag:"name"` and `list:"name"` can always quote it)."""
    return " ".join(name.replace('"', "").split())


def same_tags(a: Iterable[str], b: Iterable[str]) -> bool:
    """Whether two lists name the same tags, as tags are stored (any case)."""
    return {clean_name(t).lower() for t in a} - {""} == {clean_name(t).lower() for t in b} - {""}


def stored_time(value: str | None) -> datetime | None:
    """A stored timestamp (UTC text) as an aware datetime (DamagedValue when it does not parse)."""
    if not value:
        return None
    try:
        return _parsed_time(value)
    except (TypeError, ValueError):
        raise DamagedValue(f"a stored date reads {str(value)[:40]!r}") from None


@lru_cache(maxsize=1024)
def _parsed_time(value: str) -> datetime:
    """(Papers added together share their timestamps: every row read parses four.)"""
    return datetime.fromisoformat(str(value).replace("Z", "+00:00")).replace(tzinfo=timezone.utc)


@dataclass(slots=True)
class PaperRecord:
    id: int
    title: str
    abstract: str
    authors: str
    year: int | None
    venue: str
    arxiv_id: str | None
    doi: str | None
    url: str | None
    citation_key: str
    added_at: datetime
    updated_at: datetime
    starred: bool
    status: str
    read_at: datetime | None
    deleted_at: datetime | None
    entry_type: str = "misc"
    fields: tuple[tuple[str, str], ...] = ()  # the record as written; the values above are its readings

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> "PaperRecord":
        return cls.from_values(_IN_ORDER(row))

    @classmethod
    def from_values(cls, row: Sequence[Any]) -> "PaperRecord":
        """From a row of the PAPER_COLUMNS in their order (a plain SQLite row:
        no dict is made for each of an export's papers)."""
        (paper_id, title, abstract, authors, year, venue, arxiv_id, doi, url, citation_key, added_at, updated_at,
         starred, status, read_at, deleted_at, entry_type, fields) = row
        return cls(paper_id, title, abstract or "", authors or "", year, venue or "", arxiv_id, doi, url,
                   citation_key, stored_time(added_at), stored_time(updated_at),  # type: ignore[arg-type]
                   bool(starred), status, stored_time(read_at), stored_time(deleted_at), entry_type,
                   load_fields(fields))


@dataclass(frozen=True, slots=True)
class NewPaper:
    """A paper to add; the citation key is generated when not given."""

    title: str
    abstract: str = ""
    authors: str = ""
    year: int | None = None
    venue: str = ""
    arxiv_id: str | None = None
    doi: str | None = None
    url: str | None = None
    citation_key: str | None = None
    entry_type: str | None = None  # with `fields`: the complete record (core/domain/entry.py)
    fields: tuple[tuple[str, str], ...] = ()  # empty: made from the values above when added
