"""A linear pass over BibTeX text before bibtexparser's splitter sees it: a
block (an @entry, @string, @preamble, @comment, or the text between blocks)
whose braces nest deeper than MAX_DEPTH levels, or that is longer than
MAX_BLOCK_CHARS, is left out and named. The splitter is quadratic in nesting
depth (100,000 nested braces took minutes) and a 500 MB field became gigabytes
of copies; no real reference comes near either limit."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MAX_DEPTH = 64  # braces nested in one block (real files: under 10)
MAX_BLOCK_CHARS = 1024 * 1024  # characters in one block, so in any one field

# A block starts as bibtexparser's splitter starts one: `@type{` or `@type(`
# outside braces, or at the start of a line (its recovery from an unclosed brace).
_MARK = re.compile(r"[@{}]")  # a plain character set: scanned in C, ~1 GB/s
_BLOCK_START = re.compile(r"@\w*[ \t]*[{(]")
_HEAD = re.compile(r"@(\w*)[ \t]*[{(][ \t\r\n]*([^,\s{}()\"]{0,80})")
_REASONS = {"depth": f"braces nested deeper than {MAX_DEPTH} levels",
            "length": f"longer than {MAX_BLOCK_CHARS // (1024 * 1024)} MB of text"}


@dataclass
class Guarded:
    """The text to parse (left-out blocks blanked to their newlines, so line
    numbers stay true) and what was left out, for the import summary."""

    text: str
    notices: list[str] = field(default_factory=list)
    starts: list[int] | None = None  # where each block begins in `text` (None: not known)


def _at_line_start(text: str, at: int) -> bool:
    """Only spaces or tabs between the line's start and `at`."""
    i = at - 1
    while i >= 0 and text[i] in " \t":
        i -= 1
    return i < 0 or text[i] == "\n"


def _name(text: str, start: int) -> str:
    head = _HEAD.match(text, start)
    if head is None:
        return "the text between entries"
    kind, key = head.group(1).lower() or "entry", head.group(2)
    return f"@{kind}{{{key}}}" if key else f"@{kind}"


def guard(text: str) -> Guarded:
    """`text` with every block over the limits left out (depth counts the
    block's own brace); linear in its length."""
    bad: list[tuple[int, int, str]] = []  # (start, end, reason)
    starts: list[int] = []
    start, depth, deepest, closed = 0, 0, 0, 0
    for match in _MARK.finditer(text):
        at = match.start()
        ch = text[at]
        if ch == "{":
            if at and text[at - 1] == "\\":
                continue
            depth += 1
            deepest = max(deepest, depth)
        elif ch == "}":
            if at and text[at - 1] == "\\":
                continue
            depth = max(0, depth - 1)
            if depth == 0:
                closed = match.end()
        elif (depth == 0 or _at_line_start(text, at)) and _BLOCK_START.match(text, at):
            _close(start, closed, at, deepest, bad)
            start, depth, deepest, closed = at, 0, 0, at
            starts.append(at)
    _close(start, closed, len(text), deepest, bad)
    if not bad:
        return Guarded(text, starts=starts)
    pieces, notices, counts, done, line, counted = [], [], dict.fromkeys(_REASONS, 0), 0, 1, 0
    for begin, end, reason in bad:
        line += text.count("\n", counted, begin)
        counted = begin
        pieces += [text[done:begin], "\n" * text.count("\n", begin, end)]
        done = end
        counts[reason] += 1
        if len(notices) < 20:
            notices.append(f"line {line}: {_name(text, begin)} skipped: {_REASONS[reason]}")
    pieces.append(text[done:])
    summary = [f"{n} {'entry' if n == 1 else 'entries'} skipped: {_REASONS[r]}" for r, n in counts.items() if n]
    more = [f"… and {len(bad) - len(notices)} more"] if len(bad) > len(notices) else []
    return Guarded("".join(pieces), summary + notices + more)


def _close(start: int, closed: int, end: int, deepest: int, bad: list[tuple[int, int, str]]) -> None:
    """Judge the block `start`..`closed` and the text after it up to `end`."""
    closed = max(start, closed)
    if deepest > MAX_DEPTH:
        bad.append((start, end, "depth"))
    elif closed - start > MAX_BLOCK_CHARS:
        bad.append((start, end, "length"))
    elif end - closed > MAX_BLOCK_CHARS:  # a long stretch of text between entries (or an unclosed entry)
        bad.append((closed, end, "length"))
