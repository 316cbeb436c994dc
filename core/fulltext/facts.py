"""A paper's title, authors and identifiers from a PDF: its document
information when that is real, else its first page (the largest-font line
as the title, the line under it as the authors); a DOI or arXiv id from the
first pages' text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from lectern.core.fulltext.results import Extraction
from lectern.core.identify.identifiers import parse_arxiv_id, parse_doi

MAX_TITLE_CHARS = 300
_ID_PAGES = 3  # identifiers are looked for on the first pages only
_JUNK_TITLE = re.compile(
    r"^(?:untitled\b.*|title|document\d*|slide \d+|microsoft (?:word|powerpoint) - .*|.*\.(?:docx?|pdf|tex|dvi|ps|"
    r"rtf|odt|pptx?|indd|qxd)|[a-z]:\\.*|/.*|\W*|\d[\d\s._-]*|(?:paper|draft|main|manuscript|article)\W*\d*)$",
    re.IGNORECASE)
_JUNK_AUTHOR = re.compile(r"^(?:anonymous|unknown|admin(?:istrator)?|user|owner|author|[a-z]{1,3}\d*|\W*)$",
                          re.IGNORECASE)
_DOI_IN_TEXT = re.compile(r"\b10\.\d{4,9}/[^\s\"<>{}]+")
_ARXIV_IN_TEXT = re.compile(
    r"(?:arxiv:\s*|arxiv\.org/(?:abs|pdf)/)((?:\d{4}\.\d{4,5}|[a-z-]+(?:\.[a-z]{2})?/\d{7})(?:v\d+)?)",
    re.IGNORECASE)
_MARKS = re.compile(r"[\d*∗†‡§¶#]+|\([^)]*\)")  # affiliation marks after names
_NAME_SPLIT = re.compile(r"\s*(?:,|;|·|\band\b|&)\s*")
_NAME_WORD = re.compile(r"^(?:[A-Z][\w'’.-]*|[a-z]{1,3}|[A-Z]\.)$")  # "Ada", "J.", "van", "de"
_NOT_TITLE = re.compile(r"^(?:arxiv:|preprint|under review|published as|proceedings of|accepted|https?://|doi:)",
                        re.IGNORECASE)


@dataclass(frozen=True)
class PdfFacts:
    title: str
    authors: str  # "A and B", or empty
    doi: str | None
    arxiv_id: str | None


def is_junk_title(title: str, file_name: str = "") -> bool:
    text = " ".join(title.split())
    if len(text) < 4 or _JUNK_TITLE.match(text):
        return True
    stem = Path(file_name).stem
    return bool(stem) and text.lower() in (stem.lower(), file_name.lower())


def metadata_authors(value: str) -> str:
    """`Ada Lovelace; Alan Turing`, `A and B`, `A, B` -> `A and B` (empty when junk)."""
    text = " ".join(value.split())
    if not text or _JUNK_AUTHOR.match(text):
        return ""
    if ";" in text:
        parts = text.split(";")
    elif re.search(r"\band\b", text):
        parts = re.split(r"\s*\band\b\s*|\s*,\s*(?=\S+\s+\S)", text)
    elif "," in text and all(len(p.split()) >= 2 for p in text.split(",")):
        parts = text.split(",")
    else:
        parts = [text]
    names = [p.strip() for p in parts if p.strip() and not _JUNK_AUTHOR.match(p.strip())]
    return " and ".join(names)


def _author_line(line: str) -> str:
    """The names on a first page's author line (`Ada Lovelace1, Alan Turing∗`), or empty if it is none."""
    parts = [p.strip() for p in _NAME_SPLIT.split(_MARKS.sub(" ", line)) if p.strip()]
    if not parts or len(parts) > 30:
        return ""
    for part in parts:
        words = part.split()
        if not 2 <= len(words) <= 5 or not all(_NAME_WORD.match(w) for w in words):
            return ""
    return " and ".join(" ".join(p.split()) for p in parts)


def first_page_title(lines: tuple[tuple[float, str], ...]) -> tuple[str, int]:
    """The title from the first page's lines (the largest font, up to three lines
    in a row) and the index of the line after it; ("", 0) when none looks like one."""
    candidates = [(i, size, text) for i, (size, text) in enumerate(lines)
                  if len(text) >= 4 and sum(c.isalpha() for c in text) >= 3 and not _NOT_TITLE.match(text)]
    if not candidates:
        return "", 0
    biggest = max(size for _, size, _ in candidates)
    start = next(i for i, size, _ in candidates if size == biggest)
    if biggest <= 0 or all(size == biggest for _, size, _ in candidates):
        start = candidates[0][0]  # no font sizes to tell: the first real line
        return lines[start][1][:MAX_TITLE_CHARS], start + 1
    end = start
    while end + 1 < len(lines) and end - start < 2 and lines[end + 1][0] == biggest:
        end += 1
    title = " ".join(text for _, text in lines[start:end + 1])
    return " ".join(title.split())[:MAX_TITLE_CHARS], end + 1


def identifiers(text: str) -> tuple[str | None, str | None]:
    """The first DOI and arXiv id in `text`."""
    doi = None
    for match in _DOI_IN_TEXT.finditer(text):
        doi = parse_doi(match.group(0))
        if doi:
            break
    arxiv = None
    for match in _ARXIV_IN_TEXT.finditer(text):
        arxiv = parse_arxiv_id(match.group(1))
        if arxiv:
            break
    return doi, arxiv


def pdf_facts(extraction: Extraction, file_name: str) -> PdfFacts:
    """What a PDF says about its paper; the file's name is the title of last resort."""
    meta = {key.lower(): value for key, value in extraction.metadata.items()}
    title = " ".join(meta.get("title", "").split())[:MAX_TITLE_CHARS]
    authors = metadata_authors(meta.get("author", ""))
    after = 0
    if is_junk_title(title, file_name):
        title, after = first_page_title(extraction.lines)
        if not authors and after:
            for _, line in extraction.lines[after:after + 2]:
                authors = _author_line(line)
                if authors:
                    break
    if not title:
        title = Path(file_name).stem.replace("_", " ").strip() or "Untitled"
    first = "\n".join(text for number, text in extraction.pages if number <= _ID_PAGES)
    doi, arxiv = identifiers(first + "\n" + meta.get("subject", "") + "\n" + meta.get("keywords", ""))
    return PdfFacts(title, authors, doi, arxiv)
