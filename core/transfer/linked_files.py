"""Importing a .bib whose entries name files (`file = {:papers/x.pdf:PDF}`,
JabRef's and Zotero's convention): each file that exists is linked to its
paper, where it is; a missing one stays in the record's `file` field as
written, and the report names it."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from lectern.core.domain.changes import Changes
from lectern.core.domain.entry import get
from lectern.core.formats.file_field import parse_file_field, resolve_link
from lectern.core.library.attachments import AttachError
from lectern.core.library.facade import Library
from lectern.core.store.input_files import regular_input_file


def link_named_files(library: Library, paper_ids: Iterable[int], folder: Path) -> tuple[Changes, list[str]]:
    """Link the files the papers' `file` fields name (relative paths from
    `folder`, the .bib file's). Call inside the import's undo step."""
    changes, warnings = Changes(), []
    ids = sorted(paper_ids)
    for paper, _tags, _note in library.papers_for_export(ids):
        value = get(paper.fields, "file")
        if not value:
            continue
        found, missing = [], []
        for link in parse_file_field(value):
            if "://" in link.path:  # a web address, not a file here
                continue
            path = resolve_link(link, folder)
            try:
                regular_input_file(path, AttachError, "attach")
            except AttachError:
                missing.append(link.path)
                continue
            found.append(path)
        if found:
            try:
                changes = changes.merge(library.attachments.add(paper.id, list(dict.fromkeys(found)), "link"))
            except AttachError as exc:
                warnings.append(f"{paper.citation_key}: {exc}")
        for name in missing:
            warnings.append(f"{paper.citation_key}: the file {name} is not there (kept in its file field, "
                            "not attached)")
    return changes, warnings
