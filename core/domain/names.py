"""Name lists (author, editor, translator and the others biblatex knows) as
structured names: family, given, prefix ("von"), suffix ("Jr."), or a literal
for an organisation written in braces, split the way BibTeX does (with
bibtexparser's splitter). Each part is read as Unicode for display, sorting
and the formats that want parts (CSL-JSON, RIS); the LaTeX as written stays
in the record."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from lectern.core.text.latex import latex_to_text

NAME_FIELDS = ("author", "editor", "translator", "bookauthor", "commentator", "annotator", "introduction",
               "foreword", "afterword", "editora", "editorb", "editorc", "holder")


@dataclass(frozen=True)
class Name:
    family: str = ""
    given: str = ""
    prefix: str = ""  # "von", "van der"
    suffix: str = ""  # "Jr.", "III"
    literal: str = ""  # an organisation ("{Google Research}"), or "others" (et al.)

    @property
    def sort_form(self) -> str:
        """"Family, Given" (the literal for an organisation)."""
        if self.literal:
            return self.literal
        family = " ".join(p for p in (self.prefix, self.family) if p)
        return ", ".join(p for p in (family, self.suffix, self.given) if p)

    @property
    def display(self) -> str:
        """"Given prefix Family, suffix" as a reader writes it."""
        if self.literal:
            return self.literal
        text = " ".join(p for p in (self.given, self.prefix, self.family) if p)
        return f"{text}, {self.suffix}" if self.suffix else text

    @property
    def others(self) -> bool:
        """BibTeX's `and others`: more names than listed."""
        return self.literal == "others"


def _text(parts: list[str]) -> str:
    return latex_to_text(" ".join(parts)).strip()


_AND = re.compile(r"\s+and\s+", re.IGNORECASE)


def split_persons(value: str) -> list[str]:
    """The persons of a name list as written (`A and B and others`), split
    the way BibTeX does: at an `and` outside braces, any case. Without braces,
    a plain split says the same as bibtexparser's splitter, in a tenth of the time."""
    value = " ".join(value.split())
    if "{" in value:
        from bibtexparser.middlewares.names import split_multiple_persons_names

        written = split_multiple_persons_names(value)
    else:
        written = _AND.split(value)
    return [w for w in (w.strip() for w in written) if w]


@lru_cache(maxsize=65536)
def parse_names(value: str) -> tuple[Name, ...]:
    """The names in a BibTeX name list (`A and B and others`)."""
    return tuple(map(_parse_name, split_persons(value)))


@lru_cache(maxsize=65536)
def _parse_name(written: str) -> Name:
    """One name of a list (cached on its own: the same people write many papers)."""
    from bibtexparser.middlewares.names import parse_single_name_into_parts

    if written == "others":
        return Name(literal="others")
    if written.startswith("{") and written.endswith("}") and written.count("{") == 1:
        return Name(literal=latex_to_text(written).strip())
    try:
        parts = parse_single_name_into_parts(written, strict=False)
    except Exception:  # noqa: BLE001 - a name BibTeX itself would stumble over: kept whole
        return Name(literal=latex_to_text(written).strip())
    if not parts.first and not parts.von and not parts.jr and len(parts.last) == 1 and \
            parts.last[0].startswith("{") and parts.last[0].endswith("}"):
        return Name(literal=_text(parts.last))
    return Name(family=_text(parts.last), given=_text(parts.first), prefix=_text(parts.von), suffix=_text(parts.jr))


def short_authors(value: str) -> str:
    """The Authors column: "Clark", "Clark, Luong", "Clark, Luong et al.".
    Only the first two names are parsed (each one cached: names recur across
    papers), so a long author list costs no more than a short one."""
    written = split_persons(value)
    listed = [w for w in written if w != "others"]
    shown = [n.literal if n.literal else " ".join(p for p in (n.prefix, n.family) if p) or n.given
             for n in map(_parse_name, listed[:2])]
    if not shown:
        return ""
    if len(listed) > 2 or len(written) > len(listed):
        return ", ".join(shown[:2]) + " et al."
    return ", ".join(shown)
