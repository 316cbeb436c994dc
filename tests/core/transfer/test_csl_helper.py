"""The helper process that maps most chunks of a large CSL-JSON export gives
the very lines the exporting process would make; an export large enough to
use it is the same text as mapping every item at once; a helper that has died
takes no chunk and gives no lines (the exporting process then maps the chunk)."""

from __future__ import annotations

import io
import pickle
import struct
from pathlib import Path

from lectern.core.formats.csljson import csl_json, item_lines
from lectern.core.library.facade import Library
from lectern.core.transfer.csl_helper import CslHelper, serve
from lectern.core.transfer.export import HELPER_AT, export
from tests.core.transfer.test_csljson_export import _many


def _frame(value: object) -> bytes:
    data = pickle.dumps(value)
    return struct.pack("<Q", len(data)) + data


def test_the_helper_maps_each_chunk_it_is_sent_as_this_process_would(tmp_path: Path) -> None:
    with Library.open(tmp_path / "lib.sqlite") as library:
        library.papers.add_many(_many(30))
        items = library.papers_for_export(library.paper_ids())
    source, sink = io.BytesIO(_frame(items[:10]) + _frame(items[10:])), io.BytesIO()
    serve(source, sink)
    sink.seek(0)
    answers = []
    while header := sink.read(8):
        answers.append(pickle.loads(sink.read(struct.unpack("<Q", header)[0])))
    assert answers == [item_lines(items[:10]), item_lines(items[10:])]


def test_the_helper_process_gives_the_lines_and_an_export_using_it_the_same_text(tmp_path: Path) -> None:
    with Library.open(tmp_path / "lib.sqlite") as library:
        library.papers.add_many(_many(HELPER_AT + 1500))
        ids = library.paper_ids()
        items = library.papers_for_export(ids[:50])
        helper = CslHelper.start()
        assert helper is not None
        try:
            assert helper.send(items)
            assert helper.lines() == item_lines(items)
        finally:
            helper.close()
        out = tmp_path / "out.json"
        assert export(library, "csljson", ids, out) == len(ids)
        assert out.read_text(encoding="utf-8") == csl_json(library.papers_for_export(ids))


def test_a_helper_that_died_takes_no_chunk_and_gives_no_lines(tmp_path: Path) -> None:
    with Library.open(tmp_path / "lib.sqlite") as library:
        library.papers.add_many(_many(200))
        items = library.papers_for_export(library.paper_ids())
    helper = CslHelper.start()
    assert helper is not None
    helper.process.kill()
    helper.process.wait()
    try:
        assert not helper.send(items) or helper.lines() is None
    finally:
        helper.close()
