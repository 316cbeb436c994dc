"""RIS import and export (the format Zotero, Mendeley, EndNote and Web of
Science write), read and written with rispy. Types and tags are mapped the
way Zotero's RIS translator does, to BibTeX entry types and fields as JabRef
names them: JOUR -> @article, CONF/CPAPER -> @inproceedings, BOOK -> @book,
CHAP -> @incollection, THES -> @phdthesis (@mastersthesis when M3 says
master's), RPRT -> @techreport, ELEC/WEB -> @online, GEN and the rest -> @misc;
AU/A1 author, A2/ED editor, TI/T1 title, T2 the journal or book title (series
for a book), JO/JF/JA journal, BT booktitle, T3 series, PY/Y1/DA year, month,
day, VL volume, IS number, SP/EP pages, PB publisher (school, institution), CY
address, SN isbn or issn, DO doi, UR url, AB/N2 abstract, KW keywords, N1 note,
L1/L2 file, ET edition, LA language, M3 type, ST shorttitle, ID the citation
key; other tags are kept as fields named as rispy names them. Import makes
text TeX-safe once; export writes each field's Unicode reading. A file that is
not well-formed RIS is refused whole, naming the line."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from lectern.core.domain.entry import Field, get, keyword_tags, readings, record_from_values, strip_braces
from lectern.core.domain.names import parse_names
from lectern.core.domain.records import NewPaper, same_tags
from lectern.core.formats.bib_dialects import to_bibtex
from lectern.core.formats.bibtex_import import BibEncodingError, BibError, BibPaper, ParsedBib
from lectern.core.formats.listing import read_input_bytes
from lectern.core.text.encoding import decode_text, lines_of
from lectern.core.text.latex import latex_to_text
from lectern.core.text.texsafe import tex_escape

if TYPE_CHECKING:
    from pathlib import Path

    from lectern.core.domain.records import PaperRecord as Paper

Item = tuple["Paper", list[str], str]


class RisError(BibError):
    """The file cannot be imported as RIS; the message says why (and on which line)."""


TYPES_IN = {"JOUR": "article", "JFULL": "article", "EJOUR": "article", "MGZN": "article", "NEWS": "article",
            "ABST": "article", "INPR": "article", "CONF": "inproceedings", "CPAPER": "inproceedings",
            "BOOK": "book", "EBOOK": "book", "EDBOOK": "book", "CHAP": "incollection", "ECHAP": "incollection",
            "THES": "phdthesis", "RPRT": "techreport", "ELEC": "online", "WEB": "online", "BLOG": "online",
            "UNPB": "unpublished", "UNPD": "unpublished", "MANSCPT": "unpublished", "PAT": "patent",
            "DATA": "dataset", "COMP": "software", "PAMP": "booklet", "STAND": "standard", "GEN": "misc"}
TYPES_OUT = {"article": "JOUR", "inproceedings": "CPAPER", "conference": "CPAPER", "proceedings": "CONF",
             "book": "BOOK", "collection": "EDBOOK", "mvbook": "BOOK", "manual": "BOOK", "booklet": "PAMP",
             "incollection": "CHAP", "inbook": "CHAP", "bookinbook": "CHAP", "phdthesis": "THES",
             "mastersthesis": "THES", "thesis": "THES", "techreport": "RPRT", "report": "RPRT", "online": "ELEC",
             "electronic": "ELEC", "www": "ELEC", "unpublished": "UNPB", "patent": "PAT", "dataset": "DATA",
             "software": "COMP", "standard": "STAND", "misc": "GEN"}
_TAG_LINE = re.compile(r"^([A-Z][A-Z0-9])  -(?: (.*))?$")
_NUMBER_LINE = re.compile(r"^\d+\.?$")  # the record numbers some writers (EndNote, rispy) put between records
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
# rispy's names for the tags mapped below; any other tag is kept as a field named as rispy names it.
_MAPPED = frozenset({"type_of_reference", "authors", "first_authors", "secondary_authors", "title",
                     "primary_title", "secondary_title", "tertiary_title", "journal_name", "alternate_title1",
                     "alternate_title2", "alternate_title3", "year", "publication_year", "date", "volume", "number",
                     "start_page", "end_page", "publisher", "place_published", "issn", "doi", "urls", "abstract",
                     "notes_abstract", "keywords", "notes", "file_attachments1", "file_attachments2", "edition",
                     "language", "type_of_work", "short_title", "id", "unknown_tag", "access_date", "call_number"})


def check_ris(text: str, name: str) -> None:
    """Refuse text that is not well-formed RIS, naming the first bad line:
    every reference opens with TY and closes with ER, and every line between
    is a tag line (`XX  - value`) or continues the one before."""
    open_at = 0  # the line of the TY of the reference being read; 0: between references
    seen = False
    for number, line in enumerate(text.split("\n"), 1):
        stripped = line.strip()
        match = _TAG_LINE.match(line.rstrip())
        if open_at == 0:
            if not stripped or _NUMBER_LINE.match(stripped):
                continue
            if match and match.group(1) == "TY" and (match.group(2) or "").strip():
                open_at, seen = number, True
                continue
            what = "a reference must begin with a “TY  - TYPE” line" if not seen else \
                "text between references (after an “ER  -” line)"
            raise RisError(f"{name} is not RIS: line {number} (“{stripped[:60]}”): {what}.")
        if match and match.group(1) == "TY":
            raise RisError(f"{name}: line {number} begins a reference before the one that began on line "
                           f"{open_at} was closed with an “ER  -” line.")
        if match and match.group(1) == "ER":
            open_at = 0
        elif not match and re.match(r"^[A-Za-z][A-Za-z0-9]\s*-", stripped) and not stripped[:2].isupper():
            raise RisError(f"{name}: line {number} (“{stripped[:60]}”) is not a tag line "
                           "(two capitals, two spaces, a hyphen and a space: “AU  - Name”).")
    if open_at:
        raise RisError(f"{name}: the reference that begins on line {open_at} has no “ER  -” line to close it.")
    if not seen:
        raise RisError(f"{name} holds no RIS references (no “TY  -” line).")


def _values(entry: dict[str, Any], *keys: str) -> list[str]:
    out: list[str] = []
    for key in keys:
        value = entry.get(key)
        if isinstance(value, list):
            out.extend(str(v) for v in value if str(v).strip())
        elif value is not None and str(value).strip():
            out.append(str(value))
    return [" ".join(v.split()) for v in out]


def _name(value: str) -> str:
    """A RIS name ("Last, First, Suffix", or an organisation without a comma) as BibTeX writes it;
    a part holding the word "and" (in any case: BibTeX splits names there) is braced."""
    parts = [p.strip() for p in value.split(",")]
    if len(parts) == 1:
        return "{" + tex_escape(value) + "}" if " " in value.strip() or _AND.search(value) else tex_escape(value)
    last, first = parts[0], ", ".join(p for p in parts[1:2] if p)
    suffix = ", ".join(p for p in parts[2:] if p)
    return ", ".join("{" + tex_escape(p) + "}" if _AND.search(p) else tex_escape(p)
                     for p in (last, suffix, first) if p)


_AND = re.compile(r"\band\b", re.IGNORECASE)


def _date(text: str) -> tuple[str | None, int | None, int | None]:
    """(year, month, day) from a RIS date ("2006/10/01/", "2006", "2006-10-01")."""
    match = re.match(r"^\s*(\d{4})(?:[/-](\d{1,2})?)?(?:[/-](\d{1,2})?)?", text)
    if not match:
        return None, None, None
    month = int(match.group(2)) if match.group(2) and 1 <= int(match.group(2)) <= 12 else None
    day = int(match.group(3)) if month and match.group(3) and 1 <= int(match.group(3)) <= 31 else None
    return match.group(1), month, day


def record_from_ris(entry: dict[str, Any]) -> tuple[str, str | None, list[Field]]:
    """(entry type, citation key, fields) for one rispy reference."""
    ris_type = str(entry.get("type_of_reference", "GEN")).strip().upper()
    kind = TYPES_IN.get(ris_type, "misc")
    unknown = entry.get("unknown_tag") or {}
    work = " ".join(_values(entry, "type_of_work"))
    if kind == "phdthesis" and re.search(r"master|m\.?a\b|m\.?sc?\b", work, re.IGNORECASE):
        kind = "mastersthesis"
    fields: list[Field] = []

    def add(name: str, value: str | None) -> None:
        if value and value.strip() and not get(fields, name):
            fields.append((name, value))

    add("author", " and ".join(_name(n) for n in _values(entry, "authors", "first_authors")))
    add("editor", " and ".join(_name(n) for n in _values(entry, "secondary_authors") +
                               [" ".join(str(v).split()) for v in unknown.get("ED", [])]))
    add("title", tex_escape(" ".join(_values(entry, "title", "primary_title")[:1])))
    container = _values(entry, "secondary_title")
    journal = _values(entry, "alternate_title3", "journal_name", "alternate_title2", "alternate_title1")
    if kind == "article":
        add("journal", tex_escape((journal or container or [""])[0]))
    elif kind in ("inproceedings", "incollection"):
        add("booktitle", tex_escape((container or [" ".join(str(v).split()) for v in unknown.get("BT", [])]
                                     or [""])[0]))
    elif kind == "book" and container:
        add("series", tex_escape(container[0]))
    elif container:
        add("howpublished", tex_escape(container[0]))
    add("series", tex_escape(" ".join(_values(entry, "tertiary_title")[:1])))
    for source in ("date", "year", "publication_year"):
        year, month, day = _date(" ".join(_values(entry, source)[:1]))
        if year and not get(fields, "year"):
            add("year", year)
            if month:
                add("month", _MONTHS[month - 1])
                add("day", str(day) if day else None)
    add("volume", tex_escape(" ".join(_values(entry, "volume")[:1])))
    add("number", tex_escape(" ".join(_values(entry, "number")[:1])))
    start, end = (" ".join(_values(entry, key)[:1]) for key in ("start_page", "end_page"))
    add("pages", tex_escape(f"{start}--{end}" if start and end and start != end else start or end))
    publisher = "school" if kind in ("phdthesis", "mastersthesis") else "institution" if kind == "techreport" \
        else "publisher"
    add(publisher, tex_escape(" ".join(_values(entry, "publisher")[:1])))
    add("address", tex_escape(" ".join(_values(entry, "place_published")[:1])))
    serial = " ".join(_values(entry, "issn")[:1])
    is_isbn = kind in ("book", "incollection", "inbook", "booklet") or len(re.sub(r"[^0-9Xx]", "", serial)) in (10, 13)
    add("isbn" if is_isbn else "issn", serial)
    add("doi", " ".join(_values(entry, "doi")[:1]))
    urls = _values(entry, "urls")
    add("url", urls[0] if urls else None)
    add("abstract", tex_escape(" ".join(_values(entry, "abstract", "notes_abstract")[:1])))
    add("keywords", tex_escape(", ".join(_values(entry, "keywords"))))
    add("note", tex_escape(" ".join(_values(entry, "notes"))))
    add("file", "; ".join(_values(entry, "file_attachments1", "file_attachments2")) or None)
    add("edition", tex_escape(" ".join(_values(entry, "edition")[:1])))
    add("language", tex_escape(" ".join(_values(entry, "language")[:1])))
    add("type", tex_escape(work) if kind not in ("phdthesis", "mastersthesis") or get(fields, "type") else None)
    add("shorttitle", tex_escape(" ".join(_values(entry, "short_title")[:1])))
    add("urldate", " ".join(_values(entry, "access_date")[:1]))
    add("library", tex_escape(" ".join(_values(entry, "call_number")[:1])))
    for key, value in entry.items():
        if key not in _MAPPED:
            add(key, tex_escape(" ".join(_values(entry, key))))
    for tag, values in unknown.items():
        if tag not in ("ED", "BT"):
            add(tag.lower(), tex_escape(" ".join(" ".join(str(v).split()) for v in values)))
    key = " ".join(_values(entry, "id")[:1]) or None
    return kind, key, fields


def parse_ris(text: str, name: str = "The text") -> ParsedBib:
    """RIS text as complete records (nothing is written). Raises RisError."""
    import rispy  # here, not at start-up

    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    check_ris(text, name)
    parsed = ParsedBib()
    for entry in rispy.loads(text, enforce_list_tags=True):
        kind, key, fields = record_from_ris(entry)
        tags = [t.strip() for t in _values(entry, "keywords") if t.strip()]
        values = readings(fields)
        parsed.papers.append(BibPaper(NewPaper(**values, citation_key=key, entry_type=kind, fields=tuple(fields)),
                                      tags))
    return parsed


def read_ris(path: "Path", encoding: str | None = None) -> ParsedBib:
    """Read a .ris file (UTF-8, or the `encoding` named). Raises RisError."""
    data = read_input_bytes(path, RisError)
    if not data.strip():
        raise RisError(f"{path.name} is empty: there is nothing to import.")
    return parse_ris(decode_text(data, path.name, encoding, BibEncodingError), path.name)


def looks_like_ris(text: str) -> bool:
    """Whether text begins as RIS does (its first line a TY tag, after any numbering)."""
    for line in lines_of(text.lstrip("\ufeff")):
        if line.strip() and not _NUMBER_LINE.match(line.strip()):
            return bool(re.match(r"^TY  - \S", line))
    return False


def _reading(value: str | None) -> str:
    return " ".join(latex_to_text(strip_braces(value)).split()) if value else ""


def ris_entry(paper: "Paper", tags: Sequence[str] = ()) -> dict[str, Any]:
    """One paper as a rispy reference (each field's Unicode reading)."""
    kind, fields = (paper.entry_type or "misc", tuple(paper.fields)) if paper.fields else record_from_values(
        paper.title, paper.abstract, paper.authors, paper.year, paper.venue, paper.arxiv_id, paper.doi, paper.url)
    kind, fields = to_bibtex(kind, fields)
    ris_type = TYPES_OUT.get(kind, "GEN")
    entry: dict[str, Any] = {"type_of_reference": ris_type}

    def put(key: str, *names: str) -> None:
        value = next((_reading(get(fields, n)) for n in names if get(fields, n)), "")
        if value:
            entry[key] = value

    def people(name: str) -> list[str]:
        return [n.sort_form for n in parse_names(get(fields, name) or "") if not n.others]

    if people("author"):
        entry["authors"] = people("author")
    if people("editor"):
        entry["secondary_authors"] = people("editor")
    put("title", "title")
    if kind == "book":
        put("secondary_title", "series")
    else:
        put("secondary_title", "journal", "booktitle", "howpublished")
        put("tertiary_title", "series")
    year = _reading(get(fields, "year"))
    if year:
        entry["year"] = year
        month = (get(fields, "month") or "").strip().lower()[:3]
        if month in _MONTHS or month.isdigit():
            number = _MONTHS.index(month) + 1 if month in _MONTHS else int(month)
            day = (get(fields, "day") or "").strip()
            entry["date"] = f"{year}/{number:02d}/{int(day):02d}/" if day.isdigit() else f"{year}/{number:02d}//"
    put("volume", "volume")
    put("number", "number")
    pages = _reading(get(fields, "pages"))
    if pages:
        parts = re.split(r"\s*[–—-]+\s*", pages, maxsplit=1)
        entry["start_page"] = parts[0]
        if len(parts) > 1 and parts[1]:
            entry["end_page"] = parts[1]
    put("publisher", "publisher", "school", "institution", "organization")
    put("place_published", "address", "location")
    put("issn", "isbn", "issn")
    put("doi", "doi")
    url = strip_braces(get(fields, "url") or paper.url or "")
    if url:
        entry["urls"] = [url]
    put("abstract", "abstract")
    written = keyword_tags(get(fields, "keywords"))
    keywords = written if same_tags(written, tags) or not tags else list(tags)  # the record's order
    if keywords:
        entry["keywords"] = [k.strip() for k in keywords]
    note = _reading(get(fields, "note"))
    if note:
        entry["notes"] = [note]
    file = strip_braces(get(fields, "file") or "")
    if file:
        entry["file_attachments1"] = file
    put("edition", "edition")
    put("language", "language", "langid")
    if kind in ("mastersthesis",) and not get(fields, "type"):
        entry["type_of_work"] = "Master's thesis"
    put("type_of_work", "type")
    put("short_title", "shorttitle")
    put("access_date", "urldate")
    put("call_number", "library")
    entry["id"] = paper.citation_key
    return entry


def ris_text(items: Sequence[Item]) -> str:
    """RIS text for the papers, as Zotero writes it (no record numbers)."""
    import rispy
    from rispy.writer import RisWriter

    class _Writer(RisWriter):
        def set_header(self, count: int) -> str:
            return ""

    entries = [ris_entry(paper, tags) for paper, tags, _note in items]
    return rispy.dumps(entries, implementation=_Writer)
