"""The conflicts a sync left open, until the user resolves each one: a value
changed differently here and on the remote (the sync kept this library's),
a note edited on both sides (both texts kept, marked), a paper deleted on one
side and edited on the other (kept). They are kept in the library (meta
`sync_conflicts`) across syncs and restarts: the next sync has nothing to
report about them, since it sends the value kept here. Resolving one either
keeps this library's value or takes the remote's, as one undo step that the
next sync sends."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from lectern.core.domain.changes import Changes
from lectern.core.library.facade import Library
from lectern.core.library.rows import EditError
from lectern.core.sync.merge import Conflict

META_KEY = "sync_conflicts"
NOTE_LOCAL, NOTE_REMOTE = "edited on both sides", "both texts kept"  # how merge_paper words a note kept twice


@dataclass(frozen=True)
class OpenConflict:
    """One conflict waiting for the user: `where` and `what` as the sync said
    them (a citation key, or "list X" / "search X"; a field name, "note",
    "deleted" ...), both values, and the paper's stable id when it is one."""

    where: str
    what: str
    local: str
    remote: str
    uid: str = ""

    @property
    def about_note(self) -> bool:
        """The paper's note edited on both sides (not a record field named `note`: the sync words it so)."""
        return (self.what, self.local, self.remote) == ("note", NOTE_LOCAL, NOTE_REMOTE)

    @property
    def choosable(self) -> bool:
        """Whether the user chooses a side: a note (both texts kept) and a deletion (the paper kept) are told only."""
        return not self.about_note and self.what != "deleted"

    def describe(self) -> str:
        return Conflict(self.where, self.what, self.local, self.remote).describe()


def open_conflicts(library: Library) -> list[OpenConflict]:
    """The conflicts not resolved yet, oldest first (none when the stored list cannot be read)."""
    try:
        stored = json.loads(library.get_meta(META_KEY) or "[]")
        return [OpenConflict(**{k: str(v) for k, v in item.items()}) for item in stored]
    except (ValueError, TypeError):
        return []


def _store(library: Library, conflicts: Sequence[OpenConflict]) -> None:
    value = json.dumps([asdict(c) for c in conflicts], ensure_ascii=False)
    with library.db.write() as conn:
        conn.exec_driver_sql("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (META_KEY, value))


def record_conflicts(library: Library, conflicts: Sequence[Conflict]) -> list[OpenConflict]:
    """Add a sync's conflicts to the open ones (a newer conflict on the same
    value replaces the older); returns them all."""
    keys = {c.where for c in conflicts if not c.where.startswith(("list ", "search "))}
    uids: dict[str, str] = {}
    if keys:
        with library.db.read() as conn:
            marks = ",".join("?" * len(keys))
            uids = dict(conn.exec_driver_sql(
                f"SELECT p.citation_key, u.uid FROM paper p JOIN paper_uid u ON u.paper_id = p.id "
                f"WHERE p.citation_key IN ({marks})", tuple(keys)).all())
    kept = {(c.uid or c.where, c.what): c for c in open_conflicts(library)}
    for c in conflicts:
        new = OpenConflict(c.where, c.what, c.local, c.remote, uids.get(c.where, ""))
        kept.pop((new.uid or new.where, new.what), None)
        kept[(new.uid or new.where, new.what)] = new
    if conflicts:
        _store(library, list(kept.values()))
    return list(kept.values())


def resolve(library: Library, conflict: OpenConflict, take_theirs: bool) -> Changes:
    """Resolve one conflict: keep this library's value (it holds it already,
    unless the sync kept the remote's because this side had deleted it), or
    take the remote's. The conflict leaves the open list either way."""
    changes = Changes()
    if conflict.choosable:
        current = _current(library, conflict)
        if take_theirs:
            changes = _set(library, conflict, conflict.remote)
        elif current == conflict.remote != conflict.local:
            changes = _set(library, conflict, conflict.local)
    _store(library, [c for c in open_conflicts(library) if c != conflict])
    return changes


def _paper_id(library: Library, conflict: OpenConflict) -> int:
    with library.db.read() as conn:
        found = conn.exec_driver_sql(
            "SELECT p.id FROM paper p LEFT JOIN paper_uid u ON u.paper_id = p.id WHERE u.uid = ? "
            "UNION ALL SELECT id FROM paper WHERE citation_key = ? LIMIT 1", (conflict.uid, conflict.where)).scalar()
    if found is None:
        raise EditError(f"{conflict.where} is no longer in this library.")
    return int(found)


def _current(library: Library, conflict: OpenConflict) -> str | None:
    """The value the library holds now (as the sync writes it: "True", a field's text, "" when absent)."""
    if conflict.where.startswith("search "):
        saved = {s.name: s.query for s in library.saved_searches.all()}
        return saved.get(conflict.where.removeprefix("search "))
    if conflict.where.startswith("list "):
        return None
    detail = library.paper(_paper_id(library, conflict))
    if detail is None:
        return None
    paper = detail.paper
    scalars = {"key": paper.citation_key, "type": paper.entry_type, "starred": str(paper.starred),
               "status": paper.status}
    if conflict.what in scalars:
        return scalars[conflict.what]
    return next((value for name, value in paper.fields if name.lower() == conflict.what.lower()), "")


def _set(library: Library, conflict: OpenConflict, value: str) -> Changes:
    """Write `value` where the conflict is."""
    if conflict.where.startswith("search "):
        return library.saved_searches.save(conflict.where.removeprefix("search "), value)
    if conflict.where.startswith("list "):
        return Changes()
    paper_id = _paper_id(library, conflict)
    if conflict.what == "starred":
        return library.papers.set_starred([paper_id], value == "True")
    if conflict.what == "status":
        return library.papers.set_status([paper_id], value)
    detail = library.paper(paper_id)
    if detail is None:
        raise EditError(f"{conflict.where} is no longer in this library.")
    paper = detail.paper
    if conflict.what == "key":
        return library.papers.set_record(paper_id, paper.entry_type, paper.fields, value)
    if conflict.what == "type":
        return library.papers.set_record(paper_id, value, paper.fields)
    fields = [(n, value if n.lower() == conflict.what.lower() else v) for n, v in paper.fields]
    if not any(n.lower() == conflict.what.lower() for n, _ in paper.fields):
        fields.append((conflict.what, value))
    return library.papers.set_record(paper_id, paper.entry_type, [(n, v) for n, v in fields if v != ""])
