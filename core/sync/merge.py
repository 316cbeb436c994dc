"""Three-way merges of what the sync tree holds, against the common ancestor
(pure functions): a value changed on one side is taken; changed differently on
both, the local one is kept and a conflict records both; tags merge as sets,
reading lists as sequences; a note edited on both sides keeps both texts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from lectern.core.sync.tree import Collections, PaperDoc, sorted_tags

T = TypeVar("T")
NOTE_MARK = "\n\n----- the same note, as edited on another machine -----\n\n"


@dataclass(frozen=True)
class Conflict:
    """Something changed differently on both sides: the local value was kept."""

    where: str  # the citation key, or "list X" / "search X"
    what: str  # the field name, "type", "key", "deleted" ...
    local: str
    remote: str

    def describe(self) -> str:
        if self.what == "deleted":
            return f"{self.where}: {self.local}"
        return (f"{self.where}: {self.what} is {self.local!r} here and {self.remote!r} on the remote "
                f"(kept {self.local!r})")


def merge_value(base: T | None, local: T, remote: T) -> tuple[T, bool]:
    """(merged, conflicted): the side that changed wins; both changed alike
    agree; both changed differently keep the local value."""
    if local == remote or remote == base:
        return local, False
    if local == base:
        return remote, False
    return local, True


def merge_set(base: Sequence[str], local: Sequence[str], remote: Sequence[str]) -> tuple[str, ...]:
    """Tags: what both keep, plus what either side added (compared in any case;
    a change of spelling on one side is taken, like a value)."""
    b, loc, rem = ({t.casefold(): t for t in side} for side in (base, local, remote))
    keep = (b.keys() & loc.keys() & rem.keys()) | (loc.keys() - b.keys()) | (rem.keys() - b.keys())
    spelt = [merge_value(b.get(t), loc.get(t), rem.get(t))[0] or loc.get(t) or rem[t] for t in keep]
    return sorted_tags(spelt)


def merge_sequence(base: Sequence[str], local: Sequence[str], remote: Sequence[str]) -> tuple[str, ...]:
    """A reading list: the items of `merge_set` (exact), in the local order
    unless only the remote reordered; items only the other side has go before
    the item they precede there (or last)."""
    b, loc, rem = set(base), set(local), set(remote)
    keep = (b & loc & rem) | (loc - b) | (rem - b)

    def order(seq: Sequence[str]) -> list[str]:
        return [i for i in seq if i in b and i in loc and i in rem]

    local_moved = order(local) != order(base)
    first, second = (remote, local) if (not local_moved and order(remote) != order(base)) else (local, remote)
    merged = [i for i in first if i in keep]
    for index in range(len(second) - 1, -1, -1):  # each goes before the item it precedes there, or last
        item = second[index]
        if item in keep and item not in merged:
            after = next((p for p in second[index + 1:] if p in merged), None)
            merged.insert(merged.index(after) if after is not None else len(merged), item)
    return tuple(merged)


def merge_note(base: str, local: str, remote: str) -> tuple[str, bool]:
    """A note: one side's edit is taken; edited on both, both texts are kept, marked."""
    merged, conflicted = merge_value(base, local, remote)
    if not conflicted:
        return merged, False
    if remote in local:  # merged before (a sync that was interrupted): do not add it twice
        return local, False
    return local + NOTE_MARK + remote, True


def merge_fields(base: Sequence[tuple[str, str]], local: Sequence[tuple[str, str]],
                 remote: Sequence[tuple[str, str]]) -> tuple[tuple[tuple[str, str], ...], list[tuple[str, str, str]]]:
    """Fields by name: (merged fields in the local order, the remote's new ones
    after the field they follow there; [(name, local, remote)] conflicts)."""
    def by_name(fields: Sequence[tuple[str, str]]) -> dict[str, tuple[str, str]]:
        return {name.lower(): (name, value) for name, value in fields}

    b, loc, rem = by_name(base), by_name(local), by_name(remote)
    names = merge_sequence(list(b), list(loc), list(rem))
    union = list(dict.fromkeys([*loc, *rem]))
    merged: dict[str, tuple[str, str]] = {}
    conflicts = []
    for name in [n for n in union if n in names] + [n for n in union if n not in names]:
        value, conflicted = merge_value(b.get(name), loc.get(name), rem.get(name))
        if conflicted:
            conflicts.append((name, (loc.get(name) or ("", ""))[1], (rem.get(name) or ("", ""))[1]))
            value = value or rem.get(name)  # deleted here, edited there: the edited value is kept
        if value is not None:
            merged[name] = value
    order = [n for n in names if n in merged] + [n for n in merged if n not in names]
    return tuple(merged[n] for n in order), conflicts


def merge_paper(base: PaperDoc | None, local: PaperDoc | None,
                remote: PaperDoc | None) -> tuple[PaperDoc | None, list[Conflict], bool]:
    """(merged paper or None for deleted, conflicts, kept): `kept` when a
    deletion on one side met an edit on the other and the paper was kept."""
    if local is None and remote is None:
        return None, [], False
    if local is None or remote is None:
        present = local or remote
        assert present is not None
        if base is None:  # added on one side
            return present, [], False
        if present == base:  # deleted on one side, untouched on the other
            return None, [], False
        where = "here" if local is None else "on the remote"
        side = "the remote" if local is None else "this machine"
        return present, [Conflict(present.key, "deleted", f"deleted {where} but edited on {side}: kept", "")], True
    base = base or PaperDoc(uid=local.uid, key="", type="", fields=(), added="")
    conflicts: list[Conflict] = []

    def scalar(name: str) -> object:
        value, conflicted = merge_value(getattr(base, name), getattr(local, name), getattr(remote, name))
        if conflicted:
            conflicts.append(Conflict(local.key, name, str(getattr(local, name)), str(getattr(remote, name))))
        return value

    fields, field_conflicts = merge_fields(base.fields, local.fields, remote.fields)
    conflicts += [Conflict(local.key, name, mine, theirs) for name, mine, theirs in field_conflicts]
    note, note_conflict = merge_note(base.note, local.note, remote.note)
    if note_conflict:
        conflicts.append(Conflict(local.key, "note", "edited on both sides", "both texts kept"))
    merged = PaperDoc(uid=local.uid, key=str(scalar("key")), type=str(scalar("type")), fields=fields,
                      starred=bool(scalar("starred")), status=str(scalar("status")),
                      tags=merge_set(base.tags, local.tags, remote.tags), added=local.added or remote.added,
                      note=note)
    return merged, conflicts, False


def merge_collections(base: Collections, local: Collections,
                      remote: Collections) -> tuple[Collections, list[Conflict]]:
    """Reading lists by name (each a sequence) and saved searches by name."""
    conflicts: list[Conflict] = []
    lists: dict[str, tuple[str, ...]] = {}
    for name in dict.fromkeys([*local.lists, *remote.lists]):
        b, loc, rem = base.lists.get(name), local.lists.get(name), remote.lists.get(name)
        if loc is None or rem is None:
            present = loc if loc is not None else rem
            if b is not None and present == b:
                continue  # deleted on one side, untouched on the other
            if b is not None:
                conflicts.append(Conflict(f"list {name}", "deleted", "deleted on one side, changed on the other: "
                                          "kept", ""))
        lists[name] = merge_sequence(b or (), loc or (), rem or ())
    searches: dict[str, str] = {}
    for name in dict.fromkeys([*local.searches, *remote.searches]):
        b_query = base.searches.get(name)
        value, conflicted = merge_value(b_query, local.searches.get(name), remote.searches.get(name))
        if conflicted:
            if value is None:
                value = remote.searches.get(name)
            conflicts.append(Conflict(f"search {name}", "query", str(local.searches.get(name)),
                                      str(remote.searches.get(name))))
        if value is not None:
            searches[name] = value
    return Collections(lists, searches), conflicts
