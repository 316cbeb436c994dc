"""A PDF imported with an arXiv id in its first pages: the id is recorded on its
paper, and completing the metadata looks it up (the local stand-in for arXiv)."""

from __future__ import annotations

from pathlib import Path

from pytest_httpserver import HTTPServer

from lectern.core.fulltext.pdf_import import import_pdfs
from lectern.core.identify.http import Http
from lectern.core.library.facade import Library
from lectern.core.transfer.identified import apply_updates, propose_updates
from tests import pdfs as make
from tests.core.identify.conftest import ELECTRA_ATOM


def test_an_imported_pdfs_arxiv_id_is_recorded_and_completing_the_metadata_looks_it_up(
        services: HTTPServer, http: Http, library_path: Path, tmp_path: Path) -> None:
    pdf = make.paper_pdf(tmp_path / "2003.10555.pdf", ["Preprint. arXiv:2003.10555v1 [cs.CL] 23 Mar 2020",
                                                       "Replaced token detection."],
                         title="untitled", heading="Pre-training Text Encoders as Discriminators",
                         byline="Kevin Clark, Minh-Thang Luong")
    with Library.open(library_path) as library:
        [paper_id] = import_pdfs(library, [pdf]).added
        recorded = library.paper(paper_id).paper
        assert recorded.arxiv_id == "2003.10555" and recorded.year is None
        services.expect_request("/arxiv/query").respond_with_data(ELECTRA_ATOM)
        [update] = propose_updates(library, http, [paper_id])
        apply_updates(library, [update])
        shown = library.rows([paper_id])[paper_id]
        assert shown.title == "ELECTRA: Pre-training Text Encoders as Discriminators Rather Than Generators"
        assert shown.year == 2020 and "Manning" in library.paper(paper_id).paper.authors  # the full author list
