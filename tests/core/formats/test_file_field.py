"""BibTeX's `file` field as JabRef and Zotero write it: `description:path:type`
entries joined by `;`, with `\\`, `:` and `;` escaped by a backslash."""

from __future__ import annotations

from lectern.core.formats.file_field import FileLink, file_type, format_file_field, parse_file_field


def test_jabrefs_own_examples_read_as_jabref_reads_them() -> None:
    assert parse_file_field("Desc:File.PDF:PDF") == [FileLink("Desc", "File.PDF", "PDF")]
    assert parse_file_field(":wei2005ahp.pdf:PDF") == [FileLink("", "wei2005ahp.pdf", "PDF")]
    assert parse_file_field("wei2005ahp.pdf;other.pdf") == [FileLink("", "wei2005ahp.pdf"), FileLink("", "other.pdf")]
    assert parse_file_field(r"test\:\;:wei2005ahp.pdf:PDF") == [FileLink("test:;", "wei2005ahp.pdf", "PDF")]
    assert parse_file_field(r"desc:C\:\\test.pdf:PDF") == [FileLink("desc", "C:\\test.pdf", "PDF")]
    for only in ("file.pdf::", ":file.pdf", "::file.pdf"):
        assert parse_file_field(only) == [FileLink("", "file.pdf")]
    assert parse_file_field("desc:file.pdf:PDF:asdf") == [FileLink("desc", "file.pdf", "PDF")]
    assert parse_file_field("") == [] and parse_file_field(None) == []


def test_zoteros_field_reads_with_its_title_and_mime_type() -> None:
    value = "Full Text PDF:/home/u/Zotero/storage/AB12/x.pdf:application/pdf;Snapshot:/home/u/s.html:text/html"
    assert parse_file_field(value) == [
        FileLink("Full Text PDF", "/home/u/Zotero/storage/AB12/x.pdf", "application/pdf"),
        FileLink("Snapshot", "/home/u/s.html", "text/html")]


def test_writing_escapes_as_jabref_does_and_reads_back() -> None:
    links = [FileLink("", "/papers/a:b;c\\d.pdf", "PDF"), FileLink("", "/papers/plain.pdf", "PDF")]
    written = format_file_field(links)
    assert written == r":/papers/a\:b\;c\\d.pdf:PDF;:/papers/plain.pdf:PDF"
    assert parse_file_field(written) == links
    assert (file_type("x.pdf"), file_type("x.DJVU"), file_type("notes")) == ("PDF", "DjVu", "")
