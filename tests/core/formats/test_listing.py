"""Reading paper listings: the default library and the edge cases users hit."""

from __future__ import annotations

from pathlib import Path

import pytest

from lectern.core.formats.listing import ListingError, parse_listing, read_listing
from tests.conftest import DEFAULT_LISTING

FIRST_TITLE = "Pre-Trained Models: Past, Present and Future"
LAST_TITLE = "Simple Open-Vocabulary Object Detection with Vision Transformers"


def _raw_pairs() -> list[tuple[str, str]]:
    lines = DEFAULT_LISTING.read_text(encoding="utf-8").split("\n")[2:]
    lines[0] = lines[0].removeprefix("Subscribe")
    return list(zip(lines[0::2], lines[1::2]))


def test_default_listing_has_222_papers_with_exact_titles_and_abstracts() -> None:
    listing = read_listing(DEFAULT_LISTING)
    assert len(listing.entries) == 222
    assert listing.warnings == []
    assert listing.entries[0].title == FIRST_TITLE
    assert listing.entries[-1].title == LAST_TITLE
    assert [(e.title, e.abstract) for e in listing.entries] == _raw_pairs()
    assert any(e.title == "Sabiá: Portuguese Large Language Models" for e in listing.entries)


def test_shipped_copy_matches_the_shared_reading_list() -> None:
    shared = DEFAULT_LISTING.parent.parent.parent / "shared" / "data" / "000_40268a03a6605204.txt"
    if not shared.exists():
        pytest.skip("../shared is not beside this checkout")
    assert DEFAULT_LISTING.read_bytes() == shared.read_bytes()


def test_crlf_trailing_spaces_blank_lines_and_no_final_newline_are_tolerated() -> None:
    text = "Title One  \r\n\r\nAbstract one.\t\r\n\r\n\r\nTitle Two\r\nAbstract two."
    listing = parse_listing(text)
    assert [(e.title, e.abstract) for e in listing.entries] == [
        ("Title One", "Abstract one."),
        ("Title Two", "Abstract two."),
    ]
    assert listing.warnings == []


def test_trailing_title_without_abstract_is_reported_not_fatal() -> None:
    listing = parse_listing("A title\nAn abstract\nLonely title\n")
    assert [e.title for e in listing.entries] == ["A title", "Lonely title"]
    assert listing.entries[1].abstract == ""
    assert len(listing.warnings) == 1 and "Line 3" in listing.warnings[0]


def test_subscribe_prefix_is_only_stripped_when_glued_to_a_title() -> None:
    assert parse_listing("SubscribeDeep Nets\nabs").entries[0].title == "Deep Nets"
    assert parse_listing("Subscriber Models\nabs").entries[0].title == "Subscriber Models"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"\n\n  \n", "empty"),
        (b"@article{x,\n title={A}\n}\n", "BibTeX"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary"),
        (b"Title\n" + b"x" * 2000 + b"\n" + b"y" * 2000 + b"\nabs\n", "does not look like a listing"),
        ("Caf\u00e9 title\nabstract".encode("cp1252"), "not UTF-8"),
    ],
)
def test_files_that_are_not_listings_get_a_clear_error(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "input.txt"
    path.write_bytes(content)
    with pytest.raises(ListingError, match=message):
        read_listing(path)


def test_a_folder_or_missing_file_gets_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ListingError, match="folder"):
        read_listing(tmp_path)
    with pytest.raises(ListingError, match="does not exist"):
        read_listing(tmp_path / "nope.txt")
