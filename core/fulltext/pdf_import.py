"""Importing PDFs: one paper per PDF (title, authors and identifiers from the
PDF itself, core/fulltext/facts.py), the file attached by copy or link, and its
text kept at once (it was read for the title). The same file twice (same
SHA-256) is a duplicate; a PDF of a paper already in the library (same DOI or
arXiv id) is attached to that paper."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from lectern.core.domain.changes import CancelToken, Changes, Progress, ProgressFn
from lectern.core.domain.identity import identity_keys
from lectern.core.domain.records import NewPaper
from lectern.core.fulltext.extractor import TextExtractor
from lectern.core.fulltext.facts import pdf_facts
from lectern.core.fulltext.results import NOT_FILE, NOT_PDF, Extraction
from lectern.core.fulltext.runner import save_extraction
from lectern.core.library.attachments import AttachError
from lectern.core.library.facade import Library
from lectern.core.store.input_files import file_digest, regular_input_file

BATCH = 25  # PDFs a transaction (and an undo step)
MAX_FILES = 100_000


class PdfImportError(ValueError):
    """A PDF path cannot be imported; the message says why."""


@dataclass
class PdfImportReport:
    """What a PDF import did, file by file, in the user's terms."""

    added: list[int] = field(default_factory=list)  # new papers
    attached: list[tuple[str, str]] = field(default_factory=list)  # (file, citation key of the paper it joined)
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (file, where the same file already is)
    failures: list[tuple[str, str]] = field(default_factory=list)  # (file, message)
    no_text: list[tuple[str, str]] = field(default_factory=list)  # (file, reason): imported, text not extracted
    changes: Changes = field(default_factory=Changes)

    def lines(self) -> list[str]:
        """One line a file that did not simply become a new paper with its text."""
        out = [f"{name}: a duplicate, not imported: the same file is {where}" for name, where in self.duplicates]
        out += [f"{name}: attached to {key}, the paper it is" for name, key in self.attached]
        out += [f"{name}: text not extracted: {reason}" for name, reason in self.no_text]
        out += [f"{name}: not imported: {message}" for name, message in self.failures]
        return out


def is_pdf_path(path: Path) -> bool:
    return path.suffix.lower() == ".pdf"


def pdf_files(paths: Iterable[Path]) -> list[Path]:
    """The PDFs named: files as given, folders searched through (sorted, each file once)."""
    found: dict[Path, None] = {}
    for path in paths:
        path = Path(path).expanduser()
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if is_pdf_path(child) and child.is_file():
                    found[child] = None
                    if len(found) > MAX_FILES:
                        raise PdfImportError(f"{path} holds over {MAX_FILES:,} PDFs; import a smaller folder.")
        else:
            found[path] = None
    return list(found)


@dataclass
class ReadPdf:
    """One PDF read and ready to add: its file, content hash and what it holds."""

    path: Path
    sha256: str
    extraction: Extraction


def read_pdfs(library: Library, files: list[Path], report: PdfImportReport, extractor: TextExtractor,
              seen: dict[str, str] | None = None, progress: ProgressFn | None = None,
              cancel: CancelToken | None = None, done: int = 0, total: int | None = None) -> list[ReadPdf]:
    """Read PDFs (nothing is written): duplicates and files that are no PDF go to
    `report`; `seen` (sha256 -> file) carries the files already read in this import."""
    seen = {} if seen is None else seen
    read: list[ReadPdf] = []
    for index, path in enumerate(files, done):
        if cancel is not None and cancel.cancelled:
            break
        if progress:
            progress(Progress(index, total or len(files), f"Reading {path.name}"))
        try:
            regular_input_file(path, PdfImportError)
            sha = file_digest(path)[1]
        except (PdfImportError, OSError) as exc:
            report.failures.append((path.name, str(exc) if isinstance(exc, PdfImportError)
                                    else f"could not be read ({exc.strerror or exc})"))
            continue
        held = library.attachments.with_hash(sha)
        if held or sha in seen:
            where = (f"attached to {library.citation_keys_of([held[0].paper_id])[held[0].paper_id]}"
                     if held else f"{seen[sha]}, imported now")
            report.duplicates.append((path.name, where))
            continue
        extraction = extractor.extract(path)
        if extraction.reason in (NOT_PDF, NOT_FILE):
            report.failures.append((path.name, extraction.reason))
            continue
        seen[sha] = path.name
        read.append(ReadPdf(path, sha, extraction))
    return read


def import_pdfs(library: Library, paths: Iterable[Path], mode: str = "copy", extractor: TextExtractor | None = None,
                progress: ProgressFn | None = None, cancel: CancelToken | None = None) -> PdfImportReport:
    """Import PDFs and folders of PDFs (see the module's docstring). Stops between
    files when cancelled; what was imported before stays (each batch is one undo step)."""
    files = pdf_files(paths)
    report = PdfImportReport()
    own = extractor is None
    reader = extractor or TextExtractor()
    seen: dict[str, str] = {}
    try:
        for start in range(0, len(files), BATCH):
            batch = read_pdfs(library, files[start:start + BATCH], report, reader, seen, progress, cancel,
                              start, len(files))
            if batch:
                add_pdfs(library, batch, mode, report)
            if cancel is not None and cancel.cancelled:
                break
        if progress:
            progress(Progress(len(files), len(files), "PDFs imported"))
    finally:
        if own:
            reader.close()
    return report


def _existing_paper(library: Library, doi: str | None, arxiv_id: str | None) -> int | None:
    index = library.identity_index()
    for reason, value in identity_keys(doi, arxiv_id, None, None):
        if value and reason in ("DOI", "arXiv id") and index[reason].get(value) is not None:
            return index[reason][value]
    return None


def add_pdfs(library: Library, batch: list[ReadPdf], mode: str, report: PdfImportReport) -> PdfImportReport:
    """Add the PDFs read: a paper for each (or the paper it is), the file attached,
    its text kept; one transaction and one undo step. Returns `report`, filled in."""
    label = f"Import {len(batch)} PDF{'s' if len(batch) != 1 else ''}"
    mark = library.attachments.journal_mark()
    try:
        return _add_pdfs(library, batch, mode, report, label)
    except BaseException:
        library.attachments.sweep_copies(after=mark)  # the batch is rolled back: its copies go too
        raise


def _add_pdfs(library: Library, batch: list[ReadPdf], mode: str, report: PdfImportReport,
              label: str) -> PdfImportReport:
    with library.history.step(label) as step:
        for item in batch:
            path, sha, extraction = item.path, item.sha256, item.extraction
            facts = pdf_facts(extraction, path.name)
            paper_id = _existing_paper(library, facts.doi, facts.arxiv_id)
            joined = paper_id is not None
            if paper_id is None:
                paper = NewPaper(title=facts.title, authors=facts.authors, doi=facts.doi, arxiv_id=facts.arxiv_id)
                added = library.papers.add_many([paper])
                step.changes = step.changes.merge(added)
                paper_id = next(iter(added.papers))
            try:
                step.changes = step.changes.merge(library.attachments.add(paper_id, [path], mode))
            except AttachError as exc:
                report.failures.append((path.name, str(exc)))
                continue
            attachment = next(a for a in library.attachments_of(paper_id) if a.sha256 == sha)
            step.changes = step.changes.merge(save_extraction(library, attachment.id, extraction))
            if joined:
                report.attached.append((path.name, library.citation_keys_of([paper_id])[paper_id]))
            else:
                report.added.append(paper_id)
            if not extraction.ok:
                report.no_text.append((path.name, extraction.reason or ""))
    report.changes = report.changes.merge(step.changes)
    return report
