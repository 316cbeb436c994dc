"""A PDF names its paper: its document information when real, else the first
page's largest line and the names under it; a DOI or arXiv id from its first pages."""

from __future__ import annotations

import pytest

from lectern.core.fulltext.extractor import TextExtractor
from lectern.core.fulltext.facts import is_junk_title, metadata_authors, pdf_facts


@pytest.fixture(scope="module")
def read():
    with TextExtractor() as reader:
        yield lambda path: pdf_facts(reader.extract(path), path.name)


def test_real_document_information_names_the_paper_and_the_text_gives_its_identifiers(read, pdfs):
    facts = read(pdfs["titled"])
    assert facts.title == "Attention Is All You Need"
    assert facts.authors == "Ashish Vaswani and Noam Shazeer"
    assert facts.arxiv_id == "1706.03762"
    assert facts.doi == "10.1145/3292500.3330701"


def test_a_junk_title_gives_way_to_the_first_pages_heading_and_by_line(read, pdfs):
    facts = read(pdfs["paper"])
    assert facts.title == "Deep Transformers for Reading Lists"
    assert facts.authors == "Ada Lovelace and Alan Turing"
    assert facts.doi is None and facts.arxiv_id is None


def test_html_in_the_metadata_is_kept_as_the_literal_text(read, pdfs):
    assert read(pdfs["html_title"]).title == "<b>Bold</b> <a href='x'>link</a> <script>alert(1)</script>"


@pytest.mark.parametrize("title", ["Microsoft Word - draft.docx", "untitled", "main.pdf", "paper", "C:\\x\\y.doc",
                                   "", "1234", "Slide 1"])
def test_junk_titles_are_recognised(title):
    assert is_junk_title(title)


def test_the_file_name_as_title_is_junk_and_a_real_title_is_not():
    assert is_junk_title("smith2020", "smith2020.pdf")
    assert not is_junk_title("Attention Is All You Need", "smith2020.pdf")


@pytest.mark.parametrize("value, expected", [
    ("Ada Lovelace; Alan Turing", "Ada Lovelace and Alan Turing"),
    ("Ada Lovelace and Alan Turing", "Ada Lovelace and Alan Turing"),
    ("Ada Lovelace, Alan Turing", "Ada Lovelace and Alan Turing"),
    ("Lovelace, Ada", "Lovelace, Ada"),
    ("anonymous", ""),
    ("Administrator", ""),
])
def test_metadata_authors(value, expected):
    assert metadata_authors(value) == expected
