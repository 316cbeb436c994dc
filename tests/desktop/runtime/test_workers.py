"""Work off the GUI thread: a slow, superseded request never replaces a newer
one's result, and its early (partial) results are dropped too."""

from __future__ import annotations

import threading

from lectern.desktop.runtime.workers import Job, LatestOnly


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


def test_searches_on_the_worker_reuse_one_connection(qtbot, library_path) -> None:
    """A pool thread gets a fresh Python thread state for every job: the library
    must not open (and keep) a new SQLite connection for each search."""
    from lectern.core.library.facade import Library

    library = Library.open(library_path)
    try:
        done: list[object] = []
        worker = LatestOnly(done.append, done.append)
        for n in range(60):
            worker.submit(lambda job, n=n: library.search(f"word{n}"))
            qtbot.waitUntil(lambda: not worker.busy())  # delivered, as the window sees it
        assert len(done) == 60
        assert len(library.db._all) <= 3  # the GUI thread's and the pool thread's, not one per job
    finally:
        library.close()


def test_a_result_that_arrives_after_the_window_closed_is_dropped(qtbot) -> None:
    """A search finished just as the window closed: its result, queued for the GUI
    thread, must not reach the window (whose library is closed by then)."""
    results: list[str] = []
    worker = LatestOnly(results.append, results.append)
    worker.submit(lambda job: "late result")
    assert worker.wait()  # done on the worker; its delivery is still queued
    worker.close()
    qtbot.wait(50)  # the queued delivery runs now
    assert results == []
