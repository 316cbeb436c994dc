"""The library's side of a sync: its papers, lists and saved searches read as
the sync tree holds them, stable ids given to papers that lack one, and a
merged result written back through the library's managers in one transaction
(one undo step, whose `Changes` the window refreshes from)."""

from __future__ import annotations

import json
import os
import re
import signal
import uuid
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from lectern.core.domain.changes import Changes
from lectern.core.domain.citekeys import is_valid_key
from lectern.core.domain.entry import RAW, balanced, load_fields, readings
from lectern.core.domain.records import NewPaper
from lectern.core.library.facade import Library
from lectern.core.library.rows import EditError
from lectern.core.search.index import SETTLE_INDEX_FROM, merge_until_settled
from lectern.core.store.undo import paused
from lectern.core.sync.tree import Collections, PaperDoc, sorted_tags

# Test-only plumbing: a sync process SIGKILLs itself when it reaches the step
# this names (see tests/core/sync/test_crash.py). Never set by users.
KILL_AT_ENV = "LECTERN_TEST_SYNC_KILL_AT"


def checkpoint(step: str) -> None:
    """Where the crash tests kill a sync (when LECTERN_TEST_SYNC_KILL_AT names `step`)."""
    if os.environ.get(KILL_AT_ENV) == step:
        os.kill(os.getpid(), signal.SIGKILL)


def assign_uids(library: Library) -> int:
    """Give every paper without a stable id one (one statement, outside undo:
    an id is not a user's edit). Returns how many were given."""
    with library.db.write() as conn, paused(conn, ["paper_uid"]):
        # counted first: an id a paper holds until the paper goes (the key of paper_uid, a foreign key that
        # cascades), so equal counts mean none lacks one, and looking for those without reads every paper row
        missing: list[int] = []
        if conn.exec_driver_sql("SELECT (SELECT count(*) FROM paper) > (SELECT count(*) FROM paper_uid)").scalar():
            missing = [r[0] for r in conn.exec_driver_sql(
                "SELECT id FROM paper WHERE id NOT IN (SELECT paper_id FROM paper_uid)")]
        if missing:
            conn.connection.driver_connection.executemany(  # type: ignore[union-attr]
                "INSERT INTO paper_uid (paper_id, uid) VALUES (?, ?)", [(i, uuid.uuid4().hex) for i in missing])
    return len(missing)


def _added(stored: str) -> str:
    return stored[:19].replace(" ", "T") + "Z" if stored else ""


class Papers(Mapping[str, PaperDoc]):
    """Live papers by uid, each read into a PaperDoc only when asked for (a sync
    of a few changes in a large library reads a few)."""

    def __init__(self, rows: dict[str, tuple[Any, ...]]) -> None:
        self.rows = rows  # uid -> (key, type, fields JSON, starred, status, tags, added, note)
        self._docs: dict[str, PaperDoc] = {}

    def __getitem__(self, uid: str) -> PaperDoc:
        doc = self._docs.get(uid)
        if doc is None:
            key, kind, fields, starred, status, tags, added, note = self.rows[uid]
            doc = self._docs[uid] = PaperDoc(uid=uid, key=key, type=kind, fields=load_fields(fields),
                                             starred=bool(starred), status=status, tags=tags, added=added, note=note)
        return doc

    def __iter__(self) -> Iterator[str]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __contains__(self, uid: object) -> bool:
        return uid in self.rows


@dataclass
class Snapshot:
    """The library as the sync tree would hold it."""

    papers: Papers  # live papers by uid
    ids: dict[str, int]  # uid -> paper id (papers in the Trash too)
    trashed: set[str]
    collections: Collections


def snapshot(library: Library, uids: Iterable[str] | None = None) -> Snapshot:
    """The library as the sync tree holds it: every paper, or only those with these
    uids (a sync of a few changes reads a few papers); the lists and searches whole."""
    with library.db.read() as conn:
        where, params = "", ()
        if uids is not None:
            where, params = " WHERE u.uid IN (SELECT value FROM json_each(?))", (json.dumps(list(uids)),)
        found = conn.exec_driver_sql(
            "SELECT p.id, u.uid, p.citation_key, p.entry_type, p.fields, p.starred, p.status, p.added_at, "
            "p.deleted_at FROM paper p JOIN paper_uid u ON u.paper_id = p.id" + where, params).all()
        of = "" if uids is None else " WHERE paper_id IN (SELECT value FROM json_each(?))"
        ids_param = () if uids is None else (json.dumps([r[0] for r in found]),)
        tags: dict[int, list[str]] = {}
        for paper_id, name in conn.exec_driver_sql(
                "SELECT pt.paper_id, t.name FROM paper_tag pt JOIN tag t ON t.id = pt.tag_id" + of.replace(
                    "paper_id", "pt.paper_id", 1), ids_param):
            tags.setdefault(paper_id, []).append(name)
        notes = dict(conn.exec_driver_sql("SELECT paper_id, body FROM note" + of, ids_param).all())
        rows: dict[str, tuple[Any, ...]] = {}
        ids: dict[str, int] = {}
        trashed: set[str] = set()
        for (paper_id, uid, key, kind, fields, starred, status, added, deleted) in found:
            ids[uid] = paper_id
            if deleted is not None:
                trashed.add(uid)
                continue
            rows[uid] = (key, kind, fields, starred, status, sorted_tags(tags.get(paper_id, ())),
                         _added(str(added)), notes.get(paper_id, ""))
        lists: dict[str, list[str]] = {}
        for (name,) in conn.exec_driver_sql("SELECT name FROM reading_list"):
            lists[name] = []
        for name, uid in conn.exec_driver_sql(
                "SELECT l.name, u.uid FROM reading_list_item li JOIN reading_list l ON l.id = li.list_id "
                "JOIN paper p ON p.id = li.paper_id AND p.deleted_at IS NULL JOIN paper_uid u ON u.paper_id = p.id "
                "ORDER BY l.id, li.position"):
            lists[name].append(uid)
        searches = dict(conn.exec_driver_sql("SELECT name, query FROM saved_search").all())
    return Snapshot(Papers(rows), ids, trashed, Collections({k: tuple(v) for k, v in lists.items()}, searches))


# -- what the last sync left ------------------------------------------------------

def synced_commit(library: Library) -> str | None:
    """The commit the library was last in step with (see `settle`)."""
    with library.db.read() as conn:
        value = conn.exec_driver_sql("SELECT value FROM meta WHERE key = 'sync_commit'").scalar()
    return str(value) if value else None


def changed_since_sync(library: Library) -> tuple[list[str], list[int]]:
    """The papers changed since the last sync (their uids, once each) and the marks that say so."""
    with library.db.read() as conn:
        rows = conn.exec_driver_sql("SELECT id, uid FROM sync_dirty ORDER BY id").all()
    return list(dict.fromkeys(r[1] for r in rows)), [r[0] for r in rows]


def mark_changed(library: Library, uids: Iterable[str] | None = None) -> None:
    """Have the next export write these papers' files (every paper's when None)."""
    with library.db.write() as conn:
        if uids is None:
            conn.exec_driver_sql("INSERT INTO sync_dirty (uid) SELECT uid FROM paper_uid")
        else:
            conn.exec_driver_sql("INSERT INTO sync_dirty (uid) SELECT value FROM json_each(?)",
                                 (json.dumps(list(uids)),))


def settle(library: Library, commit: str | None, marks: Iterable[int]) -> None:
    """Record, in one transaction, that `commit` holds the library's papers but
    for those changed since (the marks written are cleared; a paper changed
    again meanwhile has a new mark and stays to write)."""
    with library.db.write() as conn:
        if commit:
            conn.exec_driver_sql("INSERT OR REPLACE INTO meta (key, value) VALUES ('sync_commit', ?)", (commit,))
        conn.exec_driver_sql("DELETE FROM sync_dirty WHERE id IN (SELECT value FROM json_each(?))",
                             (json.dumps(list(marks)),))


@dataclass
class Applied:
    """What writing a merge into the library did."""

    changes: Changes = field(default_factory=Changes)
    received: int = 0  # papers added, changed or deleted here
    refused: list[str] = field(default_factory=list)  # what could not be written, and why


def apply(library: Library, snap: Snapshot, merged: Mapping[str, PaperDoc | None],
          collections: Collections | None, label: str) -> Applied:
    """Write merged papers (uid -> doc, or None for deleted) and collections
    into the library: one transaction, one undo step named `label`."""
    done = Applied()
    with library.history.step(label) as step:
        new = [(uid, doc) for uid, doc in merged.items() if doc is not None and uid not in snap.ids]
        _add(library, new, done)
        checkpoint("mid-apply")
        for uid, doc in merged.items():
            if uid in snap.ids and (doc != snap.papers.get(uid)):
                try:
                    _update(library, snap.ids[uid], snap.papers.get(uid), doc, uid in snap.trashed, done)
                except EditError as exc:
                    done.refused.append(f"{doc.key if doc else uid}: {exc}")
        if collections is not None:
            ids = dict(snap.ids)
            with library.db.read() as conn:
                ids.update({u: p for p, u in conn.exec_driver_sql("SELECT paper_id, uid FROM paper_uid")})
            _collections(library, snap.collections, collections, ids, done)
        step.changes = done.changes
    return done


def check_record(doc: PaperDoc) -> None:
    """EditError unless the paper's record is one the library could hold (the
    rules of `Papers.set_record`, applied to a paper that arrives new)."""
    if not re.fullmatch(r"[a-z][a-z0-9_-]*", doc.type):
        raise EditError(f"{doc.type!r} is not an entry type (like article, book or inproceedings).")
    seen: set[str] = set()
    for name, value in doc.fields:
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_:.+-]*", name):
            raise EditError(f"{name!r} is not a field name (letters, digits and - _ : . + only).")
        if name.lower() in seen:
            raise EditError(f"The field {name} is given twice.")
        if not balanced(value.removeprefix(RAW)):
            raise EditError(f"The braces in {name} do not pair up: BibTeX needs each {{ closed by a }}.")
        seen.add(name.lower())


def _add(library: Library, new: list[tuple[str, PaperDoc]], done: Applied) -> None:
    if not new:
        return  # (the library's keys are not read: a sync that only changes papers adds none)
    taken = library.citation_keys()
    papers = []
    checked = []
    for uid, doc in new:
        try:
            check_record(doc)
        except EditError as exc:
            done.refused.append(f"{doc.key} ({uid}): {exc}")
            continue
        checked.append((uid, doc))
    new[:] = checked
    for _, doc in new:
        values = readings(doc.fields)
        key: str | None = doc.key
        if doc.key.lower() in taken or not is_valid_key(doc.key):
            done.refused.append(f"{doc.key}: this key is already used here or is not valid, so the paper "
                                "received a new one")
            key = None
        taken.add(doc.key.lower())
        papers.append(NewPaper(title=values["title"] or doc.key, abstract=values["abstract"],
                               authors=values["authors"], year=values["year"], venue=values["venue"],
                               arxiv_id=values["arxiv_id"], doi=values["doi"], url=values["url"], citation_key=key,
                               entry_type=doc.type, fields=doc.fields))
    if not new:
        return
    with library.db.write() as conn:
        before = conn.exec_driver_sql("SELECT coalesce(max(id), 0) FROM paper").scalar_one()
    changes = library.papers.add_many(papers, tags=[d.tags for _, d in new], notes=[d.note for _, d in new])
    with library.db.write() as conn:
        new_ids = [r[0] for r in conn.exec_driver_sql("SELECT id FROM paper WHERE id > ? ORDER BY id", (before,))]
        raw = conn.connection.driver_connection
        raw.executemany("INSERT INTO paper_uid (paper_id, uid) VALUES (?, ?)",  # type: ignore[union-attr]
                        [(paper_id, uid) for paper_id, (uid, _) in zip(new_ids, new)])
        stamps = [(doc.added.replace("T", " ").rstrip("Z"), doc) for _, doc in new]
        raw.executemany(  # type: ignore[union-attr]
            "UPDATE paper SET starred = ?, status = ?, added_at = coalesce(?, added_at) WHERE id = ?",
            [(int(doc.starred), doc.status, f"{added}.000000" if len(added) == 19 else None, paper_id)
             for paper_id, (added, doc) in zip(new_ids, stamps)])
        if len(new) >= SETTLE_INDEX_FROM:  # (a take-over): the next small writes are not the ones to merge it
            merge_until_settled(conn)
    done.changes = done.changes.merge(changes)
    done.received += len(new)


def _update(library: Library, paper_id: int, local: PaperDoc | None, doc: PaperDoc | None, trashed: bool,
            done: Applied) -> None:
    changes = Changes()
    if doc is None:
        if local is not None:
            changes = library.trash.put([paper_id])
    else:
        if trashed:
            changes = changes.merge(library.trash.restore([paper_id]))
            local = snapshot_one(library, paper_id, doc.uid)  # what the paper in the Trash holds
        assert local is not None
        if (doc.type, doc.fields, doc.key) != (local.type, local.fields, local.key):
            changes = changes.merge(library.papers.set_record(
                paper_id, doc.type, doc.fields, doc.key if doc.key != local.key else None))
        if doc.starred != local.starred:
            changes = changes.merge(library.papers.set_starred([paper_id], doc.starred))
        if doc.status != local.status:
            changes = changes.merge(library.papers.set_status([paper_id], doc.status))
        have = {t.casefold(): t for t in local.tags}
        want = {t.casefold(): t for t in doc.tags}
        if set(have) - set(want):
            changes = changes.merge(library.tags.remove([paper_id], [have[t] for t in set(have) - set(want)]))
        if set(want) - set(have):
            changes = changes.merge(library.tags.add([paper_id], [want[t] for t in set(want) - set(have)]))
        if doc.note != local.note:
            changes = changes.merge(library.papers.set_note(paper_id, doc.note))
    done.changes = done.changes.merge(changes)
    done.received += 1


def snapshot_one(library: Library, paper_id: int, uid: str) -> PaperDoc | None:
    """One paper (in the Trash or not) as the sync tree would hold it."""
    detail = library.paper(paper_id)
    if detail is None:
        return None
    p = detail.paper
    return PaperDoc(uid=uid, key=p.citation_key, type=p.entry_type, fields=p.fields, starred=p.starred,
                    status=p.status, tags=sorted_tags(detail.tags), added="", note=detail.note)


def _collections(library: Library, have: Collections, want: Collections, ids: dict[str, int],
                 done: Applied) -> None:
    lists = {row.name: row.id for row in library.lists.all()}
    changes = Changes()
    for name in set(lists) - set(want.lists):
        changes = changes.merge(library.lists.delete(lists[name]))
    for name, uids in want.lists.items():
        if name not in lists:
            try:
                lists[name], created = library.lists.create(name)
            except EditError as exc:
                done.refused.append(f"list {name}: {exc}")
                continue
            changes = changes.merge(created)
        list_id = lists[name]
        wanted = [ids[u] for u in uids if u in ids]
        current = library.lists.paper_ids(list_id)  # (after this merge's restores: not the snapshot's)
        if current == wanted:
            continue
        extra = set(current) - set(wanted)
        if extra:
            changes = changes.merge(library.lists.remove(list_id, extra))
        if set(wanted) - set(current):
            changes = changes.merge(library.lists.add(list_id, [i for i in wanted if i not in set(current)]))
        changes = changes.merge(library.lists.set_order(list_id, wanted))
    searches = {row.name: row for row in library.saved_searches.all()}
    for name in set(searches) - set(want.searches):
        changes = changes.merge(library.saved_searches.delete(searches[name].id))
    for name, query in want.searches.items():
        if name not in searches or searches[name].query != query:
            try:
                changes = changes.merge(library.saved_searches.save(name, query))
            except ValueError as exc:
                done.refused.append(f"search {name}: {exc}")
    done.changes = done.changes.merge(changes)
