"""Exports of a set of papers in any format, written atomically, with progress
and cancel (the one entry point the window and the command line share)."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from lectern.core.domain.changes import CancelToken, ProgressFn, in_chunks, without_cycle_collection
from lectern.core.formats.bibtex import BibOptions, export_file
from lectern.core.formats.csljson import Item, attached_paths, csl_document, csl_json, with_attachments
from lectern.core.formats.export_formats import Format
from lectern.core.formats.ris import ris_text
from lectern.core.formats.writers import csv_text, markdown_folder, markdown_joined
from lectern.core.library.facade import Library
from lectern.core.store.atomic import write_atomic
from lectern.core.transfer.chunk_helper import ChunkHelper, chunk_lines

BATCH = 1000
HELPER_AT = 5 * BATCH  # a CSL-JSON or Markdown export this large has a second process map chunks
AHEAD = 2  # chunks the helper may hold at once (one mapped, one to come): enough to keep it busy


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



def _lines(library: Library, kind: str, chunks: Iterable[list[int]], size: int,
           folder: Path | None = None) -> list[str]:
    """Every chunk's lines (`chunk_lines`), in order. In an export of HELPER_AT
    papers or more a helper process (chunk_helper) reads and maps a chunk
    whenever it has fewer than AHEAD waiting, and this process maps the others:
    the two share the work as their speeds allow. Otherwise, or when the
    helper fails, every chunk is mapped here."""
    helper: ChunkHelper | None = None
    wanted = size >= HELPER_AT  # (started at the first chunk: an export that yields none needs none)
    done: list[list[str] | None] = []  # each chunk's lines; None: the helper's, still to come
    waiting: deque[tuple[int, list[int]]] = deque()  # (place in `done`, chunk) of each chunk the helper has

    def local(ids: list[int]) -> list[str]:
        return chunk_lines(library, kind, ids, folder)

    def take(block: bool) -> None:
        nonlocal helper
        while waiting and helper is not None and (block or helper.ready()):
            place, chunk = waiting.popleft()
            lines = helper.lines()
            if lines is None:  # the helper failed: its chunks are mapped here
                helper.close()
                helper = None
                lines = local(chunk)
            done[place] = lines
        if helper is None:
            for place, chunk in waiting:
                done[place] = local(chunk)
            waiting.clear()

    try:
        for ids in chunks:
            if wanted:
                helper, wanted = ChunkHelper.start(kind, library.path, folder), False
            take(block=False)
            if helper is not None and helper.outstanding < AHEAD and helper.send([ids]):
                waiting.append((len(done), ids))
                done.append(None)
            else:
                done.append(local(ids))
        take(block=True)
    finally:
        if helper is not None:
            helper.close()
    return [line for lines in done for line in lines or ()]


def _stand_alone(library: Library, ids: Sequence[int], seen: set[str]) -> bool:
    """Whether the papers `ids` each map to CSL-JSON the same alone as among
    all exported (`item_lines`), read from their keys and stored records only: no
    crossref or xdata field (a value that merely says so counts too: the
    export then maps every item at the end, the same text), and no key (in
    any case) shared with another. `seen` holds the keys of earlier chunks."""
    with library.db.read() as conn:
        rows = conn.exec_driver_sql(f"SELECT citation_key, lower(fields) FROM paper WHERE id IN "
                                    f"({','.join('?' * len(ids))})", tuple(ids)).all()
    for key, fields in rows:
        key = key.lower()
        if key in seen or '"crossref"' in (fields or "") or '"xdata"' in (fields or ""):
            return False
        seen.add(key)
    return True


def _csl_json(library: Library, ids: Sequence[int], progress: ProgressFn | None,
              cancel: CancelToken | None, folder: Path | None = None) -> tuple[str, int]:
    """CSL-JSON of `ids` (attached files linked, relative to `folder` when
    inside it) and how many papers it holds: a chunk at a time (`_lines`)
    while every item stands alone (no crossref parent to look for among later
    papers); otherwise every item mapped at the end."""
    seen: set[str] = set()
    alone = [True]

    def chunks() -> Iterator[list[int]]:
        for chunk in in_chunks(ids, BATCH, "Exporting", progress, cancel):
            alone[0] = alone[0] and _stand_alone(library, chunk, seen)
            if not alone[0]:
                return
            yield list(chunk)

    lines = _lines(library, "csljson", chunks(), len(ids), folder)
    if alone[0]:
        return csl_document(lines), len(lines)
    items: list[Item] = []
    files: dict[int, list[str]] = {}
    for chunk in in_chunks(ids, BATCH, "Exporting", progress, cancel):
        attached = library.attachments.for_papers(chunk)
        items.extend(with_attachments(library.papers_for_export(chunk), attached, folder))
        files.update(attached_paths(attached, folder))
    return csl_json(items, files), len(items)


def _markdown(library: Library, ids: Sequence[int], heading: str, progress: ProgressFn | None,
              cancel: CancelToken | None) -> tuple[str, int]:
    """One Markdown file of `ids` and how many papers it holds, a chunk at a time (`_lines`)."""
    chunks = (list(chunk) for chunk in in_chunks(ids, BATCH, "Exporting", progress, cancel))
    blocks = _lines(library, "markdown", chunks, len(ids))
    return markdown_joined(heading, blocks), len(blocks)


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
    if fmt in ("csljson", "markdown"):
        text, count = (_csl_json(library, ids, progress, cancel, path.parent) if fmt == "csljson"
                       else _markdown(library, ids, heading, progress, cancel))
        write_atomic(path, text.encode("utf-8"))
        return count
    items = _items(library, ids, progress, cancel)
    attached = library.attachments.for_papers(ids) if fmt == "markdown-folder" else {}
    if fmt == "markdown-folder":
        return len(markdown_folder(items, path, attached))
    text = {"ris": lambda: ris_text(items), "csv": lambda: csv_text(items)}[fmt]()
    write_atomic(path, text.encode("utf-8"))
    return len(items)
