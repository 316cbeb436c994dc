"""Real git repositories in tmp_path: one bare remote and libraries that sync with it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from lectern.core.domain.records import NewPaper
from lectern.core.library.facade import Library
from lectern.core.sync.engine import SyncReport, sync
from lectern.core.sync.local import snapshot


@pytest.fixture(autouse=True)
def no_user_git_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """git reads no global or system settings of this machine: the sync sets its repository's own."""
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "no-gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")


@pytest.fixture
def machine(tmp_path: Path) -> Callable[[str], Library]:
    """A library on its own "machine" (folder); closed at the end of the test."""
    opened: list[Library] = []

    def make(name: str) -> Library:
        folder = tmp_path / name
        folder.mkdir(exist_ok=True)
        library = Library.open(folder / "library.sqlite")
        opened.append(library)
        return library

    yield make
    for library in opened:
        library.close()


def add(library: Library, key: str, title: str, note: str = "", tags: tuple[str, ...] = ()) -> int:
    fields = (("author", "Clark, Kevin and Luong, Minh-Thang"), ("title", title), ("year", "2020"))
    changes = library.papers.add_many([NewPaper(title=title, citation_key=key, entry_type="article", fields=fields)],
                                      tags=[tags], notes=[note])
    return next(iter(changes.papers))


def by_key(library: Library, key: str) -> int:
    with library.db.read() as conn:
        return conn.exec_driver_sql("SELECT id FROM paper WHERE citation_key = ?", (key,)).scalar_one()


def state(library: Library) -> tuple:
    """What a library holds that sync shares, comparable between machines."""
    snap = snapshot(library)
    return (sorted(snap.papers.values(), key=lambda d: d.uid), snap.collections)


def run_sync(library: Library, remote: str | None = None) -> SyncReport:
    return sync(library, remote)
