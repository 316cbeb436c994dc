"""What every command of the command line shares: which library it works on,
opening it, and holding its one-writer lock."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from lectern.core.store.paths import default_library_path

if TYPE_CHECKING:
    from lectern.core.library.facade import Library
    from lectern.core.store.instance_lock import InstanceLock


def library_path(args: argparse.Namespace) -> Path:
    return Path(args.library or default_library_path()).expanduser()


def open_library(args: argparse.Namespace) -> "Library":
    """The library the command works on (LibraryError, said by `run`, if it cannot open)."""
    from lectern.core.library.facade import Library

    return Library.open(library_path(args))


def hold_lock(args: argparse.Namespace, err: TextIO, doing: str) -> "InstanceLock | None":
    """The library's one-writer lock, or None after saying who holds it."""
    from lectern.core.store.instance_lock import InstanceLock

    lock = InstanceLock(library_path(args))
    if not lock.acquire():
        print(f"lectern: {lock.library} is in use: Lectern is open on it. {doing} "
              "from its window, or close it first.", file=err)
        return None
    return lock
