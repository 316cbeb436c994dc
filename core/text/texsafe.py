"""Making text safe for BibTeX and LaTeX without double-escaping what is
LaTeX already: `76\\%` stays, `3.6%` becomes `3.6\\%`, `{\\em x}` stays,
unbalanced braces are escaped, unknown macros (`\\squad`) become text."""

from __future__ import annotations

import re
from functools import lru_cache

from pylatexenc.latexencode import UnicodeToLatexEncoder

from lectern.core.text.latex import _ABBREVIATIONS, between_matches

# Commands that print text in any LaTeX document: kept as they are.
SAFE_MACROS = frozenset(
    "em it bf sc tt rm sf sl up md emph textbf textit textsc texttt textrm textsf textsl textup mbox text "
    "i j l L o O ae AE oe OE aa AA ss LaTeX TeX dots ldots textless textgreater textbackslash textasciitilde "
    "textasciicircum textbar textendash textemdash textquoteleft textquoteright textquotedblleft "
    "textquotedblright textbraceleft textbraceright S P copyright pounds".split()
)
ACCENT_CHARS = "'`^\"~=.uvHckrdbt"
_SPECIAL_ESCAPES = {"&": r"\&", "%": r"\%", "#": r"\#", "_": r"\_", "$": r"\$", "^": r"\^{}",
                    "<": r"\textless{}", ">": r"\textgreater{}"}
_MATH = re.compile(r"(?<!\\)\$(?![\d\s])[^$\n]+?(?<![\s\\])\$")  # "$x^2$" is math; "$5 and $6" is money


def _macro_replacement(name: str) -> str:
    if name in SAFE_MACROS:
        return "\\" + name
    if name in _ABBREVIATIONS:
        return _ABBREVIATIONS[name]
    if name.startswith("fa") and name[2:3].isupper():
        return ""
    return name


# A backslash with the command or character after it, or a special character; it
# starts with one character class, which the regular expression engine scans for fast.
_INTERESTING = re.compile(r"[\\&%#_$^<>](?:(?<=\\)(?:[A-Za-z]+|.?))?", re.DOTALL)
_BRACE_OR_ESCAPE = re.compile(r"\\.|[{}]", re.DOTALL)


def _escape_token(match: re.Match[str]) -> str:
    token = match.group(0)
    if token[0] != "\\":
        return _SPECIAL_ESCAPES[token]
    rest = token[1:]
    if rest.isalpha():
        if len(rest) == 1 and rest in ACCENT_CHARS:  # \c{c}, \u{a}, \v s
            replacement = token
        else:
            replacement = _macro_replacement(rest)
        following = match.string[match.end() : match.end() + 1]
        if replacement.startswith("\\") and following.isalpha():
            replacement += " "  # keep "\em x" apart
        return replacement
    if rest in ("{", "}"):  # BibTeX counts \{ as a brace too: name it instead
        return r"\textbraceleft{}" if rest == "{" else r"\textbraceright{}"
    if rest and rest in "&%#_$~^\\ ,;!" or (rest and rest in ACCENT_CHARS):
        return token
    if rest.isdigit():  # "\800" (a lost "\$"): read as 800, as the window shows it
        return rest
    return r"\textbackslash{}" + _SPECIAL_ESCAPES.get(rest, rest)  # \< is a backslash, then an escaped <


def _escape_piece(text: str) -> str:
    """Escape one stretch of text outside math."""
    return _INTERESTING.sub(_escape_token, text)


def _balance(text: str) -> str:
    """Name the braces that do not pair up (BibTeX needs every field balanced)."""
    opened: list[int] = []
    unmatched: list[int] = []
    for match in _BRACE_OR_ESCAPE.finditer(text):
        token = match.group(0)
        if token == "{":
            opened.append(match.start())
        elif token == "}":
            if opened:
                opened.pop()
            else:
                unmatched.append(match.start())
    unmatched.extend(opened)
    if not unmatched:
        return text
    names = {"{": r"\textbraceleft{}", "}": r"\textbraceright{}"}
    out, pos = [], 0
    for index in sorted(unmatched):
        out.append(text[pos:index])
        out.append(names[text[index]])
        pos = index + 1
    out.append(text[pos:])
    return "".join(out)


def _single_spaced(text: str) -> bool:
    """Printable and single-spaced, so splitting at whitespace and joining with
    spaces gives it back unchanged (most fields). String methods in C: faster
    than one regular expression."""
    return text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " "


def _latex_free(text: str) -> bool:
    """Free of LaTeX (`\\ { } $`), as most fields are."""
    return "\\" not in text and "{" not in text and "}" not in text and "$" not in text


def _escape_specials(text: str) -> str:
    for char, escaped in _SPECIAL_ESCAPES.items():
        if char in text:
            text = text.replace(char, escaped)
    return text


def tex_escape(text: str) -> str:
    """Text for a BibTeX field: specials escaped once, braces balanced, math
    (`$...$`) and known LaTeX kept, unknown macros turned into words. Each
    pass runs only on text it can change (the same result, checked in C first):
    spacing on text that is not single-spaced, math on text with a `$`,
    balancing on text with a brace."""
    if not _single_spaced(text):
        text = " ".join(text.split())
    if _latex_free(text):
        return _escape_specials(text)
    escaped = between_matches(_MATH, text, _escape_piece) if "$" in text else _escape_piece(text)
    return _balance(escaped) if "{" in escaped or "}" in escaped else escaped


@lru_cache(maxsize=1)
def _ascii_encoder() -> UnicodeToLatexEncoder:
    return UnicodeToLatexEncoder(non_ascii_only=True, replacement_latex_protection="braces-all",
                                 unknown_char_policy="keep", unknown_char_warning=False)


_SAFE_OUTPUT = re.compile(r"^\{?\\(?:[" + re.escape(ACCENT_CHARS) + r"](?:\{?\\?[A-Za-z]\}?|\\[ij])|"
                          r"(?:" + "|".join(sorted(SAFE_MACROS, key=len, reverse=True)) + r")(?![A-Za-z]))\}?$")


@lru_cache(maxsize=4096)
def _ascii_char(char: str) -> str:
    """One non-ASCII character as LaTeX that pdflatex prints with its standard
    fonts (Latin letters with accents, dashes, quotes), else `?`."""
    encoded = _ascii_encoder().unicode_to_latex(char)
    return encoded if encoded.isascii() and _SAFE_OUTPUT.match(encoded) else "?"


def to_ascii_latex(text: str) -> str:
    """Non-ASCII letters as LaTeX for classic bibtex: `Sabiá` -> `Sabi{\\'a}`.
    Scripts the standard fonts cannot print (Cyrillic, Greek, CJK) become `?`."""
    if text.isascii():
        return text
    return "".join(c if c.isascii() else _ascii_char(c) for c in text)


def has_no_latex_form(text: str) -> bool:
    """Whether `text` holds a character that `to_ascii_latex` can only write as `?`."""
    return not text.isascii() and any(not c.isascii() and _ascii_char(c) == "?" for c in text)


_ALNUM_SPLIT = re.compile(r"([^\W_]+)")  # split() keeps the words at odd positions


@lru_cache(maxsize=65536)
def _needs_braces(word: str) -> bool:
    """A capital after the first letter (`BERT`, `RoBERTa`), or a capital and a
    digit (`T5`). String methods in C, and titles share most of their words."""
    rest = word[1:]
    return rest != rest.lower() or (word != word.lower() and not word.isalpha())


def protect_capitals(title: str) -> str:
    """Brace words whose capitals a style must not lower-case: `{BERT}`,
    `{RoBERTa}`, `{GPT4Image}`, `{T5}` (not plain Title-Case words)."""
    if "{" not in title and "\\" not in title:  # the common case: words between separators
        parts = _ALNUM_SPLIT.split(title)
        changed = False
        for i in range(1, len(parts), 2):
            if _needs_braces(parts[i]):
                parts[i] = "{" + parts[i] + "}"
                changed = True
        return "".join(parts) if changed else title
    depth = 0
    out: list[str] = []
    i = 0
    while i < len(title):
        ch = title[i]
        if ch == "\\":
            out.append(title[i : i + 2])
            i += 2
            continue
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth = max(0, depth - 1)
        if depth == 0 and (ch.isalnum()) and (i == 0 or not (title[i - 1].isalnum() or title[i - 1] in "\\{")):
            j = i
            while j < len(title) and (title[j].isalnum()):
                j += 1
            word = title[i:j]
            out.append("{" + word + "}" if _needs_braces(word) else word)
            i = j
            continue
        out.append(ch)
        i += 1
    return "".join(out)
