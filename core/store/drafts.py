"""Drafts of notes not yet saved into the library, one file per paper in a
folder beside the library (`library.sqlite.drafts/<paper_id>.md`), so that a
crash or a full disk never loses what was typed.

A draft is written at most every ~150 ms while typing (temporary file, then a
rename: never half a file). That write is not fsynced: a killed process loses
nothing (the page cache outlives it), and the database itself is saved with
fsync a second after typing stops; only a power cut in that second may lose
the draft. When the library refuses a note (disk full), the draft is written
durably (fsync), since it is then the only copy. A draft is removed once its
text is in the library."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from lectern.core.store.atomic import write_atomic

DRAFT_NAME = re.compile(r"^([0-9]{1,18})\.md$")


@dataclass(frozen=True)
class Draft:
    """One paper's unsaved note text, as last written."""

    paper_id: int
    text: str
    written_at: datetime  # aware, local time
    path: Path


def drafts_folder(library_path: Path) -> Path:
    """The folder that holds a library's drafts: beside the library file."""
    return Path(str(library_path) + ".drafts")


def _encode(text: str) -> bytes:
    return text.encode("utf-8", errors="surrogatepass")


class Drafts:
    """The drafts of one library, keyed by paper id. The folder is made on the
    first write; an empty folder is removed again."""

    def __init__(self, library_path: Path) -> None:
        self.folder = drafts_folder(library_path)

    def path_of(self, paper_id: int) -> Path:
        return self.folder / f"{int(paper_id)}.md"

    def write(self, paper_id: int, text: str, durable: bool = False) -> None:
        """Keep `text` as the draft of `paper_id`, replacing the old one in one
        step. `durable` fsyncs it (slower); otherwise it survives a killed
        process but maybe not a power cut. Raises OSError (e.g. disk full)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self.path_of(paper_id)
        if durable:
            write_atomic(target, _encode(text))
            return
        tmp = self.folder / f".{target.name}.typing.tmp"
        try:
            tmp.write_bytes(_encode(text))
            os.replace(tmp, target)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise

    def read(self, paper_id: int) -> Draft | None:
        path = self.path_of(paper_id)
        try:
            data = path.read_bytes()
            when = datetime.fromtimestamp(path.stat().st_mtime).astimezone()
        except FileNotFoundError:
            return None
        try:
            text = data.decode("utf-8", errors="surrogatepass")
        except UnicodeDecodeError:  # not written by Lectern: show what can be read
            text = data.decode("utf-8", errors="replace")
        return Draft(int(paper_id), text, when, path)

    def remove(self, paper_id: int) -> None:
        """Forget a draft (its text is in the library now)."""
        self.path_of(paper_id).unlink(missing_ok=True)
        try:
            self.folder.rmdir()  # only succeeds when no draft is left
        except OSError:
            pass

    def all(self) -> list[Draft]:
        """Every draft on disk, oldest first; files that are not drafts are ignored."""
        if not self.folder.is_dir():
            return []
        found = []
        for path in self.folder.iterdir():
            match = DRAFT_NAME.match(path.name)
            if match and path.is_file():
                draft = self.read(int(match.group(1)))
                if draft is not None:
                    found.append(draft)
        return sorted(found, key=lambda d: (d.written_at, d.paper_id))


@dataclass
class Recovery:
    """What became of the drafts found at start."""

    restored: list[Draft] = field(default_factory=list)  # saved into the library now
    unsaved: list[tuple[Draft, str]] = field(default_factory=list)  # newer than the note; saving failed (why)
    orphans: list[Draft] = field(default_factory=list)  # the paper is gone (or its id reused): the file is kept
    discarded: int = 0  # equal to the saved note: nothing was lost, removed silently


def recover(drafts: Drafts, lookup: Callable[[int], tuple[str, datetime] | None],
            save: Callable[[int, str], object]) -> Recovery:
    """Bring every draft left by a crash back into the library.

    `lookup(paper_id)` gives the paper's saved note and when the paper was
    added (aware), or None when it no longer exists; `save(paper_id, text)`
    writes a note. A draft that differs from the saved note is saved and then
    removed; one that cannot be saved, or whose paper is gone, stays on disk.
    Paper ids can be reused: a paper added after the draft was written is not
    the draft's paper."""
    recovery = Recovery()
    for draft in drafts.all():
        found = lookup(draft.paper_id)
        if found is None or found[1] > draft.written_at:
            recovery.orphans.append(draft)
            continue
        saved = found[0]
        if saved != draft.text:
            try:
                save(draft.paper_id, draft.text)
            except Exception as exc:  # disk still full, read-only: keep the draft
                recovery.unsaved.append((draft, str(exc)))
                continue
            recovery.restored.append(draft)
        else:
            recovery.discarded += 1
        drafts.remove(draft.paper_id)
    return recovery
