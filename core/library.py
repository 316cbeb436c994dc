"""The library facade: every read and write of a library goes through here.
Each write is one transaction and returns a `Changes` value."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Literal

from sqlalchemy import bindparam, insert, select, text

from core.changes import CancelToken, Changes, Progress
from core.citekeys import generate_keys
from core.db import Database
from core.models import Meta, Note, Paper
from core.text import find_links, latex_to_text

SortKey = Literal["title", "starred", "status", "year", "tags", "added"]
SORT_SQL: dict[str, str] = {
    "title": "p.title COLLATE NOCASE",
    "starred": "p.starred",
    "status": "p.status",
    "year": "p.year",
    "tags": "(SELECT group_concat(t.name, ', ') FROM paper_tag pt JOIN tag t ON t.id = pt.tag_id "
    "WHERE pt.paper_id = p.id ORDER BY t.name COLLATE NOCASE)",
    "added": "p.added_at",
}
INSERT_BATCH = 2000
ProgressFn = Callable[[Progress], None]


def utcnow() -> datetime:
    """The current time in UTC (timestamps are stored timezone-aware)."""
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class PaperRow:
    """What the paper table shows for one paper."""

    id: int
    title: str  # rendered for reading
    starred: bool
    status: str
    year: int | None
    tags: str
    added_at: datetime


@dataclass(frozen=True)
class PaperDetail:
    """Everything the detail pane shows for one paper."""

    paper: Paper
    title_text: str
    abstract_text: str
    links: list[str]
    tags: list[str] = field(default_factory=list)
    note: str = ""


class Library:
    """One open library file."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.db = Database(self.path)

    @classmethod
    def open(cls, path: Path) -> "Library":
        return cls(path)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "Library":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- meta -----------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        with self.db.read() as conn:
            return conn.execute(select(Meta.value).where(Meta.key == key)).scalar()

    # -- reads ----------------------------------------------------------
    def count(self) -> int:
        """Papers in the library (not in the Trash)."""
        with self.db.read() as conn:
            return conn.execute(text("SELECT count(*) FROM paper WHERE deleted_at IS NULL")).scalar_one()

    def paper_ids(self, sort: SortKey = "added", descending: bool = False) -> list[int]:
        """Ids of the library's papers in display order (sorted in SQL)."""
        order = SORT_SQL[sort]
        direction = "DESC" if descending else "ASC"
        sql = f"SELECT p.id FROM paper p WHERE p.deleted_at IS NULL ORDER BY {order} {direction}, p.id {direction}"
        with self.db.read() as conn:
            return [row[0] for row in conn.exec_driver_sql(sql)]

    def rows(self, ids: Sequence[int]) -> dict[int, PaperRow]:
        """Table rows for `ids` (missing ids are left out)."""
        if not ids:
            return {}
        table = Paper.__table__
        query = (
            select(
                table.c.id, table.c.title, table.c.starred, table.c.status, table.c.year, table.c.added_at,
                text(
                    "(SELECT group_concat(name, ', ') FROM (SELECT t.name AS name FROM paper_tag pt "
                    "JOIN tag t ON t.id = pt.tag_id WHERE pt.paper_id = paper.id ORDER BY t.name COLLATE NOCASE))"
                ),
            )
            .where(table.c.id.in_(bindparam("ids", expanding=True)))
        )
        with self.db.read() as conn:
            result = conn.execute(query, {"ids": list(ids)})
            return {
                r[0]: PaperRow(r[0], latex_to_text(r[1]), bool(r[2]), r[3], r[4], r[6] or "", r[5])
                for r in result
            }

    def paper(self, paper_id: int) -> PaperDetail | None:
        """One paper with its tags and note, rendered for reading."""
        with self.db.read() as conn:
            row = conn.execute(select(Paper.__table__).where(Paper.__table__.c.id == paper_id)).mappings().first()
            if row is None:
                return None
            tags = [
                r[0]
                for r in conn.exec_driver_sql(
                    "SELECT t.name FROM paper_tag pt JOIN tag t ON t.id = pt.tag_id "
                    "WHERE pt.paper_id = ? ORDER BY t.name COLLATE NOCASE",
                    (paper_id,),
                )
            ]
            note = conn.execute(select(Note.body).where(Note.paper_id == paper_id)).scalar() or ""
        paper = Paper.model_validate(dict(row))
        links = find_links(paper.abstract)
        if paper.url and paper.url not in links:
            links.insert(0, paper.url)
        return PaperDetail(
            paper=paper,
            title_text=latex_to_text(paper.title),
            abstract_text=latex_to_text(paper.abstract),
            links=links,
            tags=tags,
            note=note,
        )

    def citation_keys(self) -> set[str]:
        """All citation keys in use, lower-cased (Trash included)."""
        with self.db.read() as conn:
            return {r[0].lower() for r in conn.exec_driver_sql("SELECT citation_key FROM paper")}

    # -- writes ---------------------------------------------------------
    def add_papers(
        self,
        papers: Sequence[NewPaper],
        progress: ProgressFn | None = None,
        cancel: CancelToken | None = None,
        meta: dict[str, str] | None = None,
    ) -> Changes:
        """Add papers in one transaction: all of them, or (on error or cancel)
        none. `meta` entries are written in the same transaction."""
        now = utcnow()
        table = Paper.__table__
        with self.db.write() as conn:
            taken = {r[0].lower() for r in conn.exec_driver_sql("SELECT citation_key FROM paper")}
            generated = generate_keys(
                ((p.title, p.authors, p.year) for p in papers if not p.citation_key), taken
            )
            keys = iter(generated)
            values = []
            for p in papers:
                key = p.citation_key
                if key is None:
                    key = next(keys)
                else:
                    taken.add(key.lower())
                values.append(
                    {
                        "title": p.title, "abstract": p.abstract, "authors": p.authors, "year": p.year,
                        "venue": p.venue, "arxiv_id": p.arxiv_id, "doi": p.doi, "url": p.url,
                        "citation_key": key, "added_at": now, "updated_at": now,
                        "starred": False, "status": "unread",
                    }
                )
            before = conn.exec_driver_sql("SELECT coalesce(max(id), 0) FROM paper").scalar_one()
            for start in range(0, len(values), INSERT_BATCH):
                if cancel:
                    cancel.check()
                conn.execute(insert(table), values[start : start + INSERT_BATCH])
                if progress:
                    progress(Progress(min(start + INSERT_BATCH, len(values)), len(values), "Adding papers"))
            for key, value in (meta or {}).items():
                conn.exec_driver_sql("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))
            new_ids = [r[0] for r in conn.exec_driver_sql("SELECT id FROM paper WHERE id > ?", (before,))]
        return Changes(papers=frozenset(new_ids), membership=True)
