"""Reading a PDF with pypdfium2. Runs only inside the worker process
(core/fulltext/worker.py): a hostile file may crash or hang it."""

from __future__ import annotations

from lectern.core.fulltext.results import (
    DAMAGED,
    ENCRYPTED,
    NO_TEXT,
    NOT_PDF,
    Extraction,
    Limits,
    failed,
    plain_text,
)

HEADER_BYTES = 1024  # a PDF's `%PDF-` may follow some junk, within the first 1024 bytes
_FIRST_PAGE_CHARS = 3000  # the first page's lines are read up to this many characters
_MAX_LINES = 40
_METADATA_CHARS = 2000


def looks_like_pdf(head: bytes) -> bool:
    return b"%PDF-" in head[:HEADER_BYTES]


def read_pdf(path: str, limits: Limits) -> Extraction:
    """The text of each page of the PDF at `path`, within `limits` (pages, characters)."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    with open(path, "rb") as handle:
        if not looks_like_pdf(handle.read(HEADER_BYTES)):
            return failed(NOT_PDF)
    try:
        document = pdfium.PdfDocument(path)
    except pdfium.PdfiumError as exc:
        if exc.err_code == raw.FPDF_ERR_PASSWORD:
            return failed(ENCRYPTED)
        return failed(DAMAGED)
    try:
        count = len(document)
        metadata = _metadata(document)
        pages: list[tuple[int, str]] = []
        lines: tuple[tuple[float, str], ...] = ()
        chars = 0
        truncated = count > limits.max_pages
        for index in range(min(count, limits.max_pages)):
            try:
                page = document[index]
                textpage = page.get_textpage()
            except pdfium.PdfiumError:
                continue  # one unreadable page; the others may be fine
            if index == 0:
                lines = _lines(textpage, raw)
            text = plain_text(textpage.get_text_range())
            textpage.close()
            page.close()
            if chars + len(text) > limits.max_chars:
                text = text[: max(0, limits.max_chars - chars)]
                truncated = True
            chars += len(text)
            if text.strip():
                pages.append((index + 1, text))
            if chars >= limits.max_chars:
                truncated = True
                break
        if count and not pages:
            return Extraction(reason=NO_TEXT, page_count=count, metadata=metadata, lines=lines)
        if not count:
            return Extraction(reason=DAMAGED, metadata=metadata)
        return Extraction(tuple(pages), None, count, truncated, metadata, lines)
    finally:
        document.close()


def _metadata(document) -> dict[str, str]:
    try:
        values = document.get_metadata_dict(skip_empty=True)
    except Exception:  # a damaged info dictionary leaves the text readable
        return {}
    return {key: plain_text(str(value))[:_METADATA_CHARS] for key, value in values.items()}


def _lines(textpage, raw) -> tuple[tuple[float, str], ...]:
    """The first page's lines, each with the largest font size of its characters."""
    count = min(textpage.count_chars(), _FIRST_PAGE_CHARS)
    lines: list[tuple[float, str]] = []
    current: list[str] = []
    size = 0.0
    for index in range(count):
        code = raw.FPDFText_GetUnicode(textpage.raw, index)
        char = chr(code) if 0 < code < 0x110000 else ""
        if char in ("\n", "\r"):
            if current:
                lines.append((size, plain_text("".join(current)).strip()))
            current, size = [], 0.0
            if len(lines) >= _MAX_LINES:
                break
            continue
        current.append(char)
        size = max(size, float(raw.FPDFText_GetFontSize(textpage.raw, index)))
    if current and len(lines) < _MAX_LINES:
        lines.append((size, plain_text("".join(current)).strip()))
    return tuple((s, t) for s, t in lines if t)
