"""A record's fields as the detail pane lists them: read as Unicode, names as
"Given Family", in reading order, links for DOI, URL and arXiv id, a crossref
parent's fields marked inherited."""

from __future__ import annotations

from lectern.core.domain.entry import RAW
from lectern.core.domain.shown_fields import shown_fields


def test_fields_read_in_reading_order_with_links() -> None:
    record = (("zeta", "last"), ("doi", "10.1/x"), ("pages", "1--9"), ("year", "2001"), ("month", RAW + "jan"),
              ("author", 'M{\\"u}ller, Hans and von Neumann, John and others'), ("journal", "J.~Chem. Phys."),
              ("title", "{DNA} repair"), ("publisher", "ACM"), ("address", "New York"), ("volume", "3"),
              ("eprint", "2106.09685"), ("archivePrefix", "arXiv"), ("url", "file:///etc/passwd"), ("empty", ""))
    shown = shown_fields(record)
    assert [f.name for f in shown] == ["title", "author", "journal", "year", "month", "volume", "pages", "publisher",
                                       "address", "archivePrefix", "doi", "eprint", "url", "zeta"]
    text = {f.name: f.text for f in shown}
    assert text["author"] == "Hans Müller, John von Neumann et al."
    assert (text["journal"], text["title"], text["pages"], text["month"]) == ("J. Chem. Phys.", "DNA repair", "1–9",
                                                                             "jan")
    links = {f.name: f.link for f in shown if f.link}
    assert links == {"doi": "https://doi.org/10.1/x", "eprint": "https://arxiv.org/abs/2106.09685",
                     "url": "file:///etc/passwd"}  # the pane opens every link through open_link's rule
    assert not any(f.inherited for f in shown)


def test_a_crossref_child_marks_what_it_inherits() -> None:
    child = (("author", "Westfahl, Gary"), ("title", "The True Frontier"), ("crossref", "westfahl:frontier"),
             ("pages", "55-65"))
    parent = (("editor", "Westfahl, Gary"), ("title", "Space and Beyond"), ("publisher", "Greenwood"),
              ("pages", "1-300"))
    shown = {f.name: (f.text, f.inherited) for f in shown_fields(child, parent)}
    assert shown["pages"] == ("55-65", False) and shown["title"] == ("The True Frontier", False)
    assert shown["booktitle"] == ("Space and Beyond", True)
    assert shown["publisher"] == ("Greenwood", True) and shown["editor"] == ("Gary Westfahl", True)
