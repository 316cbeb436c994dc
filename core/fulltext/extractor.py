"""The parent's side of the PDF worker: starts `core/fulltext/worker.py` as its own
process, sends it one file at a time and waits at most the time limit. A worker
that overruns is killed; one that dies is restarted for the next file."""

from __future__ import annotations

import json
import os
import select
import stat
import subprocess
import sys
import time
from pathlib import Path

from lectern.core.fulltext.results import (
    CRASHED,
    NOT_FILE,
    NOT_PDF,
    UNREADABLE,
    Extraction,
    Limits,
    failed,
    too_large,
    too_slow,
)

HEADER_BYTES = 1024


def worker_command() -> list[str]:
    """How to start the worker: the frozen bundle runs itself with a flag (packaging/entry.py)."""
    if getattr(sys, "frozen", False):
        return [sys.executable, "--fulltext-worker"]
    return [sys.executable, "-m", "lectern.core.fulltext.worker"]


def precheck(path: Path, limits: Limits) -> Extraction | None:
    """The refusals that need no PDF reader: not a regular file, too large, not a PDF."""
    try:
        info = os.stat(path)
    except OSError:
        return failed(UNREADABLE)
    if not stat.S_ISREG(info.st_mode):
        return failed(NOT_FILE)
    if info.st_size > limits.max_bytes:
        return failed(too_large(limits.max_bytes))
    try:
        with open(path, "rb") as handle:
            head = handle.read(HEADER_BYTES)
    except OSError:
        return failed(UNREADABLE)
    return None if b"%PDF-" in head else failed(NOT_PDF)


class TextExtractor:
    """Reads PDFs in a worker process, one at a time (use one per thread)."""

    def __init__(self, limits: Limits | None = None) -> None:
        self.limits = limits or Limits()
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def start(self) -> None:
        if self._process is not None and self._process.poll() is None:
            return
        env = dict(os.environ, LECTERN_PDF_MEMORY=str(self.limits.memory_bytes))
        self._process = subprocess.Popen(
            worker_command(), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            env=env, close_fds=True)

    def extract(self, path: Path | str) -> Extraction:
        """The text of the PDF at `path`, or the reason there is none; never raises for a bad file."""
        path = Path(path)
        refused = precheck(path, self.limits)
        if refused is not None:
            return refused
        request = {"path": str(path.resolve()), "limits": {
            "max_bytes": self.limits.max_bytes, "max_pages": self.limits.max_pages,
            "max_chars": self.limits.max_chars}}
        for attempt in (1, 2):  # a worker found dead before the request is restarted once
            self.start()
            assert self._process is not None and self._process.stdin is not None
            try:
                self._process.stdin.write((json.dumps(request) + "\n").encode())
                self._process.stdin.flush()
                break
            except OSError:
                self._stop()
                if attempt == 2:
                    return failed(CRASHED)
        line = self._read_line(time.monotonic() + self.limits.seconds)
        if isinstance(line, str):
            self._stop()
            return failed(line)
        try:
            return Extraction.from_json(json.loads(line))
        except (ValueError, TypeError):
            self._stop()
            return failed(CRASHED)

    def _read_line(self, deadline: float) -> bytes | str:
        """The worker's answer, or the reason there is none (it overran or died)."""
        assert self._process is not None and self._process.stdout is not None
        fd = self._process.stdout.fileno()
        chunks: list[bytes] = []
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return too_slow(self.limits.seconds)
            ready, _, _ = select.select([fd], [], [], left)
            if not ready:
                continue
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                return CRASHED
            chunks.append(chunk)
            if chunk.endswith(b"\n"):
                return b"".join(chunks)

    def _stop(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        if process.poll() is None:
            process.kill()
        process.wait()
        for stream in (process.stdin, process.stdout):
            try:
                if stream is not None:
                    stream.close()
            except OSError:
                pass

    def kill(self) -> None:
        """Kill the worker process now (from any thread): a read in progress ends as CRASHED."""
        process = self._process
        if process is not None and process.poll() is None:
            process.kill()

    def close(self) -> None:
        """Ends the worker (it also ends by itself when this process goes away)."""
        self._stop()

    def __enter__(self) -> TextExtractor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
