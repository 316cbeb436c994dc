"""Reading BibTeX files (bibtexparser 2.x splits the blocks; the values are
resolved here): every entry becomes a complete record (entry type, key, every
field in source order, LaTeX as written), @string macros are resolved with
`#` concatenation, @preamble and @comment blocks are kept for export, and the
blocks that fail to parse are listed with their line numbers while the rest import."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lectern.core.domain.entry import RAW, get, keyword_tags, readings, strip_braces
from lectern.core.domain.records import NewPaper
from lectern.core.formats.bib_fast import FastEntry, split_blocks
from lectern.core.formats.bib_guard import BlockScanner, Guarded, Part, Stretch
from lectern.core.formats.listing import read_input_bytes
from lectern.core.text.encoding import EncodingError, decode_text, is_binary
from lectern.core.text.latex import latex_to_text

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class BibError(ValueError):
    """The file cannot be imported as BibTeX; the message says why."""


class BibEncodingError(EncodingError, BibError):
    """A .bib file whose bytes are not text in the encoding tried (see EncodingError)."""


@dataclass(slots=True)
class BibPaper:
    paper: NewPaper
    tags: list[str] = field(default_factory=list)
    note: str = ""
    line: int = 0


@dataclass
class ParsedBib:
    papers: list[BibPaper] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)  # "line 13: ..." for each block that failed
    preambles: list[str] = field(default_factory=list)  # @preamble values, resolved, in file order
    comments: list[str] = field(default_factory=list)  # @comment blocks, as written
    notices: list[str] = field(default_factory=list)  # what was kept in a way the user should know


_INNER_QUOTE = "\x01"  # stands in for a `"` inside braces inside a quoted value while bibtexparser splits
_MARKS = re.compile(r'[{}"=#]|^[ \t]*@\w*[ \t]*[{(]', re.MULTILINE)


def _protect_inner_quotes(text: str) -> str:
    """BibTeX allows a `"` inside braces in a quoted value (`"zeitgem{"a}{\\ss}"`,
    `"{"}quoted{"}"`); bibtexparser ends the value there (its issue 487). Such
    quotes are replaced by a stand-in, put back in every value read. A block
    beginning a line starts afresh, as bibtexparser's splitter does there."""
    if '{"' not in text and '"}' not in text:
        return text
    out = list(text)
    depth = 0  # braces open
    quoted_at = -1  # the depth at which the quoted value being read began; -1: not in one
    after_separator = -1  # where the text after the last `=` or `#` of an entry begins
    for match in _MARKS.finditer(text):
        ch, at = match.group(), match.start()
        if len(ch) > 1:  # a block at a line start
            depth, quoted_at, after_separator = int(ch.endswith("{")), -1, -1
        elif ch == "{":
            depth += 1
        elif ch == "}":
            depth = max(0, depth - 1)
        elif ch == '"':
            if quoted_at >= 0:
                if depth > quoted_at:
                    out[at] = _INNER_QUOTE
                else:
                    quoted_at = -1
                    after_separator = -1
            elif depth == 1 and after_separator >= 0 and not text[after_separator:at].strip():
                quoted_at = depth
        elif quoted_at < 0 and depth == 1:  # `=` or `#` between fields
            after_separator = at + 1
    return "".join(out)


def _parts(raw: str) -> list[str]:
    """A field value as written split at the `#` that join its pieces (outside
    braces and quotes)."""
    if "#" not in raw:  # nearly every value: one piece
        return [raw.strip()]
    parts, depth, quoted, start = [], 0, False, 0
    for i, ch in enumerate(raw):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif ch == '"' and depth == 0:
            quoted = not quoted
        elif ch == "#" and depth == 0 and not quoted:
            parts.append(raw[start:i].strip())
            start = i + 1
    parts.append(raw[start:].strip())
    return parts


def resolve(raw: str, macros: dict[str, str]) -> str:
    if raw[:1] == "{" and raw[-1:] == "}" and "#" not in raw and _INNER_QUOTE not in raw:
        return raw[1:-1]  # one braced piece (nearly every value): what _resolve gives, without its walk
    return _resolve(raw.replace(_INNER_QUOTE, '"'), macros)


def _resolve(raw: str, macros: dict[str, str]) -> str:
    """A field value as BibTeX reads it: braces or quotes around each piece
    removed, @string macros replaced, `#` joined. A value that uses a macro
    the file does not define (the month names are such macros) stays a bare
    expression (`RAW`), with the defined ones replaced, so that it is exported
    as written."""
    pieces = _parts(raw)
    out = []
    bare = False
    for piece in pieces:
        if len(piece) >= 2 and piece[0] == "{" and piece[-1] == "}":
            out.append(piece[1:-1])
        elif len(piece) >= 2 and piece[0] == '"' and piece[-1] == '"':
            out.append(piece[1:-1])
        elif piece.isdigit():
            out.append(piece)
        elif piece.lower() in macros:
            out.append(macros[piece.lower()])
        else:
            bare = True
            out.append(piece)
    if not bare:
        return "".join(out)
    written = [piece if piece == text and not piece.isdigit() else "{" + text + "}"
               for piece, text in zip(pieces, out)]
    return RAW + " # ".join(written)


def _entry_paper(entry: FastEntry, macros: dict[str, str], parents: dict[str, FastEntry]) -> BibPaper:
    fields = tuple((name, resolve(value, macros)) for name, value in entry.fields)
    parent_key = (get(fields, "crossref") or "").strip().lower()
    parent = parents.get(parent_key)
    parent_fields = tuple((name, resolve(value, macros)) for name, value in parent.fields) if parent else None
    values = readings(fields, parent_fields)
    paper = NewPaper(**values, citation_key=entry.key, entry_type=entry.entry_type.lower(), fields=fields)
    tags = keyword_tags(get(fields, "keywords"))
    note = latex_to_text(strip_braces(get(fields, "annote") or get(fields, "annotation") or ""))  # Markdown reads text
    return BibPaper(paper, tags, note, entry.start_line + 1)


def parse_bibtex(text: str) -> ParsedBib:
    """Parse BibTeX text into complete records (every entry, with every field
    as written), its @preamble and @comment blocks, and a list of failures.
    Entries whose key is used twice in the file are kept (the later ones get
    a new key when imported); an entry naming a field twice keeps the first,
    as BibTeX does. Blocks nested too deep or too long are left out and named
    in `notices` (core/formats/bib_guard.py)."""
    scanner = BlockScanner()
    stretch = scanner.feed(text, final=True)
    del text
    reader = BibReader()
    return reader.finish(reader.read(stretch), scanner.notices())  # type: ignore[arg-type]


def _blocks(text: str, parts: list[Part] | None, line: int) -> Iterator[tuple[Any, int]]:
    """The blocks of a stretch of text in order, each with the line its stretch
    of text begins on: the entries the fast path read (core/formats/bib_fast.py,
    their own line), everything else read by bibtexparser's splitter (lines
    counted from the stretch given to it)."""
    import bibtexparser  # here, not at start-up: the window opens sooner

    if parts is None:
        for found in bibtexparser.parse_string(_protect_inner_quotes(text), parse_stack=[]).blocks:
            yield found, line
        return
    for part in parts:
        if isinstance(part, FastEntry):
            yield part, 0
            continue
        begin, end, offset = part
        for found in bibtexparser.parse_string(_protect_inner_quotes(text[begin:end]), parse_stack=[]).blocks:
            yield found, offset


def _fast(entry: Any, offset: int) -> FastEntry:
    """bibtexparser's Entry as the fast path's."""
    return FastEntry(entry.entry_type, entry.key, [(f.key, str(f.value)) for f in entry.fields],
                     entry.start_line + offset)


class BibReader:
    """The blocks of a file read a stretch at a time (core/formats/bib_guard.py
    cuts it): @string macros defined in order, @preamble and @comment blocks
    and failures kept in `parsed`, the entries given back for the caller to
    make papers of (`finish` makes them all at once, as a whole text is read)."""

    def __init__(self) -> None:
        self.parsed = ParsedBib()
        self.macros: dict[str, str] = {}
        self.typeless: list[str] = []  # failures for entries without a type, listed after the others

    def read(self, stretch: Stretch) -> list[FastEntry]:
        """The entries of one stretch (its other blocks are taken in)."""
        text = _CONTROL.sub("", stretch.text)
        parts = stretch.parts if len(text) == len(stretch.text) else None  # the places hold
        stretch.text = ""
        logger = logging.getLogger("bibtexparser")
        level = logger.level
        logger.setLevel(logging.ERROR)  # failures are reported to the user, with line numbers
        try:
            return self._read(text, parts, stretch.line)
        finally:
            logger.setLevel(level)

    def _read(self, text: str, parts: list[Part] | None, line: int) -> list[FastEntry]:
        from bibtexparser import model

        parsed, macros = self.parsed, self.macros
        entries: list[FastEntry] = []
        for block, offset in _blocks(text, parts, line):
            if isinstance(block, FastEntry):
                entries.append(block)
            elif isinstance(block, (model.String, model.DuplicateBlockKeyBlock)) and isinstance(
                    getattr(block, "ignore_error_block", block), model.String):  # a macro defined again: redefined
                string = getattr(block, "ignore_error_block", block)
                macros[string.key.lower()] = resolve(str(string.value), macros)
            elif isinstance(block, model.Preamble):
                parsed.preambles.append(resolve(str(block.value), macros))
            elif isinstance(block, model.ExplicitComment):
                parsed.comments.append(str(block.comment).replace(_INNER_QUOTE, '"'))
            elif isinstance(block, model.Entry):
                entries.append(_fast(block, offset))
            elif isinstance(block, model.DuplicateBlockKeyBlock) and isinstance(block.ignore_error_block, model.Entry):
                entries.append(_fast(block.ignore_error_block, offset))
            elif isinstance(block, model.DuplicateFieldKeyBlock) and isinstance(block.ignore_error_block, model.Entry):
                entry = block.ignore_error_block
                seen: set[str] = set()
                kept = []
                for f in entry.fields:
                    if f.key.lower() not in seen:
                        seen.add(f.key.lower())
                        kept.append(f)
                entry.fields = kept
                parsed.notices.append(f"line {block.start_line + offset + 1}: @{entry.entry_type}{{{entry.key}}} "
                                      "names a field twice; the first is kept, as BibTeX does")
                entries.append(_fast(entry, offset))
            elif isinstance(block, model.ParsingFailedBlock):
                first = (block.raw.strip().splitlines() or [""])[0][:80]
                parsed.failures.append(f"line {block.start_line + offset + 1}: could not read “{first}”")
        return entries

    def papers(self, entries: list[FastEntry], macros: dict[str, str],
               parents: dict[str, FastEntry]) -> list[BibPaper]:
        """Papers of `entries` (each freed once read), values resolved with `macros`."""
        papers = []
        for at, entry in enumerate(entries):
            if not entry.entry_type.strip():  # `@{...}`: BibTeX refuses it too
                self.typeless.append(
                    f"line {entry.start_line + 1}: an entry without a type (write it as @misc{{key, ...}})")
            else:
                papers.append(_entry_paper(entry, macros, parents))
            entries[at] = None  # type: ignore[call-overload]  # freed once read
        return papers

    def finish(self, entries: list[FastEntry], notices: list[str]) -> ParsedBib:
        """`parsed` with the papers of all the file's `entries`: values resolved
        with the macros as the file leaves them, crossref parents anywhere in it."""
        crossrefs = (value for entry in entries for name, value in entry.fields if name.lower() == "crossref")
        parents = crossref_parents(entries, wanted_parents(crossrefs, self.macros))
        self.parsed.papers = self.papers(entries, self.macros, parents)
        return self.done(notices)

    def done(self, notices: list[str]) -> ParsedBib:
        """`parsed` once every stretch is read, the guard's `notices` first."""
        self.parsed.failures += self.typeless
        self.parsed.notices[:0] = notices
        self.typeless = []
        return self.parsed


def wanted_parents(crossrefs: Iterable[str], macros: dict[str, str]) -> set[str]:
    """The keys (lower case) that `crossref` values as written name."""
    return {(get([("crossref", resolve(value, macros))], "crossref") or "").strip().lower() for value in crossrefs}


def crossref_parents(entries: Iterable[FastEntry], wanted: set[str],
                     parents: dict[str, FastEntry] | None = None) -> dict[str, FastEntry]:
    """The first entry of each key in `wanted`."""
    parents = {} if parents is None else parents
    for entry in entries:
        key = (entry.key or "").lower()
        if key in wanted:
            parents.setdefault(key, entry)
    return parents


def parse_guarded(guarded: Guarded) -> ParsedBib:
    """parse_bibtex on text the guard has passed (its text is released here)."""
    text = _CONTROL.sub("", guarded.text)
    starts = guarded.starts if len(text) == len(guarded.text) else None  # the offsets hold
    guarded.text = ""
    parts = None if starts is None else list(split_blocks(text, starts))
    reader = BibReader()
    return reader.finish(reader.read(Stretch(text, 0, parts, [])), guarded.notices)


def read_bibtex(path: Path, encoding: str | None = None) -> ParsedBib:
    """Read a .bib file: UTF-8 (BOM or not), UTF-16 with a BOM, or the `encoding`
    the user named. Raises BibError (nothing to import) for empty, binary,
    undecodable (BibEncodingError) or entry-less files."""
    data = read_input_bytes(path, BibError)
    if not data.strip():
        raise BibError(f"{path.name} is empty: there is nothing to import.")
    if is_binary(data[:65536], encoding):
        raise BibError(f"{path.name} is a binary file, not BibTeX.")
    text = decode_text(data, path.name, encoding, BibEncodingError)
    del data  # the bytes are not needed once decoded
    parsed = parse_bibtex(text)
    if not parsed.papers:
        reasons = parsed.failures + parsed.notices
        detail = "; ".join(reasons[:5]) if reasons else "no @entries were found"
        raise BibError(f"{path.name} holds no BibTeX entries Lectern can read ({detail}).")
    return parsed
