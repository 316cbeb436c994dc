"""Running core work off the GUI thread and posting results back to it.
`LatestOnly` drops results that a newer request has superseded."""

from __future__ import annotations

import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


class _Relay(QObject):
    done = Signal(int, object, object)  # generation, result, error


class _Job(QRunnable):
    def __init__(self, relay: _Relay, generation: int, fn: Callable[[], Any]) -> None:
        super().__init__()
        self.relay = relay
        self.generation = generation
        self.fn = fn

    def run(self) -> None:
        try:
            result = self.fn()
        except Exception as exc:  # posted to the GUI thread, which decides what to show
            exc.__traceback_text__ = traceback.format_exc()  # type: ignore[attr-defined]
            self.relay.done.emit(self.generation, None, exc)
        else:
            self.relay.done.emit(self.generation, result, None)


class LatestOnly(QObject):
    """Runs `fn` on a worker thread; only the newest request's outcome reaches
    `on_result`/`on_error` (on the GUI thread). Earlier ones are dropped."""

    finished = Signal()

    def __init__(self, on_result: Callable[[Any], None], on_error: Callable[[Exception], None],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._relay = _Relay(self)
        self._relay.done.connect(self._deliver)
        self._on_result = on_result
        self._on_error = on_error
        self._generation = 0
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)

    def submit(self, fn: Callable[[], Any]) -> int:
        self._generation += 1
        self.pool.clear()  # queued (not started) stale requests never run
        self.pool.start(_Job(self._relay, self._generation, fn))
        return self._generation

    @property
    def generation(self) -> int:
        return self._generation

    def _deliver(self, generation: int, result: Any, error: Exception | None) -> None:
        if generation != self._generation:
            return
        if error is not None:
            self._on_error(error)
        else:
            self._on_result(result)
        self.finished.emit()

    def wait(self, msecs: int = 30000) -> bool:
        return self.pool.waitForDone(msecs)


class ProgressRelay(QObject):
    """Carries core `Progress` reports from a worker thread to the GUI thread."""

    progressed = Signal(object)

    def report(self, progress: object) -> None:
        self.progressed.emit(progress)
