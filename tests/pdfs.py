"""PDFs made by the tests: real files with known words on known pages (reportlab),
and the hostile set written by hand (truncated, encrypted, bombs, junk)."""

from __future__ import annotations

import zlib
from pathlib import Path

from reportlab.lib import pdfencrypt
from reportlab.pdfgen import canvas


def paper_pdf(path: Path, pages: list[str], *, title: str = "", author: str = "", heading: str = "",
              byline: str = "", encrypt: pdfencrypt.StandardEncryption | None = None) -> Path:
    """A PDF whose page n holds pages[n-1] (one line a sentence), with a large heading
    and a by-line on page 1 and the given document information."""
    pdf = canvas.Canvas(str(path), encrypt=encrypt, invariant=True)
    pdf.setTitle(title)
    pdf.setAuthor(author)
    for number, text in enumerate(pages, 1):
        y = 760
        if number == 1 and heading:
            pdf.setFont("Helvetica-Bold", 20)
            pdf.drawString(72, y, heading)
            y -= 30
            if byline:
                pdf.setFont("Helvetica", 12)
                pdf.drawString(72, y, byline)
                y -= 30
        pdf.setFont("Helvetica", 10)
        for line in text.split("\n"):
            pdf.drawString(72, y, line)
            y -= 14
        pdf.showPage()
    pdf.save()
    return path


def _write_objects(path: Path, objects: list[bytes], *, info: int | None = None) -> Path:
    """A PDF of the given object bodies (object n = objects[n-1]), root object 1, with a real xref."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    trailer = b"/Size %d /Root 1 0 R" % (len(objects) + 1) + (b" /Info %d 0 R" % info if info else b"")
    out += b"trailer\n<< " + trailer + b" >>\nstartxref\n%d\n%%%%EOF\n" % xref
    path.write_bytes(bytes(out))
    return path


def _stream(data: bytes, compress: bool = False) -> bytes:
    if compress:
        data = zlib.compress(data)
        return b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream"
    return b"<< /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


_FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def many_pages_pdf(path: Path, count: int) -> Path:
    """`count` pages sharing one small content stream ("page text here")."""
    kids = b" ".join(b"%d 0 R" % (5 + i) for i in range(count))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % count,
               _stream(b"BT /F1 12 Tf 72 700 Td (page text here) Tj ET"), _FONT]
    page = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 3 0 R"
            b" /Resources << /Font << /F1 4 0 R >> >> >>")
    objects += [page] * count
    return _write_objects(path, objects)


def nested_pdf(path: Path, depth: int = 200_000) -> Path:
    """A one-page PDF whose page carries an array nested `depth` deep."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
               b" /Resources << /Font << /F1 5 0 R >> >> /Nest " + b"[" * depth + b"]" * depth + b" >>",
               _stream(b"BT /F1 12 Tf 72 700 Td (nested page) Tj ET"), _FONT]
    return _write_objects(path, objects)


def bomb_pdf(path: Path, inflated_mb: int = 1024) -> Path:
    """A one-page PDF whose content stream is a few MB of deflate that inflates to `inflated_mb` MB."""
    block = b" " * (1 << 20)
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)  # raw deflate; a full flush makes each block alike
    piece = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)
    checksum = 1
    for _ in range(inflated_mb):
        checksum = zlib.adler32(block, checksum)
    data = b"\x78\xda" + piece * inflated_mb + b"\x03\x00" + checksum.to_bytes(4, "big")
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
               b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream"]
    return _write_objects(path, objects)


def image_only_pdf(path: Path) -> Path:
    """A page with drawing and no text, as a scan has."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
               _stream(b"0 0 1 rg 100 100 400 600 re f")]
    return _write_objects(path, objects)
