"""Files attached to papers: copied into a storage folder beside the library
(`<library> files/<citation key>/<name>`, unique names, never overwritten) or
linked where they are. The rows are undoable like every write; the files follow
the rows after each commit (`History.on_commit`): a removed copied file waits in
`<library> files/.trash/` and undo brings it back. A linked file, the user's
own, is never moved or deleted."""

from __future__ import annotations

import hashlib
import json
import mimetypes
import os
import re
import secrets
import shutil
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from lectern.core.domain.changes import Changes
from lectern.core.library.copy_journal import CopyJournal
from lectern.core.library.history import History
from lectern.core.library.rows import EditError, now_text
from lectern.core.store.database import Connection, Database
from lectern.core.store.input_files import file_digest, regular_input_file
from lectern.core.store.undo import LogRow
from lectern.core.text.wording import plural

MODES = ("copy", "link")
TRASH = ".trash"  # inside the storage folder; no key folder starts with a dot
_CHUNK = 1 << 20
_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')
_COLUMNS = ("id", "paper_id", "position", "mode", "path", "name", "size", "sha256", "kind", "added_at")


class AttachError(EditError):
    """A file could not be attached, removed or located; the message says why."""


@dataclass(frozen=True)
class Attachment:
    """One attached file as the reader sees it."""

    id: int
    paper_id: int
    path: Path  # absolute: in the storage folder when copied, where it is when linked
    mode: str  # "copy" or "link"
    exists: bool  # False: the file is missing (moved or deleted outside Lectern)
    name: str
    size: int
    sha256: str
    kind: str = ""  # a MIME type, e.g. application/pdf
    position: int = 0


def storage_folder(library_path: Path) -> Path:
    """Where copied files live: `<library dir>/<library stem> files`."""
    return library_path.parent / f"{library_path.stem} files"


def safe_name(text: str, fallback: str) -> str:
    """`text` as one file or folder name (no separators, control characters,
    leading dots or trailing spaces); `fallback` when nothing is left."""
    cleaned = _UNSAFE.sub("_", text).strip().lstrip(".").strip()
    return cleaned[:150] or fallback


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError:
        pass


def _candidates(name: str) -> Iterable[str]:
    stem, dot, ext = name.rpartition(".")
    if not stem:
        stem, dot, ext = name, "", ""
    yield name
    for n in range(2, 10_000):
        yield f"{stem} ({n}){dot}{ext}"


def copy_into(source: Path, folder: Path, name: str, taken: Iterable[str] = (),
              claim: Callable[[str, str, int, int], None] | None = None) -> tuple[Path, int, str]:
    """Copy `source` into `folder` under `name` or the first free `name (2)`...
    (never over a file there, nor over a name in `taken`): written to a
    temporary name, fsynced, then linked into place, so a crash leaves no half
    file under the final name; `claim(name, sha256, device, inode)` is told
    each name just before the copy (that file) tries to take it. Returns
    (path, size, sha256)."""
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob(".*.part"):  # left by a copy that was killed
        stale.unlink(missing_ok=True)
    tmp = folder / f".{secrets.token_hex(6)}.part"
    digest = hashlib.sha256()
    size = 0
    try:
        with source.open("rb") as src, tmp.open("xb") as out:
            while chunk := src.read(_CHUNK):
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        blocked = {t.lower() for t in taken}
        made = os.stat(tmp)  # (a hard link or a rename keeps the file: the same inode under the final name)
        for candidate in _candidates(name):
            if candidate.lower() in blocked:
                continue
            target = folder / candidate
            if claim is not None:
                claim(candidate, digest.hexdigest(), made.st_dev, made.st_ino)
            try:
                os.link(tmp, target)  # fails when the name is taken: nothing is overwritten
            except FileExistsError:
                continue
            except OSError:  # a file system without hard links
                if target.exists():
                    continue
                os.rename(tmp, target)
            break
        else:
            raise AttachError(f"There are too many files named like {name} in {folder}.")
        _fsync_folder(folder)
        return target, size, digest.hexdigest()
    finally:
        tmp.unlink(missing_ok=True)


class Attachments:
    """The library's attached files, through one `History`."""

    def __init__(self, db: Database, history: History, library_path: Path) -> None:
        self.db = db
        self.history = history
        self.storage = storage_folder(library_path)
        self.trash_folder = self.storage / TRASH
        self._emptied: set[int] = set()  # attachments whose paper this session emptied from the Trash
        self.problems: list[str] = []  # files that could not follow their rows (shown, never raised)
        self.journal = CopyJournal(self.storage)
        history.on_commit(self._follow)

    # -- reads --------------------------------------------------------------
    def _attachment(self, row: Sequence) -> Attachment:
        values = dict(zip(_COLUMNS, row))
        path = self.storage / values["path"] if values["mode"] == "copy" else Path(values["path"])
        return Attachment(id=values["id"], paper_id=values["paper_id"], path=path, mode=values["mode"],
                          exists=path.is_file(), name=values["name"], size=values["size"],
                          sha256=values["sha256"], kind=values["kind"], position=values["position"])

    def of(self, paper_id: int) -> tuple[Attachment, ...]:
        """The files attached to one paper, in the order they were attached."""
        return self.for_papers([paper_id]).get(paper_id, ())

    def for_papers(self, paper_ids: Sequence[int]) -> dict[int, tuple[Attachment, ...]]:
        """paper id -> its attachments, for the papers among `paper_ids` that have any."""
        found: dict[int, list[Attachment]] = {}
        ids = list(paper_ids)
        for chunk in (ids[i:i + 900] for i in range(0, len(ids), 900)):
            with self.db.read() as conn:
                rows = conn.exec_driver_sql(
                    f"SELECT {', '.join(_COLUMNS)} FROM attachment WHERE paper_id IN ({','.join('?' * len(chunk))}) "
                    "ORDER BY paper_id, position, id", tuple(chunk)).all()
            for row in rows:
                found.setdefault(row[1], []).append(self._attachment(row))
        return {k: tuple(v) for k, v in found.items()}

    def get(self, attachment_id: int) -> Attachment | None:
        with self.db.read() as conn:
            row = conn.exec_driver_sql(f"SELECT {', '.join(_COLUMNS)} FROM attachment WHERE id = ?",
                                       (attachment_id,)).first()
        return self._attachment(row) if row else None

    def with_hash(self, sha256: str) -> tuple[Attachment, ...]:
        """Every attachment whose content has this SHA-256 (the same file attached before)."""
        with self.db.read() as conn:
            rows = conn.exec_driver_sql(f"SELECT {', '.join(_COLUMNS)} FROM attachment WHERE sha256 = ? "
                                        "ORDER BY id", (sha256,)).all()
        return tuple(self._attachment(r) for r in rows)

    # -- writes -------------------------------------------------------------
    def add(self, paper_id: int, paths: Iterable[Path | str], mode: str = "copy") -> Changes:
        """Attach files to a paper: copied into the storage folder (mode "copy")
        or linked where they are ("link"). A file already attached to this
        paper (same content) is left out. AttachError when the paper is gone or
        a file is not a readable regular file (nothing is attached then)."""
        if mode not in MODES:
            raise AttachError(f"Files are attached by copy or by link, not {mode!r}.")
        sources = [Path(os.path.abspath(Path(p).expanduser())) for p in paths]
        if not sources:
            raise AttachError("Choose at least one file to attach.")
        for source in sources:
            regular_input_file(source, AttachError, "attach")
        with self.db.read() as conn:
            paper = conn.exec_driver_sql("SELECT citation_key FROM paper WHERE id = ?", (paper_id,)).first()
            if paper is None:
                raise AttachError("This paper is no longer in the library, so nothing can be attached to it.")
            known = {r[0] for r in conn.exec_driver_sql("SELECT sha256 FROM attachment WHERE paper_id = ?",
                                                        (paper_id,))}
        folder_name = safe_name(paper[0], f"paper-{paper_id}")
        made: list[Path] = []
        rows: list[tuple[str, str, int, str, str]] = []  # path, name, size, sha256, kind
        try:
            for source in sources:
                name = safe_name(source.name, "file")
                kind = mimetypes.guess_type(source.name)[0] or ""
                try:
                    if mode == "copy":
                        target, size, sha = copy_into(
                            source, self.storage / folder_name, name, self._names_in_trash(folder_name),
                            lambda taken, sha, device, inode, home=folder_name: self.journal.note(
                                f"{home}/{taken}", sha, device, inode))
                        made.append(target)
                        stored = f"{folder_name}/{target.name}"
                    else:
                        size, sha = file_digest(source)
                        stored = str(source)
                except OSError as exc:
                    raise AttachError(f"Could not attach {source.name}: {exc.strerror or exc}.") from None
                if sha in known:
                    if made and mode == "copy":
                        made.pop().unlink(missing_ok=True)
                    continue
                known.add(sha)
                rows.append((stored, source.name, size, sha, kind))
            if not rows:
                raise AttachError("These files are attached to this paper already." if len(sources) > 1
                                  else f"{sources[0].name} is attached to this paper already.")
            self._insert(paper_id, mode, rows)
        except BaseException:
            for target in made:  # no row points at them: take the copies out again
                target.unlink(missing_ok=True)
            raise
        return Changes(papers=frozenset({paper_id}), fields=frozenset({"attachments"}))

    def _insert(self, paper_id: int, mode: str, rows: list[tuple[str, str, int, str, str]]) -> None:
        label = f"Attach {plural(len(rows), 'file')}" if len(rows) > 1 else f"Attach {rows[0][1]}"

        def op(conn: Connection) -> None:
            if conn.exec_driver_sql("SELECT 1 FROM paper WHERE id = ?", (paper_id,)).first() is None:
                raise AttachError("This paper is no longer in the library, so nothing can be attached to it.")
            start = conn.exec_driver_sql("SELECT coalesce(max(position), -1) + 1 FROM attachment WHERE paper_id = ?",
                                         (paper_id,)).scalar_one()
            now = now_text()
            for offset, (stored, name, size, sha, kind) in enumerate(rows):
                conn.exec_driver_sql(
                    "INSERT INTO attachment (paper_id, position, mode, path, name, size, sha256, kind, added_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", (paper_id, start + offset, mode, stored, name, size, sha,
                                                          kind, now))

        self.history.change(label, op, Changes(papers=frozenset({paper_id}), fields=frozenset({"attachments"})))

    def remove(self, attachment_id: int) -> Changes:
        """Detach a file. A copied file moves to the storage folder's Trash
        (undo brings it back); a linked file stays where it is, untouched."""
        found = self.get(attachment_id)
        if found is None:
            raise AttachError("That file is no longer attached.")
        return self.history.change(
            f"Remove {found.name}",
            lambda conn: conn.exec_driver_sql("DELETE FROM attachment WHERE id = ?", (attachment_id,)),
            Changes(papers=frozenset({found.paper_id}), fields=frozenset({"attachments"})))

    def relink(self, attachment_id: int, new_path: Path | str) -> Changes:
        """Point an attachment at the file where it is now (Locate...): a file
        inside the storage folder is stored as copied, any other as linked."""
        found = self.get(attachment_id)
        if found is None:
            raise AttachError("That file is no longer attached.")
        source = Path(os.path.abspath(Path(new_path).expanduser()))
        regular_input_file(source, AttachError, "attach")
        try:
            size, sha = file_digest(source)
        except OSError as exc:
            raise AttachError(f"Could not read {source.name}: {exc.strerror or exc}.") from None
        storage = Path(os.path.abspath(self.storage))
        inside = storage in source.parents and self.trash_folder not in source.parents
        mode, stored = ("copy", source.relative_to(storage).as_posix()) if inside else ("link", str(source))
        return self.history.change(
            f"Locate {found.name}",
            lambda conn: conn.exec_driver_sql(
                "UPDATE attachment SET mode = ?, path = ?, name = ?, size = ?, sha256 = ?, kind = ? WHERE id = ?",
                (mode, stored, source.name, size, sha, mimetypes.guess_type(source.name)[0] or "",
                 attachment_id)),
            Changes(papers=frozenset({found.paper_id}), fields=frozenset({"attachments"})))

    # -- the files follow the rows ---------------------------------------------
    def _names_in_trash(self, folder_name: str) -> set[str]:
        """Names of this folder's files waiting in the Trash (undo may bring them back: kept free)."""
        if not self.trash_folder.is_dir():
            return set()
        return {p.name for p in self.trash_folder.glob(f"*/*/{glob_escape(folder_name)}/*")}

    def _trashed(self, attachment_id: int, stored: str) -> Path | None:
        for sub in ("removed", "emptied"):
            candidate = self.trash_folder / sub / str(attachment_id) / stored
            if candidate.is_file():
                return candidate
        return None

    def _follow(self, log: list[LogRow]) -> None:
        """After a commit: a copied file whose row is gone moves to the Trash
        folder, and one whose row is back moves home from there."""
        images: dict[int, list] = {}
        for table, _op, rid, old, new in log:
            if table == "attachment" and (new or old):
                images[rid] = json.loads(new or old)  # the last image: a deleted row's last values
        if not images:
            return
        with self.db.read() as conn:
            live = {r[0]: r for r in conn.exec_driver_sql(
                f"SELECT id, mode, path FROM attachment WHERE id IN ({','.join(map(str, images))})")}
            papers = {r[0] for r in conn.exec_driver_sql(
                f"SELECT id FROM paper WHERE id IN ({','.join(str(i[1]) for i in images.values())})")}
        for rid, image in images.items():
            values = dict(zip(_COLUMNS, image))
            try:
                if rid in live:
                    _, mode, stored = live[rid]
                    home = self.storage / stored
                    trashed = self._trashed(rid, stored) if mode == "copy" and not home.exists() else None
                    if trashed is not None:
                        _move(trashed, home, self.storage)
                        self._emptied.discard(rid)
                elif values.get("mode") == "copy":
                    home = self.storage / values["path"]
                    if home.is_file():
                        sub = "removed" if values["paper_id"] in papers else "emptied"
                        _move(home, self.trash_folder / sub / str(rid) / values["path"], self.storage)
                        if sub == "emptied":
                            self._emptied.add(rid)
            except OSError as exc:
                self.problems.append(f"{values.get('name', 'A file')}: {exc.strerror or exc}")

    def journal_mark(self) -> int:
        """Where the pending-copies journal stands now (`sweep_copies(after=...)`)."""
        return len(self.journal.entries())

    def sweep_copies(self, after: int = 0, others: bool = False) -> None:
        """Delete the copies this process made (from the journal's `after`-th
        entry on) that no row points at: those of a batch rolled back before
        its commit (core/library/copy_journal.py). With `others`, also those
        any other process left: only for the holder of the library's lock
        (`sweep_left_behind`). Never raises."""
        def held(paths: Iterable[str]) -> set[str]:
            wanted = sorted(paths)
            with self.db.read() as conn:
                return {r[0] for i in range(0, len(wanted), 900) for r in conn.exec_driver_sql(
                    f"SELECT path FROM attachment WHERE mode = 'copy' AND path IN "
                    f"({','.join('?' * len(wanted[i:i + 900]))})", tuple(wanted[i:i + 900]))}
        try:
            self.journal.sweep(held, others, after)
        except Exception:  # (a library that cannot be read now, a read-only folder: the copies wait)
            pass

    def sweep_left_behind(self) -> None:
        """The copies a writer killed before its commit left (kill -9, power
        loss), deleted. Call only while holding the library's one-writer lock
        (core/store/instance_lock.py): every other writer is gone then."""
        self.sweep_copies(others=True)

    def purge(self) -> None:
        """Delete for good the copied files of papers this session emptied from
        the Trash (on closing the library: undo can no longer bring them back),
        and this session's copies that no row points at."""
        self.sweep_copies()
        if not self._emptied:
            return
        try:
            with self.db.read() as conn:
                back = {r[0] for r in conn.exec_driver_sql(
                    f"SELECT id FROM attachment WHERE id IN ({','.join(map(str, self._emptied))})")}
        except Exception:  # a library that cannot be read now (damaged, gone): keep the files, close anyway
            self._emptied.clear()
            return
        for rid in self._emptied - back:
            shutil.rmtree(self.trash_folder / "emptied" / str(rid), ignore_errors=True)
        self._emptied.clear()


def glob_escape(text: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", text)


def _move(source: Path, target: Path, storage: Path) -> None:
    """Move a file, never over another one (then it stays where it is), and
    take away the folders inside `storage` it leaves empty."""
    if target.exists():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    os.rename(source, target)
    _fsync_folder(target.parent)
    folder = source.parent
    while storage in folder.parents and folder != target.parent and folder.name != TRASH:
        try:
            folder.rmdir()
        except OSError:
            break
        folder = folder.parent
