"""What a write changed: the small value every facade write returns, which the
GUI turns into one signal and each view uses to decide what to refresh."""

from __future__ import annotations

import enum
import gc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TypeVar

T = TypeVar("T")


class Collection(enum.Enum):
    """A part of the library the sidebar shows apart from the papers: a write that
    changes one names it, and the window refreshes that part only."""

    TAGS = "tags"  # tag names and their counts
    LISTS = "lists"  # reading lists and their counts
    SEARCHES = "searches"  # saved searches
    TRASH = "trash"  # which papers are in the Trash


@dataclass(frozen=True)
class Changes:
    papers: frozenset[int] = frozenset()  # ids whose row changed
    fields: frozenset[str] = frozenset()  # which paper fields changed
    membership: bool = False  # papers were added or removed: listings re-query
    collections: frozenset[Collection] = frozenset()  # sidebar parts to refresh

    def __post_init__(self) -> None:
        """A misspelt collection would refresh nothing and go unnoticed: refuse it here."""
        wrong = [c for c in self.collections if not isinstance(c, Collection)]
        if wrong:
            raise TypeError(f"Changes.collections holds {wrong!r}; use Collection members")

    def __bool__(self) -> bool:
        return bool(self.papers or self.membership or self.collections)

    def merge(self, other: "Changes") -> "Changes":
        return Changes(
            papers=self.papers | other.papers,
            fields=self.fields | other.fields,
            membership=self.membership or other.membership,
            collections=self.collections | other.collections,
        )




@dataclass
class Progress:
    """Reported by long work: `done` of `total` steps (`unit`: what a step is,
    as the status bar names it), and what is happening."""

    done: int
    total: int
    message: str = ""
    unit: str = "papers"


class Cancelled(Exception):
    """Long work was cancelled by the user; nothing was written."""


@dataclass
class CancelToken:
    """Checked by long work between steps."""

    cancelled: bool = field(default=False)

    def cancel(self) -> None:
        self.cancelled = True

    def check(self) -> None:
        if self.cancelled:
            raise Cancelled()


ProgressFn = Callable[["Progress"], None]  # what long work reports its progress to


def in_chunks(items: Sequence[T], size: int, message: str, progress: ProgressFn | None = None,
              cancel: CancelToken | None = None) -> Iterator[Sequence[T]]:
    """`items` a chunk of `size` at a time, as long work walks them: the cancel
    token is checked before each chunk and progress is reported after each."""
    total = len(items)
    for start in range(0, total, size):
        if cancel:
            cancel.check()
        yield items[start : start + size]
        if progress:
            progress(Progress(min(start + size, total), total, message))


@contextmanager
def without_cycle_collection() -> Iterator[None]:
    """Python's cycle collector paused while long work builds many objects (an
    export's records, an import's papers and rows): each collection walks every
    object alive, so with a large file held in memory collecting as usual made
    the work grow faster than the file. Nothing such work makes lives in a
    cycle; the collector runs again afterwards (nested uses leave it to the outermost)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
