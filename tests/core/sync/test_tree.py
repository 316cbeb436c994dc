"""A paper's file is written and read without PyYAML when it can be, with the
same bytes and the same paper as PyYAML's, whatever the text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from lectern.core.domain.entry import RAW
from lectern.core.sync.tree import PaperDoc, TreeError, _read_yaml, _render_paper_yaml, _text, read_paper, render_paper

ALPHABET = list("abcXYZ019 _.,:#'\"-!&*[]{}?|>%@`()/+=;$^~<\\\n\t\r\x85é\u00c0ñ\u2028\ufeff\x7f\u0250日")
texts = st.one_of(st.text(st.sampled_from(ALPHABET), max_size=12), st.text(max_size=6),
                  st.sampled_from(["yes", "No", "null", "~", "2020", "1.5", "", ".inf", "=", "- a", "-a", "a: b",
                                   "a #b", "a#b", "---x", "...", " a", "a ", "12--34", "10.1000/x", "a:"]))
docs = st.builds(lambda key, kind, fields, status, tags, added, note, starred: PaperDoc(
    uid="f" * 32, key=key, type=kind, fields=tuple(fields), status=status, tags=tuple(tags), added=added, note=note,
    starred=starred), texts, texts, st.lists(st.tuples(texts, st.one_of(texts, texts.map(lambda v: RAW + v))),
                                             max_size=4),
    st.sampled_from(["unread", "read", "x"]), st.lists(texts, max_size=3), texts, texts, st.booleans())


@settings(max_examples=3000, deadline=None)
@given(docs)
def test_a_paper_is_written_byte_for_byte_as_pyyaml_writes_it(doc: PaperDoc) -> None:
    assert render_paper(doc) == _render_paper_yaml(doc)


def _read(read, data: bytes) -> PaperDoc | str:
    try:
        return read(data)
    except TreeError:
        return "refused"


@settings(max_examples=3000, deadline=None)
@given(docs, st.sampled_from(["", "x", "'", "\n", " ", "---\n"]))
def test_a_paper_file_reads_as_pyyaml_reads_it(doc: PaperDoc, tail: str) -> None:
    data = render_paper(doc) + tail.encode()
    ours = _read(lambda d: read_paper(doc.uid, d)[0], data)
    assert ours == _read(lambda d: _read_yaml(doc.uid, _text(d, "x", 1 << 20), "x"), data)
    if ours != "refused":
        assert read_paper(doc.uid, data)[1] == (render_paper(ours) == data)
