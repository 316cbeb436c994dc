"""How sure a title search is: a candidate's score from its title's similarity
(LaTeX rendered, accents, case and punctuation aside), its first author's
family name and its year. Only a confident match is applied without asking."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from lectern.core.domain.names import parse_names
from lectern.core.domain.records import NewPaper
from lectern.core.text.latex import latex_to_text

CONFIDENT = 0.9  # a score at least this, with a near-identical title, is applied by `--yes`


def _words(text: str) -> str:
    plain = unicodedata.normalize("NFKD", latex_to_text(text or ""))
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch)).casefold()
    return " ".join(re.findall(r"\w+", plain))


def title_similarity(a: str, b: str) -> float:
    a, b = _words(a), _words(b)
    if not a or not b:
        return 0.0
    return 1.0 if a == b else difflib.SequenceMatcher(None, a, b).ratio()


def _first_family(authors: str) -> str:
    names = parse_names(authors) if authors.strip() else ()
    if not names:
        return ""
    return _words(names[0].family or names[0].literal or "")


@dataclass(frozen=True)
class Match:
    paper: NewPaper
    score: float  # 0..1
    title: float  # the title similarity alone

    @property
    def confident(self) -> bool:
        return self.score >= CONFIDENT and self.title >= 0.95


def score(title: str, authors: str, year: int | None, candidate: NewPaper) -> Match:
    """Title counts 70%, first author 20%, year 10%; what the paper lacks counts as agreeing."""
    similarity = title_similarity(title, candidate.title)
    mine, theirs = _first_family(authors), _first_family(candidate.authors)
    author = 1.0 if not mine or mine == theirs else 0.0
    if year is None or candidate.year is None:
        year_score = 1.0
    else:
        year_score = 1.0 if abs(year - candidate.year) <= 1 else 0.0
    return Match(candidate, round(0.7 * similarity + 0.2 * author + 0.1 * year_score, 3), similarity)


def best_match(title: str, authors: str, year: int | None, candidates: Sequence[NewPaper]) -> Match | None:
    """The best-scoring candidate, or None when there is none."""
    scored = [score(title, authors, year, c) for c in candidates]
    return max(scored, key=lambda m: m.score, default=None)
