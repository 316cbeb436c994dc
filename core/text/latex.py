"""Turning stored text (which may hold LaTeX fragments) into text for reading,
and finding the links an abstract mentions."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache

from pylatexenc import latex2text

_URL_RE = re.compile(r"https?://[^\s<>\"'{}\\]+")
_TRAILING_PUNCT = ".,;:!?'\")]"
# Characters that make a piece of text worth handing to the LaTeX converter.
_LATEX_CHARS = re.compile(r"[\\{}~$^_%&]")
_BARE_SPECIAL = re.compile(r"(?<!\\)([%&#])")
_BACKSLASH_DIGIT = re.compile(r"\\(?=\d)")
_LETTER_MACRO = re.compile(r"\\([A-Za-z]+)")
_UNBALANCED = re.compile(r"[{}]")
_BACKSLASH_MARK = "\ue000"  # a rendered backslash, kept apart from LaTeX until the end
_SPACES = re.compile(r"[ \t\u00a0]{2,}")

# Macros that only change the font or size: dropped, their text kept.
_STYLE_MACROS = frozenset(
    "em it bf sc tt rm sf sl up md normalfont itshape bfseries scshape ttfamily "
    "rmfamily sffamily slshape upshape mdseries tiny scriptsize footnotesize small "
    "normalsize large Large LARGE huge Huge centering noindent relax protect".split()
)
# Abbreviation macros common in paper abstracts.
_ABBREVIATIONS = {"eg": "e.g.", "ie": "i.e.", "etal": "et al.", "etc": "etc.", "vs": "vs.", "cf": "cf."}
# Text symbols (some written by Lectern's own BibTeX export).
_SYMBOLS = {"textless": "<", "textgreater": ">", "textbackslash": "\\", "textbraceleft": "{",
            "textbraceright": "}", "textasciitilde": "~", "textasciicircum": "^", "textemdash": "—",
            "textendash": "–", "textquoteleft": "‘", "textquoteright": "’", "textquotedblleft": "“",
            "textquotedblright": "”", "textbar": "|", "ss": "ß", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ",
            "o": "ø", "O": "Ø", "aa": "å", "AA": "Å", "l": "ł", "L": "Ł", "i": "ı", "j": "ȷ", "dots": "…",
            "ldots": "…", "LaTeX": "LaTeX", "TeX": "TeX", "copyright": "©", "pounds": "£", "S": "§", "P": "¶",
            "quad": " ", "qquad": " ", "hyphen": "-", "slash": "/", "nobreakdash": "", "textnhyphen": "-",
            "allowbreak": "", "break": "", "linebreak": " ", "newline": " "}

# Greek letters, which the search index spells by their LaTeX names (`$\alpha$`
# and a typed α both as `alpha`); variant forms (`\varphi`, ϕ) as the letter.
_GREEK = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma tau " \
    "upsilon phi chi psi omega".split()
GREEK_LETTER_NAMES: dict[str, str] = {
    **dict(zip("αβγδεζηθικλμνξοπρστυφχψω", _GREEK)), **dict(zip("ΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡΣΤΥΦΧΨΩ", _GREEK)),
    "ς": "sigma", "ϑ": "theta", "ϕ": "phi", "ϵ": "epsilon", "ϖ": "pi", "ϱ": "rho"}
_GREEK_MACROS = {**{n: n for n in _GREEK}, **{n.capitalize(): n for n in _GREEK},
                 **{f"var{n}": n for n in ("epsilon", "theta", "pi", "rho", "sigma", "phi")}}
# A Greek letter standing alone (a symbol), not one letter of a Greek word.
_LONE_GREEK = re.compile("(?<![\u0370-\u03ff\u1f00-\u1fff])([" + "".join(GREEK_LETTER_NAMES)
                         + "])(?![\u0370-\u03ff\u1f00-\u1fff])")

_converter = latex2text.LatexNodes2Text(math_mode="verbatim", strict_latex_spaces=False)
_math_converter = latex2text.LatexNodes2Text(math_mode="text", strict_latex_spaces=False)
# Inline math that is surely math (a macro, a sub- or superscript), not two dollar amounts.
_MATH = re.compile(r"(?<!\\)\$([^$]{0,120}?[\\^_][^$]{0,120}?)(?<!\\)\$")
_NOOPSORT = re.compile(r"\\noopsort\s*\{[^{}]*\}")
_MATH_MARK = "\ue001"  # stands for a rendered piece of math until the end
_known_macros = latex2text.get_default_latex_context_db()


def between_matches(pattern: re.Pattern[str], text: str, render: Callable[[str], str]) -> str:
    """`text` with `render` applied to each run between `pattern`'s matches,
    the matches kept as written (links while LaTeX is read, math while it is escaped)."""
    out: list[str] = []
    pos = 0
    for match in pattern.finditer(text):
        out.append(render(text[pos : match.start()]))
        out.append(match.group(0))
        pos = match.end()
    out.append(render(text[pos:]))
    return "".join(out)


def find_links(text: str) -> list[str]:
    """The http(s) links in `text`, in order, without trailing punctuation, once each."""
    seen: dict[str, None] = {}
    for match in _URL_RE.finditer(text):
        url = match.group(0).rstrip(_TRAILING_PUNCT)
        if url.count("(") < url.count(")"):
            url = url.rstrip(")")
        if len(url) > len("https://"):
            seen.setdefault(url, None)
    return list(seen)


def _unknown_macro(match: re.Match[str]) -> str:
    name = match.group(1)
    if name in _SYMBOLS:
        return _SYMBOLS[name].replace("\\", _BACKSLASH_MARK)
    if name in _STYLE_MACROS or _known_macros.get_macro_spec(name) is not None:
        return match.group(0)  # pylatexenc knows it
    if name in _ABBREVIATIONS:
        return _ABBREVIATIONS[name]
    if name.startswith("fa") and name[2:3].isupper():  # font-awesome icons: \faGithub
        return ""
    if match.string[match.end():match.end() + 1] == "{":  # \mkbibquote{Intention}: its argument is the text
        return _QUOTING.get(name, "")
    return name  # an unknown macro such as \squad reads as its name


# biblatex's quoting and emphasis macros, read by their argument (the argument follows).
_QUOTING = {"mkbibquote": "", "enquote": "", "mkbibemph": "", "mkbibitalic": "", "mkbibbold": ""}

_ACCENTS = {"'": "\u0301", "`": "\u0300", "^": "\u0302", '"': "\u0308", "~": "\u0303", "=": "\u0304",
            ".": "\u0307", "u": "\u0306", "v": "\u030c", "H": "\u030b", "c": "\u0327", "k": "\u0328"}
_ACCENT = re.compile(r"\\(['`^\"~=.]|[uvHck](?![A-Za-z]))\s*(?:\{\s*(\\?[A-Za-z])\s*\}|(\\?[A-Za-z]))")
_ESCAPED = re.compile(r"\\([%&#_$])")
_STYLE_GROUP = re.compile(r"\{\\(?:em|it|bf|sc|tt|rm|sf|sl|itshape|bfseries|scshape|ttfamily)\s+([^{}\\]*)\}")
_STYLE_COMMAND = re.compile(
    r"\\(?:emph|textbf|textit|textsc|texttt|textrm|textsf|textsl|textup|mbox|text)\{([^{}\\]*)\}")
_BRACES = re.compile(r"\{([^{}\\$]*)\}")


def _accent(match: re.Match[str]) -> str:
    base = match.group(2) or match.group(3)
    base = {"\\i": "i", "\\j": "j"}.get(base, base.lstrip("\\"))  # \^{\i} is î: the accent replaces the dot
    return unicodedata.normalize("NFC", base + _ACCENTS[match.group(1)])


def _index_accent(match: re.Match[str]) -> str:
    """One accented letter as the index holds it: over a dotless i or j
    (`\\'{\\i}`) the plain letter with the accent (í), which search folds to i."""
    base = (match.group(2) or match.group(3)).lstrip("\\")
    return unicodedata.normalize("NFC", base + _ACCENTS[match.group(1)])


def _fast_latex(piece: str) -> str:
    """The common LaTeX of abstracts, rendered with regular expressions (pylatexenc
    takes milliseconds per abstract; this takes microseconds)."""
    out = piece
    if "\\" in out:
        out = _BACKSLASH_DIGIT.sub("", out)  # "\800" (a lost "\$") reads as 800
        out = _ACCENT.sub(_accent, out)
        out = _ESCAPED.sub(r"\1", out)
        out = _STYLE_GROUP.sub(r"\1", out)
        out = _STYLE_COMMAND.sub(r"\1", out)
        out = _LETTER_MACRO.sub(_unknown_macro, out)
        out = out.replace("\\\\", " ")
    if "{" in out:
        for _ in range(3):
            out, count = _BRACES.subn(r"\1", out)
            if not count:
                break
    out = out.replace("~", " ")
    for tex, char in (("``", "“"), ("''", "”"), ("---", "—"), ("--", "–")):
        if tex in out:
            out = out.replace(tex, char)
    return out


def _latex_piece_to_text(piece: str) -> str:
    if not _LATEX_CHARS.search(piece):
        return piece
    fast = _fast_latex(piece)
    if "\\" not in fast and not _UNBALANCED.search(fast):
        return fast
    prepared = _BARE_SPECIAL.sub(r"\\\1", piece)  # a bare % is a percent, not a comment
    prepared = _BACKSLASH_DIGIT.sub("", prepared)
    prepared = _LETTER_MACRO.sub(_unknown_macro, prepared)
    try:
        return _converter.latex_to_text(prepared)
    except Exception:  # the converter is lenient, but text must always render
        return piece


@lru_cache(maxsize=4096)
def latex_to_text(text: str) -> str:
    """Render `text` for reading: `76\\%` -> `76%`, `Sabi\\'a` -> `Sabiá`, `$\\alpha$` -> `α`,
    `{\\em x}` -> `x`, `e.g.~RoBERTa` -> `e.g. RoBERTa`. Links are kept verbatim."""
    if not _LATEX_CHARS.search(text):
        return text
    if "noopsort" in text:  # a sort key BibTeX styles read and print nothing of
        text = _NOOPSORT.sub("", text)
    maths: list[str] = []
    if "$" in text:
        text = _MATH.sub(lambda m: _render_math(m, maths), text)
    rendered = between_matches(_URL_RE, text, _latex_piece_to_text)
    rendered = rendered.replace("\u00a0", " ")
    if "  " in rendered or "\t" in rendered:  # (else no run of blanks to collapse)
        rendered = _SPACES.sub(" ", rendered)
    rendered = rendered.strip().replace(_BACKSLASH_MARK, "\\")
    for math in maths:
        rendered = rendered.replace(_MATH_MARK, math, 1)
    return rendered


def _render_math(match: re.Match[str], maths: list[str]) -> str:
    """`$\\alpha$` -> `α`, `$x^2 + \\beta_i$` -> `x^2 + β_i` (kept aside, put back at the end)."""
    try:
        maths.append(_math_converter.latex_to_text(match.group(0)).strip())
    except Exception:  # the converter is lenient, but text must always render
        maths.append(match.group(0))
    return _MATH_MARK


# The index's reading of a macro: a symbol as its character (a dotless i as i,
# so `Aks{\i}n` is found by `aksin`), a font macro as nothing, any other as its
# name (`$\alpha$` is indexed as `alpha`; core/search/query.py reads a typed α so).
_INDEX_MACRO = re.compile(r"\\([A-Za-z]+)\s*|\\(.)")
_INDEX_SYMBOLS = {**_SYMBOLS, "i": "i", "j": "j"}
_FONT_MACROS = _STYLE_MACROS | frozenset(
    "emph textbf textit textsc texttt textrm textsf textsl textup textmd textnormal mbox text".split())


def _index_macro(match: re.Match[str]) -> str:
    name = match.group(1)
    if name is None:  # a control symbol: `\%` is %, `\-` (a hyphenation point) and `\/` join, `\,` spaces
        symbol = match.group(2)
        return "" if symbol in "-/" else " " if symbol in "\\ ,;:!>" else symbol
    if name in _INDEX_SYMBOLS:
        return _INDEX_SYMBOLS[name]
    if name in _GREEK_MACROS:
        return f" {_GREEK_MACROS[name]} "
    return " " if name in _FONT_MACROS else f" {name} "


def spell_greek(text: str) -> str:
    """`text` with each Greek letter standing alone spelled as the index holds
    it (`α-divergences` -> ` alpha -divergences`); Greek words stay as written."""
    return _LONE_GREEK.sub(lambda m: f" {GREEK_LETTER_NAMES[m.group(1)]} ", text)


def index_text(raw: str | None) -> str:
    """What the search index holds for a field: its Unicode reading for search.
    Accents are rendered (`M{\\"u}ller`, `M\\"uller`, `M{\\"{u}}ller` -> `Müller`,
    so `muller` finds them all), symbols become their characters (`Stra{\\ss}e`),
    other macros their names, and braces vanish (`{T}est` -> `Test`: FTS5 reads a
    brace as a word break). Plain text is returned as it is: the index source
    calls this only for text holding a backslash or a brace. Hyphenated words are
    matched at query time (core/search/query.py), which keeps indexing 100k
    papers within seconds."""
    if not raw:
        return ""
    out = raw
    if "\\" in out:
        out = _INDEX_MACRO.sub(_index_macro, _ACCENT.sub(_index_accent, out))
    if "{" in out or "}" in out:
        out = out.replace("{", "").replace("}", "")
    return out
