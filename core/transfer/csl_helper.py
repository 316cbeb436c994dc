"""A second process that maps a large CSL-JSON export's items, so that the
machine's second core takes every other chunk: the exporting process sends a
chunk of items and gets their lines back, one chunk at a time in lockstep
(neither side writes while the other does, so the pipes cannot block both).
Anything going wrong with the helper only means the exporting process maps
that chunk itself; a frozen application (no Python to start) has no helper.

    python -m lectern.core.transfer.csl_helper   (reads frames on stdin)
"""

from __future__ import annotations

import pickle
import struct
import subprocess
import sys
from collections.abc import Sequence
from typing import IO, Any

from lectern.core.formats.csljson import Item, item_lines

_HEADER = struct.Struct("<Q")  # each frame: its length, then a pickle


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


class CslHelper:
    """The helper process, as the exporting process sees it."""

    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        self.process = process

    @classmethod
    def start(cls) -> "CslHelper | None":
        """A running helper, or None where none can start."""
        if getattr(sys, "frozen", False):
            return None
        try:
            return cls(subprocess.Popen([sys.executable, "-m", __name__], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL))
        except OSError:
            return None

    def send(self, items: Sequence[Item]) -> bool:
        """Hand the helper a chunk to map; False when it cannot take it."""
        try:
            _write(self.process.stdin, list(items))  # type: ignore[arg-type]
            return True
        except (OSError, ValueError, pickle.PicklingError):
            return False

    def lines(self) -> list[str] | None:
        """The lines of the chunk last sent, or None when the helper failed."""
        try:
            lines = _read(self.process.stdout)  # type: ignore[arg-type]
        except (OSError, EOFError, ValueError, pickle.UnpicklingError):
            return None
        return lines if isinstance(lines, list) else None

    def close(self) -> None:
        """End the helper (at once: nothing it still holds is wanted)."""
        for stream in (self.process.stdin, self.process.stdout):
            try:
                if stream is not None:
                    stream.close()
            except OSError:
                pass
        self.process.kill()
        self.process.wait()


def serve(source: IO[bytes], sink: IO[bytes]) -> None:
    """Map chunks until the exporting process closes its end."""
    while True:
        try:
            items = _read(source)
        except EOFError:
            return
        _write(sink, item_lines(items))


if __name__ == "__main__":
    serve(sys.stdin.buffer, sys.stdout.buffer)
