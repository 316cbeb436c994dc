"""Sort keys for the paper table's Authors and Venue columns, stored beside the
readings (migration 8) so that sorting 100k papers by them is an index walk,
not 100k Python calls. A key is the Unicode reading, accents and case folded:
`M{\\"u}ller` sorts with `Muller`; authors by each name's family name first
("Clark, Luong et al." sorts under C however the names are written)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from lectern.core.text.latex import latex_to_text

_AND = re.compile(r"\s+and\s+", re.IGNORECASE)
SORTED_NAMES = 3  # the first names decide the order; the rest never matter in practice


def fold(text: str) -> str:
    """Text as compared for sorting: accents dropped, case folded, spaces collapsed."""
    if text.isascii():  # nothing to decompose (most text): the same result, without a pass per character
        return " ".join(text.casefold().split())
    decomposed = unicodedata.normalize("NFKD", text)
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).casefold().split())


def _top_level_names(value: str) -> list[str]:
    """The names of a name list split at `and` outside braces (`{Barnes and Noble}` is one)."""
    names, depth, start = [], 0, 0
    for match in re.finditer(r"[{}]|\s+and\s+", value, re.IGNORECASE):
        token = match.group(0)
        if token == "{":
            depth += 1
        elif token == "}":
            depth = max(0, depth - 1)
        elif depth == 0:
            names.append(value[start:match.start()])
            start = match.end()
            if len(names) >= SORTED_NAMES:
                return names
    names.append(value[start:])
    return names


def _name_key(written: str) -> str:
    written = written.strip()
    if not written or written == "others":
        return ""
    if written.startswith("{") and written.endswith("}"):  # an organisation, as written
        return fold(latex_to_text(written))
    if "," in written:  # "Family, Given" (or "Family, Jr, Given")
        family, _, given = written.partition(",")
    else:  # "Given Family": the last word outside braces is the family name
        parts = re.findall(r"(?:\{[^{}]*(?:\{[^{}]*\}[^{}]*)*\}|\S)+", written)
        family, given = (parts[-1], " ".join(parts[:-1])) if parts else (written, "")
    return fold(latex_to_text(f"{family} {given}"))


def authors_sort_key(authors: str | None) -> str | None:
    """The Authors column's sort key: the first names' family then given names, folded."""
    if not authors or not authors.strip():
        return None
    key = "; ".join(k for k in (_name_key(n) for n in _top_level_names(" ".join(authors.split()))) if k)
    return key or None


def venue_sort_key(venue: str | None) -> str | None:
    """The Venue column's sort key: the venue's reading, folded."""
    if not venue or not venue.strip():
        return None
    return fold(latex_to_text(venue)) or None


# The `paper` columns holding each reading's sort key (migration 8), filled by
# every write of the reading (`with_stored_keys`) and, for papers stored before,
# by the migration through the SQL functions of the same names.
SORT_COLUMNS: dict[str, tuple[str, Callable[[str | None], str | None]]] = {
    "authors": ("authors_sort", authors_sort_key), "venue": ("venue_sort", venue_sort_key),
}
