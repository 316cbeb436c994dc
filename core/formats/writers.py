"""Markdown and CSV exports (CSL-JSON is core/formats/csljson.py). Text is rendered from LaTeX to Unicode
for reading; Markdown punctuation is escaped so a title never becomes a link,
emphasis or HTML; YAML values are written as JSON strings (always valid YAML)."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from lectern.core.domain.arxiv import paper_url, parse_arxiv
from lectern.core.domain.entry import as_written, strip_braces
from lectern.core.domain.names import NAME_FIELDS, parse_names
from lectern.core.store.atomic import write_atomic
from lectern.core.text.latex import latex_to_text

if TYPE_CHECKING:
    from lectern.core.domain.records import PaperRecord as Paper
    from lectern.core.library.attachments import Attachment

Item = tuple["Paper", list[str], str]  # (paper, tags, note)
Attached = Mapping[int, Sequence["Attachment"]]  # paper id -> its attached files
_FILE_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")
_NAME_MAX = 120  # well under the 255 bytes of a file name


_MD_ESCAPES = str.maketrans({ch: "\\" + ch for ch in "\\`*_{}[]()#+-.!|<>~&\"'=:^$%@;,?/"})


def md_escape(text: str) -> str:
    """CommonMark-escape every ASCII punctuation mark: the text reads back as itself
    (str.translate: a 100k-paper export spent most of its time in a regular expression)."""
    return " ".join(text.split()).translate(_MD_ESCAPES)


def _authors(paper: "Paper") -> list[str]:
    return [a.strip() for a in re.split(r"\s+and\s+", latex_to_text(paper.authors)) if a.strip()]


_NAMES = frozenset(NAME_FIELDS)
_VERBATIM = frozenset({"url", "doi", "eprint", "file", "urlraw"})  # fields whose dashes are not TeX's


def field_readings(paper: "Paper", leave_out: frozenset[str] = frozenset()) -> list[tuple[str, str]]:
    """Every field of a paper's record with its Unicode reading (names as
    "Given Family; ..."), in record order, each name once; the fields named
    (lower case) in `leave_out` are not read at all (an abstract is long)."""
    seen: set[str] = set(leave_out)
    out = []
    for name, value in paper.fields:
        lower = name.lower()
        if lower in seen:
            continue
        seen.add(lower)
        value = as_written(value)  # (the first field of that name, as `get` reads it)
        if lower in _NAMES:
            reading = "; ".join(n.display if not n.others else "others" for n in parse_names(value))
        else:
            reading = " ".join(latex_to_text(strip_braces(value)).split())
            if "--" in reading and lower not in _VERBATIM:
                reading = reading.replace("---", "—").replace("--", "–")  # TeX's dashes, as printed
        out.append((name, reading))
    return out


def _status_box(paper: "Paper") -> str:
    return "[x]" if paper.status == "read" else "[ ]"


def attachment_links(attachments: Sequence["Attachment"]) -> list[str]:
    """A Markdown list item per attached file, linked by its `file:` URL."""
    return [f"- [{md_escape(a.name)}]({a.path.as_uri()})" + ("" if a.exists else " (missing)")
            for a in attachments if a.path.is_absolute()]


_SHOWN_ABOVE = frozenset({"title", "author", "year", "abstract"})  # (the abstract is not in the list)


def markdown_document(items: Sequence[Item], heading: str = "Reading list", attached: Attached | None = None) -> str:
    """One Markdown file: a heading per paper, status as a task box, tags,
    attached files (linked), note."""
    return markdown_joined(heading, markdown_blocks(items, attached))


def markdown_joined(heading: str, blocks: Sequence[str]) -> str:
    """The Markdown file of papers' blocks (`markdown_blocks`, made a chunk at a time)."""
    return "\n".join([f"# {md_escape(heading)}", "", *blocks]).rstrip() + "\n"


_WEB_LINK = re.compile(r"^https?://[^\s<>]+$")


def markdown_blocks(items: Sequence[Item], attached: Attached | None = None) -> list[str]:
    """Each paper's part of `markdown_document`: its lines, joined."""
    blocks = []
    for paper, tags, note in items:
        lines = [f"## {md_escape(latex_to_text(paper.title))}", ""]
        lines.append(f"- {_status_box(paper)} {md_escape(paper.status)}" + (" ★" if paper.starred else ""))
        facts = [("Key", paper.citation_key)]
        if paper.authors:
            facts.append(("Authors", "; ".join(_authors(paper))))
        if paper.year:
            facts.append(("Year", str(paper.year)))
        if tags:
            facts.append(("Tags", ", ".join(tags)))
        facts.append(("Type", paper.entry_type))
        facts += [(name, value) for name, value in field_readings(paper, _SHOWN_ABOVE)  # the rest of the record
                  if value]
        for label, value in facts:
            lines.append(f"- {label}: {md_escape(value)}")
        link = paper_url(paper.url, paper.arxiv_id)
        if link and _WEB_LINK.match(link):
            lines.append(f"- Link: <{link}>")
        lines.append("")
        files = attachment_links((attached or {}).get(paper.id, ()))
        if files:
            lines += ["### Attached files", "", *files, ""]
        if note.strip():
            lines.append("### Note")
            lines.append("")
            lines.append(note.rstrip())  # the reader's own Markdown, kept as written
            lines.append("")
        blocks.append("\n".join(lines))
    return blocks


def front_matter(paper: "Paper", tags: Sequence[str]) -> str:
    """YAML front matter; every value is a JSON string, so `[MASK] tokens: x`,
    `3.6% gains #1`, `yes` and `2023` stay strings."""
    arxiv = parse_arxiv(paper.arxiv_id) if paper.arxiv_id else None
    values = {
        "title": latex_to_text(paper.title),
        "authors": _authors(paper),
        "year": str(paper.year) if paper.year else "",
        "citekey": paper.citation_key,
        "arxiv": arxiv.id if arxiv else "",
        "doi": paper.doi or "",
        "url": paper_url(paper.url, paper.arxiv_id) or "",
        "tags": list(tags),
        "status": paper.status,
        "entrytype": paper.entry_type,
    }
    for name, reading in field_readings(paper):  # every field of the record, after the keys above
        values.setdefault(name if name.lower() not in values else f"field-{name}", reading)
    lines = ["---"]
    for key, value in values.items():
        key = key if _YAML_KEY.match(key) else json.dumps(key, ensure_ascii=False)
        if isinstance(value, list):
            lines.append(f"{key}: [{', '.join(json.dumps(v, ensure_ascii=False) for v in value)}]")
        else:
            lines.append(f"{key}: {json.dumps(value, ensure_ascii=False)}")
    lines.append("---")
    return "\n".join(lines) + "\n"


def markdown_note_file(paper: "Paper", tags: Sequence[str], note: str,
                       attachments: Sequence["Attachment"] = ()) -> str:
    body = [f"# {md_escape(latex_to_text(paper.title))}", ""]
    if paper.abstract.strip():
        body += [md_escape(latex_to_text(paper.abstract)), ""]
    files = attachment_links(attachments)
    if files:
        body += ["## Attached files", "", *files, ""]
    if note.strip():
        body += ["## Note", "", note.rstrip(), ""]
    return front_matter(paper, tags) + "\n" + "\n".join(body)


def note_file_name(key: str) -> str:
    """A file name for a citation key: the key itself when it is a safe name,
    else its safe form plus a short hash of the key, so that `smith:2020`,
    `smith::2020` and `smith_2020` never share a file (the same on every export)."""
    safe = _FILE_UNSAFE.sub("_", key)
    if safe != key or not safe or len(safe) > _NAME_MAX:
        digest = hashlib.sha1(key.encode("utf-8", "surrogatepass")).hexdigest()[:8]
        safe = f"{safe[:_NAME_MAX]}-{digest}"
    return safe + ".md"


def markdown_folder(items: Sequence[Item], folder: Path, attached: Attached | None = None) -> list[Path]:
    """One Markdown file per paper, named by citation key (`note_file_name`),
    written atomically; names are unique even on a case-blind file system."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    taken: set[str] = set()
    for paper, tags, note in items:
        name = note_file_name(paper.citation_key)
        stem, number = name[:-3], 1
        while name.casefold() in taken:
            number += 1
            name = f"{stem}-{number}.md"
        taken.add(name.casefold())
        path = folder / name
        write_atomic(path, markdown_note_file(paper, tags, note, (attached or {}).get(paper.id, ())).encode("utf-8"))
        written.append(path)
    return written


_YAML_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
CSV_COLUMNS = ["citation_key", "title", "authors", "year", "venue", "arxiv_id", "doi", "url", "status", "starred",
               "tags", "added_at"]


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula: one that
    starts with = + - @ tab or CR gets a leading ' (OWASP's CSV-injection advice)."""
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


class _SafeWriter:
    """csv.writer whose every cell goes through `csv_cell`."""

    def __init__(self, buffer: io.StringIO) -> None:
        self._writer = csv.writer(buffer, lineterminator="\n")

    def writerow(self, row: Sequence[object]) -> None:
        self._writer.writerow([csv_cell(value) for value in row])


def csv_text(items: Sequence[Item]) -> str:
    """One row per paper: the columns above, then the entry type and one column
    per field name found among the papers (its Unicode reading). No cell can
    start a spreadsheet formula (see `csv_cell`)."""
    buffer = io.StringIO()
    writer = _SafeWriter(buffer)
    readings = [dict((name.lower(), value) for name, value in field_readings(paper)) for paper, _t, _n in items]
    names: dict[str, None] = {}
    for fields in readings:
        names.update(dict.fromkeys(n for n in fields if n not in CSV_COLUMNS and n != "entrytype"))
    writer.writerow(CSV_COLUMNS + ["entrytype"] + list(names))
    for (paper, tags, _note), fields in zip(items, readings):
        writer.writerow([paper.citation_key, latex_to_text(paper.title), latex_to_text(paper.authors),
                         paper.year or "", paper.venue, paper.arxiv_id or "", paper.doi or "", paper.url or "",
                         paper.status, "yes" if paper.starred else "", "; ".join(tags),
                         paper.added_at.strftime("%Y-%m-%d"), paper.entry_type] +
                        [fields.get(name, "") for name in names])
    return buffer.getvalue()
