"""Reading a paper listing: a plain-text copy of a paper-listing page, with
lines alternating title / abstract (the default library's format)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from lectern.core.store.input_files import read_regular_file
from lectern.core.text.encoding import EncodingError, decode_text, is_binary, lines_of

# Page chrome a copied listing page starts with.
_CHROME_LINE = re.compile(r"^get trending papers in your email inbox", re.IGNORECASE)
_SUBSCRIBE_PREFIX = "Subscribe"
MAX_TITLE_CHARS = 400
MAX_FILE_BYTES = 512 * 1024 * 1024


class ListingError(ValueError):
    """The input is not a listing Lectern can read; the message says why."""


@dataclass(frozen=True, slots=True)
class ListingEntry:
    title: str
    abstract: str


@dataclass
class Listing:
    entries: list[ListingEntry] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _clean_lines(text: str) -> Iterator[tuple[int, str]]:
    """Non-blank lines with their 1-based numbers, chrome removed, spaces trimmed,
    one at a time (a large listing is not copied into a list of its lines)."""
    first = True
    for number, raw in enumerate(lines_of(text), start=1):
        line = raw.strip()
        if not line or (first and _CHROME_LINE.match(line)):
            continue
        if first:
            first = False
            rest = line[len(_SUBSCRIBE_PREFIX) :]
            if line.startswith(_SUBSCRIBE_PREFIX) and rest[:1].isupper() and rest[1:2] not in ("", " "):
                line = rest
        yield number, line


def parse_listing(text: str) -> Listing:
    """Parse listing text into entries. Raises ListingError when the text is not
    a listing; a trailing title without abstract is a warning, not an error."""
    if "\x00" in text:
        raise ListingError("This is a binary file, not a text listing of papers.")
    if text.lstrip().startswith(("@", "%", "{", "<")):
        raise ListingError(
            "This looks like BibTeX, JSON or HTML, not a listing "
            "(a listing has a title line followed by an abstract line for each paper)."
        )
    listing = Listing()
    title: tuple[int, str] | None = None  # (line number, title) waiting for its abstract
    for number, line in _clean_lines(text):
        if title is not None:
            listing.entries.append(ListingEntry(title=title[1], abstract=line))
            title = None
        elif len(line) > MAX_TITLE_CHARS:
            raise ListingError(
                f"Line {number} is {len(line)} characters long where a title was expected: "
                "this does not look like a listing (title line, then abstract line, per paper)."
            )
        else:
            title = (number, line)
    if title is not None:
        listing.entries.append(ListingEntry(title=title[1], abstract=""))
        listing.warnings.append(f"Line {title[0]}: the last title has no abstract; imported without one.")
    if not listing.entries:
        raise ListingError("The file is empty: there are no papers in it.")
    return listing


def read_input_bytes(path: Path, error: type[ValueError]) -> bytes:
    """The bytes of a file the user chose to import; `error` (with a message
    that says what to do) for folders, pipes, missing, unreadable or oversized files."""
    return read_regular_file(path, MAX_FILE_BYTES, error)


class ListingEncodingError(EncodingError, ListingError):
    """A listing file whose bytes are not text in the encoding tried (see EncodingError)."""


def read_listing_text(path: Path, encoding: str | None = None) -> str:
    """The text of a listing file: UTF-8 (with a BOM or without), UTF-16 with a
    BOM, or the `encoding` the user named. Raises ListingError with a user-facing
    message for unreadable files (ListingEncodingError when the bytes do not decode)."""
    data = read_input_bytes(path, ListingError)
    if is_binary(data, encoding):
        raise ListingError(f"{path.name} is a binary file, not a text listing of papers.")
    return decode_text(data, path.name, encoding, ListingEncodingError)


def read_listing(path: Path, encoding: str | None = None) -> Listing:
    """Read and parse a listing file."""
    return parse_listing(read_listing_text(path, encoding))
