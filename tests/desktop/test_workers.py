"""Work off the GUI thread: a slow, superseded request never replaces a newer
one's result, and its early (partial) results are dropped too."""

from __future__ import annotations

import threading

from lectern.desktop.workers import Job, LatestOnly


def test_an_older_slow_result_never_replaces_a_newer_one(qtbot) -> None:
    results: list[str] = []
    partials: list[str] = []
    errors: list[Exception] = []
    worker = LatestOnly(results.append, errors.append, on_partial=partials.append)
    started, release = threading.Event(), threading.Event()
    cancelled: list[bool] = []

    def slow_old_search(job: Job) -> str:
        started.set()
        release.wait(10)  # still running when the newer request comes
        cancelled.append(job.cancel.cancelled)
        job.post("old first screen")
        return "old result"

    def new_search(job: Job) -> str:
        job.post("new first screen")
        return "new result"

    worker.submit(slow_old_search)
    assert started.wait(10)
    with qtbot.waitSignal(worker.finished, timeout=10000):
        worker.submit(new_search)
        release.set()
    assert worker.wait()  # both ran; the old one finished first, its outcome was delivered first (and dropped)
    assert results == ["new result"]
    assert partials == ["new first screen"]
    assert cancelled == [True]  # the superseded work was told to stop
    assert errors == []
