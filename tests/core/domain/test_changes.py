"""The one chunk/progress/cancel loop of long work."""

from __future__ import annotations

import pytest

from core.domain.changes import CancelToken, Cancelled, Progress, in_chunks


def test_chunks_report_progress_after_each_and_end_at_the_total() -> None:
    seen: list[Progress] = []
    chunks = [list(c) for c in in_chunks(list(range(5)), 2, "Working", seen.append)]
    assert chunks == [[0, 1], [2, 3], [4]]
    assert [(p.done, p.total, p.message) for p in seen] == [(2, 5, "Working"), (4, 5, "Working"), (5, 5, "Working")]


def test_a_cancel_stops_before_the_next_chunk() -> None:
    cancel = CancelToken()
    done = []
    with pytest.raises(Cancelled):
        for chunk in in_chunks(list(range(6)), 2, "Working", cancel=cancel):
            done.extend(chunk)
            cancel.cancel()
    assert done == [0, 1]
