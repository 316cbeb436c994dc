"""arXiv identifiers: recognise an id or URL a user pastes, derive the year."""

from __future__ import annotations

import re
from dataclasses import dataclass

_PREFIX = r"(?:arxiv[:\s]*|arxiv\.org/(?:abs|pdf)/)?"  # optional "arXiv:" or abs/pdf URL before the id
_NEW = re.compile(_PREFIX + r"(\d{2})(\d{2})\.(\d{4,5})(v\d+)?(?:\.pdf)?\s*$", re.IGNORECASE)
_OLD = re.compile(_PREFIX + r"([a-z-]+(?:\.[A-Z]{2})?)/(\d{2})(\d{2})(\d{3})(v\d+)?(?:\.pdf)?\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class ArxivId:
    id: str  # without version: 2106.09685, cs/0112017
    year: int
    primary_class: str | None = None

    @property
    def url(self) -> str:
        return f"https://arxiv.org/abs/{self.id}"


def parse_arxiv(text: str) -> ArxivId | None:
    """`2106.09685`, `arXiv:2106.09685v2`, `https://arxiv.org/abs/2106.09685`,
    `https://arxiv.org/pdf/2106.09685v1.pdf`, `cs/0112017` -> the id and year."""
    text = text.strip().rstrip("/")
    match = _NEW.search(text)
    if match and 1 <= int(match.group(2)) <= 12:
        yy = int(match.group(1))
        return ArxivId(f"{match.group(1)}{match.group(2)}.{match.group(3)}", 2000 + yy)
    match = _OLD.search(text)
    if match and 1 <= int(match.group(3)) <= 12:
        yy = int(match.group(2))
        year = 1900 + yy if yy >= 91 else 2000 + yy
        archive = match.group(1).lower()
        return ArxivId(f"{archive}/{match.group(2)}{match.group(3)}{match.group(4)}", year, archive.split(".")[0])
    return None


def paper_url(url: str | None, arxiv_id: str | None) -> str | None:
    """A paper's web page, as exports and links give it: its own URL, else its
    arXiv abstract page, else None."""
    if url and url.strip():
        return url
    arxiv = parse_arxiv(arxiv_id) if arxiv_id else None
    return arxiv.url if arxiv else None
