"""The PDF worker process: reads requests (one JSON object a line) on stdin and
answers each with one JSON line. Started by core/fulltext/extractor.py as
`python -m lectern.core.fulltext.worker`, or by the frozen bundle with
`--fulltext-worker` (packaging/entry.py). Stops at the end of its input."""

from __future__ import annotations

import json
import os
import sys

from lectern.core.fulltext.results import DAMAGED, UNREADABLE, Extraction, Limits, failed, too_large

WORKER_FLAG = "--fulltext-worker"


def _limit_memory(max_bytes: int) -> None:
    try:
        import resource
    except ImportError:  # not on Windows
        return
    try:
        resource.setrlimit(resource.RLIMIT_AS, (max_bytes, max_bytes))
    except (ValueError, OSError):
        pass


def answer(request: dict) -> Extraction:
    from lectern.core.fulltext.reader import read_pdf

    limits = Limits(**request.get("limits", {}))
    try:
        return read_pdf(str(request["path"]), limits)
    except MemoryError:
        return failed(too_large(limits.max_bytes) + " to read in memory")
    except OSError:
        return failed(UNREADABLE)
    except Exception:  # the reader's own failure on a malformed file
        return failed(DAMAGED)


def main() -> int:
    # Answers go to a private copy of stdout; anything the PDF library prints goes to stderr.
    out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    memory = int(os.environ.get("LECTERN_PDF_MEMORY", "0") or 0)
    if memory:
        _limit_memory(memory)
    for line in sys.stdin:
        try:
            request = json.loads(line)
        except ValueError:
            continue
        out.write(json.dumps(answer(request).to_json(), ensure_ascii=True) + "\n")
        out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
