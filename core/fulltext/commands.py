"""The command line's PDF work (called from core/cli.py): importing PDFs and
folders with a progress line, and `lectern extract` for the pending ones."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from lectern.core.domain.changes import Progress
from lectern.core.fulltext.pdf_import import PdfImportError, import_pdfs, is_pdf_path
from lectern.core.fulltext.runner import extract_attachments, extract_pending
from lectern.core.library.facade import Library


def is_pdf_argument(path: Path) -> bool:
    """A path `lectern import` reads as PDFs: a .pdf file or a folder."""
    return is_pdf_path(path) or path.is_dir()


def _progress_line(err: TextIO):
    """A one-line progress report on a terminal (nothing when stderr is a file or pipe)."""
    if not (hasattr(err, "isatty") and err.isatty()):
        return None

    def show(progress: Progress) -> None:
        text = f"{progress.message} ({min(progress.done + 1, progress.total)}/{progress.total})"
        err.write("\r" + text[:100].ljust(100) + ("\n" if progress.done >= progress.total else ""))
        err.flush()
    return show


def import_pdf_arguments(library: Library, paths: list[Path], mode: str, out: TextIO, err: TextIO) -> int:
    """Import PDFs and folders of PDFs; 0 when all were read, 1 when some could not be imported."""
    try:
        report = import_pdfs(library, paths, mode, progress=_progress_line(err))
    except PdfImportError as exc:
        print(f"lectern: {exc} Nothing was imported.", file=err)
        return 1
    names = ", ".join(str(p) for p in paths)
    added = len(report.added)
    out.write(f"{names}: {added} paper{'s' if added != 1 else ''} added from PDFs\n")
    for line in report.lines():
        print(f"lectern: {line}", file=err)
    return 1 if report.failures else 0


def run_extract(library: Library, out: TextIO, err: TextIO) -> int:
    """Read the text of every attached PDF still pending."""
    report = extract_pending(library, progress=_progress_line(err))
    out.write(f"text read from {report.done} PDF{'s' if report.done != 1 else ''} ({report.pages} pages)\n")
    for name, reason in report.failed:
        print(f"lectern: {name}: text not extracted: {reason}", file=err)
    if report.missing:
        print(f"lectern: {report.missing} attached files are missing: locate them in the window, then run "
              "`lectern extract` again.", file=err)
    return 0


def extract_new(library: Library, before: set[int], paper_id: int, err: TextIO) -> None:
    """Read the text of a paper's PDFs attached just now (not in `before`), saying which have none."""
    pending = set(library.fulltext.pending())
    new = [a.id for a in library.attachments_of(paper_id) if a.id not in before and a.id in pending]
    report = extract_attachments(library, new, progress=_progress_line(err))
    for name, reason in report.failed:
        print(f"lectern: {name}: text not extracted: {reason}", file=err)
