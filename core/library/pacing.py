"""Pacing long background work into short write transactions.

A write from the window (a star) waits for the background transaction in
progress, so each must stay short whatever the machine and the library: the
work a transaction takes is sized by how long the last ones took, not fixed."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

WRITE_BUDGET_S = 0.010  # the time one background transaction aims at


class Pacer:
    """The amount of work (papers, pages, rows) for the next transaction,
    kept near `budget` seconds a transaction: halved at once after a slow one,
    grown gently after quick ones, always within [smallest, largest]."""

    def __init__(self, start: int, smallest: int, largest: int, budget: float = WRITE_BUDGET_S) -> None:
        self.size = max(smallest, min(largest, start))
        self.smallest, self.largest, self.budget = smallest, largest, budget

    def took(self, seconds: float) -> None:
        """Record how long a transaction of `self.size` took."""
        if seconds > self.budget:
            scale = max(0.25, self.budget / seconds)
        elif seconds < self.budget / 2:
            scale = 1.5
        else:
            return
        self.size = max(self.smallest, min(self.largest, int(self.size * scale)))

    @contextmanager
    def timing(self) -> Iterator[int]:
        """`with pacer.timing() as n:` do n units of work; the time is recorded."""
        start = time.perf_counter()
        yield self.size
        self.took(time.perf_counter() - start)
