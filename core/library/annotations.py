"""The reader's daily work on the library facade: stars, reading status, tags,
notes, reading lists, metadata edits, the Trash, and undo/redo of all of it
(see core/store/undo.py; the saves of one note in a row are one step). Mixed into `Library`."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from lectern.core.domain.arxiv import parse_arxiv
from lectern.core.domain.changes import NO_CHANGES, Changes, Collection
from lectern.core.domain.citekeys import is_valid_key
from lectern.core.domain.identity import with_stored_keys
from lectern.core.domain.records import STATUSES, NewPaper, clean_name
from lectern.core.library.lists import ReadingLists
from lectern.core.library.rows import EDITABLE, EditError, TagRow, _ids, _live_counts_sql, _plural, now_text
from lectern.core.search.index import index_papers
from lectern.core.store.database import Connection, split_statements
from lectern.core.store.migrations import FTS_SCHEMA
from lectern.core.store.undo import (
    Recording,
    UndoEntry,
    UndoError,
    UndoStack,
    _Conflict,
    apply_inverse,
    changes_of,
    collect,
    install,
)

if TYPE_CHECKING:
    from lectern.core.store.database import Database

_INDEX_TRIGGERS = [s for s in split_statements(FTS_SCHEMA) if s.startswith("CREATE TRIGGER ")]


@contextmanager
def _index_triggers_dropped(conn: Connection) -> Iterator[None]:
    """Inside, no search-index trigger fires: an undo writes rows back in log
    order, and a trigger re-indexing a paper for each tag link put back made
    undoing an import of 20k papers take 15 s. `_reindex` follows."""
    present = {r[0] for r in conn.exec_driver_sql("SELECT name FROM main.sqlite_master WHERE type = 'trigger'")}
    dropped = [s for s in _INDEX_TRIGGERS if s.split()[2] in present]
    for statement in dropped:
        conn.exec_driver_sql(f"DROP TRIGGER {statement.split()[2]}")
    try:
        yield
    finally:
        for statement in dropped:
            conn.exec_driver_sql(statement)


def _reindex(conn: Connection, paper_ids: set[int]) -> None:
    """Index these papers again from their rows (an undo writes rows back in
    log order, which the row-by-row index triggers do not all follow)."""
    if not paper_ids:
        return
    marks = ",".join(map(str, sorted(paper_ids)))
    conn.exec_driver_sql(f"DELETE FROM paper_fts WHERE rowid IN ({marks})")
    index_papers(conn, f"rowid IN ({marks})", ())


class Annotations(ReadingLists):
    """Methods of `Library` for annotating and organising papers."""

    db: "Database"
    undo_stack: UndoStack

    # -- recording ------------------------------------------------------------
    def _undo_thread(self) -> threading.local:
        local = self.__dict__.get("_undo_local")
        if local is None:
            local = self.__dict__.setdefault("_undo_local", threading.local())
        return local

    def _recording(self) -> Recording | None:
        """The undo step being recorded on this thread, if any."""
        return getattr(self._undo_thread(), "recording", None)

    @contextmanager
    def undo_step(self, label: str, changes: Changes = NO_CHANGES,
                  merge_key: tuple[Any, ...] | None = None) -> Iterator[Recording]:
        """Everything written inside is one transaction and one undo step (the
        body may set the step's `label` and `changes`); a step opened inside
        another joins it. A step that changed nothing is not recorded."""
        outer = self._recording()
        if outer is not None:
            yield outer
            return
        local = self._undo_thread()
        recording = Recording(label, changes, merge_key)
        saved = self.undo_stack.save()
        try:
            with self.db.write() as conn:
                install(conn)
                local.recording = recording
                try:
                    yield recording
                finally:
                    local.recording = None
                log = collect(conn)
                if log:
                    self.undo_stack.push(UndoEntry(recording.label, log, recording.changes, recording.merge_key))
        except BaseException:
            self.undo_stack.restore(saved)  # the commit failed: the step never happened
            raise

    def _change(self, label: str, op: Callable[[Connection], Any], changes: Changes) -> Changes:
        """Run `op` in one transaction, recorded as one undo step."""
        with self.undo_step(label, changes) as step:
            with self.db.write() as conn:
                op(conn)
        return step.changes if step.label == label else changes

    def _replay(self, undoing: bool) -> Changes | None:
        """Undo (or redo) the newest step: write back its rows as they were
        before it. Raises UndoError, and drops the step, when that would
        overwrite something changed since; None when there is nothing to do."""
        stack = self.undo_stack
        source, target = (stack.done, stack.undone) if undoing else (stack.undone, stack.done)
        if not source:
            return None
        entry = source[-1]
        try:
            with self.db.write() as conn:
                install(conn)
                with _index_triggers_dropped(conn):
                    touched = apply_inverse(conn, entry.log)
                _reindex(conn, touched)
                log = collect(conn)
                changes = changes_of(conn, entry.log)
        except (_Conflict, sqlite3.IntegrityError) as exc:
            source.pop()
            if not undoing:
                source.clear()  # later redos build on this one
            verb = "undone" if undoing else "redone"
            reason = str(exc) if isinstance(exc, _Conflict) else "it clashes with what the library holds now."
            raise UndoError(f"This step can no longer be {verb}: {entry.label}. {reason}") from None
        source.pop()
        target.append(UndoEntry(entry.label, log, entry.changes))
        return changes

    def undo(self) -> Changes | None:
        """Undo the last recorded step; None when there is nothing to undo.
        Raises UndoError (the step is dropped, older ones stay) when it can no
        longer be undone."""
        return self._replay(undoing=True)

    def redo(self) -> Changes | None:
        return self._replay(undoing=False)

    # -- star and status ------------------------------------------------------
    def set_starred(self, ids: Iterable[int], starred: bool) -> Changes:
        papers = _ids(ids)
        verb = "Star" if starred else "Unstar"
        marks = ",".join(map(str, papers))
        return self._change(
            f"{verb} {_plural(len(papers), 'paper')}",
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

        return self._change(
            f"Mark {_plural(len(papers), 'paper')} {status}",
            op,
            Changes(papers=papers, fields=frozenset({"status"})),
        )

    # -- tags -----------------------------------------------------------------
    def tags(self) -> list[TagRow]:
        """Every tag with the number of papers (not in the Trash) carrying it."""
        with self.db.read() as conn:
            return [TagRow(*r) for r in conn.exec_driver_sql(_live_counts_sql("tag", "paper_tag", "tag_id"))]

    def add_tags(self, ids: Iterable[int], names: Iterable[str]) -> Changes:
        papers = _ids(ids)
        clean = [n for n in dict.fromkeys(clean_name(n) for n in names) if n]
        if not clean:
            raise EditError("A tag needs a name.")

        def op(conn: Connection) -> None:
            if conn.exec_driver_sql(f"SELECT 1 FROM paper WHERE id IN ({','.join(map(str, papers))})").first() is None:
                return  # no paper to tag: no tag without papers either
            for name in clean:
                conn.exec_driver_sql("INSERT OR IGNORE INTO tag (name) VALUES (?)", (name,))
                tag_id = conn.exec_driver_sql("SELECT id FROM tag WHERE name = ?", (name,)).scalar_one()
                conn.exec_driver_sql(
                    f"INSERT OR IGNORE INTO paper_tag (paper_id, tag_id) SELECT id, ? FROM paper "
                    f"WHERE id IN ({','.join(map(str, papers))})", (tag_id,))

        label = f"Tag {_plural(len(papers), 'paper')} " + ", ".join(clean)
        return self._change(label, op,
                            Changes(papers=papers, fields=frozenset({"tags"}),
                                    collections=frozenset({Collection.TAGS})))

    def remove_tags(self, ids: Iterable[int], names: Iterable[str]) -> Changes:
        papers = _ids(ids)
        clean = [clean_name(n) for n in names]

        def op(conn: Connection) -> None:
            for name in clean:
                conn.exec_driver_sql(
                    f"DELETE FROM paper_tag WHERE paper_id IN ({','.join(map(str, papers))}) "
                    "AND tag_id = (SELECT id FROM tag WHERE name = ?)", (name,))
            conn.exec_driver_sql("DELETE FROM tag WHERE id NOT IN (SELECT tag_id FROM paper_tag)")

        label = f"Untag {_plural(len(papers), 'paper')} " + ", ".join(clean)
        return self._change(label, op,
                            Changes(papers=papers, fields=frozenset({"tags"}),
                                    collections=frozenset({Collection.TAGS})))

    def rename_tag(self, old: str, new: str) -> Changes:
        """Rename a tag everywhere; renaming onto an existing tag merges the two."""
        new = clean_name(new)
        if not new:
            raise EditError("A tag needs a name.")
        with self.db.read() as conn:
            source = conn.exec_driver_sql("SELECT id, name FROM tag WHERE name = ?", (clean_name(old),)).first()
            target = conn.exec_driver_sql("SELECT id FROM tag WHERE name = ?", (new,)).first()
            if source is None:
                raise EditError(f"There is no tag {old!r}.")
            papers = _ids(r[0] for r in conn.exec_driver_sql(
                "SELECT paper_id FROM paper_tag WHERE tag_id = ?", (source[0],)))
        merge = target is not None and target[0] != source[0]

        def op(conn: Connection) -> None:
            if merge:
                conn.exec_driver_sql(
                    "INSERT OR IGNORE INTO paper_tag (paper_id, tag_id) "
                    "SELECT paper_id, ? FROM paper_tag WHERE tag_id = ?",
                    (target[0], source[0]))
                conn.exec_driver_sql("DELETE FROM tag WHERE id = ?", (source[0],))
            else:
                conn.exec_driver_sql("UPDATE tag SET name = ? WHERE id = ?", (new, source[0]))

        label = f"Merge tag {source[1]} into {new}" if merge else f"Rename tag {source[1]} to {new}"
        return self._change(label, op,
                            Changes(papers=papers, fields=frozenset({"tags"}),
                                    collections=frozenset({Collection.TAGS})))

    # -- notes ----------------------------------------------------------------
    def note(self, paper_id: int) -> str:
        with self.db.read() as conn:
            return conn.exec_driver_sql("SELECT body FROM note WHERE paper_id = ?", (paper_id,)).scalar() or ""

    def set_note(self, paper_id: int, body: str) -> Changes:
        """Save a paper's note (autosave calls this; one small transaction).
        Undoable: the saves of one paper's note in a row are one step."""
        now = now_text()
        changes = Changes(papers=frozenset({paper_id}), fields=frozenset({"note"}))
        with self.undo_step("Edit note", changes, merge_key=("note", paper_id)):
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

    # -- metadata --------------------------------------------------------------
    def _checked_fields(self, paper_id: int | None, fields: dict[str, Any]) -> dict[str, Any]:
        """Edited metadata made ready to store, or EditError saying what is
        wrong. The citation key must be valid and unused by any other paper;
        an arXiv id or URL fills in the id, year and URL."""
        unknown = set(fields) - set(EDITABLE)
        if unknown:
            raise EditError(f"These fields cannot be edited: {', '.join(sorted(unknown))}.")
        values = {k: (v.strip() if isinstance(v, str) else v) for k, v in fields.items()}
        if "title" in values and not values["title"]:
            raise EditError("A paper needs a title.")
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
                raise EditError("A citation key may use only letters, digits and _ - : (no spaces).")
            with self.db.read() as conn:
                clash = conn.exec_driver_sql(
                    "SELECT title FROM paper WHERE citation_key = ? COLLATE NOCASE AND id != ?",
                    (key, -1 if paper_id is None else paper_id)).first()
            if clash:
                raise EditError(f"The citation key {key} is already used by “{clash[0]}”.")
        return values

    def update_paper(self, paper_id: int, **fields: Any) -> Changes:
        """Edit a paper's metadata (see `_checked_fields`)."""
        values = self._checked_fields(paper_id, fields)
        columns = tuple(values)
        if not columns:
            return Changes()

        def op(conn: Connection) -> None:
            written = with_stored_keys(values)
            sets = ", ".join(f"{c} = ?" for c in written)
            conn.exec_driver_sql(f"UPDATE paper SET {sets}, updated_at = ? WHERE id = ?",
                                 (*written.values(), now_text(), paper_id))

        return self._change("Edit paper", op, Changes(papers=frozenset({paper_id}), fields=frozenset(columns)))

    def add_paper(self, paper: "NewPaper", **fields: Any) -> tuple[int, Changes]:
        """Add one paper by hand, as one undo step. `fields` (as typed in the
        dialog: strings, empty ones ignored) are checked like an edit and
        override the paper's own; the citation key is generated from the
        authors, year and title when none is given."""
        typed = {k: v for k, v in fields.items() if not (isinstance(v, str) and not v.strip())}
        paper = replace(paper, **self._checked_fields(None, typed)) if typed else paper
        if not paper.title.strip():
            raise EditError("A paper needs a title.")
        with self.undo_step("Add paper"):
            changes = self.add_papers([paper])  # type: ignore[attr-defined]
        (paper_id,) = changes.papers
        return paper_id, changes

    def merge_into(self, keep_id: int, others: Iterable[int] = (), new: "NewPaper | None" = None,
                   tags: Sequence[str] = (), note: str = "") -> Changes:
        """Merge duplicates into `keep_id`: its empty fields are filled from the
        others (or from `new`), tags, notes and list places are combined, and
        the others go to the Trash. One undoable step."""
        others = _ids(others) - {keep_id}
        papers = others | {keep_id}
        fillable = ("abstract", "authors", "year", "venue", "arxiv_id", "doi", "url")

        def op(conn: Connection) -> None:
            found = conn.exec_driver_sql(
                f"SELECT {', '.join(fillable)} FROM paper WHERE id = ?", (keep_id,)).mappings().first()
            if found is None:
                raise EditError("The paper to merge into is no longer in the library.")
            keep = dict(found)
            sources = [dict(r) for r in conn.exec_driver_sql(
                f"SELECT {', '.join(fillable)} FROM paper "
                f"WHERE id IN ({','.join(map(str, others)) or '-1'}) ORDER BY id").mappings()]
            if new is not None:
                sources.append({k: getattr(new, k) for k in fillable})
            updates = {}
            for name in fillable:
                if keep[name] in (None, ""):
                    value = next((src[name] for src in sources if src[name] not in (None, "")), None)
                    if value is not None:
                        updates[name] = value
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

        label = f"Merge {_plural(len(papers), 'paper')}" if others else "Merge imported paper"
        return self._change(label, op, Changes(
            papers=papers, membership=bool(others), fields=frozenset(fillable) | {"tags", "note"},
            collections=frozenset({Collection.TAGS, Collection.LISTS, Collection.TRASH})))

    # -- trash ----------------------------------------------------------------
    def trash(self, ids: Iterable[int]) -> Changes:
        papers = _ids(ids)
        return self._change(
            f"Delete {_plural(len(papers), 'paper')}",
            lambda conn: conn.exec_driver_sql(
                f"UPDATE paper SET deleted_at = ? WHERE id IN ({','.join(map(str, papers))}) AND deleted_at IS NULL",
                (now_text(),)),
            Changes(papers=papers, membership=True,
                    collections=frozenset({Collection.TAGS, Collection.LISTS, Collection.TRASH})),
        )

    def restore_from_trash(self, ids: Iterable[int]) -> Changes:
        papers = _ids(ids)
        return self._change(
            f"Restore {_plural(len(papers), 'paper')}",
            lambda conn: conn.exec_driver_sql(
                f"UPDATE paper SET deleted_at = NULL WHERE id IN ({','.join(map(str, papers))})"),
            Changes(papers=papers, membership=True,
                    collections=frozenset({Collection.TAGS, Collection.LISTS, Collection.TRASH})),
        )

    def trashed_ids(self) -> list[int]:
        with self.db.read() as conn:
            return [r[0] for r in conn.exec_driver_sql("SELECT id FROM paper WHERE deleted_at IS NOT NULL")]

    def empty_trash(self) -> Changes:
        """Delete the papers in the Trash for good (undoable until quit)."""
        papers = _ids(self.trashed_ids())
        if not papers:
            return Changes()
        def op(conn: Connection) -> None:
            conn.exec_driver_sql(f"DELETE FROM paper WHERE id IN ({','.join(map(str, papers))})")
            conn.exec_driver_sql("DELETE FROM tag WHERE id NOT IN (SELECT tag_id FROM paper_tag)")

        return self._change(f"Empty Trash ({_plural(len(papers), 'paper')})", op,
                            Changes(papers=papers, membership=True,
                                    collections=frozenset({Collection.TAGS, Collection.LISTS, Collection.TRASH})))
