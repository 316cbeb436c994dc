"""Reading BibTeX files (bibtexparser 2.x): @string macros, months, comments
and crossref resolved; blocks that fail to parse are listed with their line
numbers while the rest import. LaTeX in fields is kept as written (Lectern
renders it for reading and exports it unchanged)."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from lectern.core.domain.arxiv import parse_arxiv
from lectern.core.domain.records import NewPaper
from lectern.core.formats.listing import read_input_bytes
from lectern.core.text.encoding import EncodingError, decode_text, is_binary

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_YEAR = re.compile(r"\b(1[5-9]\d\d|2\d\d\d)\b")


class BibError(ValueError):
    """The file cannot be imported as BibTeX; the message says why."""


@dataclass
class BibPaper:
    paper: NewPaper
    tags: list[str] = field(default_factory=list)
    note: str = ""
    line: int = 0


@dataclass
class ParsedBib:
    papers: list[BibPaper] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)  # "line 13: ..." for each block that failed


def _strip_braces(value: str) -> str:
    value = " ".join(value.split())
    while value.startswith("{") and value.endswith("}") and _balanced(value[1:-1]):
        value = value[1:-1].strip()
    return value


def _balanced(text: str) -> bool:
    depth = 0
    for i, ch in enumerate(text):
        if ch == "{" and (i == 0 or text[i - 1] != "\\"):
            depth += 1
        elif ch == "}" and (i == 0 or text[i - 1] != "\\"):
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def parse_bibtex(text: str) -> ParsedBib:
    """Parse BibTeX text into papers (with tags and notes) and a list of failures."""
    text = _CONTROL.sub("", text)
    logger = logging.getLogger("bibtexparser")
    level = logger.level
    logger.setLevel(logging.ERROR)  # failures are reported to the user below, with line numbers
    try:
        import bibtexparser  # here, not at start-up: the window opens 25 ms sooner

        library = bibtexparser.parse_string(text)
    finally:
        logger.setLevel(level)
    parsed = ParsedBib()
    for block in library.failed_blocks:
        first = (block.raw.strip().splitlines() or [""])[0][:80]
        parsed.failures.append(f"line {block.start_line + 1}: could not read “{first}”")
    entries = {e.key.lower(): e for e in library.entries}
    for entry in library.entries:
        values = {f.key.lower(): _strip_braces(str(f.value)) for f in entry.fields}
        parent = entries.get(values.get("crossref", "").lower())
        if parent is not None:  # crossref: inherit what this entry lacks
            inherited = {f.key.lower(): _strip_braces(str(f.value)) for f in parent.fields}
            if "booktitle" not in values and "title" in inherited:
                values["booktitle"] = inherited["title"]
            for key, value in inherited.items():
                if key not in ("title", "crossref") and key not in values:
                    values[key] = value
        title = values.get("title", "").strip()
        if not title:
            parsed.failures.append(
                f"line {entry.start_line + 1}: @{entry.entry_type}{{{entry.key}}} has no title; skipped")
            continue
        year_match = _YEAR.search(values.get("year", "") or values.get("date", ""))
        arxiv = None
        eprint_type = (values.get("archiveprefix") or values.get("eprinttype") or "").lower()
        if values.get("eprint") and (eprint_type == "arxiv" or parse_arxiv(values["eprint"])):
            arxiv = parse_arxiv(values["eprint"])
        if arxiv is None and values.get("url"):
            arxiv = parse_arxiv(values["url"]) if "arxiv.org" in values["url"] else None
        venue = next((values[k] for k in ("journal", "journaltitle", "booktitle", "howpublished") if values.get(k)), "")
        paper = NewPaper(
            title=title,
            abstract=values.get("abstract", ""),
            authors=values.get("author", "") or values.get("editor", ""),
            year=int(year_match.group(1)) if year_match else (arxiv.year if arxiv else None),
            venue=venue,
            arxiv_id=arxiv.id if arxiv else None,
            doi=values.get("doi") or None,
            url=values.get("url") or None,
            citation_key=entry.key,
        )
        tags = [t.strip() for t in re.split(r"[,;]", values.get("keywords", "")) if t.strip()]
        note = values.get("annote") or values.get("annotation") or ""
        parsed.papers.append(BibPaper(paper, tags, note, entry.start_line + 1))
    return parsed


class BibEncodingError(EncodingError, BibError):
    """A .bib file whose bytes are not text in the encoding tried (see EncodingError)."""


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
    parsed = parse_bibtex(text)
    if not parsed.papers:
        detail = ("; ".join(parsed.failures[:5])) if parsed.failures else "no @entries were found"
        raise BibError(f"{path.name} holds no BibTeX entries Lectern can read ({detail}).")
    return parsed
