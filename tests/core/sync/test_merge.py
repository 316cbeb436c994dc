"""The three-way merge functions: random edits on two sides merge without
losing anything typed, and the two sides end the same whichever syncs first."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from lectern.core.sync.merge import NOTE_MARK, merge_paper, merge_sequence, merge_set
from lectern.core.sync.tree import PaperDoc, parse_paper, render_paper, sorted_tags

NAMES = ["author", "title", "year", "journal", "doi", "month"]
texts = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=12)
values = st.one_of(texts, st.sampled_from(["{BERT}", "76\\%", "Sabi{\\'a}", "yes", "2023", "- x", "\x00jan",
                                          "a\n---\nb", "a\x85b\u2028c\r\n", " lead"]))


@st.composite
def papers(draw, uid: str = "0" * 32) -> PaperDoc:
    names = draw(st.lists(st.sampled_from(NAMES), unique=True, max_size=5))
    return PaperDoc(uid=uid, key=draw(st.sampled_from(["k1", "k2"])), type=draw(st.sampled_from(["article", "misc"])),
                    fields=tuple((n, draw(values)) for n in names), starred=draw(st.booleans()),
                    status=draw(st.sampled_from(["unread", "read"])),
                    tags=sorted_tags(draw(st.lists(st.sampled_from(["a", "b", "c", "B"]), max_size=3))),
                    added="2026-12-01T10:00:00Z", note=draw(texts))


@st.composite
def edited(draw, base: PaperDoc) -> PaperDoc:
    """`base` with a random subset of its parts edited."""
    other = draw(papers())
    parts = draw(st.sets(st.sampled_from(["key", "type", "fields", "starred", "status", "tags", "note"])))
    return PaperDoc(**{name: getattr(other if name in parts else base, name)
                       for name in ("uid", "key", "type", "fields", "starred", "status", "tags", "added", "note")})


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_two_sides_converge_and_keep_what_was_typed(data) -> None:
    base = data.draw(papers())
    x, y = data.draw(edited(base)), data.draw(edited(base))
    # X syncs first (the remote then holds X); Y merges it in; X then takes Y's merge, which is a fast-forward.
    merged_y, _, _ = merge_paper(base, y, x)
    merged_x, _, _ = merge_paper(x, x, merged_y)
    assert merged_x == merged_y
    # and when Y syncs first instead, the result differs only where both changed the same thing differently
    other, conflicts, _ = merge_paper(base, x, y)
    conflicted = {c.what for c in conflicts}
    for name in ("key", "type", "starred", "status"):
        if name not in conflicted:
            assert getattr(other, name) == getattr(merged_y, name)
    assert {t.casefold() for t in other.tags} == {t.casefold() for t in merged_y.tags}  # spelling: local wins
    assert dict((k.lower(), v) for k, v in other.fields if k.lower() not in conflicted) == \
        dict((k.lower(), v) for k, v in merged_y.fields if k.lower() not in conflicted)
    for side in (x, y):  # nothing typed is lost: each side's edited note is in the merge
        if side.note != base.note:
            assert side.note in merged_y.note
        for name, value in side.fields:
            if value != dict(base.fields).get(name):
                assert (name, value) in merged_y.fields or any(c.what == name.lower() for c in conflicts)
    assert merge_paper(base, merged_y, merged_y)[0] == merged_y  # merging again changes nothing


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from("abcdefgh"), unique=True, max_size=6), st.data())
def test_reading_lists_keep_every_addition_and_drop_every_removal(base, data) -> None:
    def side():
        kept = [i for i in base if data.draw(st.booleans())]
        added = data.draw(st.lists(st.sampled_from("ijklmn"), unique=True, max_size=3))
        return data.draw(st.permutations(kept + added))

    x, y = side(), side()
    merged = merge_sequence(base, x, y)
    assert len(merged) == len(set(merged))
    assert set(merged) == (set(base) & set(x) & set(y)) | (set(x) - set(base)) | (set(y) - set(base))
    assert set(merge_sequence(base, y, x)) == set(merged)
    assert merge_sequence(x, x, merged) == merged


def test_tags_merge_as_sets() -> None:
    assert merge_set(["keep", "old"], ["keep", "old", "new"], ["keep"]) == ("keep", "new")


def test_a_note_edited_on_both_sides_keeps_both_marked() -> None:
    base = PaperDoc(uid="0" * 32, key="k", type="misc", fields=(), note="shared")
    merged, conflicts, _ = merge_paper(base, base.__class__(**{**base.__dict__, "note": "mine"}),
                                       base.__class__(**{**base.__dict__, "note": "theirs"}))
    assert merged.note == "mine" + NOTE_MARK + "theirs" and [c.what for c in conflicts] == ["note"]


@settings(max_examples=300, deadline=None)
@given(papers(uid="f" * 32))
def test_a_paper_file_reads_back_as_written(doc: PaperDoc) -> None:
    data = render_paper(doc)
    assert parse_paper(doc.uid, data) == doc
    assert render_paper(parse_paper(doc.uid, data)) == data
