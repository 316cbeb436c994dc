"""Exports of a set of papers in any format, written atomically, with progress
and cancel (the one entry point the window and the command line share)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from lectern.core.domain.changes import CancelToken, ProgressFn, in_chunks, without_cycle_collection
from lectern.core.formats.bibtex import BibOptions, export_file
from lectern.core.formats.csljson import Item, csl_document, csl_json, item_lines, stands_alone, with_attachments
from lectern.core.formats.export_formats import Format
from lectern.core.formats.ris import ris_text
from lectern.core.formats.writers import csv_text, markdown_document, markdown_folder
from lectern.core.library.facade import Library
from lectern.core.store.atomic import write_atomic
from lectern.core.transfer.csl_helper import CslHelper

BATCH = 1000
HELPER_AT = 5 * BATCH  # a CSL-JSON export this large has a second process map most chunks


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
              cancel: CancelToken | None, folder: Path | None = None) -> tuple[str, int]:
    """CSL-JSON of `ids` (attached files linked, relative to `folder` when
    inside it) and how many papers it holds: each chunk's lines made
    as it is read while every item stands alone (no crossref parent to look
    for among later papers), two of every three by a helper process in a
    large export; otherwise every item mapped at the end."""
    items: list[Item] = []
    lines: list[str] = []
    seen: set[str] = set()
    standalone = True
    helper = CslHelper.start() if len(ids) >= HELPER_AT else None
    held: list[Item] = []  # chunks for the helper, sent two at a time
    pending: list[Item] | None = None  # what the helper is mapping
    try:
        for number, chunk in enumerate(in_chunks(ids, BATCH, "Exporting", progress, cancel)):
            read = with_attachments(library.papers_for_export(chunk), library.attachments.for_papers(chunk), folder)
            items.extend(read)
            if not standalone or not stands_alone(read, seen):
                standalone = False
                continue
            if helper is not None and number % 3:  # two chunks of every three (this process also reads)
                held.extend(read)
                if number % 3 == 2:
                    if not helper.send(held):
                        helper.close()
                        helper = None
                        lines.extend(item_lines(held))
                    else:
                        pending = held
                    held = []
                continue
            mine = item_lines(read)
            if pending is not None:
                lines.extend(_from_helper(helper, pending))
                pending = None
            lines.extend(mine)
        if standalone and pending is not None:
            lines.extend(_from_helper(helper, pending))
        if standalone:
            lines.extend(item_lines(held))
    finally:
        if helper is not None:
            helper.close()
    return (csl_document(lines) if standalone else csl_json(items)), len(items)


def _from_helper(helper: CslHelper | None, chunk: Sequence[Item]) -> list[str]:
    """The helper's lines for `chunk`, or the chunk mapped here when it failed."""
    lines = helper.lines() if helper is not None else None
    return item_lines(chunk) if lines is None else lines


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
        text, count = _csl_json(library, ids, progress, cancel, path.parent)
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
