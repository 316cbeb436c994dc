"""The exported .bib files pass the real tools: bibtex, biber and pdflatex, with
no error and no warning, for the default library and a hostile one."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

from lectern.core.formats.bibtex import BibOptions, export_file
from lectern.core.library.facade import Library
from lectern.core.text.latex import latex_to_text
from lectern.core.transfer.importing import load_default_library_if_new
from tests.fixtures.hostile import build_hostile

TOOLS = ("bibtex", "biber", "pdflatex")
missing = [t for t in TOOLS if shutil.which(t) is None]
if missing and os.environ.get("CI"):
    raise RuntimeError(f"CI must have {missing}: .ci/run installs them")
pytestmark = pytest.mark.skipif(bool(missing), reason=f"LaTeX tools not installed: {missing} "
                                "(apt-get install texlive-binaries biber texlive-latex-base "
                                "texlive-latex-recommended texlive-bibtex-extra)")

# pdflatex has no glyphs for CJK, Greek or Cyrillic without language packages; the
# test documents print such characters as "?" instead of stopping (the .bib is
# still checked whole by bibtex and biber).
UNKNOWN_CHAR_FALLBACK = r"\makeatletter\def\UTFviii@undefined@err#1{?}\makeatother"


@pytest.fixture(scope="module", params=["default", "hostile"])
def library(request, tmp_path_factory):
    lib = Library.open(tmp_path_factory.mktemp(request.param) / "library.sqlite")
    if request.param == "default":
        load_default_library_if_new(lib)
    else:
        build_hostile(lib)
    yield lib
    lib.close()


def run(cmd: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=300, errors="replace")


def warnings_in(text: str) -> list[str]:
    return [line for line in text.splitlines()
            if re.search(r"warning|error|^!|WARN|ERROR|undefined", line, re.IGNORECASE)
            and "infwarerr" not in line and not re.match(r"^\S+\$ -- \d+$", line.strip())]


def export(lib: Library, folder: Path, **options) -> Path:
    path = folder / "refs.bib"
    export_file(lib, lib.paper_ids(), path, BibOptions(**options))
    return path


@pytest.mark.parametrize("ascii_only", [True, False])
def test_bibtex_plain_reads_every_entry_without_warning(library: Library, tmp_path: Path, ascii_only: bool) -> None:
    export(library, tmp_path, profile="bibtex", ascii=ascii_only)
    (tmp_path / "cite.aux").write_text("\\relax\n\\citation{*}\n\\bibstyle{plain}\n\\bibdata{refs}\n")
    result = run(["bibtex", "cite"], tmp_path)
    log = (tmp_path / "cite.blg").read_text(errors="replace")
    assert result.returncode == 0, result.stdout + log
    assert warnings_in(log) == []
    bbl = (tmp_path / "cite.bbl").read_text(errors="replace")
    assert bbl.count("\\bibitem") == library.count()


@pytest.mark.parametrize("ascii_only", [True, False])
def test_biber_validates_the_biblatex_export(library: Library, tmp_path: Path, ascii_only: bool) -> None:
    export(library, tmp_path, profile="biblatex", ascii=ascii_only)
    result = run(["biber", "--tool", "--validate-datamodel", "refs.bib"], tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert warnings_in(result.stdout + result.stderr) == []


@pytest.mark.parametrize("ascii_only", [True, False])
def test_pdflatex_and_bibtex_compile_a_document_citing_everything(library: Library, tmp_path: Path,
                                                                   ascii_only: bool) -> None:
    export(library, tmp_path, profile="bibtex", ascii=ascii_only)
    (tmp_path / "doc.tex").write_text(
        "\\documentclass{article}\n\\usepackage[utf8]{inputenc}\n\\usepackage[T1]{fontenc}\n\\usepackage{url}\n"
        f"{UNKNOWN_CHAR_FALLBACK}\n\\begin{{document}}\nAll papers.\\nocite{{*}}\n"
        "\\bibliographystyle{plain}\n\\bibliography{refs}\n\\end{document}\n", encoding="utf-8")
    for step in (["pdflatex", "-interaction=nonstopmode", "doc"], ["bibtex", "doc"],
                 ["pdflatex", "-interaction=nonstopmode", "doc"], ["pdflatex", "-interaction=nonstopmode", "doc"]):
        result = run(step, tmp_path)
        assert result.returncode == 0, f"{step}: {result.stdout[-3000:]}"
    assert warnings_in((tmp_path / "doc.blg").read_text(errors="replace")) == []
    assert warnings_in((tmp_path / "doc.log").read_text(errors="replace")) == []
    assert (tmp_path / "doc.pdf").stat().st_size > 1000


def test_pdflatex_and_biber_print_abstracts(library: Library, tmp_path: Path) -> None:
    export(library, tmp_path, profile="biblatex")
    (tmp_path / "doc.tex").write_text(
        "\\documentclass{article}\n\\usepackage[utf8]{inputenc}\n\\usepackage[T1]{fontenc}\n"
        f"{UNKNOWN_CHAR_FALLBACK}\n"
        "\\usepackage[backend=biber,style=numeric]{biblatex}\n\\addbibresource{refs.bib}\n"
        "\\renewbibmacro*{finentry}{\\iffieldundef{abstract}{}{\\par\\printfield{abstract}}\\finentry}\n"
        "\\begin{document}\nAll papers.\\nocite{*}\n\\printbibliography\n\\end{document}\n", encoding="utf-8")
    for step in (["pdflatex", "-interaction=nonstopmode", "doc"], ["biber", "doc"],
                 ["pdflatex", "-interaction=nonstopmode", "doc"], ["pdflatex", "-interaction=nonstopmode", "doc"]):
        result = run(step, tmp_path)
        assert result.returncode == 0, f"{step}: {result.stdout[-3000:]}"
    assert warnings_in((tmp_path / "doc.blg").read_text(errors="replace")) == []
    assert warnings_in((tmp_path / "doc.log").read_text(errors="replace")) == []
    if shutil.which("pdftotext"):
        text = letters(run(["pdftotext", "doc.pdf", "-"], tmp_path).stdout)
        openings = [" ".join(latex_to_text(paper.abstract).split()[:4])
                    for paper, _tags, _note in library.papers_for_export(library.paper_ids())
                    if paper.abstract.strip() and latex_to_text(paper.abstract).isascii()]
        assert openings and [o for o in openings if letters(o) not in text] == []


def letters(text: str) -> str:
    """Only the letters (page numbers fall anywhere), without the letter pairs pdflatex sets as one
    ligature glyph (pdftotext drops those): line-end hyphens and spacing vary."""
    unligatured = re.sub("ffi|ffl|ff|fi|fl", "", unicodedata.normalize("NFKC", text).lower())  # inside words
    return "".join(c for c in unligatured if c.isalpha())


@pytest.mark.parametrize("style", ["plain", "alpha", "ieeetr", "apalike", "unsrt"])
def test_default_papers_cite_with_authors_year_and_arxiv_id_in_every_classic_style(
        style: str, tmp_path: Path) -> None:
    with Library.open(tmp_path / "library.sqlite") as lib:
        load_default_library_if_new(lib)
        export(lib, tmp_path, profile="bibtex")
        keys = sorted(lib.citation_keys_of(lib.paper_ids()).values())
    assert "clark2020electra" in keys  # the usual pattern, from the shipped authors and year
    (tmp_path / "cite.aux").write_text(f"\\relax\n\\citation{{*}}\n\\bibstyle{{{style}}}\n\\bibdata{{refs}}\n")
    result = run(["bibtex", "cite"], tmp_path)
    log = (tmp_path / "cite.blg").read_text(errors="replace")
    assert result.returncode == 0 and warnings_in(log) == [], log[-2000:]
    bbl = (tmp_path / "cite.bbl").read_text(errors="replace")
    electra = bbl[bbl.index("{clark2020electra}"):][:700]
    assert "Clark" in electra and "2020" in electra and "arXiv:2003.10555" in electra, electra
