"""Pacing long background work into short write transactions.

A write from the window (a star) waits for the background transaction in
progress, so each must stay short whatever the machine and the library: the
work a transaction takes is sized by how long the last ones took, not fixed."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from lectern.core.search.index import merge_step
from lectern.core.store.database import Connection, Database, WriteYielded

WRITE_BUDGET_S = 0.010  # the time one background transaction aims at
T = TypeVar("T")


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


def giving_way(db: Database, step: Callable[[Connection], T]) -> tuple[T, float]:
    """Run one step of upkeep in a write transaction that gives way to any
    other writer (a star): the step is rolled back the moment one waits, run
    again once it is done. (A lock released and taken again at once would
    let a waiting writer sleep through every gap between two steps.)
    Returns the step's result and how long its transaction took."""
    while True:
        start = time.perf_counter()
        try:
            with db.yielding_write() as conn:
                result = step(conn)
            return result, time.perf_counter() - start
        except WriteYielded:
            db.wait_for_writers()


def merge_segments(db: Database, pacer: Pacer, table: str = "paper_fts") -> None:
    """Merge an FTS5 index's segments, a few pages a transaction, until no level
    holds enough of them to merge: done after each batch, so a merge never
    reads more than a few segments (merging a thousand batches' segments at
    the end cost a tenth of a second a step, whatever its size)."""
    merging = True

    while merging:
        merging, took = giving_way(db, lambda conn: merge_step(conn, pacer.size, table))
        if merging:  # (a step that found nothing to merge says nothing of the pace)
            pacer.took(took)
        db.checkpoint()
