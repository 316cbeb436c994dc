"""Where a library's sync stands, for the window's status bar (read only):
its remote, when it last synced, how many changes the next sync will send,
and the conflicts still open. Counting the changes reads the library once
and the marks of the papers changed since the last sync (kept by triggers),
so nothing is rendered or run through git but a diff of unsent commits and
one `git status` for files edited by hand in the sync folder."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from lectern.core.domain.changes import Changes
from lectern.core.library.facade import Library
from lectern.core.sync.conflicts import OpenConflict, open_conflicts
from lectern.core.sync.engine import BRANCH, EMPTY_TREE, sync_folder
from lectern.core.sync.folder import worktree_changes
from lectern.core.sync.git import NETWORK_TIMEOUT, Git, SyncError
from lectern.core.sync.local import changed_since_sync, snapshot
from lectern.core.sync.tree import LISTS_PATH, PAPER_PATH, SEARCHES_PATH, render_lists, render_searches


@dataclass(frozen=True)
class SyncStatus:
    remote: str | None  # None: this library is not set up for sync
    last_synced: datetime | None = None  # the last sync that finished (UTC)
    to_send: int | None = None  # papers, lists and searches the next sync sends (None: not known)
    conflicts: list[OpenConflict] = field(default_factory=list)
    papers: frozenset[int] = frozenset()  # the ids of the papers counted in `to_send`...
    files: frozenset[str] = frozenset()  # ...and LISTS_PATH, SEARCHES_PATH if counted (the window adds edits to them)


# What a paper's file in the sync tree does not hold: its attached files (their bytes and their
# rows) and the text read from them. A write that changed only these sends nothing.
NOT_SYNCED = frozenset({"attachments", "fulltext"})


def papers_to_send(changes: Changes) -> frozenset[int]:
    """The papers a write changed in what a sync sends: none when it changed
    only attachments or their text, as background reading does. Papers added
    or removed (an import of PDFs, an undo) always count, whatever else the
    write touched (merged changes keep no sign that a paper's fields all changed)."""
    if changes.membership or not changes.fields or not changes.fields <= NOT_SYNCED:
        return changes.papers
    return frozenset()


def last_synced(library: Library) -> datetime | None:
    """When the library last finished a sync (UTC), from what the sync records."""
    try:
        at = json.loads(library.get_meta("sync_last") or "{}").get("at")
        return datetime.strptime(at, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc) if at else None
    except (ValueError, TypeError, AttributeError):
        return None


def remote_of(library: Library, folder: Path | None = None) -> str | None:
    """The sync remote set for this library, or None when it has none."""
    folder = folder or sync_folder(library.path)
    if not (folder / ".git").exists():
        return None
    try:
        return Git(folder).remote_url()
    except SyncError:  # git is not installed
        return None


def sync_status(library: Library, folder: Path | None = None) -> SyncStatus:
    """The library's sync state now (a read of the library and of the sync folder)."""
    folder = folder or sync_folder(library.path)
    remote = remote_of(library, folder)
    if remote is None:
        return SyncStatus(None)
    count, papers, files = _to_send(library, Git(folder))
    return SyncStatus(remote, last_synced(library), count, open_conflicts(library), papers, files)


def _to_send(library: Library, git: Git) -> tuple[int | None, frozenset[int], frozenset[str]]:
    """Papers (and the lists and searches files) the next sync sends: changed
    here since the last sync (the marks the library keeps, migration 15),
    edited by hand in the sync folder, or committed by a sync that could not
    push. (count, paper ids, files)."""
    head = git.rev("HEAD")
    with library.db.read() as conn:
        without_id = {r[0] for r in conn.exec_driver_sql(
            "SELECT id FROM paper WHERE deleted_at IS NULL AND id NOT IN (SELECT paper_id FROM paper_uid)")}
        ids = dict(conn.exec_driver_sql("SELECT uid, paper_id FROM paper_uid").all())
    snap = snapshot(library, [])
    rendered = {LISTS_PATH: render_lists(dict(snap.collections.lists)),
                SEARCHES_PATH: render_searches(dict(snap.collections.searches))}
    empty = {LISTS_PATH: render_lists({}), SEARCHES_PATH: render_searches({})}
    if head is None:  # never synced: the first sync sends everything
        files = frozenset(name for name in rendered if rendered[name] != empty[name])
        papers = frozenset(without_id | {ids[uid] for uid in ids})
        return len(papers) + len(files), papers, files
    remote_head = git.rev(f"origin/{BRANCH}")
    unsent = set(git.run(["diff", "--name-only", "-z", "--no-renames", remote_head or EMPTY_TREE, "HEAD"]
                         ).stdout.decode("utf-8", errors="replace").split("\0")) - {""}
    hand = set(worktree_changes(git, locks=False))
    changed = set(changed_since_sync(library)[0])
    changed |= {m.group(1) for m in map(PAPER_PATH.fullmatch, unsent | hand) if m}
    files = set()
    for name, data in rendered.items():
        try:
            differs = name in hand or (git.work_tree / name).read_bytes() != data
        except OSError:
            differs = True
        if differs or (name in unsent and (remote_head is not None or data != empty[name])):
            files.add(name)
    papers = without_id | {ids[uid] for uid in changed if uid in ids}
    return len(without_id) + len(changed) + len(files), frozenset(papers), frozenset(files)


def remote_holds_library(remote: str, where: Path) -> bool:
    """Whether the remote already holds a synced library (its branch exists); False when it cannot be reached
    (the sync that follows says why). `where`: the folder a relative path is read from."""
    try:
        done = Git(where).run(["ls-remote", "--heads", remote, BRANCH], check=False, timeout=NETWORK_TIMEOUT)
    except SyncError:
        return False
    return done.returncode == 0 and bool(done.stdout.strip())
