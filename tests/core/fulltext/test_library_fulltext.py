"""Importing PDFs and searching inside them, on a real library file: the page
of a hit, full-text hits ranked after record hits, `fulltext:`, duplicates,
hostile files changing nothing but their own paper's status, resuming."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from lectern.core.domain.records import NewPaper
from lectern.core.fulltext.pdf_import import import_pdfs
from lectern.core.fulltext.runner import extract_pending
from lectern.core.library.facade import Library
from tests import pdfs as make


@pytest.fixture
def library(library_path: Path):
    with Library.open(library_path) as lib:
        yield lib


def test_a_word_only_on_page_3_is_found_on_page_3(library, pdfs):
    report = import_pdfs(library, [pdfs["paper"]])
    [paper_id] = report.added
    result = library.search("zeppelin")
    assert result.ids == [paper_id]
    [hit] = library.fulltext.hits(result.query, result.ids)[paper_id]
    assert hit.page == 3 and "zeppelin" in hit.snippet


def test_the_imported_paper_is_named_from_the_pdf_and_has_its_file(library, pdfs):
    [paper_id] = import_pdfs(library, [pdfs["paper"]]).added
    row = library.rows([paper_id])[paper_id]
    assert row.title == "Deep Transformers for Reading Lists"
    assert "Lovelace" in row.authors and "Turing" in row.authors
    [attachment] = library.attachments_of(paper_id)
    assert attachment.exists and attachment.mode == "copy" and attachment.path != pdfs["paper"]
    [state] = library.fulltext.states([paper_id])[paper_id]
    assert state.status == "done" and state.pages == 4


def test_full_text_hits_rank_below_record_hits_and_fulltext_searches_them_alone(library, pdfs):
    library.papers.add_many([NewPaper(title="Zeppelin flight dynamics")])
    titled = library.search("title:zeppelin").ids
    [inside] = import_pdfs(library, [pdfs["paper"]]).added
    assert library.search("zeppelin").ids == [*titled, inside]
    assert library.search("zeppelin", sort="title").ids == sorted([*titled, inside], key=lambda i: (
        library.rows([i])[i].title.lower(), i))
    assert library.search("fulltext:zeppelin").ids == [inside]
    assert library.search("title:zeppelin").ids == titled
    assert library.search("zeppel", typing=True, first_screen=50).ids == [*titled, inside]
    assert library.search("fulltext:zeppelin -fulltext:conclusion").ids == []


def test_the_same_file_twice_is_a_duplicate(library, pdfs, tmp_path):
    again = tmp_path / "renamed copy.pdf"
    shutil.copyfile(pdfs["paper"], again)
    first = import_pdfs(library, [pdfs["paper"], again])
    assert len(first.added) == 1 and [d[0] for d in first.duplicates] == ["renamed copy.pdf"]
    second = import_pdfs(library, [pdfs["paper"]])
    assert second.added == [] and "attached to" in second.lines()[0]
    assert library.count() == 1


def test_a_pdf_of_a_paper_in_the_library_is_attached_to_it(library, pdfs):
    library.papers.add_many([NewPaper(title="Attention Is All You Need", arxiv_id="1706.03762")])
    [paper_id] = library.paper_ids()
    report = import_pdfs(library, [pdfs["titled"]])
    assert report.added == [] and len(report.attached) == 1
    assert [a.name for a in library.attachments_of(paper_id)] == ["titled.pdf"]


def test_html_in_a_pdfs_metadata_is_stored_as_the_literal_title(library, pdfs):
    [paper_id] = import_pdfs(library, [pdfs["html_title"]]).added
    assert library.rows([paper_id])[paper_id].title == "<b>Bold</b> <a href='x'>link</a> <script>alert(1)</script>"


def test_hostile_files_change_nothing_but_their_own_papers_status(library, pdfs):
    [good] = import_pdfs(library, [pdfs["paper"]]).added
    before = library.fulltext.pages(library.attachments_of(good)[0].id)
    names = ["truncated", "user_password", "scanned", "not_pdf", "nested"]
    report = import_pdfs(library, [pdfs[n] for n in names])
    reasons = dict(report.no_text)
    assert reasons == {"truncated.pdf": "damaged PDF", "locked.pdf": "encrypted (needs a password)",
                       "scan.pdf": "no text layer (scanned?)"}
    assert report.failures == [("notes.pdf", "not a PDF")]
    states = library.fulltext.states(library.paper_ids())
    failed = {s.reason for group in states.values() for s in group if s.status == "failed"}
    assert failed == set(reasons.values())
    assert library.fulltext.pages(library.attachments_of(good)[0].id) == before
    assert library.index.check() is None
    assert library.search("fulltext:zeppelin").ids == [good]


def test_the_rest_of_the_hostile_set_changes_nothing_but_their_own_papers_status(library, pdfs):
    [good] = import_pdfs(library, [pdfs["paper"]]).added
    before = library.fulltext.pages(library.attachments_of(good)[0].id)
    names = ["owner_password", "huge", "bomb", "many_pages", "html_title"]
    report = import_pdfs(library, [pdfs[n] for n in names])
    assert dict(report.no_text) == {"huge.pdf": "too large (over 200 MB)",
                                    "bomb.pdf": "damaged or too large: the PDF reader stopped on it"}
    assert report.failures == [] and len(report.added) == 5
    states = {library.attachments.get(s.attachment_id).name: s for group in
              library.fulltext.states(report.added).values() for s in group}
    assert {name: s.status for name, s in states.items()} == {
        "owner.pdf": "done", "huge.pdf": "failed", "bomb.pdf": "failed", "many.pdf": "done", "html.pdf": "done"}
    assert states["many.pdf"].truncated and states["many.pdf"].describe().endswith("over the limits)")
    assert library.fulltext.pages(library.attachments_of(good)[0].id) == before
    assert library.index.check() is None
    owner_locked = states["owner.pdf"].paper_id  # encrypted without a user password: read
    assert sorted(library.search("fulltext:zeppelin").ids) == sorted([good, owner_locked])


def test_undoing_an_import_removes_its_papers_and_their_text(library, pdfs):
    import_pdfs(library, [pdfs["paper"]])
    library.history.undo()
    assert library.count() == 0 and library.search("fulltext:zeppelin").ids == []


def test_removing_the_attachment_removes_its_pages_from_search(library, pdfs):
    [paper_id] = import_pdfs(library, [pdfs["paper"]]).added
    library.attachments.remove(library.attachments_of(paper_id)[0].id)
    assert library.search("zeppelin").ids == []


def test_an_attached_pdf_waits_as_pending_until_read_and_a_reopened_library_resumes(library_path, pdfs):
    with Library.open(library_path) as lib:
        lib.papers.add_many([NewPaper(title="A paper")])
        [paper_id] = lib.paper_ids()
        lib.attachments.add(paper_id, [pdfs["paper"]], "link")
        assert len(lib.fulltext.pending()) == 1 and lib.search("zeppelin").ids == []
    with Library.open(library_path) as lib:
        assert len(lib.fulltext.pending()) == 1
        report = extract_pending(lib)
        assert report.done == 1 and report.pages == 4
        assert lib.fulltext.pending() == [] and lib.search("zeppelin").ids == [paper_id]


def test_kill_9_during_extraction_leaves_a_consistent_library_that_resumes(library_path, pdfs, tmp_path):
    big = make.many_pages_pdf(tmp_path / "big.pdf", 20_000)
    with Library.open(library_path) as lib:
        lib.papers.add_many([NewPaper(title="Big one"), NewPaper(title="Small one")])
        big_id, small_id = sorted(lib.paper_ids())
        lib.attachments.add(small_id, [pdfs["paper"]], "link")
        lib.attachments.add(big_id, [big], "link")
    code = ("import sys; from pathlib import Path; from lectern.core.library.facade import Library; "
            "from lectern.core.fulltext.runner import extract_pending; "
            "from lectern.core.fulltext.results import Limits; "
            "from lectern.core.fulltext.extractor import TextExtractor; lib = Library.open(Path(sys.argv[1])); "
            "print('started', flush=True); "
            "extract_pending(lib, TextExtractor(Limits(max_pages=100_000, max_chars=10**8)))")
    child = subprocess.Popen([sys.executable, "-c", code, str(library_path)], stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "started"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # the small file is read; the big one is being read
        with Library.open(library_path) as lib:
            if len(lib.fulltext.pending()) == 1:
                break
        time.sleep(0.05)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    with Library.open(library_path) as lib:
        assert lib.index.check() is None
        assert lib.search("fulltext:zeppelin").ids == [small_id]
        [pending] = lib.fulltext.pending()
        assert lib.attachments.get(pending).paper_id == big_id
        assert extract_pending(lib).done == 1
        assert lib.fulltext.pending() == [] and lib.search("fulltext:\"page text here\"").ids == [big_id]


def test_cli_imports_a_folder_of_pdfs_and_search_json_names_the_page(tmp_path, pdfs):
    folder = tmp_path / "papers"
    (folder / "sub").mkdir(parents=True)
    shutil.copyfile(pdfs["paper"], folder / "sub" / "paper.pdf")
    shutil.copyfile(pdfs["user_password"], folder / "locked.pdf")
    library = tmp_path / "cli.sqlite"
    code = "import sys; from lectern.desktop.app import main; sys.exit(main(sys.argv[1:]))"
    run = [sys.executable, "-c", code, "--library", str(library)]
    imported = subprocess.run([*run, "import", str(folder)], capture_output=True, text=True, timeout=120)
    assert imported.returncode == 0, imported.stderr
    assert "2 papers added" in imported.stdout
    assert "locked.pdf: text not extracted: encrypted (needs a password)" in imported.stderr
    found = subprocess.run([*run, "search", "zeppelin", "--json"], capture_output=True, text=True, timeout=120)
    [hit] = json.loads(found.stdout)
    assert hit["pages"] == [3] and "zeppelin" in hit["snippet"]
    assert hit["title"] == "Deep Transformers for Reading Lists"


def test_kill_9_during_a_pdf_import_keeps_whole_batches_and_the_next_import_adds_the_rest(tmp_path):
    from lectern.core.fulltext.pdf_import import BATCH
    from lectern.core.fulltext.sample import text_pdf

    folder = tmp_path / "papers"
    folder.mkdir()
    count = BATCH * 8
    for n in range(count):
        (folder / f"paper{n:03d}.pdf").write_bytes(text_pdf([[f"Paper number {n}"], [f"word{n} on page two"]]))
    library = tmp_path / "cli.sqlite"
    code = "import sys; from lectern.desktop.app import main; sys.exit(main(sys.argv[1:]))"
    run = [sys.executable, "-c", code, "--library", str(library)]
    child = subprocess.Popen([*run, "import", str(folder)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and child.poll() is None:
        if library.exists():
            with Library.open(library) as lib:
                if lib.count() >= BATCH:
                    break
        time.sleep(0.02)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    with Library.open(library) as lib:
        kept = lib.count()
        assert kept % BATCH == 0 and BATCH <= kept < count  # whole batches: each is one transaction
        assert lib.index.check() is None and lib.fulltext.pending() == []
        states = lib.fulltext.states(lib.paper_ids())
        assert len(states) == kept and all(s.status == "done" for group in states.values() for s in group)
    again = subprocess.run([*run, "import", str(folder)], capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert f"{count - kept} papers added" in again.stdout
    with Library.open(library) as lib:
        assert lib.count() == count and lib.fulltext.pending() == []
        assert all(len(lib.search(f"fulltext:word{n}").ids) == 1 for n in (0, count // 2, count - 1))


def _integrity(library) -> None:
    with library.db.write() as conn:
        conn.exec_driver_sql("INSERT INTO page_fts (page_fts) VALUES ('integrity-check')")
        conn.exec_driver_sql("INSERT INTO document_fts (document_fts) VALUES ('integrity-check')")


def test_text_read_again_replaces_the_old_text_in_both_indexes(library, pdfs):
    [paper_id] = import_pdfs(library, [pdfs["paper"]]).added
    [attachment] = library.attachments_of(paper_id)
    library.fulltext.save(attachment.id, [(1, "an airship on page one"), (2, "and nothing else")], None, 2)
    assert library.search("fulltext:zeppelin").ids == [] and library.search("zeppelin").ids == []
    assert library.search("fulltext:airship").ids == [paper_id]
    assert [h.page for h in library.fulltext.hits(library.compile("airship"), [paper_id])[paper_id]] == [1]
    library.fulltext.save(attachment.id, [], "damaged PDF")
    assert library.search("fulltext:airship").ids == []
    assert library.fulltext.states([paper_id])[paper_id][0].describe() == "text not extracted: damaged PDF"
    _integrity(library)


def test_emptying_the_trash_removes_the_papers_text_from_the_indexes(library, pdfs):
    [paper_id] = import_pdfs(library, [pdfs["paper"]]).added
    library.trash.put([paper_id])
    assert library.search("zeppelin").ids == []  # a paper in the Trash is not found
    assert library.search("in:trash zeppelin").ids == [paper_id]
    library.trash.empty()
    with library.db.read() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM fulltext_page").scalar_one() == 0
        assert conn.exec_driver_sql(
            "SELECT count(*) FROM document_fts WHERE document_fts MATCH 'zeppelin'").scalar_one() == 0
    _integrity(library)


def test_words_on_different_pages_of_one_paper_find_it(library, pdfs):
    [paper_id] = import_pdfs(library, [pdfs["paper"]]).added
    assert library.search("zeppelin conclusion").ids == [paper_id]  # page 3 and page 4
    hits = library.fulltext.hits(library.compile("zeppelin conclusion"), [paper_id])
    assert hits == {}  # no single page holds both: no page to name
    assert [h.page for h in library.fulltext.hits(library.compile("zeppelin OR conclusion"), [paper_id])[
        paper_id]] == [3, 4]


def test_cli_extract_reads_the_pending_pdfs(library_path, pdfs):
    with Library.open(library_path) as lib:
        lib.papers.add_many([NewPaper(title="Attached by hand")])
        [paper_id] = lib.paper_ids()
        lib.attachments.add(paper_id, [pdfs["paper"], pdfs["user_password"]], "link")
    code = "import sys; from lectern.desktop.app import main; sys.exit(main(sys.argv[1:]))"
    done = subprocess.run([sys.executable, "-c", code, "--library", str(library_path), "extract"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "text read from 1 PDF (4 pages)\n"
    assert "locked.pdf: text not extracted: encrypted (needs a password)" in done.stderr
    with Library.open(library_path) as lib:
        assert lib.fulltext.pending() == [] and lib.search("fulltext:zeppelin").ids == [paper_id]
