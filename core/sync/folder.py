"""The sync folder's working tree: the files of the papers changed since the
last sync written there (and staged), and what a person changed there by hand,
with an editor or with git, taken into the library."""

from __future__ import annotations

import os
from pathlib import Path

from lectern.core.library.facade import Library
from lectern.core.sync.git import Git
from lectern.core.sync.local import apply, changed_since_sync, mark_changed, snapshot
from lectern.core.sync.merge import merge_collections, merge_paper
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
    paper_path,
    parse_lists,
    parse_paper,
    parse_searches,
    render_lists,
    render_paper,
    render_searches,
)

LECTERN_COMMIT = "Lectern: "  # how the messages of the commits a sync makes begin


PACK_FROM = 64  # files staged at once from which their contents go into git as one pack
WRITE_MARKER = "lectern-writing"  # in .git: the sync is writing the tree (its changes there are not hand edits)


def write_file(path: Path, data: bytes, compare: bool = True) -> bool:
    """Write a file of the tree (no fsync: the library holds the truth, and a sync
    stopped while writing writes these files again, see WRITE_MARKER); False when
    `compare` and it held `data` already."""
    try:
        if compare and not path.is_symlink() and path.is_file() and path.read_bytes() == data:
            return False
    except OSError:
        pass
    if path.is_symlink():
        path.unlink()  # replaced, never written through (a link could point out of the tree)
    with open(path, "wb") as out:
        out.write(data)
    return True


def export(library: Library, git: Git) -> list[int]:
    """Write the files of the papers changed since the last sync (a paper's
    file, or its removal; the lists and searches) and stage them. Returns the
    marks written, for `settle` once a commit holds them."""
    uids, marks = changed_since_sync(library)
    snap = snapshot(library, uids)
    papers = git.work_tree / "papers"
    papers.mkdir(exist_ok=True)
    contents = []
    for uid in uids:
        path = papers / f"{uid}.md"
        if uid in snap.papers:
            contents.append(render_paper(snap.papers[uid]))
            write_file(path, contents[-1], compare=False)  # (changed, most likely: reading it first costs more)
        elif path.is_symlink() or path.is_file():
            path.unlink()
    write_file(git.work_tree / LISTS_PATH, render_lists(dict(snap.collections.lists)))
    write_file(git.work_tree / SEARCHES_PATH, render_searches(dict(snap.collections.searches)))
    if len(contents) >= PACK_FROM:
        _pack(git, contents)
    stage(git, [paper_path(uid) for uid in uids] + [LISTS_PATH, SEARCHES_PATH])
    return marks


def _pack(git: Git, contents: list[bytes]) -> None:
    """Put these contents into git as one pack (`fast-import`), so that staging
    their files finds them stored already: a loose object a file made staging
    a large library take many times longer."""
    stream = b"".join(b"blob\ndata %d\n%s\n" % (len(data), data) for data in contents)
    git.run(["fast-import", "--quiet", "--done"], input=stream + b"done\n")


def stage(git: Git, paths: list[str]) -> None:
    """Put these files of the working tree in the index as they are (or out of it when gone)."""
    if paths:
        git.run(["update-index", "--add", "--remove", "-z", "--stdin"],
                input="".join(f"{p}\0" for p in paths).encode())


def doc_or_none(data: bytes | None, uid: str, refused: list[str] | None) -> PaperDoc | None:
    """The paper in `data`; None when absent or unreadable (the reason added to `refused`)."""
    if data is None:
        return None
    try:
        return parse_paper(uid, data)
    except TreeError as exc:
        if refused is not None:
            refused.append(str(exc))
        return None


def _hand_paths(git: Git, synced: str, head: str, worktree: bool) -> list[str]:
    """The files changed since the last sync other than by it: in commits made
    since in the folder (a person's own, or a `git pull`) and, when `worktree`,
    in the working tree."""
    paths: dict[str, None] = {}
    if synced != head:
        listed = git.run(["diff", "--name-only", "--no-renames", "-z", synced, head]).stdout
        paths.update(dict.fromkeys(p.decode("utf-8", errors="replace") for p in listed.split(b"\0") if p))
    if worktree:
        paths.update(dict.fromkeys(worktree_changes(git)))
    return list(paths)


def worktree_changes(git: Git, locks: bool = True) -> list[str]:
    """The files of the sync tree (papers, lists and searches) that differ from
    the index or are not in it: edited, added or removed by hand. Asked of the
    whole tree, without a pathspec, and with untracked files shown one by one
    by configuration: only so does git use its cache of untracked files (a
    folder of a large library is read again only when its entries changed).
    Without `locks`, git does not write the refreshed index (a read beside a
    running sync never takes the lock the sync needs)."""
    listing = git.run([*(() if locks else ("--no-optional-locks",)), "-c", "status.showUntrackedFiles=all",
                       "status", "--porcelain=v1", "-z", "-uall", "--no-renames"]).stdout
    names = (entry[3:].decode("utf-8", errors="replace") for entry in listing.split(b"\0") if len(entry) > 3)
    return [name for name in names if name.startswith("papers/") or name in (LISTS_PATH, SEARCHES_PATH)]


def absorb_hand_edits(library: Library, git: Git, synced: str, head: str, worktree: bool,
                      report: SyncReport) -> None:
    """Take into the library what a person changed in the sync folder since the
    last sync (commit `synced`), merged with the library's own changes since."""
    paths = _hand_paths(git, synced, head, worktree)
    uids = [m.group(1) for m in map(PAPER_PATH.fullmatch, paths) if m]
    hand_collections = any(p in (LISTS_PATH, SEARCHES_PATH) for p in paths)
    if not uids and not hand_collections:
        return
    base, _ = git.blobs([f"{synced}:{paper_path(uid)}" for uid in uids], MAX_PAPER_BYTES)
    snap = snapshot(library, uids)
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
        mine = snap.papers.get(uid)
        if uid in snap.trashed and theirs is None:
            continue  # in the Trash here and its file gone: nothing to take
        doc, conflicts, _ = merge_paper(doc_or_none(base[f"{synced}:{paper_path(uid)}"], uid, None), mine, theirs)
        report.conflicts += conflicts
        if doc != mine:
            merged[uid] = doc
    collections = _hand_edited_collections(git, synced, snap.collections, report) if hand_collections else None
    applied = apply(library, snap, merged, collections, "Edits in the sync folder")
    report.received += applied.received
    report.refused += applied.refused
    report.changes = report.changes.merge(applied.changes)
    mark_changed(library, uids)  # their files are written again, whatever the library holds now


def _hand_edited_collections(git: Git, synced: str, local: Collections, report: SyncReport) -> Collections | None:
    """lists.yaml and searches.yaml as edited in the folder, merged with the library's."""
    held, _ = git.blobs([f"{synced}:{LISTS_PATH}", f"{synced}:{SEARCHES_PATH}"], MAX_COLLECTION_BYTES)
    sides = []
    for source in ("synced", "folder"):
        try:
            data = {}
            for name in (LISTS_PATH, SEARCHES_PATH):
                path = git.work_tree / name
                if source == "synced":
                    data[name] = held[f"{synced}:{name}"]
                elif path.is_file() and not path.is_symlink():
                    with open(path, "rb") as file:
                        data[name] = file.read(MAX_COLLECTION_BYTES + 1)
                else:
                    data[name] = None
            sides.append(Collections(parse_lists(data[LISTS_PATH]) if data[LISTS_PATH] else {},
                                     parse_searches(data[SEARCHES_PATH]) if data[SEARCHES_PATH] else {}))
        except TreeError as exc:
            if source == "synced":
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
