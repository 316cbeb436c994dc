"""The helper process that maps most chunks of a large CSL-JSON or Markdown
export gives the very lines the exporting process would make; an export large
enough to use it is the same text as mapping every item at once; a helper that
has died takes no chunk and gives no lines (the exporting process then maps the chunk)."""

from __future__ import annotations

import io
import pickle
import struct
from pathlib import Path

from lectern.core.formats.csljson import csl_json, item_lines
from lectern.core.formats.writers import markdown_blocks, markdown_document
from lectern.core.library.facade import Library
from lectern.core.transfer.chunk_helper import ChunkHelper, serve
from lectern.core.transfer.export import BATCH, HELPER_AT, export
from tests.core.transfer.test_csljson_export import _many


def _frame(value: object) -> bytes:
    data = pickle.dumps(value)
    return struct.pack("<Q", len(data)) + data


def test_the_helper_maps_each_chunk_it_is_sent_as_this_process_would(tmp_path: Path) -> None:
    with Library.open(tmp_path / "lib.sqlite") as library:
        library.papers.add_many(_many(30))
        ids = library.paper_ids()
        items = library.papers_for_export(ids)
        source, sink = io.BytesIO(_frame([ids[:10]]) + _frame([ids[10:20], ids[20:]])), io.BytesIO()
        serve(source, sink, "csljson", library)
        sink.seek(0)
        answers = []
        while header := sink.read(8):
            answers.append(pickle.loads(sink.read(struct.unpack("<Q", header)[0])))
        assert answers == [item_lines(items[:10]), item_lines(items[10:])]
        source, sink = io.BytesIO(_frame([ids[:10], ids[10:]])), io.BytesIO()
        serve(source, sink, "markdown", library)
        sink.seek(0)
        assert pickle.loads(sink.read()[8:]) == markdown_blocks(items)


def test_the_helper_process_gives_the_lines_and_an_export_using_it_the_same_text(tmp_path: Path) -> None:
    with Library.open(tmp_path / "lib.sqlite") as library:
        library.papers.add_many(_many(HELPER_AT + 1500))
        ids = library.paper_ids()
        items = library.papers_for_export(ids[:50])
        helper = ChunkHelper.start("csljson", library.path)
        assert helper is not None
        try:
            assert helper.send([ids[:50]])
            assert helper.lines() == item_lines(items)
        finally:
            helper.close()
        out = tmp_path / "out.json"
        assert export(library, "csljson", ids, out) == len(ids)
        assert out.read_text(encoding="utf-8") == csl_json(library.papers_for_export(ids))


def test_a_helper_that_died_takes_no_chunk_and_gives_no_lines(tmp_path: Path) -> None:
    with Library.open(tmp_path / "lib.sqlite") as library:
        library.papers.add_many(_many(200))
        ids = library.paper_ids()
        helper = ChunkHelper.start("csljson", library.path)
    assert helper is not None
    helper.process.kill()
    helper.process.wait()
    try:
        assert not helper.send([ids]) or helper.lines() is None
    finally:
        helper.close()


def test_large_markdown_and_csl_json_exports_are_the_same_text_with_the_attached_files(
        tmp_path: Path, monkeypatch) -> None:
    sent: list[list[int]] = []
    answered: list[list[str]] = []
    send, lines = ChunkHelper.send, ChunkHelper.lines
    monkeypatch.setattr(ChunkHelper, "send", lambda self, chunks: (sent.extend(chunks), send(self, chunks))[1])
    monkeypatch.setattr(ChunkHelper, "lines", lambda self: (found := lines(self), answered.append(found))[0])
    with Library.open(tmp_path / "lib.sqlite") as library:
        library.papers.add_many(_many(HELPER_AT + 2500), notes=[f"note {i}" for i in range(HELPER_AT + 2500)])
        ids = library.paper_ids()
        pdf = tmp_path / "x.pdf"
        pdf.write_bytes(b"%PDF x")
        for paper in (ids[1], ids[BATCH + 5]):  # in the first two chunks, which the helper is always sent
            library.attachments.add(paper, [pdf], "link")
        out = tmp_path / "out.md"
        assert export(library, "markdown", ids, out, heading="All") == len(ids)
        whole = markdown_document(library.papers_for_export(ids), "All", library.attachments.for_papers(ids))
        assert out.read_text(encoding="utf-8") == whole
        assert whole.count(pdf.as_uri()) == 2
        assert sent and sum(map(len, sent)) < len(ids)  # the helper mapped some chunks, this process the rest
        assert answered and all(found is not None for found in answered)  # and its answers were the ones used
        sent.clear()
        answered.clear()
        out = tmp_path / "out.json"
        assert export(library, "csljson", ids, out) == len(ids)
        from lectern.core.formats.csljson import attached_paths, with_attachments
        attached = library.attachments.for_papers(ids)
        items = with_attachments(library.papers_for_export(ids), attached, tmp_path)
        assert out.read_text(encoding="utf-8") == csl_json(items, attached_paths(attached, tmp_path))
        assert out.read_text(encoding="utf-8").count('"files": ["x.pdf"]') == 2
        assert [ids[BATCH + 5] in chunk for chunk in sent].count(True) == 1  # that paper's chunk went to the helper
        assert answered and all(found is not None for found in answered)


def test_an_export_whose_helper_dies_midway_is_the_same_text(tmp_path: Path, monkeypatch) -> None:
    send = ChunkHelper.send

    def send_then_die(self, chunks):  # the helper is killed once it holds its second chunk
        ok = send(self, chunks)
        if self.outstanding == 2:
            self.process.kill()
        return ok

    monkeypatch.setattr(ChunkHelper, "send", send_then_die)
    with Library.open(tmp_path / "lib.sqlite") as library:
        library.papers.add_many(_many(HELPER_AT + 1500))
        ids = library.paper_ids()
        for fmt, whole in (("csljson", lambda: csl_json(library.papers_for_export(ids))),
                           ("markdown", lambda: markdown_document(library.papers_for_export(ids), "Reading list"))):
            out = tmp_path / f"out.{fmt}"
            assert export(library, fmt, ids, out) == len(ids)
            assert out.read_text(encoding="utf-8") == whole()
