"""Highlighting and "Did you mean" follow exactly what a query matches: a fuzzy
word finds every form its correction finds, a phrase lights up only where its
words stand together, a prefix lights up what FTS5 matched, and a suggestion
never rewrites a field name or offers a word unlike the one typed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from lectern.core.domain.records import NewPaper
from lectern.core.library.facade import Library
from lectern.core.search.engine import Highlighter
from lectern.core.search.query import compile_query
from lectern.core.transfer.importing import load_default_library_if_new


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Library]:
    lib = Library.open(tmp_path_factory.mktemp("consistency") / "library.sqlite")
    load_default_library_if_new(lib)
    lib.papers.add_many([
        NewPaper(title="Transliteration of Turkish names", authors="Aks{\\i}n, {\\\"O}zge", year=2006),
        NewPaper(title="Typesetting old German", authors="Kl{\\\"u}pfel, Moritz", year=2007),
    ])
    yield lib
    lib.close()


def lit(text: str, query: str, fieldname: str = "title", typing: bool = False) -> list[str]:
    highlighter = Highlighter.for_field(compile_query(query, typing=typing), fieldname)
    return [text[a:b] for a, b in highlighter.spans(text)]


def test_a_misspelt_fuzzy_word_finds_what_its_correction_finds(library: Library) -> None:
    right = set(library.search("pretraining").ids)
    assert len(right) > 200
    assert set(library.search("pretrainig~").ids) == right  # Pre-training and pre-trained too


def test_a_quoted_hyphenated_word_lights_up_whole_never_a_lone_part() -> None:
    text = "Self-attention heads and cross attention; self attention again"
    assert lit(text, '"self-attention"') == ["Self-attention", "self attention"]
    assert lit("Pre-training and training before pre", "pre-training") == ["Pre-training"]


def test_a_phrase_lights_up_where_its_words_stand_together() -> None:
    text = "Masked language models mask a language"
    assert lit(text, '"masked language"') == ["Masked language"]
    assert lit(text, '"masked language" mask') == ["Masked language", "mask"]


def test_a_word_being_typed_lights_up_the_forms_it_matched() -> None:
    title = "Pretrained Transformers and Pre-trained models"
    assert lit(title, "pretraining", typing=True) == ["Pretrained", "Pre-trained"]
    assert lit(title, "pretraining") == ["Pretrained", "Pre-trained"]


@pytest.mark.parametrize(("query", "typing"), [
    ("title:pretraining", False), ("title:pretraining", True), ("title:pretrainig~", False),
    ('title:"self-attention"', False), ("title:pretrain*", False), ("title:pre-training", False),
    ("title:pretrai", True), ("title:bert's", False)])
def test_every_title_a_title_query_matches_has_a_highlight(library: Library, query: str, typing: bool) -> None:
    result = library.search(query, typing=typing)
    assert result.ids, query
    highlighter = Highlighter.for_field(result.query, "title")
    rows = library.rows(result.ids)
    unlit = [rows[i].title for i in result.ids if not highlighter.spans(rows[i].title)]
    assert unlit == []


def test_did_you_mean_never_rewrites_a_field_name(library: Library) -> None:
    for query in ("title:zzqxw", "author:zzqxw", "tag:zzqxw", "venue:zzqxw"):
        assert library.search(query).suggestion is None, query
    assert library.search("title:pretrainig").suggestion == "title:pretraining"
    assert library.search("status:unread pretrainig").suggestion == "status:unread pretraining"


def test_did_you_mean_offers_only_a_word_like_the_one_typed(library: Library) -> None:
    assert library.search("aksin").suggestion in (None, "aksın")  # the author Aksın, never "as"
    assert library.search("author:klüpfel").ids  # found: nothing to suggest
    assert library.search("author:klüpfel").suggestion is None
    assert library.search("qzxv").suggestion is None
    assert library.search("pretrainig").suggestion == "pretraining"
