"""A linear pass over BibTeX text before bibtexparser's splitter sees it: a
block (an @entry, @string, @preamble, @comment, or the text between blocks)
whose braces nest deeper than MAX_DEPTH levels, or that is longer than
MAX_BLOCK_CHARS, is left out and named. The splitter is quadratic in nesting
depth (100,000 nested braces took minutes) and a 500 MB field became gigabytes
of copies; no real reference comes near either limit.

The pass takes the text a piece at a time (`BlockScanner`) and gives it back
in stretches that end where a block begins a line, so that a large file is
never held whole; well-formed entries are read by the fast path
(core/formats/bib_fast.py) as they are met, and the pass steps over them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lectern.core.formats.bib_fast import FastEntry, read_entry

MAX_DEPTH = 64  # braces nested in one block (real files: under 10)
MAX_BLOCK_CHARS = 1024 * 1024  # characters in one block, so in any one field
MAX_NAMED = 20  # blocks left out that the notices name one by one

# A block starts as bibtexparser's splitter starts one: `@type{` or `@type(`
# outside braces, or at the start of a line (its recovery from an unclosed brace).
_MARK = re.compile(r"[@{}]")  # a plain character set: scanned in C, ~1 GB/s
_BLOCK_START = re.compile(r"@\w*[ \t]*[{(]")
_CUT_SHORT = re.compile(r"@\w*[ \t]*\Z")  # a block start the piece read so far may end inside
_HEAD = re.compile(r"@(\w*)[ \t]*[{(][ \t\r\n]*([^,\s{}()\"]{0,80})")
_REASONS = {"depth": f"braces nested deeper than {MAX_DEPTH} levels",
            "length": f"longer than {MAX_BLOCK_CHARS // (1024 * 1024)} MB of text"}

Part = FastEntry | tuple[int, int, int]  # an entry read, or (begin, end, 0-based line of begin) for bibtexparser


@dataclass
class Guarded:
    """The text to parse (left-out blocks blanked to their newlines, so line
    numbers stay true) and what was left out, for the import summary."""

    text: str
    notices: list[str] = field(default_factory=list)
    starts: list[int] | None = None  # where each block begins in `text` (None: not known)


@dataclass(slots=True)
class Stretch:
    """A stretch of the text whose blocks all end inside it."""

    text: str  # blocks over the limits blanked to their newlines
    line: int  # the 0-based line of its first character in the whole text
    parts: list[Part] | None  # in order; None: all of `text` for bibtexparser (something was blanked)
    starts: list[int]  # where its blocks begin (before any blanking)


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


class BlockScanner:
    """The guard over text fed a piece at a time: each feed gives back the
    stretch up to the last block that begins a line (bibtexparser begins a
    block there whatever came before, so the stretches read apart as they
    read together), or None while no such block has begun. With `fast`, the
    entries the fast path reads are read here and stepped over (no `@`
    inside, braces nested a few levels: the guard would find nothing in them)."""

    def __init__(self, fast: bool = True) -> None:
        self.fast = fast
        self.text = ""
        self.line = 0  # the 0-based line of text[0]
        self.pos = 0  # where the scan goes on
        self.start = self.depth = self.deepest = self.closed = 0  # the block being read
        self.starts: list[int] = []
        self.bad: list[tuple[int, int, str]] = []  # (start, end, reason)
        self.parts: list[tuple[int, Part]] = []  # (where it begins, part)
        self.pending, self.pending_line = 0, 0  # where the text not yet in parts begins, and its line
        self.counted, self.counted_line = 0, 0  # a place in text and its line (lines are counted once)
        self.cut = 0  # the last block start at a line start
        self.counts = dict.fromkeys(_REASONS, 0)
        self.named: list[str] = []

    def notices(self) -> list[str]:
        """What was left out, for the import summary (once all is fed)."""
        total = sum(self.counts.values())
        summary = [f"{n} {'entry' if n == 1 else 'entries'} skipped: {_REASONS[r]}"
                   for r, n in self.counts.items() if n]
        return summary + self.named + ([f"… and {total - len(self.named)} more"] if total > len(self.named) else [])

    def feed(self, piece: str, final: bool = False) -> Stretch | None:
        self.text = self.text + piece if self.text else piece
        self._scan(final)
        if final:
            self._close(len(self.text))
            return self._give(len(self.text))
        return self._give(self.cut) if self.cut > 0 else None

    def _line_of(self, at: int) -> int:
        if at >= self.counted:
            self.counted_line += self.text.count("\n", self.counted, at)
        else:
            self.counted_line -= self.text.count("\n", at, self.counted)
        self.counted = at
        return self.line + self.counted_line

    def _begin(self, at: int) -> None:
        """A block begins at `at`: the one before it is judged."""
        self._close(at)
        self.start, self.depth, self.deepest, self.closed = at, 0, 0, at
        self.starts.append(at)

    def _scan(self, final: bool) -> None:
        text, pos = self.text, self.pos
        while True:
            match = _MARK.search(text, pos)
            if match is None:
                pos = len(text)
                break
            at = pos = match.start()
            ch = text[at]
            pos += 1
            if ch == "{":
                if at and text[at - 1] == "\\":
                    continue
                self.depth += 1
                self.deepest = max(self.deepest, self.depth)
            elif ch == "}":
                if at and text[at - 1] == "\\":
                    continue
                self.depth = max(0, self.depth - 1)
                if self.depth == 0:
                    self.closed = pos
            else:
                line_start = _at_line_start(text, at)
                if not (self.depth == 0 or line_start):
                    continue
                if _BLOCK_START.match(text, at) is None:
                    if not final and _CUT_SHORT.match(text, at):
                        pos = at  # its start may come with the next piece
                        break
                    continue
                self._begin(at)
                if not line_start:
                    continue
                self.cut = at
                if not self.fast:
                    continue
                entry, end = read_entry(text, at, self._line_of(at))
                if entry is None or end - at > MAX_BLOCK_CHARS:
                    if not final and len(text) - at <= MAX_BLOCK_CHARS and text.find("@", at + 1) < 0:
                        pos = at  # it may be whole once the next piece has come (it holds no `@`): read it again then
                        self.starts.pop()
                        break
                    continue
                if text[self.pending:at].strip():
                    self.parts.append((self.pending, (self.pending, at, self.pending_line)))
                self.parts.append((at, entry))
                self.pending, self.pending_line = end, self._line_of(end)
                self.closed, self.deepest = end, 1  # (at most a few levels: under MAX_DEPTH)
                pos = end
        self.pos = pos

    def _close(self, end: int) -> None:
        """Judge the block `start`..`closed` and the text after it up to `end`."""
        start, closed = self.start, max(self.start, self.closed)
        if self.deepest > MAX_DEPTH:
            self.bad.append((start, end, "depth"))
        elif closed - start > MAX_BLOCK_CHARS:
            self.bad.append((start, end, "length"))
        elif end - closed > MAX_BLOCK_CHARS:  # a long stretch of text between entries (or an unclosed entry)
            self.bad.append((closed, end, "length"))

    def _give(self, cut: int) -> Stretch:
        """The text before `cut` (a block start at a line start, or the end) as
        a stretch; what comes after it stays, its places counted from `cut`."""
        text = self.text
        head = text[:cut]
        if self.pending < cut:
            if self.fast and head[self.pending:].strip():
                self.parts.append((self.pending, (self.pending, cut, self.pending_line)))
            self.pending, self.pending_line = cut, self._line_of(cut)
        parts = [part for at, part in self.parts if at < cut]
        starts = [at for at in self.starts if at < cut]
        bad = [b for b in self.bad if b[0] < cut]
        stretch = Stretch(head, self.line, parts, starts)
        if bad:
            stretch.text, stretch.parts = self._blanked(head, bad), None
        self.line = self._line_of(cut)
        self.counted, self.counted_line = 0, 0
        self.text = text[cut:]
        self.pos -= cut
        self.start, self.closed, self.pending, self.cut = self.start - cut, self.closed - cut, self.pending - cut, 0
        self.parts = [(at - cut, _moved(part, cut)) for at, part in self.parts if at >= cut]
        self.starts = [at - cut for at in self.starts if at >= cut]
        self.bad = [(b - cut, e - cut, r) for b, e, r in self.bad if b >= cut]
        return stretch

    def _blanked(self, text: str, bad: list[tuple[int, int, str]]) -> str:
        """`text` with the `bad` blocks blanked to their newlines, each named."""
        pieces, done, line, counted = [], 0, self.line + 1, 0
        for begin, end, reason in bad:
            line += text.count("\n", counted, begin)
            counted = begin
            pieces += [text[done:begin], "\n" * text.count("\n", begin, end)]
            done = end
            self.counts[reason] += 1
            if len(self.named) < MAX_NAMED:
                self.named.append(f"line {line}: {_name(text, begin)} skipped: {_REASONS[reason]}")
        pieces.append(text[done:])
        return "".join(pieces)


def _moved(part: Part, cut: int) -> Part:
    return part if isinstance(part, FastEntry) else (part[0] - cut, part[1] - cut, part[2])


def guard(text: str) -> Guarded:
    """`text` with every block over the limits left out (depth counts the
    block's own brace); linear in its length."""
    scanner = BlockScanner(fast=False)
    stretch = scanner.feed(text, final=True)
    assert stretch is not None
    if stretch.parts is None:
        return Guarded(stretch.text, scanner.notices())
    return Guarded(text, starts=stretch.starts)
