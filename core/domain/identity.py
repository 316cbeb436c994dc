"""When two papers are the same paper: one rule, used by the importer's duplicate
check, the facade's identity index and (through stored key columns the triggers
fill with these functions) the Duplicates view and `is:duplicate`.

Two papers are the same paper when they share a DOI (case aside, with or without
`https://doi.org/` or `doi:`), an arXiv id (version and `arXiv:` aside), or a
title (LaTeX rendered, accents, case, punctuation and spacing aside)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from typing import Any

from lectern.core.domain.sorting import SORT_COLUMNS
from lectern.core.text.latex import latex_to_text

_NOT_WORD = re.compile(r"[\W_]+")
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi: *)", re.IGNORECASE)
_ARXIV_PREFIX = re.compile(r"^(?:arxiv: *|https?://arxiv\.org/(?:abs|pdf)/)", re.IGNORECASE)
_ARXIV_VERSION = re.compile(r"(?:v\d+)?(?:\.pdf)?$", re.IGNORECASE)

# What identifies a paper, in the order the importer tries them.
KINDS = ("DOI", "arXiv id", "citation key", "title")


def normal_title(title: str | None) -> str:
    """A title as compared for duplicates: `Sabi\\'a`, `Sabiá` and `SABIA` -> `sabia`.
    Letters outside ASCII that have no accent to drop (Greek, CJK) are kept."""
    if not title:
        return ""
    text = latex_to_text(title)
    if text.isascii():  # nothing to decompose (most titles): the same result, without a pass per character
        return _NOT_WORD.sub("", text.casefold())
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NOT_WORD.sub("", plain.casefold())


def normal_doi(doi: str | None) -> str:
    """A DOI as compared: `https://doi.org/10.1/ABC`, `doi:10.1/abc` -> `10.1/abc`."""
    if not doi:
        return ""
    return _DOI_PREFIX.sub("", doi.strip()).strip().lower()


def normal_arxiv(arxiv_id: str | None) -> str:
    """An arXiv id as compared: `arXiv:2106.09685v2` -> `2106.09685`."""
    if not arxiv_id:
        return ""
    text = _ARXIV_PREFIX.sub("", arxiv_id.strip()).strip().rstrip("/")
    return _ARXIV_VERSION.sub("", text).lower()


def identity_keys(doi: str | None, arxiv_id: str | None, citation_key: str | None,
                  title: str | None) -> tuple[tuple[str, str], ...]:
    """(kind, key) for each thing that identifies a paper, in `KINDS` order; an
    empty key identifies nothing."""
    return (("DOI", normal_doi(doi)), ("arXiv id", normal_arxiv(arxiv_id)),
            ("citation key", (citation_key or "").lower()), ("title", normal_title(title)))


# The `paper` columns that hold each identifying field's key (migration 6), so
# the Duplicates view and `is:duplicate` group on an index, not on Python calls.
STORED_KEYS: dict[str, tuple[str, Callable[[str | None], str]]] = {
    "title": ("title_key", normal_title), "doi": ("doi_key", normal_doi), "arxiv_id": ("arxiv_key", normal_arxiv),
}


def stored(key: str) -> str | None:
    """A key as stored: NULL for one that identifies nothing."""
    return key or None


def with_stored_keys(values: Mapping[str, Any]) -> dict[str, Any]:
    """Paper columns to write plus the stored keys of the identifying ones among
    them, and the sort keys of the readings sorted by a stored key (authors, venue)."""
    out = dict(values)
    for name, (column, normal) in STORED_KEYS.items():
        if name in values:
            out[column] = stored(normal(values[name]))
    for name, (column, sort_key) in SORT_COLUMNS.items():
        if name in values:
            out[column] = sort_key(values[name])
    return out
