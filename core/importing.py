"""Importers: long work that reads a file, reports progress, honours cancel,
and adds the papers in one transaction (a file is imported whole or not at all)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from core.changes import CancelToken, Changes
from core.library import Library, NewPaper, ProgressFn
from core.listing import Listing, read_listing
from core.paths import default_listing_path

SEEDED_KEY = "default_library_loaded"


@dataclass
class ImportReport:
    """What an import did, for the user."""

    added: int
    changes: Changes
    warnings: list[str] = field(default_factory=list)


def add_listing(
    library: Library,
    listing: Listing,
    progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
    meta: dict[str, str] | None = None,
) -> ImportReport:
    """Add every entry of a parsed listing to the library."""
    papers = [NewPaper(title=e.title, abstract=e.abstract) for e in listing.entries]
    changes = library.add_papers(papers, progress=progress, cancel=cancel, meta=meta)
    return ImportReport(added=len(papers), changes=changes, warnings=list(listing.warnings))


def import_listing_file(
    library: Library, path: Path, progress: ProgressFn | None = None, cancel: CancelToken | None = None
) -> ImportReport:
    """Import a listing file. Raises ListingError (nothing written) if it is not one."""
    return add_listing(library, read_listing(Path(path)), progress, cancel)


def load_default_library_if_new(library: Library) -> ImportReport | None:
    """On a library's first open while empty, load the embedded default reading
    list. Done once: a user who later empties the library is not re-seeded."""
    if library.get_meta(SEEDED_KEY) is not None:
        return None
    listing = read_listing(default_listing_path())
    if library.count() > 0:
        return None
    return add_listing(library, listing, meta={SEEDED_KEY: "1"})
