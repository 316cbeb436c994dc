"""BibTeX's `file` field, as JabRef writes it and Zotero too: entries joined by
`;`, each `description:path:type`, with `\\`, `:` and `;` inside a part escaped
by a backslash (`C\\:\\\\papers\\\\x.pdf`). JabRef's type is a name (`PDF`),
Zotero's a MIME type (`application/pdf`); a bare path is one entry too.

Export keeps a record's `file` field exactly as written and appends the
attachments it does not name yet; import links the files that exist."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lectern.core.library.attachments import Attachment

# JabRef's names for the common file types (by extension); others: the extension, upper-cased.
FILE_TYPES = {"pdf": "PDF", "ps": "PostScript", "djvu": "DjVu", "epub": "ePUB", "txt": "Text", "html": "URL",
              "md": "Markdown", "doc": "Word", "docx": "Word", "odt": "OpenDocument text", "tex": "LaTeX"}


@dataclass(frozen=True)
class FileLink:
    """One entry of a `file` field: what it says, unescaped."""

    description: str
    path: str
    kind: str = ""


def _split(text: str, separator: str) -> list[str]:
    """`text` cut at each `separator` not escaped by a backslash (escapes kept)."""
    parts, current, escaped = [], [], False
    for ch in text:
        if escaped:
            current.append(ch)
            escaped = False
        elif ch == "\\":
            current.append(ch)
            escaped = True
        elif ch == separator:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return parts


def unquote(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text, flags=re.DOTALL)


def quote(text: str) -> str:
    """A part of an entry with JabRef's escapes (`\\`, `:` and `;`)."""
    return re.sub(r"([\\:;])", r"\\\1", text)


def parse_file_field(value: str | None) -> list[FileLink]:
    """The entries of a `file` field (JabRef's or Zotero's); a part left empty
    is ''. With one part it is the path; with two, description and path
    (`:x.pdf`) unless the second is empty (`x.pdf:`); with three or more, the
    first three are description, path and type."""
    links: list[FileLink] = []
    for raw in _split((value or "").strip(), ";"):
        if not raw.strip():
            continue
        parts = [unquote(p) for p in _split(raw, ":")]
        filled = [p for p in parts if p.strip()]
        if len(filled) == 1:
            links.append(FileLink("", filled[0].strip()))
        elif len(parts) == 2:
            links.append(FileLink(parts[0], parts[1].strip()))
        elif len(parts) >= 3:
            links.append(FileLink(parts[0], parts[1].strip(), parts[2].strip()))
    return [link for link in links if link.path]


def format_file_field(links: Sequence[FileLink]) -> str:
    """`description:path:type` entries joined by `;`, escaped as JabRef does."""
    return ";".join(f"{quote(link.description)}:{quote(link.path)}:{quote(link.kind)}" for link in links)


def file_type(name: str) -> str:
    """JabRef's name for a file's type, from its extension (`PDF`)."""
    ext = name.rpartition(".")[2].lower() if "." in name else ""
    return FILE_TYPES.get(ext, ext.upper())


def _pure(path: str) -> PurePosixPath | PureWindowsPath:
    return PureWindowsPath(path) if re.match(r"^[A-Za-z]:[\\/]|\\\\", path) or "\\" in path else PurePosixPath(path)


def names_file(link: FileLink, attachment: "Attachment") -> bool:
    """Whether a `file` entry names this attached file: the same absolute path,
    or a relative path that the attachment's path ends with."""
    written = _pure(link.path)
    if written.is_absolute():
        return os.path.normpath(str(written)) == os.path.normpath(str(attachment.path))
    tail = [p for p in written.parts if p not in (".", "")]
    return bool(tail) and ".." not in tail and list(attachment.path.parts[-len(tail):]) == tail


def shown_path(path: Path, folder: Path | None) -> str:
    """`path` relative to `folder` (the exported .bib's) when it is inside it,
    as JabRef and Better BibTeX write it; else absolute."""
    if folder is not None:
        try:
            return path.relative_to(Path(os.path.abspath(folder))).as_posix()
        except ValueError:
            pass
    return str(path)


def merged_file_field(value: str | None, attachments: Sequence["Attachment"],
                      folder: Path | None = None) -> str | None:
    """The `file` field to export: the record's own as written (its missing
    files too), then each attachment it does not name (by its path relative
    to `folder` when inside it, else absolute)."""
    written = parse_file_field(value)
    extra = [a for a in attachments if not any(names_file(link, a) for link in written)]
    if not extra:
        return value
    added = format_file_field([FileLink("", shown_path(a.path, folder), file_type(a.name)) for a in extra])
    return f"{value.strip()};{added}" if value and value.strip() else added


def resolve_link(link: FileLink, folder: Path) -> Path:
    """Where an entry's file is: an absolute path as written, a relative one
    from `folder` (the .bib file's folder, as JabRef reads it)."""
    path = Path(os.path.expanduser(link.path))
    return path if path.is_absolute() else folder / path
