"""What reading one PDF gives: its pages' text or the reason there is none,
and the limits that keep a hostile file from costing more than they allow."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Control characters other than tab and newline, lone surrogates and non-characters:
# PDF text is plain text and never carries them into the library.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")
_SPACES = re.compile(r"[ \t]+\n")

ENCRYPTED = "encrypted (needs a password)"
NOT_PDF = "not a PDF"
DAMAGED = "damaged PDF"
NO_TEXT = "no text layer (scanned?)"
CRASHED = "damaged or too large: the PDF reader stopped on it"
NOT_FILE = "not a regular file"
UNREADABLE = "cannot be read"


def too_slow(seconds: float) -> str:
    return f"took longer than {seconds:g} s"


def too_large(max_bytes: int) -> str:
    return f"too large (over {max_bytes // (1024 * 1024)} MB)"


def plain_text(text: str) -> str:
    """Text from a PDF as plain text: line ends made `\\n`, control characters dropped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _SPACES.sub("\n", _CONTROL.sub("", text))


@dataclass(frozen=True)
class Limits:
    """Per-file caps. Pages past `max_pages` and text past `max_chars` are not read."""

    max_bytes: int = 200 * 1024 * 1024
    max_pages: int = 2000
    max_chars: int = 4_000_000
    seconds: float = 60.0
    memory_bytes: int = 1024 * 1024 * 1024  # the worker's address space


@dataclass(frozen=True)
class Extraction:
    """The pages read (number from 1, text), or `reason` when no text was read.
    `metadata` is the PDF's document information (Title, Author, ...), plain text;
    `lines` are the first page's lines with their largest font size."""

    pages: tuple[tuple[int, str], ...] = ()
    reason: str | None = None
    page_count: int = 0
    truncated: bool = False  # the page or character cap stopped the reading
    metadata: dict[str, str] = field(default_factory=dict)
    lines: tuple[tuple[float, str], ...] = ()

    @property
    def ok(self) -> bool:
        return self.reason is None

    @property
    def chars(self) -> int:
        return sum(len(text) for _, text in self.pages)

    def to_json(self) -> dict:
        return {"pages": [list(p) for p in self.pages], "reason": self.reason, "page_count": self.page_count,
                "truncated": self.truncated, "metadata": self.metadata, "lines": [list(x) for x in self.lines]}

    @classmethod
    def from_json(cls, data: dict) -> Extraction:
        return cls(pages=tuple((int(n), plain_text(str(t))) for n, t in data.get("pages") or ()),
                   reason=data.get("reason"), page_count=int(data.get("page_count") or 0),
                   truncated=bool(data.get("truncated")),
                   metadata={str(k): plain_text(str(v)) for k, v in (data.get("metadata") or {}).items()},
                   lines=tuple((float(s), plain_text(str(t))) for s, t in data.get("lines") or ()))


def failed(reason: str) -> Extraction:
    return Extraction(reason=reason)
