"""Which links Lectern opens without asking.

A link from an imported file or a note is untrusted: `file:`, `javascript:`,
`smb:` or a relative path handed to the desktop could open a local file or
run a program. Only web pages (http, https) and DOIs and arXiv ids (opened as
https pages) are safe; everything else is opened only after the user agrees."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from lectern.core.domain.arxiv import paper_url

WEB_SCHEMES = ("http", "https")
_WEB = re.compile(r"(https?)://", re.IGNORECASE)
_DOI = re.compile(r"(?:doi: *|https?://(?:dx\.)?doi\.org/)?(10\.\d+(?:\.\d+)*/\S+)", re.IGNORECASE)
_ARXIV = re.compile(r"(?:arxiv: *)?(\d{4}\.\d{4,5}(?:v\d+)?|[a-z-]+(?:\.[a-z]{2})?/\d{7}(?:v\d+)?)", re.IGNORECASE)
# Characters a DOI keeps as they are inside https://doi.org/<doi>; the rest is percent-encoded.
_DOI_SAFE = "/:;()[]._-~!*'@,+=$"


@dataclass(frozen=True)
class Link:
    """A link judged: `target` is what would be opened, `safe` says whether it
    may be opened without asking, `shown` is the link as written with control
    and invisible characters made visible (for the question the user is asked)."""

    target: str
    safe: bool
    shown: str


def visible(text: str) -> str:
    """`text` with control, format and line-break characters written as escapes
    (`\\n`, `\\u202e`), so a question names a link exactly as it is."""
    out = []
    for ch in text:
        if ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") or (ch.isspace() and ch != " "):
            out.append(f"\\u{ord(ch):04x}" if ord(ch) > 0xFF else f"\\x{ord(ch):02x}")
        else:
            out.append(ch)
    return "".join(out)


def _has_hidden(text: str) -> bool:
    """True if `text` holds whitespace, control or invisible format characters."""
    return any(ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp", "Zs") for ch in text)


def doi_url(doi: str) -> str | None:
    """https://doi.org/<doi> for a DOI (`10.1000/x`, `doi:10.1000/x` or a doi.org
    URL), or None if `doi` is not one."""
    text = doi.strip()
    match = _DOI.fullmatch(text)
    if match is None or _has_hidden(match.group(1)):
        return None
    return "https://doi.org/" + quote(match.group(1), safe=_DOI_SAFE)


def arxiv_url(arxiv_id: str) -> str | None:
    """https://arxiv.org/abs/<id> for an arXiv id (`2106.09685`, `arXiv:2106.09685v2`,
    `cs/0112017`), or None if it is not one."""
    match = _ARXIV.fullmatch(arxiv_id.strip())
    return f"https://arxiv.org/abs/{match.group(1)}" if match else None


def _web_url(text: str) -> str | None:
    """`text` itself (scheme lower-cased) if it is an absolute http(s) URL with a
    host and nothing hidden in it; otherwise None (`https:/x` has no host)."""
    match = _WEB.match(text)
    if match is None or _has_hidden(text):
        return None
    try:
        parts = urlsplit(text)
    except ValueError:  # a malformed IPv6 host
        return None
    if parts.scheme.lower() not in WEB_SCHEMES or not parts.hostname:
        return None
    return match.group(1).lower() + text[len(match.group(1)):]


def check_link(text: str) -> Link:
    """Judge a link before it is opened. Surrounding spaces are ignored; web
    links, DOIs and arXiv ids are safe; anything else must be asked about."""
    stripped = text.strip(" \t")
    for make in (_web_url, doi_url, arxiv_url):
        target = make(stripped)
        if target is not None:
            return Link(target, True, visible(stripped))
    return Link(stripped, False, visible(stripped))


def paper_link(url: str | None, arxiv_id: str | None, doi: str | None, links: list[str] | None = None) -> str | None:
    """The link `o` opens for a paper: its URL, else its arXiv page, else its
    DOI, else the first link in its abstract (judged by `check_link` before opening)."""
    page = paper_url(url, arxiv_id)
    if page:
        return page
    if doi and doi_url(doi):
        return doi_url(doi)
    return links[0] if links else None
