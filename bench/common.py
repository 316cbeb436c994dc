"""Small helpers shared by the benchmarks: timing, percentiles, memory, tables."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn()
    return (time.perf_counter() - start) * 1000, result


def median_p95(samples_ms: list[float]) -> tuple[float, float]:
    ordered = sorted(samples_ms)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def rss_mb() -> float:
    """Resident memory of this process (Linux)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def print_table(title: str, header: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(str(x)) for x in column) for column in zip(header, *rows)]
    print(f"\n{title}")
    print("| " + " | ".join(h.ljust(w) for h, w in zip(header, widths)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print("| " + " | ".join(str(x).ljust(w) for x, w in zip(row, widths)) + " |")


def run_until(done: Callable[[], bool]) -> None:
    """Run the Qt event loop until `done()` (checked every millisecond). A real
    event loop (QEventLoop.exec), as the app's own: a loop spinning on
    processEvents holds Python's GIL and delays the window's worker threads by
    the switch interval at each hand-over, which no user's window does."""
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    if not done():
        loop, timer = QEventLoop(), QTimer()
        timer.setInterval(1)
        timer.timeout.connect(lambda: loop.quit() if done() else None)
        timer.start()
        loop.exec()
        timer.stop()
    QApplication.processEvents()


def longest_stall(start: Callable[[], None], done: Callable[[], bool]) -> float:
    """The GUI thread's longest stall (ms) from `start()` until `done()`: a 5 ms
    timer on it, the longest time between two of its ticks beyond 5 ms."""
    from PySide6.QtCore import QTimer

    gaps, last = [0.0], [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now

    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(tick)
    timer.start()
    start()
    run_until(done)
    timer.stop()
    return max(0.0, max(gaps) * 1000 - 5)
