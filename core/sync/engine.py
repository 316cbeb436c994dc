"""One sync of a library with its git remote: take in what was edited by hand
in the sync folder, fetch, and either commit the library's changes (the remote
has nothing new) or merge at the data level against the common ancestor (git's
merge-base, so a sync killed at any step is finished by the next one), apply
the merge to the library in one transaction and commit it, with the library's
own changes, as one commit with both parents; push (again after a fetch when
someone pushed in between). When the remote cannot be reached, the library's
changes are committed here and wait for the next sync."""

from __future__ import annotations

import json
import os
import socket
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from lectern.core.domain.changes import Progress, ProgressFn
from lectern.core.library.facade import Library
from lectern.core.sync.folder import LECTERN_COMMIT, WRITE_MARKER, absorb_hand_edits, doc_or_none, export
from lectern.core.sync.git import Git, PushRejected, SyncError
from lectern.core.sync.local import (
    apply,
    assign_uids,
    checkpoint,
    mark_changed,
    settle,
    snapshot,
    snapshot_one,
    synced_commit,
)
from lectern.core.sync.merge import Conflict, merge_collections, merge_paper
from lectern.core.sync.report import SyncReport
from lectern.core.sync.tree import (
    LISTS_PATH,
    MAX_COLLECTION_BYTES,
    MAX_PAPER_BYTES,
    PAPER_PATH,
    SEARCHES_PATH,
    Collections,
    PaperDoc,
    TreeError,
    parse_lists,
    parse_searches,
    render_lists,
    render_searches,
)

BRANCH = "main"
EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
PUSH_ATTEMPTS = 5
MARKER = WRITE_MARKER

__all__ = ["STEPS", "SyncError", "SyncReport", "sync", "sync_folder"]

STEPS = {  # what a sync says it is doing, step by step (the status bar, `lectern sync` on a terminal)
    "hand edits": "Reading what was edited by hand in the sync folder",
    "fetch": "Fetching from the remote",
    "merge": "Taking in what others changed",
    "commit": "Writing this library's changes",
    "push": "Sending to the remote",
}


def sync_folder(library_path: Path) -> Path:
    """The sync repository's working tree, beside the library file."""
    return library_path.parent / f"{library_path.stem} sync"


def sync(library: Library, remote: str | None = None, folder: Path | None = None,
         progress: ProgressFn | None = None) -> SyncReport:
    """Sync `library` with its remote (set to `remote` first when given);
    `progress` hears each step as it begins (STEPS' wording)."""
    folder = folder or sync_folder(library.path)
    report = SyncReport()

    def step(message: str) -> None:
        if progress is not None:
            progress(Progress(0, 0, message))

    git = _repository(folder, remote, report)
    if git.remote_url() is None:
        raise SyncError("This library has no sync remote yet: give one with --remote URL_OR_PATH.")
    assign_uids(library)
    git_dir = Path(git.text(["rev-parse", "--absolute-git-dir"]))
    marker = git_dir / MARKER
    head, synced = git.rev("HEAD"), synced_commit(library)
    if synced is None or head is None or not git.ok(["merge-base", "--is-ancestor", synced, head]):
        # a first sync, or a folder whose history was changed by hand: every paper's file is written
        mark_changed(library)
        synced = head
    if head is not None and synced is not None:
        step(STEPS["hand edits"])
        absorb_hand_edits(library, git, synced, head, not marker.exists(), report)
    for attempt in range(PUSH_ATTEMPTS):
        step(STEPS["fetch"])
        try:
            git.fetch()
        except SyncError:
            _commit_here(library, git, marker)  # the library's changes wait in a commit here
            raise
        checkpoint("after-fetch")
        remote_head = git.rev(f"origin/{BRANCH}")
        base = _merge_base(git, head, remote_head)
        if remote_head and base != remote_head:
            # the library's own changes go into the merge's commit: one new tree a sync to write and send, not two
            _touch(marker)
            step(STEPS["merge"])
            written = _merge(library, git, folder, remote_head, base, head, report)
            head = git.rev("HEAD")
            settle(library, head, written)
            marker.unlink()
        else:
            step(STEPS["commit"])
            head = _commit_here(library, git, marker)
        if head == remote_head:
            break
        report.sent = _count_sent(git, remote_head)
        checkpoint("before-push")
        step(STEPS["push"])
        try:
            git.push(BRANCH)
            break
        except PushRejected:
            if attempt == PUSH_ATTEMPTS - 1:
                raise SyncError("Others kept pushing to the remote meanwhile; your changes are kept "
                                "here: sync again in a moment.") from None
    _remember(library, report)
    return report


def _commit_here(library: Library, git: Git, marker: Path) -> str | None:
    """Write and commit the library's changes since the last sync (the remote has nothing new for it); HEAD."""
    _touch(marker)
    written = export(library, git)
    checkpoint("before-commit")
    _commit(git, f"{LECTERN_COMMIT}changes from this library")
    head = git.rev("HEAD")
    settle(library, head, written)
    marker.unlink()
    return head


def _merge_base(git: Git, head: str | None, other: str | None) -> str | None:
    """The last commit both histories hold (None when either is missing or they share none)."""
    if head is None or other is None:
        return None
    found = git.run(["merge-base", head, other], check=False)
    return found.stdout.decode().strip() or None if found.returncode == 0 else None


def _remember(library: Library, report: SyncReport) -> None:
    """The last sync's outcome in the library (meta `sync_last`), for the window to show."""
    value = json.dumps({"at": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"), "sent": report.sent,
                        "received": report.received, "conflicts": [c.describe() for c in report.conflicts],
                        "refused": report.refused}, ensure_ascii=False)
    with library.db.write() as conn:
        conn.exec_driver_sql("INSERT OR REPLACE INTO meta (key, value) VALUES ('sync_last', ?)", (value,))


def _touch(marker: Path) -> None:
    """Say, durably, that the sync is writing the tree (see MARKER)."""
    with open(marker, "wb") as out:
        os.fsync(out.fileno())


def _repository(folder: Path, remote: str | None, report: SyncReport) -> Git:
    """The sync repository, made (and pointed at `remote`) when missing."""
    git = Git(folder)
    if not (folder / ".git").exists():
        if remote is None:
            raise SyncError("This library is not set up for sync yet: run `lectern sync --remote URL_OR_PATH` "
                            "once (a git URL, or the path of a repository).")
        if folder.exists() and any(folder.iterdir()):
            raise SyncError(f"{folder} already exists and is not a Lectern sync folder: move it away first.")
        folder.mkdir(parents=True, exist_ok=True)
        git.run(["init", "-q", "-b", BRANCH])
        git.run(["remote", "add", "origin", remote])
        git.run(["config", "feature.manyFiles", "true"])  # a smaller index and a cache of untracked files
        report.set_up = f"Set up sync with {remote} in {folder}."
        exclude = folder / ".git" / "info" / "exclude"
        exclude.parent.mkdir(exist_ok=True)
        exclude.write_text("*.refused\n.lectern-tmp-*\n", encoding="utf-8")
        if not git.ok(["config", "user.email"]):  # commits need an author; git's own settings win
            git.run(["config", "user.name", f"Lectern on {socket.gethostname()}"])
            git.run(["config", "user.email", "lectern@localhost"])
    elif remote is not None and remote != git.remote_url():
        git.run(["remote", "set-url", "origin", remote] if git.remote_url() else ["remote", "add", "origin", remote])
        report.set_up = f"The sync remote is now {remote}."
    return git


def _commit(git: Git, message: str, *parents: str, tree: str | None = None) -> bool:
    """Commit the index, or `tree` when given (HEAD and `parents` its parents); False when it holds HEAD's
    tree already."""
    tree, head = tree or git.write_tree(), git.rev("HEAD")
    if head is not None and not parents and tree == git.text(["rev-parse", "HEAD^{tree}"]):
        return False
    heads = [p for p in (head, *parents) if p]
    commit = git.text(["commit-tree", tree, *(a for p in heads for a in ("-p", p)), "-m", message])
    git.run(["update-ref", "HEAD", commit])
    return True


def _count_sent(git: Git, remote_head: str | None) -> int:
    """The papers, lists and searches HEAD has that the remote lacks (empty lists and searches files not counted)."""
    paths = [c.path for c in _changed_paths(git, remote_head or EMPTY_TREE, "HEAD")]
    empty = {LISTS_PATH: render_lists({}), SEARCHES_PATH: render_searches({})}
    held, _ = git.blobs([f"HEAD:{p}" for p in paths if p in empty], MAX_COLLECTION_BYTES)
    return sum(1 for p in paths if PAPER_PATH.fullmatch(p) or (p in empty and held.get(f"HEAD:{p}") != empty[p]))


def _safe_path(path: str) -> bool:
    """Whether a path from the remote stays inside the working tree, out of `.git`."""
    parts = path.split("/")
    return "\\" not in path and all(p not in ("", ".", "..") and p.lower() != ".git" for p in parts)


@dataclass(frozen=True)
class _Changed:
    """One path that differs between two commits, with its blobs (ids of objects, not names: reading
    `rev:papers/x.md` made git unpack the 100k-entry `papers` tree again for every file)."""

    path: str
    mode: str  # the new side's mode; 000000 when deleted
    old: str  # the blob ids; all zeros when absent
    new: str


def _changed_paths(git: Git, old: str, new: str) -> list[_Changed]:
    """Every path that differs between two commits or trees."""
    raw = git.run(["diff", "--raw", "-z", "--no-renames", "--no-abbrev", old, new]).stdout
    parts = raw.decode("utf-8", errors="replace").split("\0")
    out = []
    for i in range(0, len(parts) - 1, 2):
        _, mode, old_blob, new_blob, _ = parts[i].split()
        out.append(_Changed(parts[i + 1], mode, old_blob, new_blob))
    return out


def _merge(library: Library, git: Git, folder: Path, remote_head: str, base: str | None, head: str | None,
           report: SyncReport) -> list[int]:
    """Merge the remote's commit into the library and the tree, and commit the
    merge: only the files the remote changed are read, and only the papers
    that changed here are written. Returns the marks written (see `settle`)."""
    changed = _changed_paths(git, base or EMPTY_TREE, remote_head)
    papers: list[tuple[str, _Changed]] = []
    carried: list[_Changed] = []
    collections_changed = False
    for change in changed:
        path, mode = change.path, change.mode
        match = PAPER_PATH.fullmatch(path)
        if mode not in ("100644", "100755", "000000"):
            report.refused.append(f"{path}: not a regular file (a link or submodule), left out")
        elif match:
            papers.append((match.group(1), change))
        elif path in (LISTS_PATH, SEARCHES_PATH):
            collections_changed = True
        elif path.startswith("papers/"):
            report.refused.append(f"{path}: not a paper file Lectern writes (papers/<id>.md), left out")
        elif not _safe_path(path):
            report.refused.append(f"{path}: a path that leaves the sync folder or enters git's own, left out")
        else:
            carried.append(change)
    absent = "0" * 40
    snap = snapshot(library, [uid for uid, _ in papers])
    wanted = [blob for _, c in papers for blob in (c.old, c.new) if blob != absent]
    blobs, too_big = git.blobs(wanted, MAX_PAPER_BYTES)
    merged: dict[str, PaperDoc | None] = {}
    for uid, change in papers:
        if change.new in too_big:
            report.refused.append(f"{change.path} is larger than {MAX_PAPER_BYTES >> 20} MB, left out")
            continue
        theirs = doc_or_none(blobs.get(change.new), uid, report.refused)
        if theirs is None and change.new != absent:
            continue  # a file that cannot be read: the paper stays as it is here
        old = doc_or_none(blobs.get(change.old), uid, None)
        mine = snap.papers.get(uid)
        trashed_here = uid in snap.trashed and theirs is not None and theirs != old
        if trashed_here:  # in the Trash here, edited there: kept, with what was typed here merged in
            mine = snapshot_one(library, snap.ids[uid], uid)
            if old is None and base:  # its deletion was sent already: the last version sent is the base
                deleted_in = git.text(["rev-list", "-1", base, "--", change.path])
                if deleted_in:
                    last = f"{deleted_in}^:{change.path}"
                    old = doc_or_none(git.blobs([last], MAX_PAPER_BYTES)[0].get(last), uid, None)
        doc, conflicts, _ = merge_paper(old, mine, theirs)
        if trashed_here and doc is not None:
            conflicts.append(Conflict(doc.key, "deleted", "deleted here but edited on the remote: kept", ""))
            collections_changed = True  # its reading lists here come back with it: they are merged again
        report.conflicts += conflicts
        if doc != snap.papers.get(uid):
            merged[uid] = doc
    collections = None
    if collections_changed:
        collections = _merged_collections(git, base, remote_head, snap.collections, report)
    applied = apply(library, snap, merged, collections, "Sync")
    checkpoint("after-apply")
    report.received += applied.received
    report.refused += applied.refused
    report.changes = report.changes.merge(applied.changes)
    written = export(library, git)
    local_changes = {c.path for c in _changed_paths(git, base, "HEAD")} if base and carried else set()
    for change in carried:  # files others keep in the tree (a README): theirs unless changed here too
        path = change.path
        if path not in local_changes:
            if change.mode == "000000":
                git.run(["rm", "-q", "--cached", "--ignore-unmatch", "--", path])
                (folder / path).unlink(missing_ok=True)
            elif not git.ok(["checkout", remote_head, "--", path]):
                report.refused.append(f"{path}: git could not write it here, left out")
    checkpoint("before-commit")
    tree = git.write_tree()
    if tree == git.text(["rev-parse", f"{remote_head}^{{tree}}"]):
        git.run(["reset", "-q", "--soft", remote_head])  # nothing of ours the remote lacks: fast-forward
    elif base is not None and base == head:
        # the remote's history holds this one's already: a commit after the remote's (it has one parent whose
        # tree git compares the new one with when sending it, where a merge commit had two)
        commit = git.text(["commit-tree", tree, "-p", remote_head, "-m", f"{LECTERN_COMMIT}changes from this library"])
        git.run(["update-ref", "HEAD", commit])
    else:
        _commit(git, f"{LECTERN_COMMIT}merged", remote_head, tree=tree)
    return written


def _merged_collections(git: Git, base: str | None, remote_head: str, local: Collections,
                        report: SyncReport) -> Collections | None:
    specs = [f"{rev}:{name}" for rev in (base, remote_head) if rev for name in (LISTS_PATH, SEARCHES_PATH)]
    blobs, _ = git.blobs(specs, MAX_COLLECTION_BYTES)

    def read(rev: str | None, refused: list[str] | None) -> Collections | None:
        if rev is None:
            return Collections()
        try:
            lists, searches = blobs.get(f"{rev}:{LISTS_PATH}"), blobs.get(f"{rev}:{SEARCHES_PATH}")
            return Collections(parse_lists(lists) if lists else {}, parse_searches(searches) if searches else {})
        except TreeError as exc:
            if refused is not None:
                refused.append(str(exc))
            return None

    theirs = read(remote_head, report.refused)
    if theirs is None:
        return None
    merged, conflicts = merge_collections(read(base, None) or Collections(), local, theirs)
    report.conflicts += conflicts
    return merged
