"""A second process that reads and maps chunks of a large export (CSL-JSON
items, Markdown blocks), so that the machine's second core shares the work:
the exporting process sends a chunk's paper ids and gets its lines back. The
helper opens the library itself (a full record is costly to pickle: sending
the papers took most of what the helper saved). Anything going wrong with the
helper only means the exporting process maps that chunk itself; a frozen
application (no Python to start) has no helper.

    python -m lectern.core.transfer.chunk_helper KIND LIBRARY [FOLDER]   (reads frames on stdin)
"""

from __future__ import annotations

import os
import pickle
import queue
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO, Any

from lectern.core.formats.csljson import attached_paths, item_lines, with_attachments
from lectern.core.formats.writers import markdown_blocks
from lectern.core.library.facade import Library

_HEADER = struct.Struct("<Q")  # each frame: its length, then a pickle
KINDS = ("csljson", "markdown")
ANSWER_S = 120.0  # a helper silent this long on one chunk is taken as failed (its chunks are mapped here)


def chunk_lines(library: Library, kind: str, ids: list[int], folder: Path | None = None) -> list[str]:
    """The lines of the papers `ids` in an export of `kind` (attached files
    relative to `folder`, the exported file's, when inside it): what this
    process or the helper makes of one chunk."""
    items = library.papers_for_export(ids)
    attached = library.attachments.for_papers(ids)
    if kind == "csljson":
        return item_lines(with_attachments(items, attached, folder), attached_paths(attached, folder))
    return markdown_blocks(items, attached)


def _write(stream: IO[bytes], value: Any) -> None:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(data)) + data)
    stream.flush()


def _read(stream: IO[bytes]) -> Any:
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        raise EOFError("the other process closed its end")
    size = _HEADER.unpack(header)[0]
    data = stream.read(size)
    if len(data) < size:
        raise EOFError("the other process stopped mid-frame")
    return pickle.loads(data)  # noqa: S301 - frames come only from the process that started this one


class ChunkHelper:
    """The helper process, as the exporting process sees it. Two threads keep
    the pipes moving, so neither process ever waits on a full pipe: one writes
    the chunks sent (`send` only queues them), one reads the answers as they
    come (`ready`, `lines`); the answers come in the order the chunks went."""

    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        self.process = process
        self.outstanding = 0  # chunks sent whose lines have not been taken
        self._outbox: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        self._inbox: queue.SimpleQueue[list[str] | None] = queue.SimpleQueue()
        self._threads = [threading.Thread(target=self._feed, daemon=True, name="lectern-export-feed"),
                         threading.Thread(target=self._drain, daemon=True, name="lectern-export-drain")]
        for thread in self._threads:
            thread.start()

    @classmethod
    def start(cls, kind: str, library: Path, folder: Path | None = None) -> "ChunkHelper | None":
        """A running helper mapping chunks of `kind` (one of KINDS) of the library
        file `library`, or None where none can start."""
        if getattr(sys, "frozen", False):
            return None
        try:
            args = [sys.executable, "-m", __name__, kind, str(library), *([str(folder)] if folder else [])]
            return cls(subprocess.Popen(args, stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL))
        except OSError:
            return None

    def _feed(self) -> None:
        stream = self.process.stdin
        while (frame := self._outbox.get()) is not None:
            try:
                stream.write(frame)  # type: ignore[union-attr]
                stream.flush()  # type: ignore[union-attr]
            except (OSError, ValueError):
                return  # (the helper is gone: its answers stop, and `lines` says so)

    def _drain(self) -> None:
        while True:
            try:
                lines = _read(self.process.stdout)  # type: ignore[arg-type]
            except BaseException:  # (anything at all: the exporting process must hear that no more will come)
                self._inbox.put(None)
                return
            if not isinstance(lines, list):
                self._inbox.put(None)
                return
            self._inbox.put(lines)

    def send(self, payloads: list[list[int]]) -> bool:
        """Queue chunks (each a list of paper ids) for the helper to map; False when they cannot be sent."""
        if self.process.poll() is not None:
            return False
        try:
            data = pickle.dumps(list(payloads), protocol=pickle.HIGHEST_PROTOCOL)
        except (pickle.PicklingError, TypeError, AttributeError):
            return False
        self._outbox.put(_HEADER.pack(len(data)) + data)
        self.outstanding += 1
        return True

    def ready(self) -> bool:
        """Whether the lines of the oldest chunk sent have come."""
        return not self._inbox.empty()

    def lines(self) -> list[str] | None:
        """The lines of the oldest chunk sent (waiting for them), or None when
        the helper failed or gave no answer for ANSWER_S (a chunk takes well under a second)."""
        self.outstanding -= 1
        deadline = time.monotonic() + ANSWER_S
        while True:
            try:
                return self._inbox.get(timeout=0.5)
            except queue.Empty:
                if not self._threads[1].is_alive() or time.monotonic() > deadline:
                    return None

    def close(self) -> None:
        """End the helper (at once: nothing it still holds is wanted)."""
        self._outbox.put(None)
        self.process.kill()
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            try:
                if stream is not None:
                    stream.close()
            except OSError:
                pass


def serve(source: IO[bytes], sink: IO[bytes], kind: str, library: Library, folder: Path | None = None) -> None:
    """Map chunks of `kind` until the exporting process closes its end: each
    frame holds a list of chunks (paper ids), answered by all their lines in order."""
    assert kind in KINDS
    while True:
        try:
            chunks = _read(source)
        except EOFError:
            return
        _write(sink, [line for ids in chunks for line in chunk_lines(library, kind, ids, folder)])


if __name__ == "__main__":
    frames = os.fdopen(os.dup(1), "wb")  # the answers; anything else printed goes where stderr goes
    os.dup2(2, 1)
    with Library.open(Path(sys.argv[2])) as opened:
        serve(sys.stdin.buffer, frames, sys.argv[1], opened, Path(sys.argv[3]) if len(sys.argv) > 3 else None)
