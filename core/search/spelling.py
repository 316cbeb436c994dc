"""Spelling over the library's own vocabulary: fuzzy-term expansion and
"did you mean", using Whoosh's corrector on the FTS5 index's terms (stems)."""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections import Counter
from functools import lru_cache
from typing import Any

_WORD = re.compile(r"\w+", re.UNICODE)


@lru_cache(maxsize=65536)
def fold(word: str) -> str:
    """Lower-case without accents, as the index's tokenizer sees a word."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The Porter stem of a folded word (the index uses Porter too)."""
    from whoosh.lang.porter import stem as porter_stem

    return porter_stem(fold(word))


def words(text: str) -> list[str]:
    """The words of `text` as the index tokenizes them."""
    return _WORD.findall(text)


def edit_distance(a: str, b: str, limit: int = 3) -> int:
    """Levenshtein distance, stopping early once it exceeds `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


class Vocabulary:
    """The index's terms with their document counts, and a Whoosh corrector over them."""

    def __init__(self, doc_counts: dict[str, int]) -> None:
        self.doc_counts = doc_counts
        self._corrector: Any = None

    def corrector(self) -> Any:
        if self._corrector is None:
            self._corrector = _list_corrector(sorted(t for t in self.doc_counts if not t.isdigit()))
        return self._corrector

    def close_terms(self, word: str, maxdist: int = 2, limit: int = 8) -> list[str]:
        """Index terms within `maxdist` edits of the word's stem, or `maxdist + 1`
        of the word itself (index terms are stems, shorter than the words typed)."""
        found: dict[str, None] = {}
        for probe, dist in ((stem(word), maxdist), (fold(word), maxdist + 1)):
            for term in self.corrector().suggest(probe, limit=limit, maxdist=dist, prefix=1):
                found.setdefault(term, None)
        return sorted(found, key=lambda t: -self.doc_counts.get(t, 0))[:limit]

    def correction(self, word: str) -> str | None:
        """The library's word to suggest for a word it lacks: the closest of the
        close terms (then the most frequent), and only one near enough for the
        word's length (a 5-letter name one edit away, never a 2-letter word 3 away)."""
        allowed = max(1, min(2, len(word) // 3))
        scored = []
        for term in self.close_terms(word, maxdist=2, limit=8):
            distance = min(edit_distance(term, stem(word), allowed), edit_distance(term, fold(word), allowed))
            if len(term) >= 3 and distance <= allowed:
                scored.append((distance, -self.doc_counts.get(term, 0), term))
        return min(scored)[2] if scored else None


def _list_corrector(terms: list[str]) -> Any:
    """Whoosh's ListCorrector, with its word-list walker fixed: the original
    reads past the end of the list (IndexError on an empty library)."""
    from whoosh.spelling import ListCorrector

    class SafeSkipper(ListCorrector.Skipper):  # type: ignore[misc, name-defined]
        def __call__(self, w: str) -> str | None:
            if self.i < len(self.data) and self.data[self.i] == w:
                return w
            self.i += 1
            pos = bisect_left(self.data, w, min(self.i, len(self.data)))
            return self.data[pos] if pos < len(self.data) else None

    class Corrector(ListCorrector):  # type: ignore[misc, valid-type]
        Skipper = SafeSkipper

    return Corrector(terms)


def surface_form(stem_term: str, typed: str, texts: list[str]) -> str | None:
    """The word in `texts` whose stem is `stem_term` and which is closest to what
    the user typed (then most frequent): `pretrain` -> `pretraining` for `pretrainig`."""
    counts: Counter[str] = Counter()
    for text in texts:
        for word in words(text):
            if stem(word) == stem_term:
                counts[fold(word)] += 1
    if not counts:
        return None
    typed_folded = fold(typed)
    return min(counts, key=lambda w: (edit_distance(w, typed_folded, 6), -counts[w], w))
