"""One record as BibTeX source for the entry editor's "BibTeX source" tab: the
record written exactly as stored (no dialect mapping, no added fields), and
the edited text read back, accepted only when it is exactly one entry."""

from __future__ import annotations

from collections.abc import Sequence

from lectern.core.domain.entry import RAW, Field
from lectern.core.formats.bibtex_import import BibError, parse_bibtex


def entry_source(entry_type: str, citation_key: str, fields: Sequence[Field]) -> str:
    """`@type{key, name = {value}, ...}` for a record as stored (a bare expression bare)."""
    body = "".join(f"  {name} = {value[1:] if value.startswith(RAW) else '{' + value + '}'},\n"
                   for name, value in fields)
    return f"@{entry_type}{{{citation_key},\n{body}}}\n"


def parse_entry(text: str) -> tuple[str, str, tuple[Field, ...]]:
    """(entry type, citation key, fields) of the one entry in `text`; BibError
    saying what is wrong when it holds none, several, or cannot be read."""
    parsed = parse_bibtex(text)
    if parsed.failures:
        raise BibError("The BibTeX source cannot be read (" + "; ".join(parsed.failures) + "). "
                       "Check the braces and the commas between fields.")
    if len(parsed.papers) != 1:
        found = "no entry" if not parsed.papers else f"{len(parsed.papers)} entries"
        raise BibError(f"The BibTeX source must hold exactly one entry (@type{{key, ...}}); it holds {found}.")
    paper = parsed.papers[0].paper
    if not (paper.citation_key or "").strip():
        raise BibError("The entry needs a citation key: @type{key, ...}.")
    return paper.entry_type or "misc", paper.citation_key or "", tuple(paper.fields)
