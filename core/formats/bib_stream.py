"""A UTF-8 .bib file read a stretch at a time, so that an import never holds
the whole file, its entries or its papers: the papers come in chunks, a
chunk for each stretch of a few megabytes, and each can be stored before the
next is read. What they are is what reading the whole text gives
(core/formats/bibtex_import.py): values use the @string macros as the file
leaves them, and a crossref child takes from its parent wherever that
stands, so a file that names either is read once for them first."""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from lectern.core.formats.bib_fast import FastEntry
from lectern.core.formats.bib_guard import BlockScanner, Stretch
from lectern.core.formats.bibtex_import import (
    BibError,
    BibPaper,
    BibReader,
    ParsedBib,
    crossref_parents,
    wanted_parents,
)
from lectern.core.formats.listing import MAX_FILE_BYTES
from lectern.core.store.input_files import regular_file_pieces
from lectern.core.text.encoding import is_binary

PIECE_BYTES = 4 * 1024 * 1024  # read at a time: a stretch holds about this much text
_CONTEXT = (b"@string", b"crossref")  # what a first reading is needed for (in lower case)
_WIDE_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


@dataclass(frozen=True)
class Survey:
    codec: str  # "utf-8", or "utf-8-sig" for a file with a BOM
    blocks: int  # about how many blocks it holds
    context: bool  # whether it names @string or crossref


def survey(path: Path) -> Survey | None:
    """A look through the file before it is read: None when it is not UTF-8
    (the whole-file reader then says why, or reads it in another encoding);
    BibError when it is empty, binary, or not a file that may be imported."""
    decoder: codecs.IncrementalDecoder | None = None
    codec = "utf-8"
    blocks, context, blank, tail = 1, False, True, b""
    for data in regular_file_pieces(path, MAX_FILE_BYTES, BibError, size=PIECE_BYTES):
        if decoder is None:
            if data.startswith(_WIDE_BOMS):
                return None
            if is_binary(data[:65536]):
                raise BibError(f"{path.name} is a binary file, not BibTeX.")
            codec = "utf-8-sig" if data.startswith(codecs.BOM_UTF8) else "utf-8"
            decoder = codecs.getincrementaldecoder(codec)()
        try:
            text = decoder.decode(data)
        except UnicodeDecodeError:
            return None
        del text
        blank = blank and not data.strip()
        blocks += data.count(b"\n@")  # about one a block
        lowered = tail + data.lower()  # (ASCII letters only: the names looked for are ASCII)
        context = context or any(name in lowered for name in _CONTEXT)
        tail = lowered[-16:]
    if decoder is None or blank:
        raise BibError(f"{path.name} is empty: there is nothing to import.")
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return None
    return Survey(codec, blocks, context)


def _stretches(path: Path, codec: str, scanner: BlockScanner, size: int) -> Iterator[Stretch]:
    """The file's text in stretches (core/formats/bib_guard.py cuts them), read `size` bytes at a time."""
    decoder = codecs.getincrementaldecoder(codec)()
    try:
        for data in regular_file_pieces(path, MAX_FILE_BYTES, BibError, size=size):
            stretch = scanner.feed(decoder.decode(data))
            if stretch is not None:
                yield stretch
        last = scanner.feed(decoder.decode(b"", final=True), final=True)
    except UnicodeDecodeError:
        raise BibError(f"{path.name} changed while it was read: import it again.") from None
    if last is not None:
        yield last


class BibStream:
    """The papers of a surveyed .bib file a chunk at a time (`chunks`); once
    all are read, `parsed` holds its preambles, comments, failures and
    notices (and no papers), as parse_bibtex gives them."""

    def __init__(self, path: Path, found: Survey, piece_bytes: int = PIECE_BYTES) -> None:
        self.path, self.survey, self.piece_bytes = path, found, piece_bytes
        self.parsed = ParsedBib()

    def _context(self) -> tuple[dict[str, str], dict[str, FastEntry]]:
        """The macros as the file leaves them, and the crossref parents (a
        first reading for the macros and the keys named, a second for the
        parents, which may come before or after their children)."""
        reader, crossrefs = BibReader(), []
        for stretch in _stretches(self.path, self.survey.codec, BlockScanner(), self.piece_bytes):
            crossrefs += [value for entry in reader.read(stretch) for name, value in entry.fields
                          if name.lower() == "crossref"]
        wanted = wanted_parents(crossrefs, reader.macros)
        parents: dict[str, FastEntry] = {}
        if wanted:
            finder = BibReader()
            for stretch in _stretches(self.path, self.survey.codec, BlockScanner(), self.piece_bytes):
                crossref_parents(finder.read(stretch), wanted, parents)
        return reader.macros, parents

    def chunks(self) -> Iterator[list[BibPaper]]:
        macros, parents = self._context() if self.survey.context else (None, {})
        scanner, reader = BlockScanner(), BibReader()
        for stretch in _stretches(self.path, self.survey.codec, scanner, self.piece_bytes):
            entries = reader.read(stretch)
            if entries:
                yield reader.papers(entries, reader.macros if macros is None else macros, parents)
        self.parsed = reader.done(scanner.notices())


def stream_bibtex(path: Path, encoding: str | None = None, piece_bytes: int = PIECE_BYTES) -> BibStream | None:
    """A reader of `path` a chunk of papers at a time, or None when the file
    is to be read whole (core/formats/bibtex_import.read_bibtex): one in an
    encoding the user named, or one that is not UTF-8."""
    if encoding is not None:
        return None
    found = survey(Path(path))
    return None if found is None else BibStream(Path(path), found, piece_bytes)
