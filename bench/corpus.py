"""Deterministic, realistic synthetic papers built from the default library's own
titles, sentences and vocabulary, with complete records like real .bib files'
(for benchmarks at 1k / 10k / 100k papers)."""

from __future__ import annotations

import random
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lectern.core.domain.entry import readings  # noqa: E402
from lectern.core.domain.records import NewPaper  # noqa: E402
from lectern.core.formats.listing import read_listing  # noqa: E402
from lectern.core.store.paths import default_listing_path  # noqa: E402
from lectern.core.text.texsafe import tex_escape  # noqa: E402

_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
FIRST_NAMES = ("Ana Bo Chen Dara Eli Farah Gus Hana Ivan Jun Kai Lea Mo Nia Omar Pia Raj Sara Tom Uma "
               "Vik Wen Yui Zoe").split()
LAST_NAMES = ("Silva Wang Smith Müller Kim Garcia Rossi Nguyen Kowalski Okafor Tanaka Ivanova Haddad Costa "
              "Jensen Singh Moreau Novak Sato Zhang").split()


def _pieces() -> tuple[list[list[str]], list[str]]:
    entries = read_listing(default_listing_path()).entries
    titles = [e.title.split() for e in entries]
    sentences = [s for e in entries for s in _SENTENCE.split(e.abstract) if len(s) > 30]
    return titles, sentences


def generate(n: int, seed: int = 7) -> list[NewPaper]:
    """`n` papers: titles remixed from real titles, abstracts from real sentences,
    with authors and years, the same for the same `n` and `seed`."""
    rng = random.Random(seed)
    titles, sentences = _pieces()
    words = [w for t in titles for w in t]
    papers = []
    for i in range(n):
        base = list(rng.choice(titles))
        for _ in range(rng.randint(1, 3)):
            base[rng.randrange(len(base))] = rng.choice(words)
        authors = " and ".join(
            f"{rng.choice(LAST_NAMES)}, {rng.choice(FIRST_NAMES)}" for _ in range(rng.randint(1, 4))
        )
        abstract = " ".join(rng.choice(sentences) for _ in range(rng.randint(4, 9)))
        papers.append(_full_record(rng, i, " ".join(base), abstract, authors, rng.randint(2015, 2025)))
    return papers


VENUES = ("Journal of Machine Learning Research", "Transactions of the Association for Computational Linguistics",
          "Computational Linguistics", "Artificial Intelligence")
PROCEEDINGS = ("Proceedings of the Annual Meeting of the Association for Computational Linguistics",
               "Advances in Neural Information Processing Systems", "International Conference on Learning "
               "Representations", "Proceedings of the Conference on Empirical Methods in Natural Language Processing")
PUBLISHERS = (("Association for Computational Linguistics", "Stroudsburg, PA"), ("Curran Associates", "Red Hook, NY"),
              ("Springer", "Berlin"), ("MIT Press", "Cambridge, MA"))


def _full_record(rng: random.Random, i: int, title: str, abstract: str, authors: str, year: int) -> NewPaper:
    """A paper with a complete record like the corpus's (articles, conference
    papers and books with volume, pages, publisher, address, editors, DOI)."""
    kind = rng.choice(("article", "article", "inproceedings", "inproceedings", "book"))
    publisher, address = rng.choice(PUBLISHERS)
    first = rng.randint(1, 900)
    fields: list[tuple[str, str]] = [("author", authors), ("title", tex_escape(title))]
    if kind == "article":
        fields += [("journal", rng.choice(VENUES)), ("volume", str(rng.randint(1, 60))),
                   ("number", str(rng.randint(1, 12))), ("pages", f"{first}--{first + rng.randint(5, 30)}")]
    elif kind == "inproceedings":
        editors = " and ".join(f"{rng.choice(LAST_NAMES)}, {rng.choice(FIRST_NAMES)}" for _ in range(2))
        fields += [("booktitle", rng.choice(PROCEEDINGS)), ("editor", editors),
                   ("pages", f"{first}--{first + rng.randint(5, 15)}")]
    fields += [("year", str(year)), ("publisher", publisher), ("address", address),
               ("doi", f"10.{rng.randint(1000, 9999)}/bench.{i}"), ("abstract", tex_escape(abstract))]
    return NewPaper(**readings(fields), entry_type=kind, fields=tuple(fields))
