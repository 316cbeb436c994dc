"""What the window's status bar says about a sync, and the conflicts the user resolves."""

from __future__ import annotations

import pytest

from lectern.core.domain.entry import get
from lectern.core.sync.conflicts import open_conflicts, record_conflicts, resolve
from lectern.core.sync.engine import SyncError
from lectern.core.sync.status import sync_status
from tests.core.sync.conftest import add, by_key, run_sync


def test_a_library_without_a_remote_says_so(machine) -> None:
    status = sync_status(machine("a"))
    assert status.remote is None and status.to_send is None and status.last_synced is None


def test_the_changes_waiting_to_be_sent_are_counted(machine, remote) -> None:
    a = machine("a")
    first = add(a, "clark2020electra", "ELECTRA")
    add(a, "devlin2019bert", "BERT")
    run_sync(a, remote)
    status = sync_status(a)
    assert status.remote == remote and status.last_synced is not None and status.to_send == 0
    a.papers.set_starred([first], True)
    assert sync_status(a).to_send == 1
    add(a, "raffel2020t5", "T5")  # a new paper, without a stable id until the next sync
    a.saved_searches.save("NLP", "tag:nlp")
    assert sync_status(a).to_send == 3
    run_sync(a)
    assert sync_status(a).to_send == 0


def test_a_conflict_stays_open_until_resolved_and_taking_theirs_writes_their_value(machine, remote) -> None:
    a, b = machine("a"), machine("b")
    paper = add(a, "clark2020electra", "ELECTRA")
    run_sync(a, remote)
    run_sync(b, remote)
    b.papers.set_record(by_key(b, "clark2020electra"), "article", (("title", "ELECTRA: Pre-training"),))
    run_sync(b)
    a.papers.set_record(paper, "article", (("title", "ELECTRA, here"),))
    report = run_sync(a)
    record_conflicts(a, report.conflicts)
    run_sync(a)  # a later sync has nothing to say about it: the conflict stays open
    [conflict] = open_conflicts(a)
    assert (conflict.where, conflict.what, conflict.local, conflict.remote) == (
        "clark2020electra", "title", "ELECTRA, here", "ELECTRA: Pre-training")
    assert sync_status(a).conflicts == [conflict]
    resolve(a, conflict, take_theirs=True)
    assert get(a.paper(paper).paper.fields, "title") == "ELECTRA: Pre-training"
    assert open_conflicts(a) == [] and sync_status(a).to_send == 1
    a.history.undo()
    assert get(a.paper(paper).paper.fields, "title") == "ELECTRA, here"  # one undo step


def test_keeping_mine_changes_nothing_here(machine, remote) -> None:
    a, b = machine("a"), machine("b")
    paper = add(a, "clark2020electra", "ELECTRA")
    run_sync(a, remote)
    run_sync(b, remote)
    b.papers.set_status([by_key(b, "clark2020electra")], "read")
    run_sync(b)
    a.papers.set_status([paper], "skipped")
    [conflict] = record_conflicts(a, run_sync(a).conflicts)
    assert conflict.what == "status"
    resolve(a, conflict, take_theirs=False)
    assert a.paper(paper).paper.status == "skipped" and open_conflicts(a) == []


def test_changes_a_sync_could_not_push_still_count_as_to_send(machine, remote, tmp_path) -> None:
    a = machine("a")
    paper = add(a, "clark2020electra", "ELECTRA")
    add(a, "devlin2019bert", "BERT")
    run_sync(a, remote)
    a.papers.set_starred([paper], True)
    with pytest.raises(SyncError):
        run_sync(a, str(tmp_path / "gone.git"))  # committed here, not sent
    assert sync_status(a).to_send == 1
    run_sync(a, remote)
    assert sync_status(a).to_send == 0


def test_a_pdf_import_is_a_change_to_send_and_reading_its_text_again_is_not(machine, tmp_path) -> None:
    """The window counts the papers a write touched (`papers_to_send`): papers
    a PDF import added count, whatever else the import touched; a write that
    only saved text read from a PDF (background reading) sends nothing."""
    from lectern.core.fulltext.pdf_import import import_pdfs
    from lectern.core.fulltext.sample import text_pdf
    from lectern.core.sync.status import papers_to_send

    library = machine("a")
    pdf = tmp_path / "paper.pdf"
    pdf.write_bytes(text_pdf([["A paper about airships"], ["on page two"]]))
    report = import_pdfs(library, [pdf], "link")
    assert report.added and papers_to_send(report.changes) == set(report.added)
    (attachment,) = library.attachments_of(report.added[0])
    saved = library.fulltext.save(attachment.id, [(1, "read again"), (2, "and again")], None, 2)
    assert saved.papers == set(report.added) and papers_to_send(saved) == set()
    undone = library.history.undo()  # the import taken back: its papers leave, which a sync sends
    assert undone is not None and papers_to_send(undone) == set(report.added)
