"""Reading CSL-JSON (pandoc's, Zotero's, citeproc's, Lectern's own) into
complete records. Each item becomes a BibLaTeX record: its type mapped the
way pandoc writes BibLaTeX, each variable into the field biblatex has for it
(text made TeX-safe once, markup as LaTeX commands, names as "Family, Given
and ...", dates as EDTF), unknown variables kept as fields of their own name.
An item Lectern exported and no one changed since is read back from the record
it carries (csljson.CARRIER), exactly as it was. A file that is not CSL-JSON
(not a list of objects each with an `id` and a `type`) is refused whole."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from lectern.core.domain.entry import Field, get, readings
from lectern.core.domain.records import NewPaper
from lectern.core.formats.bibtex_import import BibEncodingError, BibError, BibPaper, ParsedBib
from lectern.core.formats.csl_tables import BABEL, BIBLATEX_TYPES, GENRE_KEYS
from lectern.core.formats.csl_text import tex_from_csl
from lectern.core.formats.csljson import CARRIER, item_for
from lectern.core.formats.listing import read_input_bytes
from lectern.core.text.encoding import decode_text
from lectern.core.text.texsafe import tex_escape


class CslError(BibError):
    """The file cannot be imported as CSL-JSON; the message says why."""


_NAMES = {"author": "author", "editor": "editor", "translator": "translator", "container-author": "bookauthor",
          "director": "director", "collection-editor": "collection-editor", "composer": "composer",
          "interviewer": "interviewer", "recipient": "recipient", "reviewed-author": "reviewed-author"}
_DATES = {"issued": "date", "accessed": "urldate", "event-date": "eventdate", "original-date": "origdate"}
_TEXT = {"edition": "edition", "version": "version", "number-of-pages": "pagetotal", "number-of-volumes": "volumes",
         "chapter-number": "chapter", "event-place": "venue", "event": "eventtitle", "event-title": "eventtitle",
         "original-publisher": "origpublisher", "abstract": "abstract", "note": "note", "annote": "annotation",
         "keyword": "keywords", "status": "pubstate", "volume": "volume", "collection-title": "series"}
_TITLES = frozenset({"title", "maintitle", "booktitle", "series", "eventtitle", "origtitle", "shorttitle"})
_VERBATIM = {"DOI": "doi", "URL": "url", "ISBN": "isbn", "ISSN": "issn", "PMID": "pmid", "PMCID": "pmcid",
             "call-number": "library"}
_HANDLED = frozenset({"id", "citation-key", "type", "custom", "title", "volume-title", "container-title",
                      "title-short", "container-title-short", "page", "number", "issue", "collection-number",
                      "publisher", "publisher-place", "original-publisher-place", "jurisdiction", "genre",
                      "language", "original-title"}) | set(_NAMES) | set(_DATES) | set(_TEXT) | set(_VERBATIM)
_ARXIV_NUMBER = re.compile(r"^\s*arxiv:\s*(\S+)\s*$", re.IGNORECASE)


def _kind_of(value: Any) -> str:
    return {list: "a list", dict: "an object", str: "a string", bool: "true or false"}.get(
        type(value), "a number" if isinstance(value, (int, float)) else "null")


def _string(value: Any) -> str:
    return value if isinstance(value, str) else str(value) if isinstance(value, (int, float)) else ""


def tex_name(name: dict[str, Any]) -> str:
    """A CSL name as BibTeX writes it: "von Family, Jr, Given", a literal braced."""
    literal = _string(name.get("literal"))
    if literal:
        return "others" if literal == "others" else "{" + tex_escape(literal) + "}"
    family = tex_escape(_string(name.get("family")))
    particle = " ".join(tex_escape(_string(name.get(k))) for k in ("dropping-particle", "non-dropping-particle")
                        if _string(name.get(k)))
    given, suffix = tex_escape(_string(name.get("given"))), tex_escape(_string(name.get("suffix")))

    def part(text: str) -> str:
        return "{" + text + "}" if "," in text or re.search(r"\band\b", text, re.IGNORECASE) else text

    if any(word[:1].islower() for word in family.split()):  # "Vázques de Parga": not a "von" part
        family = "{" + family + "}"
    last = " ".join(p for p in (particle, part(family)) if p)
    if not given and not suffix:
        return last if " " not in family else "{" + family + "}"
    return ", ".join(p for p in (last, part(suffix), part(given)) if p)


def tex_names(names: Any) -> str:
    return " and ".join(tex_name(n) for n in names if isinstance(n, dict) and tex_name(n))


def edtf(date: Any) -> str | None:
    """A CSL date as EDTF (`2006-10-01`, `1885/1888`, `1996~`); None when it has no parts."""
    if not isinstance(date, dict):
        return None
    parts = date.get("date-parts")
    if not parts and isinstance(date.get("raw"), str):
        raw = date["raw"].strip()
        return raw if re.fullmatch(r"-?\d{1,4}(-\d\d){0,2}(/-?\d{1,4}(-\d\d){0,2})?", raw) else None
    if not isinstance(parts, list) or not parts:
        return None
    out = []
    for part in parts[:2]:
        numbers = [int(p) for p in part[:3] if str(p).strip().lstrip("-").isdigit()] if isinstance(part, list) else []
        if numbers:
            out.append("-".join([f"{numbers[0]:04d}" if numbers[0] >= 0 else str(numbers[0])] +
                                [f"{n:02d}" for n in numbers[1:]]))
    if not out:
        return None
    return "/".join(out) + ("~" if date.get("circa") else "")


def _literal_list(text: str) -> str:
    """"A; B" (a CSL list of places or publishers) as biblatex's `A and B`."""
    parts = [tex_from_csl(p.strip()) for p in text.split(";") if p.strip()]
    return " and ".join("{" + p + "}" if re.search(r"\band\b", p) else p for p in parts)


def fields_from_item(item: dict[str, Any]) -> tuple[str, list[Field]]:
    """(entry type, fields) for a CSL item (see the module docstring)."""
    csl_type = _string(item.get("type"))
    kind = BIBLATEX_TYPES.get(csl_type, "misc")
    if csl_type == "chapter" and item.get("editor"):
        kind = "incollection"
    fields: list[Field] = []
    have: set[str] = set()

    def add(name: str, value: str | None) -> None:
        if value and value.strip() and name.lower() not in have:
            fields.append((name, value))
            have.add(name.lower())

    def text(key: str, title: bool = False) -> str | None:
        value = _string(item.get(key))
        return tex_from_csl(re.sub(r"[ \t\r\n]+", " ", value).strip(), title) if value.strip() else None

    for key, name in _NAMES.items():
        if isinstance(item.get(key), list):
            add(name, tex_names(item[key]))
    if any(isinstance(n, dict) and n.get("non-dropping-particle") for k in _NAMES for n in item.get(k) or []
           if isinstance(item.get(k), list)):
        add("options", "useprefix=true")  # "van Gennep" sorted under V, as biblatex's option says
    chapterlike = kind in ("inbook", "incollection", "inproceedings", "inreference")
    if item.get("volume-title") and chapterlike:
        add("title", text("title", True))
        add("booktitle", text("volume-title", True))
        add("maintitle", text("container-title", True))
    elif item.get("volume-title"):
        add("title", text("volume-title", True))
        add("maintitle", text("title", True))
    else:
        add("title", text("title", True))
    short = _string(item.get("title-short"))
    whole = _string(item.get("title"))
    if short and not (":" in whole and short == whole.split(":")[0].strip()):
        add("shorttitle", text("title-short", True))
    container = "journaltitle" if kind in ("article", "periodical", "review") else \
        "booktitle" if chapterlike else "howpublished"
    add(container, text("container-title", container == "booktitle"))
    add("shortjournal", text("container-title-short"))
    add("origtitle", text("original-title", True))
    number = _string(item.get("number"))
    arxiv = _ARXIV_NUMBER.match(number)
    if arxiv:
        add("eprint", arxiv.group(1))
        add("eprinttype", "arxiv")
    if kind == "article":
        add("number", text("issue"))
    add("number", text("collection-number"))
    if not arxiv:
        add("number", text("number"))
    if kind != "article":
        add("issue", text("issue"))
    page = _string(item.get("page"))
    add("pages", re.sub(r"(?<=\w)\s*[-–]\s*(?=\w)", "--", tex_from_csl(page)) if page.strip() else None)
    for key, name in _TEXT.items():
        add(name, text(key, name in _TITLES))
    publisher = _string(item.get("publisher"))
    if publisher.strip() and not (arxiv and publisher.strip().lower() == "arxiv"):
        add("institution" if kind in ("thesis", "report") else "publisher", _literal_list(publisher))
    for key, name in (("publisher-place", "location"), ("jurisdiction", "location"),
                      ("original-publisher-place", "origlocation")):
        if _string(item.get(key)).strip():
            add(name, _literal_list(_string(item[key])))
    genre = _string(item.get("genre")).strip()
    if genre:
        add("type", GENRE_KEYS.get(genre.lower().replace("’", "'"), GENRE_KEYS.get(genre.lower(), tex_escape(genre))))
    if csl_type in ("article-magazine", "article-newspaper"):
        add("entrysubtype", csl_type.split("-")[1])
    language = _string(item.get("language")).strip()
    if language:
        babel = BABEL.get(language) or BABEL.get(language.split("-")[0].lower())
        add("langid", babel or tex_escape(language))
    for key, name in _DATES.items():
        date = edtf(item.get(key))
        if date:
            add(name, date)
        elif key == "issued" and isinstance(item.get(key), dict):
            literal = _string(item[key].get("literal") or item[key].get("raw"))
            add("year", tex_escape(literal) if literal.strip() else None)
    for key, name in _VERBATIM.items():
        add(name, " ".join(_string(item.get(key)).split()) or None)
    for key, value in item.items():
        if key in _HANDLED or value in (None, "", [], {}):
            continue
        name = re.sub(r"[^A-Za-z0-9_-]+", "-", key).strip("-") or "field"
        if isinstance(value, list) and all(isinstance(n, dict) and ("family" in n or "literal" in n) for n in value):
            add(name, tex_names(value))
        elif isinstance(value, dict) and edtf(value):
            add(name, edtf(value))
        elif isinstance(value, (str, int, float)):
            add(name, tex_escape(str(value)))
        else:
            add(name, tex_escape(json.dumps(value, ensure_ascii=False)))
    return kind, fields


def _tags(item: dict[str, Any]) -> list[str]:
    return [t.strip() for t in re.split(r"[,;]", _string(item.get("keyword"))) if t.strip()]


def _carried(item: dict[str, Any]) -> tuple[str, tuple[Field, ...]] | None:
    custom = item.get("custom")
    record = custom.get(CARRIER) if isinstance(custom, dict) else None
    if not isinstance(record, dict) or not isinstance(record.get("type"), str):
        return None
    fields = record.get("fields")
    if not isinstance(fields, list) or not all(isinstance(f, list) and len(f) == 2 and
                                               all(isinstance(x, str) for x in f) for f in fields):
        return None
    return record["type"], tuple((k, v) for k, v in fields)


def items_of(data: Any, name: str) -> list[dict[str, Any]]:
    """The references of decoded CSL-JSON; CslError when it is not CSL-JSON."""
    expected = "CSL-JSON is a list of references, each an object with an “id” and a “type”"
    if isinstance(data, dict) and isinstance(data.get("type"), str) and "id" in data:
        data = [data]
    if not isinstance(data, list):
        raise CslError(f"{name} holds {_kind_of(data)}, not CSL-JSON ({expected}).")
    if not data:
        raise CslError(f"{name} holds no references (an empty list).")
    for i, item in enumerate(data, 1):
        if not isinstance(item, dict):
            raise CslError(f"{name}: item {i} is {_kind_of(item)}, not a reference ({expected}).")
        missing = ["id"] if not _string(item.get("id")).strip() else \
            [] if isinstance(item.get("type"), str) else ["type"]  # pandoc writes a @misc as type ""
        if missing:
            raise CslError(f"{name}: item {i} has no “{missing[0]}”, so it is not a CSL-JSON reference ({expected}).")
    return data


def parse_csl_json(text: str, name: str = "The text") -> ParsedBib:
    """CSL-JSON text as complete records (nothing is written). Raises CslError."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CslError(f"{name} is not JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}).") from None
    items = items_of(data, name)
    carried = {}
    for item in items:
        record = _carried(item)
        if record is not None:
            carried[_string(item.get("citation-key") or item["id"]).lower()] = record
    parsed = ParsedBib()
    for item in items:
        key = _string(item.get("citation-key") or item["id"]).strip()
        record = _carried(item)
        tags = _tags(item)
        if record is not None:
            unchanged = {k: v for k, v in item.items() if k != "custom"}
            if item_for(key, record[0], record[1], tags, carried) != unchanged:
                record = None  # changed by another program since Lectern wrote it: its CSL variables count
        kind, fields = record if record is not None else fields_from_item(item)
        parent = carried.get((get(fields, "crossref") or "").strip().lower())
        values = readings(fields, parent[1] if parent else None)
        parsed.papers.append(BibPaper(NewPaper(**values, citation_key=key, entry_type=kind, fields=tuple(fields)),
                                      tags))
    return parsed


def read_csl_json(path: Path, encoding: str | None = None) -> ParsedBib:
    """Read a CSL-JSON file (UTF-8, or the `encoding` named). Raises CslError."""
    data = read_input_bytes(path, CslError)
    if not data.strip():
        raise CslError(f"{path.name} is empty: there is nothing to import.")
    return parse_csl_json(decode_text(data, path.name, encoding, BibEncodingError), path.name)


def looks_like_json(text: str) -> bool:
    """Whether pasted or loaded text is JSON (a list or an object), to be read as CSL-JSON."""
    stripped = text.lstrip("\ufeff \t\r\n")
    return stripped[:1] in ("[", "{") and not stripped.startswith("{\\")
