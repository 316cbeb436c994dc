"""Reading the text of the attached PDFs that are still pending, one file at a
time in the worker process, each result saved as soon as it is read: stopping
(cancel, a crash, kill -9) loses at most the file being read, and the next run
resumes with what is still pending."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from lectern.core.domain.changes import CancelToken, Changes, Progress, ProgressFn
from lectern.core.fulltext.extractor import TextExtractor
from lectern.core.fulltext.results import Extraction
from lectern.core.library.facade import Library


@dataclass
class ExtractReport:
    """What a run read: files with text, files without (name, reason), pages kept."""

    done: int = 0
    pages: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    missing: int = 0  # linked files not found: left pending until located
    changes: Changes = field(default_factory=Changes)


def save_extraction(library: Library, attachment_id: int, extraction: Extraction) -> Changes:
    """Keep one file's result in the library."""
    return library.fulltext.save(attachment_id, extraction.pages, extraction.reason, extraction.page_count,
                                 extraction.truncated)


def extract_attachments(library: Library, attachment_ids: Iterable[int], extractor: TextExtractor | None = None,
                        progress: ProgressFn | None = None, cancel: CancelToken | None = None) -> ExtractReport:
    """Read and save the text of the given attachments (cancel stops between files)."""
    ids = list(attachment_ids)
    report = ExtractReport()
    own = extractor is None
    reader = extractor or TextExtractor()
    try:
        for done, attachment_id in enumerate(ids):
            if cancel is not None and cancel.cancelled:
                break
            attachment = library.attachments.get(attachment_id)
            if attachment is None:
                continue
            if progress:
                progress(Progress(done, len(ids), f"Reading {attachment.name}"))
            if not attachment.exists:
                report.missing += 1
                continue
            extraction = reader.extract(attachment.path)
            report.changes = report.changes.merge(save_extraction(library, attachment_id, extraction))
            if extraction.ok:
                report.done += 1
                report.pages += len(extraction.pages)
            else:
                report.failed.append((attachment.name, extraction.reason or ""))
        if progress:
            progress(Progress(len(ids), len(ids), "Text read"))
    finally:
        if own:
            reader.close()
    return report


def extract_pending(library: Library, extractor: TextExtractor | None = None, progress: ProgressFn | None = None,
                    cancel: CancelToken | None = None) -> ExtractReport:
    """Read every PDF whose text is still pending (after an attach, an import or a restart)."""
    return extract_attachments(library, library.fulltext.pending(), extractor, progress, cancel)
