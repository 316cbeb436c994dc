"""A large CSL-JSON export is written a chunk at a time, and it is the same text
as mapping every item at once: a crossref child whose parent comes chunks later
still gets what it inherits, and papers whose keys differ only in case are
written as the all-at-once mapping writes them."""

from __future__ import annotations

import json
from pathlib import Path

from lectern.core.domain.entry import readings
from lectern.core.domain.records import NewPaper
from lectern.core.formats.csljson import csl_json
from lectern.core.library.facade import Library
from lectern.core.transfer.export import BATCH, export


def _paper(kind: str, fields: tuple[tuple[str, str], ...], key: str | None = None) -> NewPaper:
    return NewPaper(**readings(fields), citation_key=key, entry_type=kind, fields=fields)


def _many(count: int) -> list[NewPaper]:
    return [_paper("article", (("author", f"Okafor, Sara and M{{\\\"u}}ller, Tom{i}"),
                               ("title", f"On {{BERT}} and Its Kin, Part {i}"), ("journal", "Artificial Intelligence"),
                               ("year", str(2000 + i % 25)), ("pages", f"{i}--{i + 9}"),
                               ("abstract", f"We ask what the model's pre-training gives; 76\\% of {i} cases.")))
            for i in range(count)]


def _all_at_once(library: Library, ids: list[int]) -> str:
    return csl_json(library.papers_for_export(ids))


def test_an_export_of_many_chunks_is_the_text_of_all_items_mapped_at_once(tmp_path: Path) -> None:
    with Library.open(tmp_path / "lib.sqlite") as library:
        library.papers.add_many(_many(BATCH + 300))
        ids = library.paper_ids()
        out = tmp_path / "out.json"
        assert export(library, "csljson", ids, out) == len(ids)
        assert out.read_text(encoding="utf-8") == _all_at_once(library, ids)
        assert len(json.loads(out.read_text(encoding="utf-8"))) == BATCH + 300


def test_a_child_gets_what_its_parent_gives_when_the_parent_comes_chunks_later(tmp_path: Path) -> None:
    with Library.open(tmp_path / "lib.sqlite") as library:
        library.papers.add_many(_many(BATCH + 10) + [
            _paper("inproceedings", (("author", "Kim, Sara"), ("title", "A Child Paper"), ("crossref", "conf2020"),
                                     ("pages", "1--9")), key="child2020"),
            _paper("proceedings", (("title", "Proceedings of the Conference"), ("year", "2020"),
                                   ("publisher", "Curran Associates")), key="conf2020")])
        child, parent = library.paper_id_of_key("child2020"), library.paper_id_of_key("conf2020")
        others = [i for i in library.paper_ids() if i not in (child, parent)]
        ids = [child, *others, parent]  # the parent is read BATCH papers after its child
        out = tmp_path / "out.json"
        export(library, "csljson", ids, out)
        text = out.read_text(encoding="utf-8")
        assert text == _all_at_once(library, ids)
        item = json.loads(text)[0]
        assert item["id"] == "child2020"
        assert item["issued"] == {"date-parts": [[2020]]}
        assert item["publisher"] == "Curran Associates"


def test_keys_that_differ_only_in_case_are_written_as_the_whole_mapping_writes_them(tmp_path: Path) -> None:
    with Library.open(tmp_path / "lib.sqlite") as library:
        library.papers.add_many(_many(BATCH + 5) + [
            _paper("misc", (("title", "Upper Case"), ("year", "2001")), key="Äquivalenz2001"),
            _paper("misc", (("title", "Lower Case"), ("year", "2002")), key="äquivalenz2001")])
        ids = library.paper_ids()
        out = tmp_path / "out.json"
        export(library, "csljson", ids, out)
        assert out.read_text(encoding="utf-8") == _all_at_once(library, ids)
