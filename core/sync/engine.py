"""One sync of a library with its git remote: take in what was edited by hand
in the sync folder, commit the library's changes, fetch, merge at the data
level against the common ancestor (git's merge-base, so a sync killed at any
step is finished by the next one), apply the merge to the library in one
transaction, commit the merge with both parents, push (again after a fetch
when someone pushed in between)."""

from __future__ import annotations

import json
import os
import socket
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from lectern.core.domain.changes import Changes
from lectern.core.library.facade import Library
from lectern.core.sync.git import Git, PushRejected, SyncError
from lectern.core.sync.local import Snapshot, apply, assign_uids, checkpoint, snapshot, snapshot_one
from lectern.core.sync.merge import Conflict, merge_collections, merge_paper
from lectern.core.sync.tree import (
    LISTS_PATH,
    MAX_COLLECTION_BYTES,
    MAX_PAPER_BYTES,
    PAPER_PATH,
    SEARCHES_PATH,
    Collections,
    PaperDoc,
    TreeError,
    paper_path,
    parse_lists,
    parse_paper,
    parse_searches,
    render_lists,
    render_paper,
    render_searches,
)

BRANCH = "main"
EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
PUSH_ATTEMPTS = 5
MARKER = "lectern-writing"  # in .git: the sync is writing the tree (its changes there are not hand edits)

__all__ = ["SyncError", "SyncReport", "sync", "sync_folder"]


@dataclass
class SyncReport:
    """What a sync did, for the user."""

    set_up: str = ""
    sent: int = 0
    received: int = 0
    conflicts: list[Conflict] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    changes: Changes = field(default_factory=Changes)

    def summary(self) -> str:
        lines = [self.set_up] if self.set_up else []
        counts = f"sent {_n(self.sent, 'change')}, received {_n(self.received, 'change')}"
        lines.append(counts + (f", {_n(len(self.conflicts), 'conflict')}:" if self.conflicts else "."))
        lines += [f"  {c.describe()}" for c in self.conflicts]
        lines += [f"  refused {r}" for r in self.refused]
        return "\n".join(lines)


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def sync_folder(library_path: Path) -> Path:
    """The sync repository's working tree, beside the library file."""
    return library_path.parent / f"{library_path.stem} sync"


def sync(library: Library, remote: str | None = None, folder: Path | None = None) -> SyncReport:
    """Sync `library` with its remote (set to `remote` first when given)."""
    folder = folder or sync_folder(library.path)
    report = SyncReport()
    git = _repository(folder, remote, report)
    if git.remote_url() is None:
        raise SyncError("This library has no sync remote yet: give one with --remote URL_OR_PATH.")
    assign_uids(library)
    git_dir = Path(git.text(["rev-parse", "--absolute-git-dir"]))
    marker = git_dir / MARKER
    written = _Written(git_dir, git.rev("HEAD"), trusted=not marker.exists())
    if not marker.exists():
        written.forget(_absorb_hand_edits(library, git, report))
    _touch(marker)
    _export(library, folder, written)
    checkpoint("before-commit")
    _commit(git, "Lectern: changes from this library")
    written.save(git.rev("HEAD"))
    marker.unlink()
    for attempt in range(PUSH_ATTEMPTS):
        git.fetch()
        checkpoint("after-fetch")
        remote_head = git.rev(f"origin/{BRANCH}")
        if remote_head and not git.ok(["merge-base", "--is-ancestor", remote_head, "HEAD"]):
            _touch(marker)
            _merge(library, git, folder, remote_head, report, written)
            written.save(git.rev("HEAD"))
            marker.unlink()
        head = git.rev("HEAD")
        if head == remote_head:
            break
        report.sent = _count_sent(git, remote_head)
        checkpoint("before-push")
        try:
            git.push(BRANCH)
            break
        except PushRejected:
            if attempt == PUSH_ATTEMPTS - 1:
                raise SyncError("Others kept pushing to the remote meanwhile; your changes are kept "
                                "here: sync again in a moment.") from None
    _remember(library, report)
    return report


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


def _write(path: Path, data: bytes) -> bool:
    """Write a file of the tree whole (a temporary file renamed over it); False when it held `data` already."""
    try:
        if not path.is_symlink() and path.is_file() and path.read_bytes() == data:
            return False
    except OSError:
        pass
    temporary = path.with_name(f".lectern-tmp-{path.name}")
    temporary.write_bytes(data)  # no fsync a file: the library holds the truth, and the next sync rewrites
    os.replace(temporary, path)
    return True


class _Written:
    """What the last export wrote, by paper (a digest of each paper as the library
    held it), so that a sync renders only the papers changed since: rendering
    every paper took most of a sync. Kept in .git beside the commit it matches;
    any doubt (another commit, an interrupted sync) and every paper is rendered."""

    def __init__(self, git_dir: Path, head: str | None, trusted: bool) -> None:
        self.path = git_dir / "lectern-written.json"
        self.digests: dict[str, str] = {}
        try:
            saved = json.loads(self.path.read_text(encoding="utf-8"))
            if trusted and head and saved.get("head") == head and isinstance(saved.get("papers"), dict):
                self.digests = saved["papers"]
        except (OSError, ValueError):
            pass

    def forget(self, uids: set[str]) -> None:
        for uid in uids:
            self.digests.pop(uid, None)

    def save(self, head: str | None) -> None:
        temporary = self.path.with_name(self.path.name + ".tmp")
        temporary.write_text(json.dumps({"head": head, "papers": self.digests}), encoding="utf-8")
        os.replace(temporary, self.path)


def _export(library: Library, folder: Path, written: _Written) -> Snapshot:
    """Write the library into the working tree: a file a paper (those changed
    since the last export), the lists and searches."""
    snap = snapshot(library)
    papers = folder / "papers"
    papers.mkdir(exist_ok=True)
    digests = {}
    for uid in snap.papers:
        digests[uid] = snap.papers.digest(uid)
        if written.digests.get(uid) != digests[uid]:
            _write(papers / f"{uid}.md", render_paper(snap.papers[uid]))
    for path in papers.iterdir():
        match = PAPER_PATH.fullmatch(f"papers/{path.name}")
        if match and match.group(1) not in snap.papers:
            path.unlink()
    written.digests = digests
    _write(folder / LISTS_PATH, render_lists(dict(snap.collections.lists)))
    _write(folder / SEARCHES_PATH, render_searches(dict(snap.collections.searches)))
    return snap


def _commit(git: Git, message: str) -> bool:
    git.run(["add", "-A", "--", "papers", LISTS_PATH, SEARCHES_PATH])
    if git.ok(["diff", "--cached", "--quiet"]):
        return False
    git.run(["commit", "-q", "--no-verify", "-m", message])
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


def _doc(data: bytes | None, uid: str, refused: list[str] | None) -> PaperDoc | None:
    if data is None:
        return None
    try:
        return parse_paper(uid, data)
    except TreeError as exc:
        if refused is not None:
            refused.append(str(exc))
        return None


def _absorb_hand_edits(library: Library, git: Git, report: SyncReport) -> set[str]:
    """Take into the library what was edited by hand in the sync folder since
    the last commit (merged with the library's own changes since then)."""
    if git.rev("HEAD") is None:
        return set()
    listing = git.run(["status", "--porcelain=v1", "-z", "-uall", "--no-renames", "--", "papers", LISTS_PATH,
                       SEARCHES_PATH]).stdout
    paths = [entry[3:].decode("utf-8", errors="replace") for entry in listing.split(b"\0") if len(entry) > 3]
    uids = [m.group(1) for m in map(PAPER_PATH.fullmatch, paths) if m]
    hand_collections = any(p in (LISTS_PATH, SEARCHES_PATH) for p in paths)
    if not uids and not hand_collections:
        return set()
    base, _ = git.blobs([f"HEAD:{paper_path(uid)}" for uid in uids], MAX_PAPER_BYTES)
    snap = snapshot(library)
    merged: dict[str, PaperDoc | None] = {}
    for uid in uids:
        path = git.work_tree / paper_path(uid)
        theirs: PaperDoc | None = None
        if path.is_symlink() or (path.exists() and not path.is_file()):
            report.refused.append(f"{paper_path(uid)}: not a regular file, left out")
            continue
        if path.exists():
            try:
                with open(path, "rb") as source:
                    theirs = parse_paper(uid, source.read(MAX_PAPER_BYTES + 1))
            except TreeError as exc:
                os.replace(path, path.with_name(path.name + ".refused"))
                report.refused.append(f"{exc} Your text is kept in {paper_path(uid)}.refused.")
                continue
        doc, conflicts, _ = merge_paper(_doc(base[f"HEAD:{paper_path(uid)}"], uid, None), snap.papers.get(uid), theirs)
        report.conflicts += conflicts
        merged[uid] = doc
    collections = _hand_edited_collections(git, snap.collections, report) if hand_collections else None
    applied = apply(library, snap, merged, collections, "Edits in the sync folder")
    report.received += applied.received
    report.refused += applied.refused
    report.changes = report.changes.merge(applied.changes)
    return set(uids)  # written again by the export, whatever the library holds


def _hand_edited_collections(git: Git, local: Collections, report: SyncReport) -> Collections | None:
    """lists.yaml and searches.yaml as edited in the folder, merged with the library's."""
    held, _ = git.blobs([f"HEAD:{LISTS_PATH}", f"HEAD:{SEARCHES_PATH}"], MAX_COLLECTION_BYTES)
    sides = []
    for source in ("HEAD", "folder"):
        try:
            data = {}
            for name in (LISTS_PATH, SEARCHES_PATH):
                path = git.work_tree / name
                if source == "HEAD":
                    data[name] = held[f"HEAD:{name}"]
                elif path.is_file() and not path.is_symlink():
                    with open(path, "rb") as file:
                        data[name] = file.read(MAX_COLLECTION_BYTES + 1)
                else:
                    data[name] = None
            sides.append(Collections(parse_lists(data[LISTS_PATH]) if data[LISTS_PATH] else {},
                                     parse_searches(data[SEARCHES_PATH]) if data[SEARCHES_PATH] else {}))
        except TreeError as exc:
            if source == "HEAD":
                sides.append(Collections())
                continue
            for name in (LISTS_PATH, SEARCHES_PATH):
                if (git.work_tree / name).is_file():
                    os.replace(git.work_tree / name, git.work_tree / f"{name}.refused")
            report.refused.append(f"{exc} Your text is kept in {LISTS_PATH}.refused and {SEARCHES_PATH}.refused.")
            return None
    merged, conflicts = merge_collections(sides[0], local, sides[1])
    report.conflicts += conflicts
    return merged


def _merge(library: Library, git: Git, folder: Path, remote_head: str, report: SyncReport,
           written: "_Written") -> None:
    """Merge the remote's commit into the library and the tree, and commit the merge."""
    base = git.text(["merge-base", "HEAD", remote_head]) if git.ok(["merge-base", "HEAD", remote_head]) else None
    changed = _changed_paths(git, base or EMPTY_TREE, remote_head)
    snap = snapshot(library)
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
    wanted = [blob for _, c in papers for blob in (c.old, c.new) if blob != absent]
    blobs, too_big = git.blobs(wanted, MAX_PAPER_BYTES)
    merged: dict[str, PaperDoc | None] = {}
    for uid, change in papers:
        if change.new in too_big:
            report.refused.append(f"{change.path} is larger than {MAX_PAPER_BYTES >> 20} MB, left out")
            continue
        theirs = _doc(blobs.get(change.new), uid, report.refused)
        if theirs is None and change.new != absent:
            continue  # a file that cannot be read: the paper stays as it is here
        old = _doc(blobs.get(change.old), uid, None)
        mine = snap.papers.get(uid)
        trashed_here = uid in snap.trashed and theirs is not None and theirs != old
        if trashed_here:  # in the Trash here, edited there: kept, with what was typed here merged in
            mine = snapshot_one(library, snap.ids[uid], uid)
            if old is None and base:  # its deletion was sent already: the last version sent is the base
                deleted_in = git.text(["rev-list", "-1", base, "--", change.path])
                if deleted_in:
                    last = f"{deleted_in}^:{change.path}"
                    old = _doc(git.blobs([last], MAX_PAPER_BYTES)[0].get(last), uid, None)
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
    _export(library, folder, written)
    local_changes = {c.path for c in _changed_paths(git, base, "HEAD")} if base else set()
    for change in carried:  # files others keep in the tree (a README): theirs unless changed here too
        path = change.path
        if path not in local_changes:
            if change.mode == "000000":
                git.run(["rm", "-q", "--cached", "--ignore-unmatch", "--", path])
                (folder / path).unlink(missing_ok=True)
            elif not git.ok(["checkout", remote_head, "--", path]):
                report.refused.append(f"{path}: git could not write it here, left out")
    git.run(["add", "-A", "--", "papers", LISTS_PATH, SEARCHES_PATH])
    tree = git.text(["write-tree"])
    if tree == git.text(["rev-parse", f"{remote_head}^{{tree}}"]):
        git.run(["reset", "-q", "--soft", remote_head])  # nothing of ours the remote lacks: fast-forward
    else:
        commit = git.text(["commit-tree", tree, "-p", "HEAD", "-p", remote_head, "-m", "Lectern: merged"])
        git.run(["update-ref", "HEAD", commit])


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
