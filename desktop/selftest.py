"""`lectern --self-test`: open a temporary library, load the default list, check
the search index, search, export BibTeX and read it back, render a note, show
the main window. Exits 0, or
non-zero with a line naming the step that failed (for the bundle and CI)."""

from __future__ import annotations

import re
import sys
import tempfile
import traceback
from pathlib import Path


def self_test() -> int:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from lectern.core.formats.bibtex import export_file
    from lectern.core.formats.bibtex_import import parse_bibtex
    from lectern.core.library.facade import Library
    from lectern.core.store.paths import default_listing_path, resource_path
    from lectern.core.text.markdown import note_html
    from lectern.core.transfer.importing import load_default_library_if_new
    from lectern.desktop.main_window import MainWindow

    step = "starting"

    def ok(message: str) -> None:
        print(f"ok: {message}", flush=True)

    try:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            step = "finding the shipped resources"
            assert default_listing_path().is_file(), f"{default_listing_path()} is missing"
            assert resource_path("icons", "lectern.svg").is_file(), "the icon is missing"
            ok(f"resources found in {default_listing_path().parent}")
            step = "opening a library"
            library = Library.open(folder / "selftest.sqlite")
            ok("opened a temporary library")
            step = "loading the default reading list"
            report = load_default_library_if_new(library)
            assert report is not None and library.count() == 222, f"{library.count()} papers loaded, not 222"
            with_authors = sum(1 for row in library.rows(library.paper_ids()).values() if row.authors)
            assert with_authors > 200, f"only {with_authors} default papers have authors (metadata not shipped?)"
            ok(f"loaded the default reading list: 222 papers, {with_authors} with their authors")
            step = "checking the search index"
            problem = library.index.check()
            assert problem is None, problem
            ok("search index is whole")
            step = "searching"
            found = library.search("pretraining").ids
            assert len(found) > 100, f"only {len(found)} results for 'pretraining'"
            ok(f"search for 'pretraining' found {len(found)} papers")
            step = "exporting BibTeX"
            bib = folder / "selftest.bib"
            export_file(library, library.paper_ids(), bib)
            entries = len(re.findall(r"^@(?!preamble|comment)\w+\{", bib.read_text(encoding="utf-8"), re.MULTILINE))
            assert entries == 222, f"{entries} entries written"
            ok("exported 222 BibTeX entries")
            step = "reading BibTeX back"  # bibtexparser and markdown-it load on first use: check they ship
            parsed = parse_bibtex(bib.read_text(encoding="utf-8"))
            assert len(parsed.papers) == 222 and not parsed.failures, f"{len(parsed.papers)} entries read back"
            ok("read the 222 entries back")
            step = "reading a PDF in the PDF worker process"  # the bundle starts itself with a flag
            from lectern.core.fulltext.extractor import TextExtractor
            from lectern.core.fulltext.sample import one_page_pdf

            sample = folder / "selftest.pdf"
            sample.write_bytes(one_page_pdf("self test words"))
            with TextExtractor() as reader:
                read = reader.extract(sample)
            assert read.ok and read.pages == ((1, "self test words"),), read.reason or read.pages
            ok("read a PDF's text in the PDF worker process")
            step = "rendering a note"
            assert "<strong>read</strong>" in note_html("**read** again"), "no Markdown preview"
            ok("rendered a Markdown note")
            step = "showing the main window"
            app = QApplication.instance() or QApplication(sys.argv[:1])
            settings = QSettings(str(folder / "window.ini"), QSettings.Format.IniFormat)
            window = MainWindow(library, settings)
            window.show()
            app.processEvents()
            assert window.model.rowCount() == 222, f"the window lists {window.model.rowCount()} papers"
            assert window.isVisible(), "the window did not appear"
            window.close()
            for worker in (window.searcher, window.related_worker, window.index_worker):
                worker.wait()
            library.close()
            ok(f"main window shown with 222 papers on the '{app.platformName()}' platform")
    except Exception as exc:  # the point of a self-test: say which step failed and why
        print(f"FAILED while {step}: {exc}", file=sys.stderr)
        traceback.print_exc()
        return 1
    print("self-test passed")
    return 0
