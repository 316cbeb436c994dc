"""BibTeX needs a crossref or xdata parent after every child that names it: an
export writes the papers in the order asked, with the parents moved to the end
(in their own order), whatever the case of the key a child names."""

from __future__ import annotations

from pathlib import Path

from lectern.core.domain.entry import readings
from lectern.core.domain.records import NewPaper
from lectern.core.formats.bibtex import BibOptions, export_text
from lectern.core.library.facade import Library


def _paper(key: str, kind: str, *fields: tuple[str, str]) -> NewPaper:
    return NewPaper(**readings(fields), citation_key=key, entry_type=kind, fields=fields)


def test_parents_named_in_crossref_or_xdata_are_written_after_every_child(tmp_path: Path) -> None:
    with Library.open(tmp_path / "lib.sqlite") as library:
        library.papers.add_many([
            _paper("Conf2020", "proceedings", ("title", "The Proceedings"), ("year", "2020")),
            _paper("pubdata", "xdata", ("publisher", "Curran Associates")),
            _paper("child", "inproceedings", ("author", "Kim, Sara"), ("title", "Child"), ("crossref", "conf2020")),
            _paper("other", "article", ("author", "Ito, Jun"), ("title", "Other"), ("year", "2019")),
            _paper("datachild", "book", ("author", "Sato, Kai"), ("title", "Data Child"),
                   ("XData", " PubData , elsewhere")),
        ])
        key_ids = {library.paper(i).paper.citation_key: i for i in library.paper_ids()}
        order = ["Conf2020", "pubdata", "child", "other", "datachild"]
        text = export_text(library, [key_ids[k] for k in order], BibOptions(profile="biblatex"))
    starts = {key: text.index("{" + key + ",") for key in order}
    assert sorted(order, key=starts.__getitem__) == ["child", "other", "datachild", "Conf2020", "pubdata"]
