"""A sync that may be the library's first: Lectern's untouched sample reading
list (core/transfer/sample.py) gives way to a library the remote already holds,
so a second machine whose window loaded the sample takes the remote over in
the window's Set up and in `lectern sync --remote` alike."""

from __future__ import annotations

from lectern.core.domain.changes import Changes, ProgressFn
from lectern.core.library.facade import Library
from lectern.core.sync.engine import SyncReport, sync, sync_folder
from lectern.core.sync.status import remote_holds_library
from lectern.core.transfer.sample import only_the_sample, remove_the_sample


def sample_gives_way(library: Library, remote: str | None) -> bool:
    """Whether this sync sets a remote up on a library that holds only the untouched sample."""
    return remote is not None and not (sync_folder(library.path) / ".git").exists() and only_the_sample(library)


def sync_or_take_over(library: Library, remote: str | None, sample_may_give_way: bool,
                      progress: ProgressFn | None = None) -> SyncReport:
    """One sync; when `sample_may_give_way` (see `sample_gives_way`, decided when the user set the remote
    up) and the remote holds a library, the sample is removed first (one undo step) and said so."""
    removed = Changes()
    if sample_may_give_way and remote is not None and remote_holds_library(remote, library.path.parent):
        removed = remove_the_sample(library)
    report = sync(library, remote, progress=progress)
    if removed:
        report.changes = removed.merge(report.changes)
        report.set_up += " Lectern's sample reading list made way for the remote's library."
    return report
