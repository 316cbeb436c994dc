"""The entry editor's rows for a type: biblatex's data model fields for it, the
required ones marked, named in the record's dialect, then the record's others."""

from __future__ import annotations

from lectern.core.domain.entry_types import ENTRY_TYPES, editor_fields


def _required(kind: str, fields=()) -> list[str]:
    return [name for name, _value, required, _need in editor_fields(kind, fields) if required]


def test_required_fields_follow_biblatex_data_model() -> None:
    assert _required("article", (("journaltitle", "J"),)) == ["author", "title", "journaltitle", "date"]
    assert _required("incollection", (("date", "2000"),)) == ["author", "editor", "title", "booktitle", "date"]
    assert _required("thesis") == ["author", "title", "type", "institution", "date"]
    assert _required("online") == ["author", "title", "url", "date"]
    assert _required("misc", (("date", "2000"),)) == ["title", "date"]
    for kind in ("book", "inbook", "inproceedings", "proceedings", "report", "unpublished", "manual", "booklet",
                 "phdthesis", "mastersthesis", "techreport"):
        assert kind in ENTRY_TYPES and "title" in _required(kind)


def test_a_bibtex_record_gets_bibtex_names_and_keeps_its_own_fields() -> None:
    record = (("author", "A"), ("title", "T"), ("journal", "J"), ("year", "2020"), ("custom", "x"))
    rows = editor_fields("article", record)
    names = [name for name, *_ in rows]
    assert names[:4] == ["author", "title", "journal", "year"] and names[-1] == "custom"
    assert "journaltitle" not in names and "date" not in names
    assert dict((n, v) for n, v, *_ in rows)["custom"] == "x"
    need = {name: need for name, _v, _r, need in editor_fields("online", ())}
    assert need["author"] == "Required (or editor)" and need["url"] == "Required (or doi, eprint)"
    assert _required("phdthesis") == ["author", "title", "school", "year"]
