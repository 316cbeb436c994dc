"""The export formats, declared once for the command line, the window's export
dialog and the exporter: each format's name, file suffix and the choices offered."""

from __future__ import annotations

from typing import Literal, NamedTuple, get_args

Format = Literal["bibtex", "biblatex", "markdown", "markdown-folder", "csljson", "ris", "csv"]
FORMATS: tuple[Format, ...] = get_args(Format)
SUFFIX: dict[Format, str] = {"bibtex": ".bib", "biblatex": ".bib", "markdown": ".md", "markdown-folder": "",
                             "csljson": ".json", "ris": ".ris", "csv": ".csv"}


class ExportChoice(NamedTuple):
    """One entry of the export dialog: what it says, the format, ASCII-only BibTeX."""

    label: str
    format: Format
    ascii_only: bool = False


EXPORT_CHOICES: tuple[ExportChoice, ...] = (
    ExportChoice("BibTeX (UTF-8, for biber or modern bibtex)", "bibtex"),
    ExportChoice("BibTeX (ASCII, for classic bibtex)", "bibtex", True),
    ExportChoice("BibLaTeX (UTF-8, for biber)", "biblatex"),
    ExportChoice("Markdown (one file)", "markdown"),
    ExportChoice("Markdown (a folder, one file per paper)", "markdown-folder"),
    ExportChoice("CSL-JSON (pandoc, Zotero)", "csljson"),
    ExportChoice("RIS (Zotero, Mendeley, EndNote)", "ris"),
    ExportChoice("CSV (spreadsheets)", "csv"),
)
