"""The fast path of BibTeX reading: a well-formed @entry (fields of braced,
quoted or bare values, braces nested a few levels, no `@` in it, starting at
a line start) is split by a few regular expressions run in C, giving exactly
what bibtexparser's splitter gives for it (its field names and values as
written, stripped). Every other block, and the text around it, is left to
bibtexparser (core/formats/bibtex_import.py), which stays the reference: the
splitter walks the text a mark at a time in Python and was most of an import."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

_ESCAPED = r'\\[{}",=]|\\'  # a backslash before a mark makes it text, as bibtexparser's look-behind does


def _braced(levels: int) -> str:
    """A `{...}` value with braces nested up to `levels` deep (no `@`), possessive: linear."""
    inner = rf"\{{(?:[^{{}}\\@]++|{_ESCAPED})*+\}}"
    for _ in range(levels - 1):
        inner = rf"\{{(?:[^{{}}\\@]++|{_ESCAPED}|{inner})*+\}}"
    return inner


_QUOTED = rf'"(?:[^"{{}}\\@]++|{_ESCAPED})*+"'  # no braces inside: bibtexparser reads those its own way
_VALUE = rf'((?:[^,{{}}"@\\]++|{_ESCAPED}|{_braced(4)}|{_QUOTED})*+)'
_HEAD = re.compile(r'@(\w+)[ \t]*\{\s*([^{}",=@\\\s]+)\s*,')
_FIELD = re.compile(rf'\s*([^{{}}",=@\\\s]+)\s*={_VALUE}([,}}])')
_END = re.compile(r"\s*\}")
_NOT_ENTRIES = ("comment", "preamble", "string")


@dataclass(frozen=True)
class FastEntry:
    """One entry read by the fast path: what bibtexparser's Entry would hold."""

    entry_type: str  # lower case, as bibtexparser gives it
    key: str
    fields: list[tuple[str, str]]  # (name as written, value as written, stripped)
    start_line: int  # 0-based line of the `@`


def read_entry(text: str, start: int, line: int = 0) -> tuple[FastEntry | None, int]:
    """The entry starting at `start` (on 0-based `line`) and where it ends, or
    (None, start) when it is not one the fast path reads exactly as bibtexparser does."""
    head = _HEAD.match(text, start)
    if head is None or head.group(1).lower() in _NOT_ENTRIES:
        return None, start
    fields: list[tuple[str, str]] = []
    names: set[str] = set()
    at = head.end()
    while True:
        found = _FIELD.match(text, at)
        if found is None:
            end = _END.match(text, at)
            if end is None or not fields:
                return None, start
            at = end.end()
            break
        name = found.group(1)
        if name in names:  # bibtexparser reports a field named twice: its path says so
            return None, start
        names.add(name)
        fields.append((name, found.group(2).strip()))
        at = found.end()
        if found.group(3) == "}":
            break
    return FastEntry(head.group(1).lower(), head.group(2), fields, line), at


def _at_line_start(text: str, at: int) -> bool:
    line = text.rfind("\n", 0, at) + 1
    return not text[line:at].strip(" \t")


def split_blocks(text: str, starts: list[int]) -> Iterator[FastEntry | tuple[int, int, int]]:
    """The text cut at the block `starts` (core/formats/bib_guard.py finds
    them, as bibtexparser does), in order: a FastEntry for each entry the fast
    path reads, and (begin, end, line of begin) for each stretch of text
    between them, for bibtexparser. An entry is read here only when its `@` begins a line, where
    bibtexparser always begins a block whatever came before."""
    line, counted = 0, 0  # the 0-based line at `counted`
    pending, pending_line = 0, 0  # where the text not yet given out begins, and its line
    for start in starts:
        if start < pending or not _at_line_start(text, start):
            continue
        line += text.count("\n", counted, start)
        counted = start
        entry, end = read_entry(text, start, line)
        if entry is None:
            continue
        if text[pending:start].strip():
            yield pending, start, pending_line
        yield entry
        pending, pending_line = end, line + text.count("\n", start, end)
    if text[pending:].strip():
        yield pending, len(text), pending_line
