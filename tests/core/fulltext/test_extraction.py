"""Text is read from real PDFs page by page in a worker process, and every
hostile file gives a plain reason instead of text (never a crash or a hang here)."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest

from lectern.core.fulltext import results
from lectern.core.fulltext.extractor import TextExtractor
from lectern.core.fulltext.results import Limits, plain_text


@pytest.fixture(scope="module")
def extractor():
    with TextExtractor(Limits(seconds=30, memory_bytes=512 * 1024 * 1024, max_pages=500)) as reader:
        yield reader


def test_each_page_keeps_its_own_text(extractor, pdfs):
    got = extractor.extract(pdfs["paper"])
    assert got.ok and got.page_count == 4
    pages = dict(got.pages)
    assert "zeppelin" in pages[3]
    assert all("zeppelin" not in pages[n] for n in (1, 2, 4))
    assert "masked language modeling" in pages[2]


def test_the_extraction_runs_in_another_process(extractor, pdfs):
    extractor.extract(pdfs["paper"])
    assert extractor.pid is not None and extractor.pid != os.getpid()


def test_an_encrypted_pdf_that_needs_a_password_says_so(extractor, pdfs):
    assert extractor.extract(pdfs["user_password"]).reason == "encrypted (needs a password)"


def test_an_encrypted_pdf_without_a_user_password_is_read(extractor, pdfs):
    got = extractor.extract(pdfs["owner_password"])
    assert got.ok and "zeppelin" in dict(got.pages)[3]


@pytest.mark.parametrize("name, reason", [
    ("truncated", "damaged PDF"),
    ("not_pdf", "not a PDF"),
    ("scanned", "no text layer (scanned?)"),
    ("huge", "too large (over 200 MB)"),
])
def test_a_hostile_file_gives_its_reason(extractor, pdfs, name, reason):
    assert extractor.extract(pdfs[name]).reason == reason


def test_a_500_mb_file_is_refused_by_its_size_at_once(extractor, pdfs):
    started = time.monotonic()
    assert extractor.extract(pdfs["huge"]).reason.startswith("too large")
    assert time.monotonic() - started < 1


def test_deep_nesting_does_not_stop_the_reading(extractor, pdfs):
    got = extractor.extract(pdfs["nested"])
    assert got.ok and got.pages == ((1, "nested page"),)


def test_a_huge_page_count_is_read_only_up_to_the_page_cap(extractor, pdfs):
    got = extractor.extract(pdfs["many_pages"])
    assert got.ok and got.page_count == 100_000 and got.truncated
    assert len(got.pages) == 500 and got.pages[-1][0] == 500


def test_the_character_cap_stops_the_text(pdfs):
    with TextExtractor(Limits(max_chars=100)) as reader:
        got = reader.extract(pdfs["many_pages"])
    assert got.truncated and got.chars == 100


def test_a_decompression_bomb_stops_only_the_worker(extractor, pdfs):
    got = extractor.extract(pdfs["bomb"])
    assert got.reason == results.CRASHED
    assert extractor.extract(pdfs["paper"]).ok  # a new worker reads the next file


def test_a_file_that_takes_too_long_is_cut_off_at_the_time_limit(pdfs):
    with TextExtractor(Limits(seconds=0.3, max_pages=100_000)) as reader:
        started = time.monotonic()
        got = reader.extract(pdfs["many_pages"])
        assert got.reason == "took longer than 0.3 s"
        assert time.monotonic() - started < 3
        reader.limits = Limits()
        assert reader.extract(pdfs["paper"]).ok


def test_a_worker_killed_mid_file_gives_a_reason_and_the_next_file_is_read(pdfs):
    with TextExtractor(Limits(max_pages=100_000, seconds=60)) as reader:
        reader.start()
        pid = reader.pid

        def kill() -> None:
            time.sleep(0.3)
            os.kill(pid, signal.SIGKILL)

        threading.Thread(target=kill).start()
        assert reader.extract(pdfs["many_pages"]).reason == results.CRASHED
        assert reader.extract(pdfs["paper"]).ok and reader.pid != pid


def test_a_worker_killed_while_idle_is_restarted(extractor, pdfs):
    extractor.start()
    os.kill(extractor.pid, signal.SIGKILL)
    time.sleep(0.1)
    assert extractor.extract(pdfs["paper"]).ok


def test_a_fifo_named_pdf_is_refused_without_reading(extractor, tmp_path: Path):
    fifo = tmp_path / "pipe.pdf"
    os.mkfifo(fifo)
    assert extractor.extract(fifo).reason == "not a regular file"


def test_pdf_text_is_plain_text():
    assert plain_text("a\x00b\x07c\r\nd\x1be\ufffe") == "abc\nde"


def test_the_benchmarks_hand_written_pdfs_read_back_line_by_line_on_their_pages(extractor, tmp_path):
    from lectern.core.fulltext.sample import text_pdf

    for compress in (False, True):
        path = tmp_path / f"written{compress}.pdf"
        path.write_bytes(text_pdf([["a (bracketed) back\\slash", "Sabiá second line"], ["page two only"]],
                                  compress=compress))
        got = extractor.extract(path)
        assert got.ok and got.page_count == 2
        assert dict(got.pages) == {1: "a (bracketed) back\\slash\nSabiá second line", 2: "page two only"}
