"""Full-text search on the default library: what readers type finds what they expect."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lectern.core.domain.records import NewPaper
from lectern.core.library.facade import Library
from lectern.core.search.engine import Highlighter
from lectern.core.search.index import set_aside_search_index
from lectern.core.search.query import QueryError, compile_query
from lectern.core.transfer.importing import load_default_library_if_new


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Library]:
    lib = Library.open(tmp_path_factory.mktemp("search") / "library.sqlite")
    load_default_library_if_new(lib)
    yield lib
    lib.close()


def titles(library: Library, query: str, **kwargs: object) -> list[str]:
    ids = library.search(query, **kwargs).ids  # type: ignore[arg-type]
    rows = library.rows(ids)
    return [rows[i].title for i in ids]


def test_pretraining_finds_hyphenated_joined_and_inflected_forms(library: Library) -> None:
    found = titles(library, "pretraining")
    assert "ERNIE 2.0: A Continual Pre-training Framework for Language Understanding" in found
    assert "Exploring the Limits of Weakly Supervised Pretraining" in found
    assert "Pre-Trained Models: Past, Present and Future" in found


def test_accents_do_not_matter(library: Library) -> None:
    assert titles(library, "sabia") == ["Sabiá: Portuguese Large Language Models"]
    assert titles(library, "Sabiá") == ["Sabiá: Portuguese Large Language Models"]


def test_bert_finds_possessives_and_models_finds_model(library: Library) -> None:
    bert = titles(library, "title:bert")
    assert any("BERT's" in t for t in bert)
    assert "K-12BERT: BERT for K-12 education" in bert
    model = titles(library, "title:models")
    assert "Specialized Language Models with Cheap Inference from Limited Domain Data" in model
    assert any(" Model " in f" {t} " and "Models" not in t for t in model)


def test_titles_rank_above_abstract_mentions(library: Library) -> None:
    found = titles(library, "albert")
    in_title = [t for t in found if "albert" in t.lower()]
    assert len(in_title) >= 2 and len(found) > len(in_title)
    assert found[: len(in_title)] == in_title


def test_query_language(library: Library) -> None:
    everything = len(library.paper_ids())
    bert = set(titles(library, "bert"))
    roberta = set(titles(library, "roberta"))
    assert set(titles(library, "bert roberta")) == bert & roberta
    assert set(titles(library, "bert AND roberta")) == bert & roberta
    assert set(titles(library, "bert OR roberta")) == bert | roberta
    assert set(titles(library, "bert NOT roberta")) == bert - roberta
    assert set(titles(library, "bert -roberta")) == bert - roberta
    assert len(titles(library, "-bert")) == everything - len(bert)
    assert set(titles(library, "(bert OR roberta) -albert")) == (bert | roberta) - set(titles(library, "albert"))
    phrase = titles(library, '"masked language modeling"')
    assert phrase and set(phrase) <= set(titles(library, "masked language modeling"))
    assert "Representation Deficiency in Masked Language Modeling" in phrase
    assert set(titles(library, "roberta*")) >= roberta
    assert titles(library, "title:sabia") == ["Sabiá: Portuguese Large Language Models"]
    assert titles(library, "abstract:Sabiá-65B") == ["Sabiá: Portuguese Large Language Models"]
    assert "Sabiá: Portuguese Large Language Models" in titles(library, "pretrainig~2 portuguese")


def test_filters_narrow_the_results(library_path: Path) -> None:
    with Library.open(library_path) as lib:
        lib.papers.add_many([
            NewPaper(title="Old BERT paper", year=2019),
            NewPaper(title="New BERT paper", year=2021),
            NewPaper(title="Newer BERT paper", year=2023),
        ])
        assert titles(lib, "bert year:2019..2021") == ["Old BERT paper", "New BERT paper"]
        assert titles(lib, "year:2023") == ["Newer BERT paper"]
        assert titles(lib, "year:2020..") == ["New BERT paper", "Newer BERT paper"]
        assert len(titles(lib, "status:unread")) == 3
        assert titles(lib, "is:starred") == []


def test_malformed_queries_give_a_short_message(library: Library) -> None:
    for query, message in [
        ('"masked language', "quote"),
        ("(bert OR roberta", "("),
        ("bert)", ")"),
        ("is:famous", "is:famous"),
        ("status:done", "status:done"),
        ("year:soon", "year:soon"),
    ]:
        with pytest.raises(QueryError, match=__import__("re").escape(message)):
            library.search(query)


def test_did_you_mean_offers_the_librarys_own_word(library: Library) -> None:
    result = library.search("pretrainig")
    assert result.ids == []
    assert result.suggestion == "pretraining"
    assert library.search("bert").suggestion is None


def test_typing_matches_the_last_word_as_a_prefix(library: Library) -> None:
    assert titles(library, "roberta robu", typing=True)[0] == "RoBERTa: A Robustly Optimized BERT Pretraining Approach"
    assert titles(library, "roberta robu", typing=False) == []
    assert titles(library, "roberta r", typing=True) == titles(library, "roberta")  # one letter is not a filter yet


def test_highlights_cover_the_words_that_matched() -> None:
    query = compile_query("pretraining sabia bert")
    lit = Highlighter.for_field(query, "title")
    text = "Sabiá: Pre-training of BERT's heads"
    assert [text[a:b] for a, b in lit.spans(text)] == ["Sabiá", "Pre-training", "BERT"]
    prefix = Highlighter.for_field(compile_query("robu", typing=True), "title")
    other = "A Robustly Optimized"
    assert [other[a:b] for a, b in prefix.spans(other)] == ["Robustly"]
    abstract_only = Highlighter.for_field(compile_query("abstract:bert"), "title")
    assert abstract_only.spans("BERT") == []


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=60))
def test_no_input_ever_reaches_fts5_as_a_syntax_error(library: Library, text: str) -> None:
    for typing in (False, True):
        answers_sensibly(library, text, typing)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(['bert', 'OR', 'AND', 'NOT', '-', '(', ')', '"', '*', '~', 'title:', 'is:starred',
                                 'year:2019..2021', 'pre-training', '"a b"', ':', '^', 'tag:', 'x*', 'sabiá']),
                max_size=8))
def test_operator_soup_never_breaks_fts5(library: Library, tokens: list[str]) -> None:
    for joiner in (" ", ""):
        answers_sensibly(library, joiner.join(tokens), True)


def answers_sensibly(library: Library, text: str, typing: bool) -> None:
    """A search answers with papers of the library, each once, or a short message in the user's terms."""
    try:
        ids = library.search(text, typing=typing).ids
    except QueryError as exc:
        message = str(exc)
        assert message and len(message) < 300 and "fts5" not in message.lower() and "sqlite" not in message.lower()
    else:
        assert len(ids) == len(set(ids)) and set(ids) <= set(library.paper_ids())


def test_related_papers_share_the_selected_papers_topic(library: Library) -> None:
    ids = library.paper_ids()
    rows = library.rows(ids)
    sabia = next(i for i in ids if rows[i].title.startswith("Sabiá"))
    related = library.related(sabia)
    assert len(related) == 10
    assert sabia not in [r.paper_id for r in related]
    assert all(r.terms for r in related)
    shown = " ".join(r.title for r in related).lower()
    assert "portuguese" in shown or "brazilian" in shown
    assert "portuguese" in related[0].terms or "portuguese" in related[0].title.lower()


def test_saved_searches_stay_live(library_path: Path) -> None:
    with Library.open(library_path) as lib:
        lib.papers.add_many([NewPaper(title="Graph transformers")])
        lib.saved_searches.save("Graphs", "graph")
        (saved,) = lib.saved_searches.all()
        assert (saved.name, saved.query) == ("Graphs", "graph")
        assert len(lib.search(saved.query).ids) == 1
        lib.papers.add_many([NewPaper(title="Graph neural networks")])
        assert len(lib.search(saved.query).ids) == 2
        lib.saved_searches.save("Graphs", "graph neural")
        assert [s.query for s in lib.saved_searches.all()] == ["graph neural"]
        with pytest.raises(QueryError):
            lib.saved_searches.save("Broken", '"unclosed')
        lib.saved_searches.delete(saved.id)
        assert lib.saved_searches.all() == []


def test_a_listing_longer_than_a_screen_can_come_first_screen_first(library: Library) -> None:
    first = library.search("", sort="title", first_screen=50)
    full = library.search("", sort="title")
    assert not first.complete and full.complete
    assert len(full.ids) == 222 and first.ids == full.ids[:50]
    assert library.search("", first_screen=300).complete


def test_index_rebuilds_after_the_fts_table_is_dropped(library_path: Path) -> None:
    with Library.open(library_path) as lib:
        load_default_library_if_new(lib)
    conn = sqlite3.connect(library_path)
    conn.execute("DROP TABLE paper_fts")
    conn.commit()
    conn.close()
    with Library.open(library_path) as lib:
        assert "missing" in (lib.index.check() or "")
        lib.index.rebuild()
        assert lib.index.check() is None
        assert titles(lib, "sabia") == ["Sabiá: Portuguese Large Language Models"]


def test_a_rebuilt_large_library_finds_every_paper_and_later_edits(library_path: Path) -> None:
    """Bulk import and rebuild index in several large statements; every paper
    must still be found, and one-paper edits afterwards too."""
    papers = [NewPaper(title=f"Study number w{n:05d}x of graphs", abstract=f"Abstract a{n:05d}b.") for n in range(4500)]
    with Library.open(library_path) as lib:
        lib.papers.add_many(papers)
        assert len(lib.search("graphs").ids) == 4500
        lib.index.rebuild()
        assert lib.index.check() is None
        for n in (0, 1999, 2000, 2250, 4499):
            assert titles(lib, f"w{n:05d}x") == [f"Study number w{n:05d}x of graphs"]
            assert len(lib.search(f"abstract:a{n:05d}b").ids) == 1
        paper_id = lib.search("w04499x").ids[0]
        lib.papers.update(paper_id, title="Renamed to zebrafish")
        assert titles(lib, "zebrafish") == ["Renamed to zebrafish"]
        assert lib.search("w04499x").ids == []


def test_index_rebuilds_after_its_data_is_overwritten_with_garbage(library_path: Path) -> None:
    with Library.open(library_path) as lib:
        load_default_library_if_new(lib)
    conn = sqlite3.connect(library_path)
    conn.execute("UPDATE paper_fts_data SET block = randomblob(length(block)) WHERE id > 10")
    conn.commit()
    conn.close()
    with Library.open(library_path) as lib:
        assert "damaged" in (lib.index.check(thorough=False) or "")  # the window's start-up check finds it too
        assert "damaged" in (lib.index.check() or "")
        lib.index.rebuild()
        assert lib.index.check() is None
        assert len(titles(lib, "pretraining")) > 200


def test_a_rebuild_frees_the_old_index_and_one_a_cut_short_rebuild_left(library_path: Path) -> None:
    with Library.open(library_path) as lib:
        load_default_library_if_new(lib)
        with lib.db.write() as conn:  # a rebuild that set the old index aside, then stopped (crash, quit)
            set_aside_search_index(conn)
        assert "holds 0 papers" in (lib.index.check() or "")
        lib.index.rebuild()
        with lib.db.read() as conn:
            left = [r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE name LIKE '%fts_old%'")]
        assert left == []
        assert lib.index.check() is None
        assert len(titles(lib, "pretraining")) > 200


def test_an_empty_library_answers_a_search_without_a_suggestion(library_path: Path) -> None:
    with Library.open(library_path) as lib:
        result = lib.search("zebrafsh")
        assert result.ids == [] and result.suggestion is None
        assert lib.search("zebrafsh~").ids == []


def test_is_noted_is_tagged_and_added_filters(library_path: Path) -> None:
    with Library.open(library_path) as lib:
        lib.papers.add_many([NewPaper(title=f"Graph paper {n}") for n in range(4)])
        first, second, third, fourth = lib.paper_ids()
        lib.papers.set_note(first, "read the proofs")
        lib.papers.set_note(second, "a thought")
        lib.papers.set_note(second, "")  # an emptied note is no note
        lib.tags.add([second, third], ["graphs"])
        raw = sqlite3.connect(library_path)  # two papers were added long ago
        with raw:
            raw.execute("UPDATE paper SET added_at = datetime('now', '-40 days') WHERE id = ?", (third,))
            raw.execute("UPDATE paper SET added_at = datetime('now', '-400 days') WHERE id = ?", (fourth,))
        raw.close()
        assert set(lib.search("is:noted").ids) == {first}
        assert set(lib.search("-is:noted").ids) == {second, third, fourth}
        assert set(lib.search("is:tagged").ids) == {second, third}
        assert set(lib.search("graph is:tagged -is:noted").ids) == {second, third}
        assert set(lib.search("added:30d").ids) == {first, second}
        assert set(lib.search("added:60d").ids) == {first, second, third}
        assert set(lib.search("added:365d is:tagged").ids) == {second, third}
        with pytest.raises(QueryError, match="added:30d"):
            lib.search("added:lately")
