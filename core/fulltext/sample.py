"""PDFs of plain text written by hand: a one-page PDF for the self-test (the
bundle ships no PDF maker), and many-page ones for the full-text benchmark,
which makes thousands of them (a PDF library's writer is too slow for that)."""

from __future__ import annotations

import zlib
from collections.abc import Sequence

LINE_POINTS = 12  # the distance between two lines, in points


def _pdf_string(line: str) -> bytes:
    """`line` as a PDF literal string in WinAnsiEncoding (what it cannot hold becomes `?`)."""
    raw = line.encode("cp1252", errors="replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def text_pdf(pages: Sequence[Sequence[str]], size: int = 9, compress: bool = False) -> bytes:
    """A valid PDF with one page for each item of `pages`, showing its lines
    top down in Helvetica of `size` points; `compress` deflates the pages' streams."""
    count = len(pages)
    bodies = [b"<< /Type /Catalog /Pages 2 0 R >>",
              b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
                  b" ".join(b"%d 0 R" % (4 + 2 * n) for n in range(count)), count),
              b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"]
    for number, lines in enumerate(pages):
        shown = b" T* ".join(_pdf_string(line) + b" Tj" for line in lines)
        content = b"BT /F1 %d Tf %d TL 50 790 Td %s ET" % (size, LINE_POINTS, shown)
        filters = b""
        if compress:
            content, filters = zlib.compress(content, 6), b" /Filter /FlateDecode"
        bodies.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 842] /Contents %d 0 R"
                      b" /Resources << /Font << /F1 3 0 R >> >> >>" % (5 + 2 * number))
        bodies.append(b"<< /Length %d%s >>\nstream\n%s\nendstream" % (len(content), filters, content))
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(bodies, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(bodies) + 1, xref)
    return bytes(out)


def one_page_pdf(text: str) -> bytes:
    """A valid PDF whose only page shows `text` in Helvetica."""
    return text_pdf([[text]], size=12)
