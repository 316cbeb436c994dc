"""Related papers, offline: the selected paper's most distinctive terms (from the
index's own vocabulary) become a bm25-ranked query over the rest of the library."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from lectern.core.search.spelling import fold, stem, words
from lectern.core.store.database import Connection
from lectern.core.text.latex import latex_to_text

TERMS_PER_QUERY = 12
TERMS_SHOWN = 4
CANDIDATES = 50
MIN_WORD = 3
_STOP = frozenset(
    "the and for with from that this these those are was were been have has had our their its into over "
    "than then also such can may which while where when how what who not but all any each more most "
    "other some only very both use used using based show shows shown propose proposed paper approach "
    "method methods results result new two one work well however model models".split()
)
_FIELD_WEIGHT = {"title": 3.0, "abstract": 1.0, "tags": 2.0, "notes": 1.0}


@dataclass(frozen=True)
class RelatedPaper:
    paper_id: int
    title: str
    terms: list[str]  # the shared distinctive words, most distinctive first


def distinctive_terms(conn: Connection, paper_id: int) -> list[tuple[str, float, str]]:
    """(stem, weight, word shown) for the paper's terms, most distinctive first."""
    row = conn.exec_driver_sql(
        "SELECT title, abstract, tags, notes FROM paper_fts WHERE rowid = ?", (paper_id,)
    ).first()
    if row is None:
        return []
    tf: Counter[str] = Counter()
    shown: dict[str, Counter[str]] = {}
    for fieldname, text in zip(("title", "abstract", "tags", "notes"), row):
        for word in words(text or ""):
            folded = fold(word)
            if len(folded) < MIN_WORD or folded.isdigit() or folded in _STOP:
                continue
            s = stem(word)
            if s in _STOP:
                continue
            tf[s] += _FIELD_WEIGHT[fieldname]
            shown.setdefault(s, Counter())[folded] += 1
    if not tf:
        return []
    total = conn.exec_driver_sql("SELECT count(*) FROM paper_fts").scalar_one()
    stems = list(tf)
    df: dict[str, int] = {}
    for start in range(0, len(stems), 500):
        chunk = stems[start : start + 500]
        marks = ",".join("?" * len(chunk))
        for term, doc in conn.exec_driver_sql(
            f"SELECT term, doc FROM paper_fts_vocab WHERE term IN ({marks})", tuple(chunk)
        ):
            df[term] = doc
    scored = []
    for s, count in tf.items():
        docs = df.get(s, 1)
        if docs <= 1 or docs > total * 0.5:  # only this paper, or nearly every paper: not telling
            continue
        weight = (1 + math.log(count)) * math.log(total / docs)
        scored.append((s, weight, shown[s].most_common(1)[0][0]))
    scored.sort(key=lambda item: (-item[1], item[0]))
    return scored


def related_papers(conn: Connection, paper_id: int, limit: int = 10) -> list[RelatedPaper]:
    """The papers most similar to `paper_id` (not in the Trash), each with the
    distinctive words it shares with it. bm25 finds candidates; they are then
    ranked by the weight (in the selected paper) of the terms they share."""
    terms = distinctive_terms(conn, paper_id)[:TERMS_PER_QUERY]
    if not terms:
        return []
    match = "{title abstract tags notes} : (" + " OR ".join(f'"{s}"' for s, _, _ in terms) + ")"
    rows = conn.exec_driver_sql(
        "SELECT f.rowid, f.title, f.abstract, f.tags, f.notes FROM paper_fts f JOIN paper p ON p.id = f.rowid "
        "WHERE paper_fts MATCH ? AND f.rowid != ? AND p.deleted_at IS NULL "
        "ORDER BY bm25(paper_fts, 3.0, 1.0, 0.0, 1.0, 2.0, 0.0, 0.0) LIMIT ?",
        (match, paper_id, CANDIDATES),
    ).all()
    scored = []
    for order, (rowid, title, abstract, tags, notes) in enumerate(rows):
        their_stems = {stem(w) for w in words(f"{title} {abstract} {tags} {notes}")}
        shared = [(word, weight) for s, weight, word in terms if s in their_stems]
        score = sum(weight for _, weight in shared)
        scored.append((-score, order, RelatedPaper(rowid, latex_to_text(title), [w for w, _ in shared][:TERMS_SHOWN])))
    scored.sort(key=lambda item: (item[0], item[1]))
    return [paper for _, _, paper in scored[:limit]]
