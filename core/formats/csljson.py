"""CSL-JSON export and import (pandoc, Zotero, citeproc). A record's fields
are mapped to CSL variables the way pandoc's BibTeX/BibLaTeX reader does
(pandoc's src/Text/Pandoc/Citeproc/BibTeX.hs is the reference): entry types,
title with subtitle and sentence case, container, collection and volume titles,
names as family/given/particle/suffix or literal, dates as date-parts,
publisher and place lists, numbers as volume/issue/collection-number, and the
identifiers. Export also carries each record as written in CSL's `custom`
object, so that Lectern reading its own export gets the records back exactly;
an item changed by another program since is read from its CSL variables. CSL
has no variable for files: the attached files go into the carried record's
`file` field (JabRef's convention, so importing the export links them again)
and are listed by path in `custom.files` for people and scripts (a record's
own `file` value, which may be a web address, stays in the carried record only).
Import turns CSL variables back into BibLaTeX fields (text made TeX-safe
once, names as "Family, Given and ..."), keeping unknown variables as fields."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lectern.core.domain.entry import RAW, Field, get, keyword_tags, record_from_values, strip_braces, with_field
from lectern.core.domain.names import Name, parse_names
from lectern.core.domain.records import same_tags
from lectern.core.formats.bib_dialects import is_biblatex_record
from lectern.core.formats.csl_tables import (
    BIBSTRINGS,
    CSL_TYPES,
    ordinal,
    to_ietf,
)
from lectern.core.formats.csl_text import apostrophes, csl_text, plain_text
from lectern.core.formats.file_field import merged_file_field, shown_path

if TYPE_CHECKING:
    from lectern.core.domain.records import PaperRecord as Paper
    from lectern.core.library.attachments import Attachment

Item = tuple["Paper", list[str], str]  # (paper, tags, note)
Record = tuple[str, tuple[Field, ...]]  # (entry type, fields)
CARRIER = "lectern-record"  # the key inside CSL's `custom` object that holds the record as written

_BOOKLIKE = frozenset({"book", "collection", "proceedings", "reference", "mvbook", "mvcollection", "mvproceedings",
                       "mvreference", "bookinbook", "inbook", "incollection", "inproceedings", "inreference",
                       "suppbook", "suppcollection"})
_ARTICLES = frozenset({"article", "periodical", "suppperiodical", "review"})
_CHAPTERLIKE = frozenset({"inbook", "incollection", "inproceedings", "inreference", "bookinbook"})
_NOT_INHERITED = frozenset({"ids", "crossref", "xref", "entryset", "entrysubtype", "execute", "label", "options",
                            "presort", "related", "relatedoptions", "relatedstring", "relatedtype", "shorthand",
                            "shorthandintro", "sortkey", "xdata"})
_TITLES = ("title", "subtitle", "titleaddon", "shorttitle", "sorttitle", "indextitle", "indexsorttitle")


def _transformed(parent_type: str, child_type: str, name: str) -> list[str]:
    """The names a parent's field takes in its child (biblatex manual, appendix B)."""
    if name in _NOT_INHERITED:
        return []
    if name == "author" and ((parent_type in ("mvbook", "book") and child_type in ("inbook", "bookinbook", "suppbook"))
                             or (parent_type == "mvbook" and child_type == "book")):
        return ["bookauthor", "author"]
    main = {"title": "maintitle", "subtitle": "mainsubtitle", "titleaddon": "maintitleaddon"}
    book = {"title": "booktitle", "subtitle": "booksubtitle", "titleaddon": "booktitleaddon"}
    if (parent_type == "mvbook" and child_type in ("book", "inbook", "bookinbook", "suppbook")) or \
            (parent_type in ("mvcollection", "mvreference") and child_type in (
                "collection", "reference", "incollection", "inreference", "suppcollection")) or \
            (parent_type == "mvproceedings" and child_type in ("proceedings", "inproceedings")):
        return [] if name in _TITLES[3:] else [main.get(name, name)]
    if (parent_type == "book" and child_type in ("inbook", "bookinbook", "suppbook")) or \
            (parent_type in ("collection", "reference") and child_type in (
                "incollection", "inreference", "suppcollection")) or \
            (parent_type == "proceedings" and child_type == "inproceedings"):
        return [] if name in _TITLES[3:] else [book.get(name, name)]
    if parent_type == "periodical" and child_type in ("article", "suppperiodical"):
        periodical = {"title": "journaltitle", "subtitle": "journalsubtitle"}
        return [] if name in _TITLES[3:] else [periodical.get(name, name)]
    return [name]


def _resolved(kind: str, fields: Sequence[Field], records: Mapping[str, Record], biblatex: bool,
              seen: frozenset[str] = frozenset()) -> dict[str, str]:
    """Field name (lower case) -> value, with what the crossref / xdata parents give."""
    values: dict[str, str] = {}
    for key, value in fields:
        values.setdefault(key.lower(), value[1:] if value.startswith(RAW) else value)
    for link in ("crossref", "xdata"):
        if link not in values:  # (most records have neither)
            continue
        for parent_key in re.split(r"[\s,]+", values[link].strip()):
            parent = records.get(parent_key.lower())
            if not parent_key or parent is None or parent_key.lower() in seen:
                continue
            parent_values = _resolved(parent[0], parent[1], records, biblatex, seen | {parent_key.lower()})
            for name, value in parent_values.items():
                names = _transformed(parent[0], kind, name) if biblatex else [name]
                for new in names:
                    values.setdefault(new, value)
    return values


def _split_and(value: str) -> list[str]:
    """A literal list (`A and B`) split at the `and`s outside braces."""
    parts, depth, start = [], 0, 0
    for match in re.finditer(r"[{}]|\s+and\s+", value):
        token = match.group(0)
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
        elif depth == 0:
            parts.append(value[start:match.start()])
            start = match.end()
    parts.append(value[start:])
    return [p.strip() for p in parts if p.strip()]


def _concat(sep: str, parts: Sequence[str | None]) -> str:
    out = ""
    for part in parts:
        if not part:
            continue
        if not out:
            out = part
        elif out[-1] in "!?.,:;":
            out += " " + part
        else:
            out += sep + " " + part
    return out


def csl_name(name: Name, useprefix: bool = False) -> dict[str, str]:
    """A structured name as CSL has it (apostrophes typographic, as pandoc writes them)."""
    if name.literal:
        return {"literal": apostrophes(name.literal)}
    out = {"family": apostrophes(name.family)}
    if name.given:
        out["given"] = apostrophes(name.given)
    if name.prefix:
        out["non-dropping-particle" if useprefix else "dropping-particle"] = apostrophes(name.prefix)
    if name.suffix:
        out["suffix"] = apostrophes(name.suffix)
    return out


_EDTF = re.compile(r"^(-?\d{1,4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?$")


def _edtf_parts(text: str) -> list[int] | None:
    match = _EDTF.match(text.strip())
    if not match:
        return None
    return [int(g) for g in match.groups() if g is not None]


def csl_date(value: str) -> dict[str, Any]:
    """An EDTF date (`2006-10-01`, `1885/1888`, `1996~`) as CSL date-parts."""
    text = strip_braces(value).strip()
    circa = text.endswith(("~", "?", "%"))
    ranges = [_edtf_parts(p.rstrip("~?%")) for p in text.split("/")] if text else [None]
    if any(r is None for r in ranges if r is not None) or not ranges or ranges[0] is None:
        return {"literal": plain_text(text)}
    out: dict[str, Any] = {"date-parts": [r for r in ranges if r]}
    if circa:
        out["circa"] = True
    return out


def _month(value: str | None) -> int | None:
    if not value:
        return None
    text = strip_braces(value).strip().lower()[:3]
    months = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
    if text in months:
        return months.index(text) + 1
    return int(text) if text.isdigit() and 1 <= int(text) <= 12 else None


_INTEGER = re.compile(r"-?\d+")


def _old_date(v: Mapping[str, str], prefix: str) -> dict[str, Any] | None:
    if prefix + "year" not in v and prefix + "endyear" not in v:  # (no date of this kind)
        return None

    def number(name: str) -> int | None:
        if name not in v:
            return None
        if v[name].isascii() and v[name].isdigit():  # (a plain `2021` reads as itself)
            return int(v[name])
        raw = re.sub(r"\\[A-Za-z]+\s*\{[^{}]*\}", "", v[name]) if "\\" in v[name] else v[name]  # `{\noopsort{a}}1973`
        text = plain_text(raw).replace("–", "-").replace("—", "-").strip()
        return int(text) if _INTEGER.fullmatch(text) else None

    parts = []
    for start in ("", "end"):
        year = number(prefix + start + "year")
        if year is None:
            continue
        part = [year]
        month = _month(v.get(prefix + start + "month"))
        if month:
            part.append(month)
            day = number(prefix + start + "day")
            if day:
                part.append(day)
        parts.append(part)
    if parts:
        return {"date-parts": parts}
    if prefix + "year" in v:
        return {"literal": plain_text(v[prefix + "year"])}
    return None


def _bibstring(text: str) -> str:
    return BIBSTRINGS.get(text.strip().lower(), text)


def item_for(key: str, kind: str, fields: Sequence[Field], tags: Sequence[str] = (),
             records: Mapping[str, Record] | None = None) -> dict[str, Any]:
    """The CSL-JSON item for one record (pandoc's mapping; see the module docstring)."""
    kind = kind.lower()
    biblatex = is_biblatex_record(kind, fields)
    v = _resolved(kind, fields, records or {}, biblatex)
    options = {o.split("=")[0].strip().lower(): (o.split("=", 1)[1].strip().lower() if "=" in o else "true")
               for o in v.get("options", "").split(",") if o.strip()}
    subtype = v.get("entrysubtype", "").strip().lower()
    csl_type = CSL_TYPES.get(kind, "document")
    if csl_type in ("article-journal",) and subtype in ("magazine", "newspaper"):
        csl_type = "article-" + subtype
    if kind == "unpublished" and ("eventdate" in v or "eventtitle" in v or "venue" in v):
        csl_type = "speech"
    eprint_type = (v.get("eprinttype") or v.get("archiveprefix") or "").strip().lower()
    if kind == "misc" and eprint_type == "arxiv":
        csl_type = "article"
    langid = v.get("langid", "").strip().lower()
    variant = (v.get("langidopts", "").replace(" ", "").lower().split("variant=") + [""])[1].split(",")[0]
    if langid == "english" and variant in ("british", "uk"):
        langid = "british"
    elif langid == "english" and variant in ("american", "us", "usmax"):
        langid = "american"
    language = to_ietf(langid or v.get("hyphenation", "").strip().lower())
    english = language is None or language.startswith("en")

    present = {name for name, value in v.items() if value.strip()}  # (most of the fields asked for are absent)

    def text(name: str) -> str | None:
        return csl_text(v[name]) if name in present else None

    def title(name: str) -> str | None:
        return csl_text(v[name], english) if name in present else None

    def literal_list(name: str) -> str | None:
        if name not in present:
            return None
        if not biblatex:
            return text(name)
        return "; ".join(csl_text(p) for p in _split_and(v[name]))

    def identifier(name: str) -> str | None:
        return (strip_braces(v[name]) or None) if v.get(name) else None

    def names(name: str) -> list[dict[str, str]] | None:
        if name not in present:
            return None
        return [csl_name(n, options.get("useprefix") == "true") for n in parse_names(v[name])] or None

    item: dict[str, Any] = {"id": key, "citation-key": key, "type": csl_type}
    genre = _bibstring(plain_text(v["type"])) if v.get("type", "").strip() else None
    if genre is None and kind in ("phdthesis", "mastersthesis"):
        genre = BIBSTRINGS["phdthesis" if kind == "phdthesis" else "mathesis"]
    is_article, periodical = kind in _ARTICLES, kind == "periodical"
    chapterlike, has_main = kind in _CHAPTERLIKE, bool(v.get("maintitle"))
    main_book = has_main and not chapterlike

    # Each: the first of its choices that gives a value (`a or b or None`: a choice left out is None).
    main_title = ((periodical and title("issuetitle")) or (main_book and title("maintitle")) or title("title")
                  or None)
    subtitle = ((periodical and title("issuesubtitle")) or (main_book and title("mainsubtitle"))
                or title("subtitle") or None)
    addon = (main_book and title("maintitleaddon")) or title("titleaddon") or None
    volume_title = (title("title") if main_book else title("booktitle") if has_main and chapterlike else None)
    volume_sub = (title("subtitle") if main_book else title("booksubtitle") if has_main and chapterlike else None)
    volume_addon = (title("titleaddon") if main_book else title("booktitleaddon") if has_main and chapterlike
                    else None)
    container = ((periodical and text("title")) or (chapterlike and (title("maintitle") or title("booktitle")))
                 or text("journaltitle") or text("journal") or None)
    container_sub = ((periodical and text("subtitle"))
                     or (chapterlike and (title("mainsubtitle") or title("booksubtitle")))
                     or text("journalsubtitle") or None)
    container_addon = ((periodical and text("titleaddon"))
                       or (chapterlike and (title("maintitleaddon") or title("booktitleaddon"))) or None)
    series_key = v.get("series", "").strip()
    if series_key.isdigit():
        series: str | None = f"{ordinal(series_key)} {BIBSTRINGS['jourser']}"
    elif series_key:
        series = csl_text(_bibstring(series_key), title=english)
    else:
        series = None
    if not has_main or chapterlike:
        short = title("shorttitle")
    else:
        short = None
    if short is None and main_title:
        whole = title("title") or ""
        if (subtitle or addon) and not has_main:
            short = whole
        elif ":" in whole:
            short = whole.split(":")[0]
    number = text("number")
    put: list[tuple[str, Any]] = [
        ("author", names("author")), ("editor", names("editor") if v.get("editortype") != "director" else None),
        ("director", names("editor") if v.get("editortype") == "director" else names("director")),
        ("translator", names("translator")), ("container-author", names("bookauthor")),
        ("issued", csl_date(v["date"]) if v.get("date", "").strip() else _old_date(v, "")),
        ("event-date", csl_date(v["eventdate"]) if v.get("eventdate") else _old_date(v, "event")),
        ("original-date", csl_date(v["origdate"]) if v.get("origdate") else _old_date(v, "orig")),
        ("accessed", csl_date(v["urldate"]) if v.get("urldate") else _old_date(v, "url")),
        ("title", _concat(".", [_concat(":", [main_title, subtitle]), addon]) if main_title else None),
        ("volume-title", _concat(".", [_concat(":", [volume_title, volume_sub]), volume_addon])
         if volume_title else None),
        ("container-title", _concat(".", [_concat(":", [container, container_sub]), container_addon])
         if container else None),
        ("container-title-short", (periodical and not has_main and text("shorttitle")) or text("shortjournal")
         or None),
        ("collection-title", series), ("title-short", short or None),
        ("event", title("eventtitle")), ("original-title", title("origtitle")),
        ("page", pages.replace("–", "-") if (pages := text("pages")) else None),
        ("number-of-pages", text("pagetotal")),
        ("volume", _concat(".", [text("volume"), text("part")]).replace(". ", ".") or None),
        ("number-of-volumes", text("volumes")), ("chapter-number", text("chapter")),
        ("edition", text("edition")), ("version", text("version")),
        ("number", number if number and kind not in _BOOKLIKE and not is_article else None),
        ("collection-number", number if number and kind in _BOOKLIKE else None),
        ("issue", ", ".join(p for p in (number, text("issue")) if p) if is_article and (number or text("issue"))
         else None),
        ("publisher", "; ".join(p for p in (
            literal_list(n) if n != "howpublished" else text(n)
            for n in ("school", "institution", "organization", "howpublished", "publisher")) if p) or None),
        ("original-publisher", text("origpublisher")),
        ("jurisdiction", "; ".join(_bibstring(csl_text(p)) for p in _split_and(v["location"]))
         if csl_type == "patent" and v.get("location") else None),
        ("event-place", text("venue")),
        ("publisher-place", literal_list("address") or (literal_list("location") if csl_type != "patent" else None)),
        ("original-publisher-place", literal_list("origlocation")),
        ("genre", genre), ("language", language),
    ]
    url = strip_braces(v["url"]) if v.get("url") and (kind == "online" or options.get("url") != "false") else None
    eprint = strip_braces(v["eprint"]) if v.get("eprint") else ""
    if url is None and eprint:
        base = {"arxiv": "https://arxiv.org/abs/", "jstor": "https://www.jstor.org/stable/",
                "pubmed": "https://www.ncbi.nlm.nih.gov/pubmed/", "googlebooks": "https://books.google.com?id="}
        if eprint_type in base:
            url = base[eprint_type] + eprint
    if csl_type == "article" and eprint and eprint_type == "arxiv" and not number:
        put.append(("number", f"arXiv:{eprint}"))
    keywords = v.get("keywords", "")
    keyword = (csl_text(keywords) if keywords.strip() and same_tags(keyword_tags(keywords), tags)
               else ", ".join(tags) or None)
    put += [("URL", url), ("DOI", strip_braces(v["doi"]) if v.get("doi") and options.get("doi") != "false" else None),
            ("ISBN", identifier("isbn")), ("ISSN", identifier("issn")), ("PMID", identifier("pmid")),
            ("PMCID", identifier("pmcid")), ("call-number", identifier("library")),
            ("note", _concat(".", [text("note") if not periodical else None,
                                   text("addendum") if biblatex else None]) or None),
            ("annote", text("annotation") or text("annote")), ("abstract", text("abstract")),
            ("keyword", keyword), ("status", _bibstring(text("pubstate") or "") or None)]
    for name, value in put:
        if value:
            item[name] = value
    return item


def _record(paper: "Paper") -> Record:
    if paper.fields:
        return paper.entry_type or "misc", tuple(paper.fields)
    return record_from_values(paper.title, paper.abstract, paper.authors, paper.year, paper.venue, paper.arxiv_id,
                              paper.doi, paper.url)


Files = Mapping[int, Sequence[str]]  # paper id -> its attached files' paths, as exported (`attached_paths`)


def _item(paper: "Paper", tags: Sequence[str], kind: str, fields: tuple[Field, ...],
          records: Mapping[str, Record] | None, files: Files | None = None) -> dict[str, Any]:
    item = item_for(paper.citation_key, kind, fields, tags, records)
    item["custom"] = {CARRIER: {"type": kind, "fields": fields}}  # (pairs are written as JSON arrays)
    if files and files.get(paper.id):
        item["custom"]["files"] = list(files[paper.id])
    return item


def attached_paths(attached: Mapping[int, Sequence["Attachment"]], folder: Path | None = None) -> dict[int, list[str]]:
    """Each paper's attached files as `custom.files` lists them: relative to
    `folder` (the exported file's) when inside it, else absolute."""
    return {paper_id: [shown_path(a.path, folder) for a in files] for paper_id, files in attached.items() if files}


def with_attachments(items: Sequence[Item], attached: Mapping[int, Sequence["Attachment"]],
                     folder: Path | None = None) -> list[Item]:
    """`items` with each paper's attached files added to its record's `file`
    field, as the BibTeX export writes them (relative to `folder`, the exported
    file's, when inside it)."""
    out = []
    for paper, tags, note in items:
        files = attached.get(paper.id)
        if files:
            kind, fields = _record(paper)
            merged = merged_file_field(get(fields, "file"), files, folder)
            paper = replace(paper, entry_type=kind, fields=with_field(fields, "file", merged))
        out.append((paper, tags, note))
    return out


def csl_items(items: Sequence[Item], files: Files | None = None) -> list[dict[str, Any]]:
    """The CSL-JSON items of exported papers (`files`: their attached files);
    a crossref parent among them gives its children what they lack, as pandoc reads them."""
    records = {paper.citation_key.lower(): _record(paper) for paper, _tags, _note in items}
    return [_item(paper, tags, *records[paper.citation_key.lower()], records, files)
            for paper, tags, _note in items]


# One encoder for every item (json.dumps with options makes one a call); the items
# are fresh trees, so the check for cycles is left out.
_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": "), check_circular=False).encode


def csl_json(items: Sequence[Item], files: Files | None = None) -> str:
    """CSL-JSON text, as pandoc and Zotero read it: one item a line (each
    encoded by json's C encoder, which an indented dump does not use; it was
    most of a large export's time)."""
    return csl_document(["  " + _ENCODE(item) for item in csl_items(items, files)])


def csl_document(lines: Sequence[str]) -> str:
    """The CSL-JSON text of items already encoded, one a line."""
    return "[\n" + ",\n".join(lines) + "\n]\n" if lines else "[]\n"


def item_lines(items: Sequence[Item], files: Files | None = None) -> list[str]:
    """The lines `csl_json` writes for items that name no crossref or xdata
    parent and share no key with another exported item (core/transfer/export.py
    `_stand_alone` decides that for a chunk)."""
    out = []
    for paper, tags, _note in items:
        kind, fields = _record(paper)
        out.append("  " + _ENCODE(_item(paper, tags, kind, fields, None, files)))
    return out
