"""BibTeX and BibLaTeX export that real LaTeX tools accept: each paper's
record written back as it was read (entry type, key, every field in its
order, LaTeX as written), in the dialect asked for (core/formats/bib_dialects.py),
with the file's @preamble blocks first."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from lectern.core.domain.changes import CancelToken, ProgressFn, in_chunks
from lectern.core.domain.entry import (
    RAW,
    Field,
    as_written,
    balanced,
    get,
    keyword_tags,
    record_from_values,
    strip_braces,
    with_field,
)
from lectern.core.domain.records import same_tags
from lectern.core.formats.bib_dialects import to_biblatex, to_bibtex
from lectern.core.formats.file_field import merged_file_field
from lectern.core.store.atomic import write_atomic
from lectern.core.text.latex import latex_to_text
from lectern.core.text.texsafe import has_no_latex_form, tex_escape, to_ascii_latex

if TYPE_CHECKING:
    from lectern.core.domain.records import PaperRecord as Paper
    from lectern.core.library.attachments import Attachment
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
    files_from: "Path | None" = None  # the exported file's folder: attached files inside it written relative


PREAMBLES, COMMENTS = "bibtex_preambles", "bibtex_comments"  # library meta: JSON lists, from imported files
VERBATIM = frozenset({"url", "doi", "eprint", "file", "pdf", "verba", "verbb", "verbc", "urlraw"})
MONTH_MACROS = frozenset({"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"})


def _shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut + " [...]"


@lru_cache(maxsize=1024)
def _name_kind(name: str) -> str:
    """"month", "verbatim" or "" (any other field), for a field name in any case."""
    lower = name.lower()
    return "month" if lower == "month" else "verbatim" if lower in VERBATIM else ""


def _value(name: str, value: str, ascii_only: bool) -> str:
    """One field's value as written between `name = ` and `,`."""
    if value.startswith(RAW):
        return value[1:]  # a bare expression (an undefined macro such as `jan`), as the file had it
    kind = _name_kind(name)
    if not kind:  # (most fields)
        return "{" + (to_ascii_latex(value) if ascii_only else value) + "}"
    if kind == "month" and value.strip().lower() in MONTH_MACROS:
        return value.strip().lower()  # the month macro, bare: BibTeX prints the month's name
    if kind == "verbatim":
        if not balanced(value):  # would break the entry: braces are encoded as a URL would
            value = value.replace("{", "%7B").replace("}", "%7D")
        return "{" + value + "}"
    return "{" + (to_ascii_latex(value) if ascii_only else value) + "}"


def record_fields(paper: "Paper", tags: Sequence[str] = (), note: str = "",
                  options: BibOptions = BibOptions(),
                  attachments: Sequence["Attachment"] = ()) -> tuple[str, tuple[Field, ...]]:
    """(entry type, fields) to write for a paper in the options' dialect: its
    record as stored, the reader's tags as `keywords` and note as `annote` /
    `annotation` where they differ from the record's own, the attached files
    the record's `file` field does not name yet appended to it (JabRef's
    `:path:PDF`, core/formats/file_field.py), the abstract left out
    or shortened as asked, and what each dialect's styles need (`key` to sort
    an entry without author in classic BibTeX, `date` for biblatex)."""
    classic = options.profile == "bibtex"
    fields = paper.fields or record_from_values(paper.title, paper.abstract, paper.authors, paper.year,
                                                paper.venue, paper.arxiv_id, paper.doi, paper.url)[1]
    kind = paper.entry_type or "misc"
    if attachments:
        fields = with_field(fields, "file", merged_file_field(get(fields, "file"), attachments, options.files_from))
    if not options.abstract:
        fields = with_field(fields, "abstract", None)
    else:
        limit = CLASSIC_FIELD_LIMIT if classic else BIBLATEX_FIELD_LIMIT
        abstracts = [value for key, value in fields if len(key) == 8 and key.lower() == "abstract"]
        written = as_written(abstracts[0]) if abstracts else ""
        if written and not (len(abstracts) == 1 and written is abstracts[0] and len(written) <= limit):
            fields = with_field(fields, "abstract", _shorten(written, limit))  # (else it would stay as it is)
    if not options.keywords:
        fields = with_field(fields, "keywords", None)
    elif (tags or get(fields, "keywords") is not None) and not same_tags(keyword_tags(get(fields, "keywords")), tags):
        fields = with_field(fields, "keywords", tex_escape(", ".join(tags)) if tags else None)
    if options.note and note.strip():
        written = get(fields, "annote") or get(fields, "annotation")
        if written is None or latex_to_text(strip_braces(written)) != note.strip():
            name = "annote" if get(fields, "annote") is not None or (written is None and classic) else "annotation"
            fields = with_field(fields, name, _shorten(tex_escape(note), CLASSIC_FIELD_LIMIT if classic
                                                       else BIBLATEX_FIELD_LIMIT))
    kind, fields = to_bibtex(kind, fields) if classic else to_biblatex(kind, fields)
    inherits = bool(get(fields, "crossref") or get(fields, "xdata"))  # its parent may hold what it lacks
    if classic:
        fields = _arxiv_printed(kind, fields)
    if classic and not (inherits or get(fields, "author") or get(fields, "editor") or get(fields, "key")):
        fields = fields + (("key", paper.citation_key),)  # what plain.bst sorts by when there is no author
    if not classic and kind not in ("set", "xdata") and not (inherits or get(fields, "date") or get(fields, "year")):
        fields = fields + (("date", "XXXX"),)  # EDTF "year unknown": biblatex's data model wants a date
    return kind, fields


def _arxiv_printed(kind: str, fields: tuple[Field, ...]) -> tuple[Field, ...]:
    """Classic styles (plain, alpha, ieeetr, apalike) print no `eprint`: an
    arXiv paper's identifier goes where they print it, `howpublished` of a
    @misc or else `note`, unless the entry already names it."""
    eprint = (get(fields, "eprint") or "").strip()
    if not eprint or (get(fields, "archiveprefix") or get(fields, "eprinttype") or "arxiv").lower() != "arxiv":
        return fields
    mention = f"arXiv:{eprint}"
    if any(eprint in (get(fields, name) or "") for name in ("howpublished", "note", "journal")):
        return fields
    if kind == "misc" and not get(fields, "howpublished"):
        return fields + (("howpublished", mention),)
    if not get(fields, "note"):
        return fields + (("note", mention),)
    return fields


def entry(paper: "Paper", tags: Sequence[str] = (), note: str = "", options: BibOptions = BibOptions(),
          lost: list[str] | None = None, attachments: Sequence["Attachment"] = ()) -> str:
    """One BibTeX entry for `paper`; with `--ascii`, its key is added to `lost`
    when a character in it has no LaTeX form (it is written as `?`)."""
    kind, fields = record_fields(paper, tags, note, options, attachments)
    if options.ascii and lost is not None and any(
            has_no_latex_form(value) for name, value in fields if name.lower() not in VERBATIM):
        lost.append(paper.citation_key)
    ascii_only = options.ascii
    body = ",\n".join(f"  {name} = {{{value}}}" if not (ascii_only or value.startswith(RAW) or _name_kind(name))
                      else f"  {name} = {_value(name, value, ascii_only)}" for name, value in fields)  # (most: braced)
    return f"@{kind}{{{paper.citation_key},\n{body},\n}}\n"


def export_text(
    library: "Library", ids: Sequence[int], options: BibOptions = BibOptions(),
    progress: "ProgressFn | None" = None, cancel: CancelToken | None = None, lost: list[str] | None = None,
) -> str:
    """The .bib text for the papers `ids`, in that order (same library, same
    bytes); `lost` collects the keys of entries `--ascii` could not write whole."""
    written: list[tuple[str, str]] = []  # (key lower-cased, entry)
    referenced: set[str] = set()  # the keys named in crossref or xdata: those parents go after every child
    for chunk in in_chunks(ids, BATCH, "Writing BibTeX", progress, cancel):
        attached = library.attachments.for_papers(chunk)
        for paper, tags, note in library.papers_for_export(chunk):
            written.append((paper.citation_key.lower(), entry(paper, tags, note, options, lost,
                                                              attached.get(paper.id, ()))))
            referenced.update(_parents_named(paper.fields))
    parts = [text for key, text in written if key not in referenced]
    parts.extend(text for key, text in written if key in referenced)  # as BibTeX needs
    header = "% Encoding: UTF-8\n\n" if not options.ascii else ""
    preambles = "".join(f"@preamble{{{{{p}}}}}\n\n" for p in stored_list(library.get_meta(PREAMBLES)))
    comments = "".join(f"\n@comment{{{c}}}\n" for c in stored_list(library.get_meta(COMMENTS)))
    return header + preambles + "\n".join(parts) + comments


def _parents_named(fields: Sequence[Field]) -> list[str]:
    """The keys (lower-cased) a stored record names in `crossref` or `xdata`."""
    return [key.strip().lower() for name, value in fields if len(name) in (5, 8) and name.lower() in _LINKS
            for key in value.split(",") if key.strip()]


_LINKS = frozenset({"crossref", "xdata"})


def export_file(
    library: "Library", ids: Sequence[int], path: "Path", options: BibOptions = BibOptions(),
    progress: "ProgressFn | None" = None, cancel: CancelToken | None = None, lost: list[str] | None = None,
) -> int:
    """Write the .bib atomically (the old file stays whole if anything fails)."""
    text = export_text(library, ids, replace(options, files_from=Path(path).parent), progress, cancel, lost)
    write_atomic(path, text.encode("ascii" if options.ascii else "utf-8", errors="replace"))
    return len(ids)


def stored_list(text: str | None) -> list[str]:
    """A JSON list of strings kept in the library's meta table (empty when absent)."""
    return [str(v) for v in json.loads(text)] if text else []
