"""Exports of a set of papers in any format, written atomically, with progress
and cancel (the one entry point the window and the command line share)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from lectern.core.domain.changes import CancelToken, ProgressFn, in_chunks, without_cycle_collection
from lectern.core.formats.bibtex import BibOptions, export_file
from lectern.core.formats.csljson import csl_document, csl_json, standalone_lines
from lectern.core.formats.export_formats import Format
from lectern.core.formats.ris import ris_text
from lectern.core.formats.writers import csv_text, markdown_document, markdown_folder
from lectern.core.library.facade import Library
from lectern.core.store.atomic import write_atomic

BATCH = 1000


def export_ids(library: Library, list_name: str | None = None, query: str | None = None,
               ids: Sequence[int] | None = None) -> list[int]:
    """Which papers: the given ids, a reading list (its order), a search, or all."""
    if ids is not None:
        return list(ids)
    if list_name:
        match = next((row for row in library.lists.all() if row.name.lower() == list_name.lower()), None)
        if match is None:
            raise ValueError(f"There is no reading list named {list_name!r}.")
        return library.lists.paper_ids(match.id)
    if query:
        return library.search(query).ids
    return library.paper_ids()


def _items(library: Library, ids: Sequence[int], progress: ProgressFn | None, cancel: CancelToken | None):
    items = []
    for chunk in in_chunks(ids, BATCH, "Exporting", progress, cancel):
        items.extend(library.papers_for_export(chunk))
    return items


def _csl_json(library: Library, ids: Sequence[int], progress: ProgressFn | None,
              cancel: CancelToken | None) -> tuple[str, int]:
    """CSL-JSON of `ids` and how many papers it holds: each chunk's lines made
    as it is read while every item stands alone (no crossref parent to look
    for among later papers), otherwise every item mapped at the end."""
    items, lines, seen = [], [], set()
    standalone = True
    for chunk in in_chunks(ids, BATCH, "Exporting", progress, cancel):
        read = library.papers_for_export(chunk)
        items.extend(read)
        made = standalone_lines(read, seen) if standalone else None
        if made is None:
            standalone = False
        else:
            lines.extend(made)
    return (csl_document(lines) if standalone else csl_json(items)), len(items)


def export(library: Library, fmt: Format, ids: Sequence[int], path: Path, ascii_only: bool = False,
           heading: str = "Reading list", progress: ProgressFn | None = None,
           cancel: CancelToken | None = None, lost: list[str] | None = None) -> int:
    """Write `ids` to `path` in `fmt`; returns how many papers were written.
    An interrupted export leaves any previous file untouched. With `ascii_only`,
    `lost` gets the keys of entries holding characters without a LaTeX form."""
    with without_cycle_collection():
        return _export(library, fmt, ids, path, ascii_only, heading, progress, cancel, lost)


def _export(library: Library, fmt: Format, ids: Sequence[int], path: Path, ascii_only: bool,
            heading: str, progress: ProgressFn | None, cancel: CancelToken | None, lost: list[str] | None) -> int:
    path = Path(path)
    if fmt in ("bibtex", "biblatex"):
        return export_file(library, ids, path, BibOptions(profile=fmt, ascii=ascii_only), progress, cancel, lost)
    if fmt == "csljson":
        text, count = _csl_json(library, ids, progress, cancel)
        write_atomic(path, text.encode("utf-8"))
        return count
    items = _items(library, ids, progress, cancel)
    attached = library.attachments.for_papers(ids) if fmt in ("markdown", "markdown-folder") else {}
    if fmt == "markdown-folder":
        return len(markdown_folder(items, path, attached))
    text = {"markdown": lambda: markdown_document(items, heading, attached), "ris": lambda: ris_text(items),
            "csv": lambda: csv_text(items)}[fmt]()
    write_atomic(path, text.encode("utf-8"))
    return len(items)
