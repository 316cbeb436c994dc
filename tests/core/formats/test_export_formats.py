"""Export formats are declared once: the command line, the window's dialog and
the exporter offer the same ones; every export gives an arXiv paper the same URL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lectern.core.cli import build_parser
from lectern.core.domain.arxiv import paper_url
from lectern.core.domain.records import NewPaper
from lectern.core.formats.export_formats import EXPORT_CHOICES, FORMATS
from lectern.core.library.facade import Library
from lectern.core.transfer.export import export


def test_the_command_line_and_the_dialog_offer_every_format() -> None:
    parser = build_parser()
    export_parser = parser._subparsers._group_actions[0].choices["export"]  # type: ignore[union-attr]
    (fmt,) = [a for a in export_parser._actions if a.dest == "format"]
    assert tuple(fmt.choices) == FORMATS
    assert {c.format for c in EXPORT_CHOICES} == set(FORMATS)


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_exports(library_path: Path, tmp_path: Path, fmt: str) -> None:
    with Library.open(library_path) as library:
        library.papers.add_many([NewPaper("Sabiá", arxiv_id="2303.17003")])
        assert export(library, fmt, library.paper_ids(), tmp_path / f"out-{fmt}") == 1  # type: ignore[arg-type]


def test_an_arxiv_paper_has_the_same_url_in_every_export(library_path: Path, tmp_path: Path) -> None:
    url = "https://arxiv.org/abs/2303.17003"
    assert paper_url(None, "arXiv:2303.17003v2") == url
    assert paper_url("https://example.org/p", "2303.17003") == "https://example.org/p"
    assert paper_url("", None) is None
    with Library.open(library_path) as library:
        library.papers.add_many([NewPaper("Sabiá", arxiv_id="2303.17003")])
        ids = library.paper_ids()
        for fmt in ("bibtex", "biblatex", "markdown", "csljson"):
            export(library, fmt, ids, tmp_path / fmt)  # type: ignore[arg-type]
        assert f"url = {{{url}}}" in (tmp_path / "bibtex").read_text()
        assert f"url = {{{url}}}" in (tmp_path / "biblatex").read_text()
        assert f"<{url}>" in (tmp_path / "markdown").read_text()
        assert json.loads((tmp_path / "csljson").read_text())[0]["URL"] == url
