"""Identifiers a user pastes: DOIs, arXiv ids and ISBNs, one or several at once."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import unquote

from lectern.core.domain.arxiv import parse_arxiv

Kind = Literal["doi", "arxiv", "isbn"]
KIND_NAMES: dict[str, str] = {"doi": "DOI", "arxiv": "arXiv id", "isbn": "ISBN"}

_DOI = re.compile(r"^(?:doi:|https?://(?:dx\.)?doi\.org/|(?:dx\.)?doi\.org/)?(10\.\d{4,9}/\S+)$", re.IGNORECASE)
_ARXIV_PREFIX = re.compile(
    r"^(?:arxiv:|(?:https?://)?(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/|(?:https?://)?huggingface\.co/papers/)",
    re.IGNORECASE)
_ARXIV_BODY = re.compile(r"^(?:\d{4}\.\d{4,5}|[a-z-]+(?:\.[a-z]{2})?/\d{7})(?:v\d+)?(?:\.pdf)?$", re.IGNORECASE)
_ISBN = re.compile(r"^(?:isbn(?:-1[03])?:)?([0-9][0-9-]{8,16}[0-9xX])$", re.IGNORECASE)
_GLUED = re.compile(r"\b(doi|arxiv|isbn(?:-1[03])?):\s+", re.IGNORECASE)  # "doi: 10.1/x" -> "doi:10.1/x"
_SEPARATORS = re.compile(r"(?:\s|,|;(?=\s|$))+")  # a DOI may hold ";" (SICI), never "; "


@dataclass(frozen=True)
class Identifier:
    kind: Kind
    value: str  # DOI without prefix; arXiv id without version; ISBN as 13 digits
    text: str = ""  # as the user wrote it

    def __str__(self) -> str:
        return f"{KIND_NAMES[self.kind]} {self.value}"


def parse_doi(text: str) -> str | None:
    """`10.1145/3292500`, `doi:10.1145/…`, `https://doi.org/10.1145/…` -> the DOI."""
    match = _DOI.match(unquote(text.strip()))
    return match.group(1).rstrip(".,;)]") if match else None


def parse_arxiv_id(text: str) -> str | None:
    """An arXiv id (new or old style, any version), with `arXiv:` or as an
    arxiv.org or huggingface.co/papers URL -> the id without version."""
    text = text.strip().rstrip("/")
    body = _ARXIV_PREFIX.sub("", text, count=1)
    if not _ARXIV_BODY.match(body):
        return None
    parsed = parse_arxiv(body)
    if parsed is None:
        return None
    archive, slash, number = parsed.id.partition("/")
    return f"{archive.split('.')[0]}/{number}" if slash else parsed.id  # math.GT/0309136 is math/0309136


def isbn13(text: str) -> str | None:
    """An ISBN-10 or ISBN-13 (hyphens allowed) whose check digit is right, as 13 digits."""
    match = _ISBN.match(text.strip())
    if not match:
        return None
    digits = match.group(1).replace("-", "").upper()
    if len(digits) == 10 and digits[:9].isdigit():
        values = [10 if c == "X" else int(c) for c in digits]
        if digits[:9].count("X") or sum((10 - i) * v for i, v in enumerate(values)) % 11:
            return None
        digits = "978" + digits[:9]
        return digits + str((10 - sum((3 if i % 2 else 1) * int(c) for i, c in enumerate(digits)) % 10) % 10)
    if len(digits) == 13 and digits.isdigit() and digits[:3] in ("978", "979"):
        if sum((3 if i % 2 else 1) * int(c) for i, c in enumerate(digits)) % 10:
            return None
        return digits
    return None


def parse_identifier(text: str) -> Identifier | None:
    """One identifier of any kind, or None."""
    text = _GLUED.sub(lambda m: m.group(1) + ":", text.strip())
    doi = parse_doi(text)
    if doi:
        return Identifier("doi", doi, text)
    arxiv = parse_arxiv_id(text)
    if arxiv:
        return Identifier("arxiv", arxiv, text)
    isbn = isbn13(text)
    if isbn:
        return Identifier("isbn", isbn, text)
    return None


def parse_identifiers(text: str) -> tuple[list[Identifier], list[str]]:
    """Every identifier in pasted text (one a line, or separated by spaces,
    commas or semicolons), each once, and the words that are none."""
    found: dict[tuple[str, str], Identifier] = {}
    unknown: list[str] = []
    for word in _SEPARATORS.split(_GLUED.sub(lambda m: m.group(1) + ":", text)):
        if not word:
            continue
        ident = parse_identifier(word)
        if ident is None:
            unknown.append(word)
        else:
            found.setdefault((ident.kind, ident.value.lower()), ident)
    return list(found.values()), unknown


def only_identifiers(text: str) -> list[Identifier] | None:
    """The identifiers of text that holds nothing else (None when it holds other words or none)."""
    if len(text) > 100_000:
        return None
    found, unknown = parse_identifiers(text)
    return found if found and not unknown else None
