"""The papers of a library and what the reader writes on them: stars, reading
status, notes, metadata edits, adding papers (one or many) and merging
duplicates. Each write is one transaction and one undo step (`History`)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

from lectern.core.domain.arxiv import parse_arxiv
from lectern.core.domain.changes import (
    CancelToken,
    Changes,
    Collection,
    ProgressFn,
)
from lectern.core.domain.citekeys import KEY_RULE, is_valid_key
from lectern.core.domain.entry import (
    balanced,
    dump_fields,
    edited,
    filled,
    get,
    load_fields,
    readings,
    record_from_values,
)
from lectern.core.domain.identity import with_stored_keys
from lectern.core.domain.records import STATUSES, NewPaper, clean_name
from lectern.core.library.bulk_add import adding
from lectern.core.library.history import History
from lectern.core.library.rows import EDITABLE, EditError, _ids, now_text
from lectern.core.store.database import Connection, Database
from lectern.core.text.wording import plural


class Papers:
    """Writes on papers, through one `History`."""

    def __init__(self, db: Database, history: History) -> None:
        self.db = db
        self.history = history

    def set_starred(self, ids: Iterable[int], starred: bool) -> Changes:
        papers = _ids(ids)
        verb = "Star" if starred else "Unstar"
        marks = ",".join(map(str, papers))
        return self.history.change(
            f"{verb} {plural(len(papers), 'paper')}",
            lambda conn: conn.exec_driver_sql(
                f"UPDATE paper SET starred = ?, updated_at = ? WHERE id IN ({marks}) AND starred != ?",
                (int(starred), now_text(), int(starred))),
            Changes(papers=papers, fields=frozenset({"starred"})),
        )

    def toggle_star(self, ids: Iterable[int]) -> Changes:
        """Star the papers, or unstar them when all are starred already."""
        papers = _ids(ids)
        with self.db.read() as conn:
            starred = conn.exec_driver_sql(
                f"SELECT count(*) FROM paper WHERE id IN ({','.join(map(str, papers))}) AND starred"
            ).scalar_one()
        return self.set_starred(papers, starred < len(papers))

    def set_status(self, ids: Iterable[int], status: str) -> Changes:
        if status not in STATUSES:
            raise EditError(f"Unknown reading status {status!r}: use one of {', '.join(STATUSES)}.")
        papers = _ids(ids)
        marks = ",".join(map(str, papers))

        def op(conn: Connection) -> None:
            now = now_text()
            if status == "read":  # read_at records when the paper was read
                conn.exec_driver_sql(
                    f"UPDATE paper SET status = 'read', read_at = ?, updated_at = ? "
                    f"WHERE id IN ({marks}) AND status != 'read'", (now, now))
            else:
                conn.exec_driver_sql(
                    f"UPDATE paper SET status = ?, updated_at = ? WHERE id IN ({marks}) AND status != ?",
                    (status, now, status))

        return self.history.change(
            f"Mark {plural(len(papers), 'paper')} {status}",
            op,
            Changes(papers=papers, fields=frozenset({"status"})),
        )

    def note(self, paper_id: int) -> str:
        with self.db.read() as conn:
            return conn.exec_driver_sql("SELECT body FROM note WHERE paper_id = ?", (paper_id,)).scalar() or ""

    def set_note(self, paper_id: int, body: str) -> Changes:
        """Save a paper's note (autosave calls this; one small transaction).
        Undoable: the saves of one paper's note in a row are one step."""
        now = now_text()
        changes = Changes(papers=frozenset({paper_id}), fields=frozenset({"note"}))
        with self.history.step("Edit note", changes, merge_key=("note", paper_id)):
            with self.db.write() as conn:
                if conn.exec_driver_sql("SELECT 1 FROM paper WHERE id = ?", (paper_id,)).first() is None:
                    raise EditError("This paper is no longer in the library, so its note cannot be saved.")
                conn.exec_driver_sql(
                    "INSERT INTO note (paper_id, body, created_at, updated_at) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (paper_id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at "
                    "WHERE note.body != excluded.body",
                    (paper_id, body, now, now),
                )
        return changes

    def checked_fields(self, paper_id: int | None, fields: dict[str, Any]) -> dict[str, Any]:
        """Edited metadata made ready to store, or EditError saying what is
        wrong. The citation key must be valid and unused by any other paper;
        an arXiv id or URL fills in the id, year and URL."""
        unknown = set(fields) - set(EDITABLE)
        if unknown:
            raise EditError(f"These fields cannot be edited: {', '.join(sorted(unknown))}.")
        values = {k: (v.strip() if isinstance(v, str) else v) for k, v in fields.items()}
        if "title" in values and not values["title"]:
            raise EditError("A paper needs a title.")
        for name in ("title", "abstract", "authors", "venue"):
            if isinstance(values.get(name), str) and not balanced(values[name]):
                raise EditError(f"The braces in the {name} do not pair up: BibTeX needs each {{ closed by a }}.")
        for key in ("arxiv_id", "url"):
            if values.get(key):
                parsed = parse_arxiv(values[key])
                if parsed:
                    values["arxiv_id"] = parsed.id
                    if not values.get("year"):
                        values["year"] = parsed.year
                    if not values.get("url"):
                        values["url"] = parsed.url
                elif key == "arxiv_id":
                    raise EditError(f"{values[key]!r} is not an arXiv id (like 2106.09685) or arXiv URL.")
        if "year" in values and values["year"] not in (None, ""):
            try:
                values["year"] = int(values["year"])
            except (TypeError, ValueError):
                raise EditError(f"The year must be a number, not {values['year']!r}.") from None
            if not 1000 <= values["year"] <= 3000:
                raise EditError(f"{values['year']} does not look like a year.")
        elif "year" in values:
            values["year"] = None
        for key in ("doi", "url", "arxiv_id"):
            if key in values and values[key] == "":
                values[key] = None
        for key in ("authors", "venue", "abstract"):
            if key in values and values[key] is None:
                values[key] = ""
        if "citation_key" in values:
            key = values["citation_key"] or ""
            if not is_valid_key(key):
                raise EditError(KEY_RULE)
            with self.db.read() as conn:
                clash = conn.exec_driver_sql(
                    "SELECT title FROM paper WHERE citation_key = ? COLLATE NOCASE AND id != ?",
                    (key, -1 if paper_id is None else paper_id)).first()
            if clash:
                raise EditError(f"The citation key {key} is already used by “{clash[0]}”.")
        return values

    def update(self, paper_id: int, **fields: Any) -> Changes:
        """Edit a paper's metadata (see `_checked_fields`)."""
        values = self.checked_fields(paper_id, fields)
        columns = tuple(values)
        if not columns:
            return Changes()

        def op(conn: Connection) -> None:
            row = conn.exec_driver_sql("SELECT entry_type, fields FROM paper WHERE id = ?", (paper_id,)).first()
            if row is None:
                return  # gone meanwhile: nothing to edit
            record = edited(row[0], load_fields(row[1]), {k: v for k, v in values.items() if k != "citation_key"})
            written = with_stored_keys(values)
            written["fields"] = dump_fields(record)
            sets = ", ".join(f"{c} = ?" for c in written)
            conn.exec_driver_sql(f"UPDATE paper SET {sets}, updated_at = ? WHERE id = ?",
                                 (*written.values(), now_text(), paper_id))

        return self.history.change("Edit paper", op, Changes(papers=frozenset({paper_id}), fields=frozenset(columns)))

    def set_record(self, paper_id: int, entry_type: str, fields: Sequence[tuple[str, str]],
                   citation_key: str | None = None) -> Changes:
        """Replace a paper's whole record (the entry editor, its BibTeX source
        tab): entry type, every field, and the key; the readings the table
        shows are read from it again. EditError says what is wrong."""
        kind = entry_type.strip().lower()
        if not re.fullmatch(r"[a-z][a-z0-9_-]*", kind):
            raise EditError(f"{entry_type!r} is not an entry type (like article, book or inproceedings).")
        seen: set[str] = set()
        record = []
        for name, value in fields:
            name = name.strip()
            if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_:.+-]*", name):
                raise EditError(f"{name!r} is not a field name (letters, digits and - _ : . + only).")
            if name.lower() in seen:
                raise EditError(f"The field {name} is given twice.")
            if not balanced(value):
                raise EditError(f"The braces in {name} do not pair up: BibTeX needs each {{ closed by a }}.")
            seen.add(name.lower())
            if value.strip():
                record.append((name, value))
        values = self.checked_fields(paper_id, {"citation_key": citation_key} if citation_key else {})
        with self.db.read() as conn:
            parent_key = (get(record, "crossref") or "").strip()
            parent = conn.exec_driver_sql("SELECT fields FROM paper WHERE citation_key = ? COLLATE NOCASE",
                                          (parent_key,)).first() if parent_key else None
        columns = {**readings(record, load_fields(parent[0]) if parent else None), **values}
        columns["title"] = columns["title"] or ""

        def op(conn: Connection) -> None:
            written = with_stored_keys(columns)
            written.update(entry_type=kind, fields=dump_fields(record))
            sets = ", ".join(f"{c} = ?" for c in written)
            if conn.exec_driver_sql(f"UPDATE paper SET {sets}, updated_at = ? WHERE id = ?",
                                    (*written.values(), now_text(), paper_id)).rowcount == 0:
                raise EditError("This paper is no longer in the library.")

        return self.history.change("Edit record", op, Changes(papers=frozenset({paper_id}),
                                                              fields=frozenset(columns) | {"record"}))

    def add(self, paper: "NewPaper", **fields: Any) -> tuple[int, Changes]:
        """Add one paper by hand, as one undo step. `fields` (as typed in the
        dialog: strings, empty ones ignored) are checked like an edit and
        override the paper's own; the citation key is generated from the
        authors, year and title when none is given."""
        typed = {k: v for k, v in fields.items() if not (isinstance(v, str) and not v.strip())}
        paper = replace(paper, **self.checked_fields(None, typed)) if typed else paper
        if not paper.title.strip():
            raise EditError("A paper needs a title.")
        with self.history.step("Add paper"):
            changes = self.add_many([paper])
        (paper_id,) = changes.papers
        return paper_id, changes

    def merge(self, keep_id: int, others: Iterable[int] = (), new: "NewPaper | None" = None,
                   tags: Sequence[str] = (), note: str = "") -> Changes:
        """Merge duplicates into `keep_id`: every field its record lacks is
        taken from the others (or from `new`), in their order, nothing it has is
        overwritten; tags, notes and list places are combined, and the others
        go to the Trash. One undoable step."""
        others = _ids(others) - {keep_id}
        papers = others | {keep_id}
        fillable = ("abstract", "authors", "year", "venue", "arxiv_id", "doi", "url")

        def op(conn: Connection) -> None:
            found = conn.exec_driver_sql(
                f"SELECT {', '.join(fillable)}, entry_type, fields FROM paper WHERE id = ?",
                (keep_id,)).mappings().first()
            if found is None:
                raise EditError("The paper to merge into is no longer in the library.")
            keep = dict(found)
            sources = [dict(r) for r in conn.exec_driver_sql(
                f"SELECT {', '.join(fillable)}, entry_type, fields FROM paper "
                f"WHERE id IN ({','.join(map(str, others)) or '-1'}) ORDER BY id").mappings()]
            records = [load_fields(src["fields"]) for src in sources]
            if new is not None:
                sources.append({k: getattr(new, k) for k in fillable})
                records.append(new.fields or record_from_values(
                    new.title, new.abstract, new.authors, new.year, new.venue, new.arxiv_id, new.doi, new.url)[1])
            updates = {}
            for name in fillable:
                if keep[name] in (None, ""):
                    value = next((src[name] for src in sources if src[name] not in (None, "")), None)
                    if value is not None:
                        updates[name] = value
            merged = filled(load_fields(keep["fields"]), records)  # every field the kept record lacks
            if merged != load_fields(keep["fields"]):
                updates["fields"] = dump_fields(merged)
            if updates:
                updates = with_stored_keys(updates)
                sets = ", ".join(f"{k} = ?" for k in updates)
                conn.exec_driver_sql(f"UPDATE paper SET {sets}, updated_at = ? WHERE id = ?",
                                     (*updates.values(), now_text(), keep_id))
            for other in others:
                conn.exec_driver_sql("INSERT OR IGNORE INTO paper_tag (paper_id, tag_id) "
                                     "SELECT ?, tag_id FROM paper_tag WHERE paper_id = ?", (keep_id, other))
                conn.exec_driver_sql("INSERT OR IGNORE INTO reading_list_item (list_id, paper_id, position) "
                                     "SELECT list_id, ?, position FROM reading_list_item WHERE paper_id = ?",
                                     (keep_id, other))
                conn.exec_driver_sql(  # attached files go with the kept paper (the same content once)
                    "UPDATE attachment SET paper_id = ? WHERE paper_id = ? "
                    "AND sha256 NOT IN (SELECT sha256 FROM attachment WHERE paper_id = ?)", (keep_id, other, keep_id))
            for name in tags:
                clean = clean_name(name)
                if clean:
                    conn.exec_driver_sql("INSERT OR IGNORE INTO tag (name) VALUES (?)", (clean,))
                    conn.exec_driver_sql("INSERT OR IGNORE INTO paper_tag (paper_id, tag_id) "
                                         "SELECT ?, id FROM tag WHERE name = ?", (keep_id, clean))
            bodies = [r[0] for r in conn.exec_driver_sql(
                f"SELECT body FROM note WHERE paper_id IN ({','.join(map(str, sorted(papers)))}) AND body != '' "
                f"ORDER BY paper_id != {keep_id}, paper_id")]
            if note.strip():
                bodies.append(note)
            unique = list(dict.fromkeys(bodies))
            if unique and (others or note.strip()):
                stamp = now_text()
                conn.exec_driver_sql(
                    "INSERT INTO note (paper_id, body, created_at, updated_at) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (paper_id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at",
                    (keep_id, "\n\n---\n\n".join(unique), stamp, stamp))
            if others:
                conn.exec_driver_sql(
                    f"UPDATE paper SET deleted_at = ? WHERE id IN ({','.join(map(str, others))})", (now_text(),))

        label = f"Merge {plural(len(papers), 'paper')}" if others else "Merge imported paper"
        return self.history.change(label, op, Changes(
            papers=papers, membership=bool(others), fields=frozenset(fillable) | {"tags", "note", "attachments"},
            collections=frozenset({Collection.TAGS, Collection.LISTS, Collection.TRASH})))

    def add_many(
        self,
        papers: Sequence[NewPaper],
        progress: ProgressFn | None = None,
        cancel: CancelToken | None = None,
        meta: dict[str, str] | None = None,
        tags: Sequence[Sequence[str]] | None = None,
        notes: Sequence[str] | None = None,
        undoable: bool = True,
    ) -> Changes:
        """Add papers in one transaction: all of them, or (on error or cancel)
        none. Their `tags` and `notes` (in the same order) and `meta` entries
        are written in the same transaction. One undo step ("Add N papers",
        or part of the step it runs in, such as an import) unless not `undoable`
        (the default library loaded into a new one). The cycle collector
        is paused meanwhile (see `without_cycle_collection`)."""
        if undoable and self.history.recording() is None:
            with self.history.step(f"Add {len(papers)} paper{'' if len(papers) == 1 else 's'}") as step:
                step.changes = self.add_many(papers, progress, cancel, meta, tags, notes)
            return step.changes
        with adding(self.db, len(papers), progress, cancel, undoable) as bulk:
            bulk.add(papers, tags or [], notes or [])
            bulk.meta = dict(meta or {})
        return Changes(papers=frozenset(bulk.new_ids), membership=True,
                       collections=frozenset({Collection.TAGS}) if tags else frozenset())
