"""Importers: long work that reads a file, reports progress, honours cancel,
and adds the papers in one transaction (a file is imported whole or not at all)."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from lectern.core.domain.arxiv import parse_arxiv
from lectern.core.domain.changes import CancelToken, Changes, Collection, ProgressFn, without_cycle_collection
from lectern.core.domain.citekeys import base_key, is_valid_key, unique_key
from lectern.core.domain.entry import get, strip_braces, with_field
from lectern.core.domain.identity import identity_keys
from lectern.core.domain.records import NewPaper
from lectern.core.formats.bib_stream import BibStream, stream_bibtex
from lectern.core.formats.bibtex import COMMENTS, PREAMBLES, stored_list
from lectern.core.formats.bibtex_import import BibError, BibPaper, ParsedBib, parse_bibtex, read_bibtex
from lectern.core.formats.csljson_import import looks_like_json, parse_csl_json, read_csl_json
from lectern.core.formats.default_library import default_papers, load_metadata
from lectern.core.formats.listing import Listing, ListingError, parse_listing, read_listing, read_listing_text
from lectern.core.formats.ris import looks_like_ris, parse_ris, read_ris
from lectern.core.identify.http import Http
from lectern.core.identify.identifiers import only_identifiers
from lectern.core.identify.lookup import resolve
from lectern.core.library.bulk_add import adding
from lectern.core.library.facade import Library
from lectern.core.store.paths import default_listing_path, default_metadata_path
from lectern.core.text.encoding import lines_of
from lectern.core.transfer.linked_files import link_named_files

SEEDED_KEY = "default_library_loaded"


@dataclass
class ImportReport:
    """What an import did, for the user."""

    added: int
    changes: Changes
    warnings: list[str] = field(default_factory=list)
    skipped: int = 0
    merged: int = 0


def add_listing(
    library: Library,
    listing: Listing,
    progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
    meta: dict[str, str] | None = None,
    undoable: bool = True,
) -> ImportReport:
    """Add every entry of a parsed listing to the library (one undo step,
    "Import of N papers", unless not `undoable`)."""
    papers = [NewPaper(title=e.title, abstract=e.abstract) for e in listing.entries]
    if undoable:
        with library.history.step(import_label(len(papers))) as step:
            step.changes = library.papers.add_many(papers, progress=progress, cancel=cancel, meta=meta)
        changes = step.changes
    else:
        changes = library.papers.add_many(papers, progress=progress, cancel=cancel, meta=meta, undoable=False)
    return ImportReport(added=len(papers), changes=changes, warnings=list(listing.warnings))


def import_listing_file(
    library: Library, path: Path, progress: ProgressFn | None = None, cancel: CancelToken | None = None
) -> ImportReport:
    """Import a listing file. Raises ListingError (nothing written) if it is not one."""
    with without_cycle_collection():  # reading makes an object or more a line
        return add_listing(library, read_listing(Path(path)), progress, cancel)


def load_default_library_if_new(library: Library) -> ImportReport | None:
    """On a library's first open while empty, load the embedded default reading
    list as complete records (core/formats/default_library.py). Done once: a
    user who later empties the library is not re-seeded, and a library that
    has it keeps its keys."""
    if library.get_meta(SEEDED_KEY) is not None:
        return None
    if library.count() > 0:
        return None
    listing = read_listing(default_listing_path())
    papers = default_papers(listing.entries, load_metadata(default_metadata_path()))
    changes = library.papers.add_many(papers, meta={SEEDED_KEY: "1"}, undoable=False)
    return ImportReport(added=len(papers), changes=changes, warnings=list(listing.warnings))


def import_label(added: int, merged: int = 0) -> str:
    """The undo step of an import: "Import of 3 papers" (Edit > "Undo import of 3 papers")."""
    label = f"Import of {added} paper{'' if added == 1 else 's'}"
    return label + (f" ({merged} merged)" if merged else "")


# -- files of any supported kind -------------------------------------------------

DuplicatePolicy = Literal["skip", "merge", "import"]
@dataclass(frozen=True)
class Duplicate:
    index: int  # position in the papers being imported
    existing_id: int
    reason: str  # "DOI", "arXiv id", "citation key" or "title"


def find_duplicates(library: Library, papers: Sequence[NewPaper],
                    index: dict[str, dict[str, int]] | None = None) -> list[Duplicate]:
    """Papers that the library already holds (same DOI, arXiv id, citation key
    or title; its `index` when the caller has it)."""
    index = library.identity_index() if index is None else index
    found = []
    for i, paper in enumerate(papers):
        for reason, value in identity_keys(paper.doi, paper.arxiv_id, paper.citation_key, paper.title):
            existing = index[reason].get(value) if value else None
            if existing is not None:
                found.append(Duplicate(i, existing, reason))
                break
    return found


def _free_keys(library: Library, papers: Sequence[NewPaper],
               taken: set[str] | None = None) -> tuple[list[NewPaper], list[str]]:
    """Each paper keeps its own citation key, exactly, when BibTeX and biber
    accept it and no other paper (in the library, or earlier in the file) has
    it; else it gets a new key, the old one is kept in biblatex's `ids` field,
    and a line of the report names both. (`taken`: the keys in use, lower-cased,
    kept from one chunk of a file to the next.)"""
    taken = library.citation_keys() if taken is None else taken
    out, renamed = [], []
    for paper in papers:
        key = paper.citation_key
        if key and is_valid_key(key) and key.lower() not in taken:
            taken.add(key.lower())
            out.append(paper)
            continue
        if not key:
            out.append(paper)
            continue
        new = unique_key(base_key(paper.title, paper.authors, paper.year), taken)
        taken.add(new.lower())
        fields = paper.fields
        if is_valid_key(key) and not get(fields, "ids"):
            fields = with_field(fields, "ids", key)
        reason = "is used by another paper" if is_valid_key(key) else "is not a key BibTeX and biber accept"
        renamed.append(f"the key {key} {reason}: “{strip_braces(paper.title)[:60]}” is imported as {new}")
        out.append(replace(paper, citation_key=new, fields=fields))
    return out, renamed


def _kept_blocks(library: Library, parsed: ParsedBib) -> dict[str, str]:
    """The library's stored @preamble and @comment blocks with the file's new ones added."""
    meta = {}
    for name, found in ((PREAMBLES, parsed.preambles), (COMMENTS, parsed.comments)):
        have = stored_list(library.get_meta(name))
        new = [b for b in dict.fromkeys(found) if b not in have]
        if new:
            meta[name] = json.dumps(have + new, ensure_ascii=False)
    return meta


def import_bib(
    library: Library, parsed: ParsedBib, policy: DuplicatePolicy = "skip",
    progress: ProgressFn | None = None, cancel: CancelToken | None = None, folder: Path | None = None,
) -> ImportReport:
    """Add parsed BibTeX papers; duplicates are skipped, merged or imported
    anyway. One transaction and one undo step, merges included. With the
    file's `folder`, the files its `file` fields name are linked (relative
    paths from there)."""
    papers = [b.paper for b in parsed.papers]
    with library.history.step("Import") as step:
        duplicates = {d.index: d for d in find_duplicates(library, papers)} if policy != "import" else {}
        fresh = [i for i in range(len(papers)) if i not in duplicates]
        keyed, renamed = _free_keys(library, [papers[i] for i in fresh])
        changes = library.papers.add_many(
            keyed, progress=progress, cancel=cancel, meta=_kept_blocks(library, parsed),
            tags=[parsed.papers[i].tags for i in fresh], notes=[parsed.papers[i].note for i in fresh],
        )
        linked: list[str] = []
        if folder is not None and any(get(p.fields, "file") for p in keyed):
            files, linked = link_named_files(library, changes.papers, folder)
            changes = changes.merge(files)
        merged = 0
        for i, dup in duplicates.items():
            if policy == "merge":
                changes = changes.merge(library.papers.merge(dup.existing_id, new=papers[i], tags=parsed.papers[i].tags,
                                                          note=parsed.papers[i].note))
                merged += 1
        step.label, step.changes = import_label(len(fresh), merged), changes
    warnings = list(parsed.failures) + list(parsed.notices) + renamed + linked
    warnings += _duplicate_lines(library, [(papers[i], dup) for i, dup in duplicates.items()], policy)
    return ImportReport(added=len(fresh), changes=changes, warnings=warnings, skipped=len(duplicates) - merged,
                        merged=merged)


def _duplicate_lines(library: Library, duplicates: Sequence[tuple[NewPaper, Duplicate]],
                     policy: DuplicatePolicy) -> list[str]:
    """Every decision on a paper the library held already, by paper."""
    existing = library.citation_keys_of([d.existing_id for _, d in duplicates])
    lines = []
    for paper, dup in duplicates:
        name = strip_braces(paper.title)[:60] or paper.citation_key or "an untitled entry"
        done = "merged into it" if policy == "merge" else "skipped"
        lines.append(f"“{name}” is already in the library as {existing.get(dup.existing_id, '?')} "
                     f"(same {dup.reason}): {done}")
    return lines


def import_stream(
    library: Library, stream: BibStream, policy: DuplicatePolicy = "skip",
    progress: ProgressFn | None = None, cancel: CancelToken | None = None, folder: Path | None = None,
) -> ImportReport:
    """import_bib over a file read a chunk of papers at a time
    (core/formats/bib_stream.py), each chunk stored as it is read: the same
    papers, keys, merges and report, one transaction and one undo step, without
    holding every paper. BibError (nothing written) when it holds no entries."""
    with library.history.step("Import") as step:
        index = library.identity_index() if policy != "import" else None
        taken = library.citation_keys()
        duplicates: list[tuple[BibPaper, Duplicate]] = []
        renamed: list[str] = []
        fresh, linking = 0, False
        with adding(library.db, stream.survey.blocks, progress, cancel) as bulk:
            for chunk in stream.chunks():
                found = {d.index: d for d in find_duplicates(library, [b.paper for b in chunk], index)
                         } if index is not None else {}
                kept = [b for i, b in enumerate(chunk) if i not in found]
                duplicates += [(chunk[i], dup) for i, dup in found.items()]
                keyed, names = _free_keys(library, [b.paper for b in kept], taken)
                renamed += names
                bulk.add(keyed, [b.tags for b in kept], [b.note for b in kept])
                linking = linking or any(get(p.fields, "file") for p in keyed)
                fresh += len(kept)
                del chunk, kept, keyed
            if not fresh and not duplicates:
                reasons = stream.parsed.failures + stream.parsed.notices
                detail = "; ".join(reasons[:5]) if reasons else "no @entries were found"
                raise BibError(f"{stream.path.name} holds no BibTeX entries Lectern can read ({detail}).")
            bulk.meta = _kept_blocks(library, stream.parsed)
        changes = Changes(papers=frozenset(bulk.new_ids), membership=True,
                          collections=frozenset({Collection.TAGS}) if bulk.tagged else frozenset())
        linked: list[str] = []
        if folder is not None and linking:
            files, linked = link_named_files(library, changes.papers, folder)
            changes = changes.merge(files)
        merged = 0
        if policy == "merge":
            for bib, dup in duplicates:
                changes = changes.merge(library.papers.merge(dup.existing_id, new=bib.paper, tags=bib.tags,
                                                             note=bib.note))
                merged += 1
        step.label, step.changes = import_label(fresh, merged), changes
    warnings = list(stream.parsed.failures) + list(stream.parsed.notices) + renamed + linked
    warnings += _duplicate_lines(library, [(b.paper, dup) for b, dup in duplicates], policy)
    return ImportReport(added=fresh, changes=changes, warnings=warnings, skipped=len(duplicates) - merged,
                        merged=merged)


def parse_arxiv_list(text: str) -> list[NewPaper] | None:
    """A list of arXiv ids or URLs, one per line, as papers (id, year and URL
    derived; the title is the id until the user edits it). None if any line is not one."""
    found = []
    for line in lines_of(text):  # (a line at a time: most texts are not such a list, as their first line tells)
        line = line.strip()
        if not line:
            continue
        parsed = parse_arxiv(line) if len(line) <= 120 else None  # a long line is not an id: stop early
        if parsed is None:
            return None
        found.append(parsed)
    if not found:
        return None
    return [NewPaper(title=f"arXiv:{a.id}", arxiv_id=a.id, year=a.year, url=a.url) for a in found if a]


def parse_text(text: str, http: Http | None = None) -> ParsedBib:
    """Read pasted or loaded text: BibTeX, CSL-JSON, a list of arXiv ids or URLs,
    or a listing. Raises BibError or ListingError with a message for the user.
    With an `http` client (the user asked for the network), text of DOIs, arXiv
    ids and ISBNs is looked up into complete records (ServiceError when a
    service is down); without one, nothing reaches the network."""
    identifiers = only_identifiers(text) if http is not None else None
    if identifiers:
        resolved = resolve(http, identifiers)  # type: ignore[arg-type]
        return ParsedBib(papers=[BibPaper(r.paper) for r in resolved if r.paper is not None],
                         failures=[r.problem for r in resolved if r.paper is None])
    if looks_like_json(text):
        return parse_csl_json(text)
    if looks_like_ris(text):
        return parse_ris(text)
    if text.lstrip().startswith("@") or ("@" in text and re.search(r"^\s*@\w+\s*\{", text, re.MULTILINE)):
        parsed = parse_bibtex(text)
        if not parsed.papers:
            raise BibError("No BibTeX entries could be read: " + "; ".join(parsed.failures[:5]))
        return parsed
    arxiv = parse_arxiv_list(text)
    if arxiv is not None:
        return ParsedBib(papers=[BibPaper(p) for p in arxiv])
    listing = parse_listing(text)
    if len(listing.entries) == 1 and not listing.entries[0].abstract:
        raise ListingError("This holds a single line: it is not a listing of papers "
                           "(a title line, then an abstract line, for each paper).")
    return ParsedBib(papers=[BibPaper(NewPaper(title=e.title, abstract=e.abstract)) for e in listing.entries],
                     failures=list(listing.warnings))


def parse_file(path: Path, encoding: str | None = None) -> ParsedBib:
    """Read a .bib, CSL-JSON (.json, .csljson) or RIS (.ris) file, an arXiv id
    list or a listing file (nothing is written); a file of another name whose
    text is JSON is read as CSL-JSON. Files that are not UTF-8 (nor UTF-16 with
    a BOM) are read only in the `encoding` the user names (see core/text/encoding.py)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".bib", ".bibtex"):
        return read_bibtex(path, encoding)
    if suffix in (".json", ".csljson"):
        return read_csl_json(path, encoding)
    if suffix == ".ris":
        return read_ris(path, encoding)
    text = read_listing_text(path, encoding)
    if looks_like_json(text):
        return parse_csl_json(text, path.name)
    if looks_like_ris(text):
        return parse_ris(text, path.name)
    return parse_text(text)


def import_text(library: Library, text: str, policy: DuplicatePolicy = "skip",
                progress: ProgressFn | None = None, cancel: CancelToken | None = None,
                http: Http | None = None) -> ImportReport:
    """Import pasted text (see parse_text; identifiers are looked up only with `http`)."""
    with without_cycle_collection():  # reading makes an object or more a line
        return import_bib(library, parse_text(text, http), policy, progress, cancel)


def import_file(library: Library, path: Path, policy: DuplicatePolicy = "skip",
                progress: ProgressFn | None = None, cancel: CancelToken | None = None,
                encoding: str | None = None) -> ImportReport:
    """Import a file; the whole file or nothing. Raises BibError or ListingError
    (also an EncodingError, with a likely encoding, when the bytes do not decode)."""
    path = Path(path)
    with without_cycle_collection():  # reading makes an object or more a line
        stream = stream_bibtex(path, encoding) if path.suffix.lower() in (".bib", ".bibtex") else None
        if stream is not None:  # a UTF-8 .bib: stored as it is read
            return import_stream(library, stream, policy, progress, cancel, folder=path.parent)
        return import_bib(library, parse_file(path, encoding), policy, progress, cancel, folder=path.parent)
