"""The window's background reading of PDFs (desktop/runtime/fulltext_worker.py),
with the real PDF worker process: every pending PDF is read and saved, and the
pending PDFs are listed once for a round of reading, not once for each file."""

from __future__ import annotations

from pathlib import Path

from lectern.core.domain.records import NewPaper
from lectern.core.fulltext.runner import save_extraction
from lectern.core.fulltext.sample import text_pdf
from lectern.core.library.facade import Library
from lectern.desktop.runtime.fulltext_worker import FullTextWorker


def test_every_pending_pdf_is_read_and_the_pending_ones_are_listed_once_a_round(qtbot, tmp_path: Path) -> None:
    library = Library.open(tmp_path / "library.sqlite")
    library.papers.add_many([NewPaper(title=f"Paper {n}") for n in range(6)], undoable=False)
    for n, paper_id in enumerate(library.paper_ids()):
        pdf = tmp_path / f"paper{n}.pdf"
        pdf.write_bytes(text_pdf([["a first page"], [f"word{n} on page two"]]))
        library.attachments.add(paper_id, [pdf], "link")
    listed: list[int] = []
    pending = library.fulltext.pending

    def counted(limit: int | None = None) -> list[int]:
        listed.append(1)
        return pending(limit)

    library.fulltext.pending = counted  # type: ignore[method-assign]
    worker = FullTextWorker(library)

    def keep(attachment_id: int, extraction) -> None:
        save_extraction(library, attachment_id, extraction)
        worker.saved(attachment_id)

    worker.extracted.connect(keep)
    try:
        worker.start()
        qtbot.waitUntil(lambda: not pending() and not worker.busy(), timeout=30000)
    finally:
        worker.close()
    assert [library.search(f"fulltext:word{n}").ids for n in range(6)] == [[i] for i in library.paper_ids()]
    assert len(listed) <= 2  # the round, and the look that finds nothing left
    library.close()
