"""BibTeX and BibLaTeX export that real LaTeX tools accept: stored citation
keys, arXiv papers as @misc with their eprint, text made TeX-safe once,
capitals protected in titles, url/doi/eprint left as they are."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from lectern.core.domain.arxiv import paper_url, parse_arxiv
from lectern.core.domain.changes import CancelToken, ProgressFn, in_chunks
from lectern.core.store.atomic import write_atomic
from lectern.core.text.texsafe import protect_capitals, tex_escape, to_ascii_latex

if TYPE_CHECKING:
    from pathlib import Path

    from lectern.core.domain.records import PaperRecord as Paper
    from lectern.core.library.facade import Library

Profile = Literal["bibtex", "biblatex"]
# Longer fields are cut at a word with " [...]": classic bibtex aborts on long
# entries, and TeX reads a .bbl line into a 200,000-character buffer.
CLASSIC_FIELD_LIMIT = 5000
BIBLATEX_FIELD_LIMIT = 20000
BATCH = 1000


@dataclass(frozen=True)
class BibOptions:
    profile: Profile = "bibtex"
    ascii: bool = False  # non-ASCII letters as LaTeX (Sabi{\'a}) for classic bibtex
    abstract: bool = True
    keywords: bool = True  # tags as keywords
    note: bool = False  # the reader's note as annote / annotation


def _uri(value: str) -> str:
    """url/doi/eprint stay unescaped; only braces (which would break the entry) are encoded."""
    return value.strip().replace("{", "%7B").replace("}", "%7D").replace(" ", "%20")


def _shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut + " [...]"


def entry(paper: "Paper", tags: Sequence[str] = (), note: str = "", options: BibOptions = BibOptions()) -> str:
    """One BibTeX entry for `paper`."""
    classic = options.profile == "bibtex"

    def text(value: str) -> str:
        value = _shorten(value, CLASSIC_FIELD_LIMIT if classic else BIBLATEX_FIELD_LIMIT)
        escaped = tex_escape(value)
        return to_ascii_latex(escaped) if options.ascii else escaped

    fields: list[tuple[str, str]] = []
    if paper.authors.strip():
        fields.append(("author", text(paper.authors)))
    fields.append(("title", protect_capitals(text(paper.title)) if paper.title.strip() else "Untitled"))
    arxiv = parse_arxiv(paper.arxiv_id) if paper.arxiv_id else None
    kind = "article" if (paper.authors.strip() and paper.venue.strip() and paper.year and not arxiv) else "misc"
    if kind == "article":
        fields.append(("journaltitle" if not classic else "journal", text(paper.venue)))
    elif paper.venue.strip():
        fields.append(("howpublished", text(paper.venue)))
    if paper.year:
        fields.append(("year", str(paper.year)))
    elif not classic:
        fields.append(("date", "XXXX"))  # EDTF "year unknown": biblatex's data model wants a date
    if arxiv:
        fields.append(("eprint", _uri(arxiv.id)))
        if classic:
            fields.append(("archivePrefix", "arXiv"))
            if arxiv.primary_class:
                fields.append(("primaryClass", _uri(arxiv.primary_class)))
        else:
            fields.append(("eprinttype", "arxiv"))
            if arxiv.primary_class:
                fields.append(("eprintclass", _uri(arxiv.primary_class)))
    if paper.doi:
        fields.append(("doi", _uri(paper.doi)))
    url = paper_url(paper.url, paper.arxiv_id)
    if url:
        fields.append(("url", _uri(url)))
    if classic and not paper.authors.strip():
        fields.append(("key", paper.citation_key))  # what plain.bst sorts by when there is no author
    if options.abstract and paper.abstract.strip():
        fields.append(("abstract", text(paper.abstract)))
    if options.keywords and tags:
        fields.append(("keywords", text(", ".join(tags))))
    if options.note and note.strip():
        fields.append(("annote" if classic else "annotation", text(note)))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@{kind}{{{paper.citation_key},\n{body},\n}}\n"


def export_text(
    library: "Library", ids: Sequence[int], options: BibOptions = BibOptions(),
    progress: "ProgressFn | None" = None, cancel: CancelToken | None = None,
) -> str:
    """The .bib text for the papers `ids`, in that order (same library, same bytes)."""
    parts: list[str] = []
    for chunk in in_chunks(ids, BATCH, "Writing BibTeX", progress, cancel):
        for paper, tags, note in library.papers_for_export(chunk):
            parts.append(entry(paper, tags, note, options))
    header = "% Encoding: UTF-8\n\n" if not options.ascii else ""
    return header + "\n".join(parts)


def export_file(
    library: "Library", ids: Sequence[int], path: "Path", options: BibOptions = BibOptions(),
    progress: "ProgressFn | None" = None, cancel: CancelToken | None = None,
) -> int:
    """Write the .bib atomically (the old file stays whole if anything fails)."""
    text = export_text(library, ids, options, progress, cancel)
    write_atomic(path, text.encode("ascii" if options.ascii else "utf-8", errors="replace"))
    return len(ids)
