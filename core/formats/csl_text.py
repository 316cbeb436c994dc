"""Text between a record's LaTeX and CSL-JSON's rich text, read as pandoc reads
it: formatting commands become CSL's HTML-like markup (`\\emph{x}` <-> `<i>x</i>`,
`\\textsc` <-> small caps, `{Word}` <-> `<span class="nocase">` where a style
must not change its case), the rest is rendered to Unicode with typographic
apostrophes, and English titles are put in sentence case (what CSL styles
expect: citeproc title-cases them where a style asks), keeping braced words."""

from __future__ import annotations

import re
from functools import lru_cache

from lectern.core.text.latex import latex_to_text
from lectern.core.text.texsafe import tex_escape

# Private-use marks that stand for markup while the text is rendered.
_MARKS = {"i": ("\ue101", "\ue102"), "b": ("\ue103", "\ue104"), "sc": ("\ue105", "\ue106"),
          "sup": ("\ue107", "\ue108"), "sub": ("\ue109", "\ue10a"), "nocase": ("\ue10b", "\ue10c"),
          "quote": ("\ue10d", "\ue10e")}
_COMMANDS = {"emph": "i", "textit": "i", "textsl": "i", "mkbibemph": "i", "mkbibitalic": "i",
             "textbf": "b", "mkbibbold": "b", "textsc": "sc", "mkbibquote": "quote",
             "textsuperscript": "sup", "mkbibsuperscript": "sup", "textsubscript": "sub", "mkbibsubscript": "sub",
             "enquote": "quote", "texttt": "", "textrm": "", "textsf": "", "textup": "", "textnormal": "",
             "textmd": "", "mbox": "", "text": "", "arabic": None}
# Commands that print a character (pandoc's reading of biblatex's and LaTeX's).
_CHARACTERS = {"hyphen": "-", "slash": "/", "textslash": "/", "space": " ", "nbhyphen": "-"}
_SWITCHES = {"em": "i", "it": "i", "itshape": "i", "sl": "i", "bf": "b", "bfseries": "b", "sc": "sc",
             "scshape": "sc"}
_TAGS = {"i": ("<i>", "</i>"), "b": ("<b>", "</b>"), "sc": ('<span style="font-variant:small-caps;">', "</span>"),
         "sup": ("<sup>", "</sup>"), "sub": ("<sub>", "</sub>"), "nocase": ('<span class="nocase">', "</span>")}
_MACRO = re.compile(r"\\([A-Za-z]+|.)\s*", re.DOTALL)
_SWITCH = re.compile(r"\\([A-Za-z]+)\s*")
_ACCENT_ONLY = re.compile(r"\s*(\\[^A-Za-z\s]\s*\{?\\?[A-Za-z]\}?|\\[A-Za-z]{1,2}|\\[A-Za-z]\s*\{?[A-Za-z]\}?)\s*")
_CLOSE = {v[0]: v[1] for v in _MARKS.values()}
_PLAIN_RUN = re.compile(r"[^\\{]+")


def _matching(text: str, start: int) -> int:
    """The index of the brace closing the one at `start` (-1 if none)."""
    depth = 0
    i = start
    while i < len(text):
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1


def _marked(text: str, title: bool, top: bool = True) -> str:
    """`text` with formatting commands (and, in a title, protecting braces) replaced by marks."""
    out: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch not in "\\{":  # a run of plain text at once (a character at a time was most of an export)
            run = _PLAIN_RUN.match(text, i)
            assert run is not None
            out.append(run.group(0))
            i = run.end()
            continue
        if ch == "\\":
            match = _MACRO.match(text, i)
            assert match is not None
            name, end = match.group(1), match.end()
            if name in _COMMANDS and text[end:end + 1] == "*":
                end += 1
            if name in _COMMANDS and text[end:end + 1] == "{":
                close = _matching(text, end)
                if close > 0:
                    mark = _COMMANDS[name]
                    if mark is not None:  # None: a counter's value, which a reference cannot know
                        opening, closing = _MARKS[mark] if mark else ("", "")
                        out.append(opening + _marked(text[end + 1:close], title, False) + closing)
                    i = close + 1
                    continue
            if text[end:end + 1] == "{" or not name.isalpha():  # an argument (accent, \url{...}): as written
                close = _matching(text, end) if text[end:end + 1] == "{" else -1
                stop = close + 1 if close > 0 else end
                out.append(text[i:stop])
                i = stop
                continue
            if name in _CHARACTERS:
                out.append(_CHARACTERS[name])
            elif name in _LETTER_ACCENTS:  # `\b0`, `\c c`: an accent on what follows, as written
                out.append(text[i:end])
            elif name.isalpha():
                out.append("\\" + name + "{}")  # the space after a control word is not text: `\TeX book`
            else:
                out.append(text[i:end])
            i = end
            continue
        if ch == "{":
            close = _matching(text, i)
            if close < 0:
                out.append(ch)
                i += 1
                continue
            inner = text[i + 1:close]
            switch = _SWITCH.match(inner)
            if switch and switch.group(1) in _SWITCHES:
                opening, closing = _MARKS[_SWITCHES[switch.group(1)]]
                out.append(opening + _marked(inner[switch.end():], title, False) + closing)
            elif _ACCENT_ONLY.fullmatch(inner) or not top or not title:
                out.append("{" + _marked(inner, title, False) + "}")
            else:
                opening, closing = _MARKS["nocase"]
                out.append(opening + "{" + _marked(inner, title, False) + "}" + closing)
            i = close + 1
    return "".join(out)


_NOCASE_SPAN = re.compile("\ue10b(.*?)\ue10c", re.DOTALL)
_BLANKS = re.compile(r"[ \t\r\n]+")


def sentence_case(text: str) -> str:
    """citeproc's sentence case over rendered text: a capitalised word
    ("Algebra") is lower-cased unless it begins a sentence; words in capitals
    or mixed case (`DNA`, `TeX`) and protected ones (between nocase marks) stay."""
    parts = _CASE_TOKENS.split(text)  # text, token, text, token, ..., text (other characters change nothing)
    start = True  # at the beginning, or after . ? ! and a space
    protected = False
    for i in range(1, len(parts), 2):
        token = parts[i]
        if token in "\ue10b\ue10d":
            protected = True
        elif token in "\ue10c\ue10e":
            protected = False
            start = False
        elif token in ".?!:":
            start = True
        else:
            if not protected:
                parts[i] = _cased(token, start)
            start = False
    return "".join(parts)


# Words (with their digits: `GPT4Image` is one, and not capitalised), marks, and
# what ends a sentence (any . ? ! or :).
_CASE_TOKENS = re.compile(r"([^\W_]+|[\ue10b-\ue10e.?!:])")


@lru_cache(maxsize=65536)  # (titles share most of their words)
def _cased(word: str, start: bool) -> str:
    """One unprotected word in sentence case (the word itself when it stays)."""
    rest = word[1:]
    if rest.isascii():  # every character lower case (what `all(c.islower() ...)` asks), at ASCII speed
        lower_rest = not rest or (rest.isalpha() and rest.islower())
    else:
        lower_rest = all(c.islower() for c in rest)
    capitalised = word[0].isupper() and lower_rest
    if start and (capitalised or word.islower()):
        return word[0].upper() + rest.lower()
    if capitalised:
        return word.lower()
    return word


def apostrophes(text: str) -> str:
    """Straight apostrophes and backquotes as typographic ones (pandoc's smart reading)."""
    if "'" in text:  # each one beside a word character (`\\w`) is typographic
        parts = text.split("'")
        out = [parts[0]]
        for before, after in zip(parts, parts[1:]):
            last, first = before[-1:], after[:1]
            out.append("’" if last.isalnum() or last == "_" or first.isalnum() or first == "_" else "'")
            out.append(after)
        text = "".join(out)
    return text.replace("`", "‘") if "`" in text else text


_NBSP = "\ue10f"
_TILDE = re.compile(r"(?<!\\)~")
_LETTER_ACCENTS = frozenset("bcdHkrtuv")  # LaTeX's accents named by a letter
_ANY_MARK = re.compile("[\ue101-\ue10e]")


def _has_latex(value: str) -> bool:
    """Whether a value holds a character LaTeX reads specially (a substring
    search each: much faster than a character class over a long abstract)."""
    return ("\\" in value or "{" in value or "}" in value or "$" in value or "~" in value or "^" in value
            or "_" in value or "%" in value or "&" in value)


@lru_cache(maxsize=4096)  # (a record asks for its title several times; venues recur across records)
def csl_text(value: str, title: bool = False) -> str:
    """A field's LaTeX as CSL rich text; `title`: also put in sentence case."""
    if "  " in value or "\n" in value or "\t" in value or "\r" in value:  # (most values have none)
        value = _BLANKS.sub(" ", value)
    value = value.strip()  # a no-break space (`~` read) stays
    if _has_latex(value):
        marked = _marked(value, title)
        text = latex_to_text(_TILDE.sub(_NBSP, marked) if "~" in marked else marked)
    elif "-" in value or "'" in value or "`" in value:  # no LaTeX to read: only dashes and quotes to set
        text = value
    else:
        return sentence_case(value) if title else value
    if "-" in text:
        text = text.replace("---", "—").replace("--", "–")
    if title:
        text = sentence_case(text)
    if not text.isascii() and _ANY_MARK.search(text):  # (marks are not ASCII)
        text = _NOCASE_SPAN.sub(r"\1", text)  # pandoc writes protected words as plain text
        for name, (opening, closing) in _MARKS.items():
            tags = _TAGS.get(name, ("“", "”") if name == "quote" else ("", ""))
            text = text.replace(opening, tags[0]).replace(closing, tags[1])
    return apostrophes(text.replace(_NBSP, "\u00a0"))


def plain_text(value: str) -> str:
    """A field's LaTeX read as plain Unicode (no markup)."""
    return apostrophes(latex_to_text(" ".join(value.split())))


_TAG = re.compile(r'<(/?)(i|b|sup|sub|span)((?:\s+(?:style|class)="[^"]*")*)\s*>')
_TEX_OPEN = {"i": "\\emph{", "b": "\\textbf{", "sup": "\\textsuperscript{", "sub": "\\textsubscript{"}


def tex_from_csl(text: str, title: bool = False) -> str:
    """CSL rich text as BibTeX field text: markup as LaTeX commands (a nocase
    span as protecting braces), the text between made TeX-safe once; in a
    `title`, words whose case a style must keep are braced (`{BERT}`, and
    capitalised words within a sentence-case title: `{Heck}`)."""
    out: list[str] = []
    stack: list[str] = []
    pos = 0
    for match in _TAG.finditer(text):
        out.append(_piece(text[pos:match.start()], title))
        pos = match.end()
        closing, tag, attrs = match.group(1), match.group(2), match.group(3)
        if closing:
            if stack:
                stack.pop()
                out.append("}")
            continue
        if tag == "span":
            opening = "{" if "nocase" in attrs else "\\textsc{" if "small-caps" in attrs else "{"
        else:
            opening = _TEX_OPEN[tag]
        stack.append(tag)
        out.append(opening)
    out.append(_piece(text[pos:], title))
    out.extend("}" * len(stack))
    return "".join(out)


_TIE = "\ue110"


def _protect_words(tex: str) -> str:
    """Brace each word with a capital that does not begin a sentence: in a
    sentence-case title it is a name or an acronym a style must not lower."""
    out, pos, start = [], 0, True
    for match in re.finditer(r"[^\W_]+|[.?!:](?=\s)", tex):
        out.append(tex[pos:match.start()])
        word = match.group(0)
        pos = match.end()
        if word in ".?!:":
            start = True
        else:
            if not start and any(c.isupper() for c in word):
                word = "{" + word + "}"
            start = False
        out.append(word)
    out.append(tex[pos:])
    return "".join(out)


def _piece(text: str, title: bool) -> str:
    if not text.strip():
        return " " if text else ""
    lead, trail = " " if text[0].isspace() else "", " " if text[-1].isspace() else ""
    tex = tex_escape(text.replace("\u00a0", _TIE))
    if title and "\\" not in tex and "{" not in tex:
        tex = _protect_words(tex)
    return lead + tex.replace(_TIE, "~") + trail
