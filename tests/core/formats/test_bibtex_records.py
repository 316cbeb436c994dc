"""Complete records through a real library: what a user's .bib holds comes back
out of `lectern export` as it went in (keys, entry types, every field, LaTeX
as written), and nothing in the file vanishes."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lectern.core.domain.entry import RAW, get
from lectern.core.formats.bibtex import BibOptions, export_text
from lectern.core.formats.bibtex_import import parse_bibtex
from lectern.core.library.facade import Library
from lectern.core.transfer.importing import import_text

KEYS = ["DBLP:conf/wicsa/ZimmermannWKG15", "baez/article", "9.8:9", "a.b+c*d", "Müller2020", "x-1_2:3"]


def export(lib: Library, profile: str = "bibtex", **options: bool) -> str:
    return export_text(lib, lib.paper_ids(sort="added"), BibOptions(profile=profile, **options))  # type: ignore[arg-type]


def records(text: str) -> dict[str, tuple[str, dict[str, str]]]:
    """key -> (entry type, {field name lower-cased: value}) of a .bib text."""
    return {p.paper.citation_key: (p.paper.entry_type or "",
                                   {k.lower(): v.removeprefix(RAW) for k, v in p.paper.fields})
            for p in parse_bibtex(text).papers}


def imported(tmp_path: Path, text: str) -> Library:
    lib = Library.open(tmp_path / "library.sqlite")
    import_text(lib, text, policy="import")
    return lib


def test_keys_biber_and_bibtex_accept_are_kept_exactly(tmp_path: Path) -> None:
    text = "\n".join(f"@misc{{{key}, title = {{Paper {i}}}, year = 2020}}" for i, key in enumerate(KEYS))
    with imported(tmp_path, text) as lib:
        assert sorted(records(export(lib))) == sorted(KEYS)


def test_a_key_used_twice_keeps_the_first_and_the_second_gets_a_new_key_with_the_old_in_ids(tmp_path: Path) -> None:
    text = ("@article{smith2020, author = {Smith, A.}, title = {First paper}, year = 2020}\n"
            "@article{smith2020, author = {Smith, B.}, title = {Second paper}, year = 2020}\n")
    with Library.open(tmp_path / "library.sqlite") as lib:
        report = import_text(lib, text, policy="import")
        out = records(export(lib))
    assert out["smith2020"][1]["title"] == "First paper"
    (other,) = [k for k in out if k != "smith2020"]
    assert out[other][1]["title"] == "Second paper" and out[other][1]["ids"] == "smith2020"
    assert any("smith2020" in w and other in w for w in report.warnings)


def test_every_field_comes_back_as_written_in_the_files_dialect(tmp_path: Path) -> None:
    text = r"""@inproceedings{k1,
  author = {M{\"u}ller, Hans and {Google Research}},
  title = {{DNA} repair \quad in $\alpha$-helices\/},
  booktitle = {Proc. of the {ACM} Conference},
  year = 2019, month = jan,
  volume = {12}, number = {3}, pages = {1--10},
  publisher = {ACM}, address = {New York},
  isbn = {978-3-16-148410-0}, note = {To appear},
  Custom-Field = {kept \emph{as is}},
}"""
    with imported(tmp_path, text) as lib:
        kind, fields = records(export(lib))["k1"]
        written = export(lib)
    assert kind == "inproceedings"
    assert fields["title"] == r"{DNA} repair \quad in $\alpha$-helices\/"
    assert fields["author"] == r'M{\"u}ller, Hans and {Google Research}'
    assert (fields["volume"], fields["number"], fields["pages"]) == ("12", "3", "1--10")
    assert (fields["publisher"], fields["address"], fields["isbn"]) == ("ACM", "New York", "978-3-16-148410-0")
    assert fields["custom-field"] == r"kept \emph{as is}"
    assert "month = jan," in written  # the month macro, bare


def test_string_macros_with_concatenation_are_resolved_and_preamble_and_comments_are_written_back(
        tmp_path: Path) -> None:
    text = r"""@preamble{ "\newcommand{\noopsort}[1]{}" }
@string{jcp = "J.~Chem. Phys."}
@comment{jabref-meta: databaseType:bibtex;}
@article{k, author = {A, B}, title = {T}, journal = "The " # jcp # { Letters}, year = 2001}
"""
    with imported(tmp_path, text) as lib:
        written = export(lib)
    assert records(written)["k"][1]["journal"] == "The J.~Chem. Phys. Letters"
    assert r"\newcommand{\noopsort}[1]{}" in written.split("@article")[0]
    assert "@comment{jabref-meta: databaseType:bibtex;}" in written


def test_title_less_entries_editor_only_books_sets_and_crossref_parents_are_all_kept(tmp_path: Path) -> None:
    text = r"""@inproceedings{child, author = {A, B}, title = {Child}, crossref = {parent}, pages = {1--2}}
@proceedings{parent, editor = {Ed, Itor}, title = {The Proceedings}, year = 2010, publisher = {P}}
@book{edited, editor = {Editor, Only}, title = {An Edited Book}, year = 2000}
@misc{untitled, author = {Nobody, A.}, year = 1999, note = {No title at all}}
@set{aset, entryset = {child,edited}}
"""
    with imported(tmp_path, text) as lib:
        out = records(export(lib, profile="biblatex"))
        written = export(lib)
        child = next(lib.paper(i) for i in lib.paper_ids() if lib.paper(i).paper.citation_key == "child")
    assert sorted(out) == ["aset", "child", "edited", "parent", "untitled"]
    assert "author" not in out["edited"][1] and out["edited"][1]["editor"] == "Editor, Only"
    assert out["aset"] == ("set", {"entryset": "child,edited"})
    assert child.paper.year == 2010 and child.paper.venue == "The Proceedings"  # read through the crossref
    assert written.index("@inproceedings{child") < written.index("@proceedings{parent")  # parents after children


def test_biblatex_names_are_mapped_to_bibtex_and_back_as_the_compatibility_tables_say(tmp_path: Path) -> None:
    text = r"""@online{web, author = {A, B}, title = {Site}, date = {2021-03-04}, url = {https://example.org}}
@thesis{th, author = {C, D}, title = {Thesis}, type = {phdthesis}, institution = {MIT}, date = 2015}
@article{art, author = {E, F}, title = {Art}, journaltitle = {J. Things}, location = {Paris}, date = 2012}
"""
    with imported(tmp_path, text) as lib:
        classic = records(export(lib, profile="bibtex"))
        modern = records(export(lib, profile="biblatex"))
    assert classic["web"][0] == "misc" and classic["web"][1]["howpublished"] == r"\url{https://example.org}"
    assert (classic["web"][1]["year"], classic["web"][1]["month"]) == ("2021", "mar")
    assert classic["th"][0] == "phdthesis" and classic["th"][1]["school"] == "MIT" and "type" not in classic["th"][1]
    assert classic["art"][1]["journal"] == "J. Things" and classic["art"][1]["address"] == "Paris"
    assert modern["th"][0] == "thesis" and modern["art"][1]["journaltitle"] == "J. Things"


def test_a_quote_inside_braces_in_a_quoted_value_is_read_whole(tmp_path: Path) -> None:
    text = r"""@book{t, title = "{Ein Handbuch f{\"u}r zeitgem{"a}{\ss} Schaffende}", publisher = "X {"}Y{"}",
year = "1991"}"""
    with imported(tmp_path, text) as lib:
        fields = records(export(lib))["t"][1]
    assert fields["title"] == r'{Ein Handbuch f{\"u}r zeitgem{"a}{\ss} Schaffende}'
    assert fields["publisher"] == 'X {"}Y{"}' and fields["year"] == "1991"


def test_a_merge_fills_every_field_the_kept_record_lacks(tmp_path: Path) -> None:
    first = "@article{a, author = {A, B}, title = {Same Paper}, year = 2020, doi = {10.1/x}}"
    second = ("@article{b, author = {A, B}, title = {Same Paper}, year = 2020, doi = {10.1/X}, volume = {7}, "
              "pages = {3--4}, publisher = {P}}")
    with Library.open(tmp_path / "library.sqlite") as lib:
        import_text(lib, first)
        report = import_text(lib, second, policy="merge")
        (fields,) = [dict((k.lower(), v) for k, v in r[1].items()) for r in records(export(lib)).values()]
    assert report.merged == 1
    assert "“Same Paper” is already in the library as a (same DOI): merged into it" in report.warnings
    assert (fields["volume"], fields["pages"], fields["publisher"], fields["doi"]) == ("7", "3--4", "P", "10.1/x")


def test_an_edit_in_the_window_is_written_into_the_record(tmp_path: Path) -> None:
    with imported(tmp_path, "@article{k, author = {A, B}, title = {Old}, journal = {J}, volume = {1}}") as lib:
        (paper_id,) = lib.paper_ids()
        lib.papers.update(paper_id, title="New {DNA} title", venue="Other J")
        _, fields = records(export(lib))["k"]
    assert fields["title"] == "New {DNA} title" and fields["journal"] == "Other J" and fields["volume"] == "1"


def test_a_record_replaced_whole_is_validated_and_undone_in_one_step(tmp_path: Path) -> None:
    from lectern.core.library.rows import EditError

    with imported(tmp_path, "@article{k, author = {A, B}, title = {Old}, journal = {J}}") as lib:
        (paper_id,) = lib.paper_ids()
        with pytest.raises(EditError, match="do not pair up"):
            lib.papers.set_record(paper_id, "book", [("title", "{unclosed")])
        with pytest.raises(EditError, match="twice"):
            lib.papers.set_record(paper_id, "book", [("title", "A"), ("Title", "B")])
        lib.papers.set_record(paper_id, "book", [("editor", "Ed, Itor"), ("title", "A Book"), ("year", "1999")])
        detail = lib.paper(paper_id)
        assert (detail.paper.entry_type, detail.paper.title, detail.paper.year) == ("book", "A Book", 1999)
        lib.history.undo()
        assert get(lib.paper(paper_id).paper.fields, "journal") == "J"


_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40).map(
    lambda s: " ".join(s.replace("{", "(").replace("}", ")").replace("\\", "/").split())).filter(bool)
_KEY = st.text(st.characters(whitelist_categories=("Ll", "Lu", "Nd"), whitelist_characters=":/.+*-_"),
               min_size=1, max_size=20)
_NAME = st.from_regex(r"[a-z][a-z0-9]{0,11}", fullmatch=True).filter(
    lambda n: n not in ("keywords", "annote", "annotation", "abstract", "crossref", "xdata", "ids", "key"))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(key=_KEY, title=_TEXT, extra=st.dictionaries(_NAME, _TEXT, max_size=5))
def test_random_records_survive_export_and_import_unchanged(tmp_path: Path, key: str, title: str,
                                                            extra: dict[str, str]) -> None:
    fields = {"title": title, **{k: v for k, v in extra.items() if k != "title"}}
    text = "@misc{" + key + ",\n" + ",\n".join(f"  {k} = {{{v}}}" for k, v in fields.items()) + "\n}\n"
    path = tmp_path / f"lib-{uuid.uuid4().hex}.sqlite"  # a new library for each example
    with Library.open(path) as lib:
        import_text(lib, text, policy="import")
        once = export(lib, "biblatex")
    with Library.open(path.with_suffix(".again.sqlite")) as again:
        import_text(again, once, policy="import")
        twice = export(again, "biblatex")
    assert records(once)[key] == records(twice)[key]
    assert {k: v for k, v in records(once)[key][1].items() if k != "date"} == fields


def test_an_entry_without_a_title_shows_its_key_and_an_annotation_becomes_a_readable_note(tmp_path: Path) -> None:
    text = r"@misc{lonely, author = {A, B}, annotation = {An \texttt{article} entry}}"
    with imported(tmp_path, text) as lib:
        (paper_id,) = lib.paper_ids()
        assert lib.rows([paper_id])[paper_id].title == "[lonely]"
        assert lib.paper(paper_id).note == "An article entry"
        assert records(export(lib, "biblatex", note=True))["lonely"][1]["annotation"] == r"An \texttt{article} entry"
