"""Name lists split and read as BibTeX does: the quick split of a list without
braces says exactly what bibtexparser's splitter says, and the Authors column
shows the first two family names."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lectern.core.domain.names import parse_names, short_authors, split_persons

PIECES = st.sampled_from(["and", "AND", "And", "others", "Smith", "John", "van", "der", "Jr.", ",", "-", "é",
                          "O'Neil", "anderson", "band", "and.", "~"])
SPACES = st.sampled_from([" ", "  ", "\t", "\n", ""])


@settings(max_examples=300, derandomize=True)
@given(st.lists(st.tuples(PIECES, SPACES), max_size=12))
def test_a_list_without_braces_splits_as_bibtexparser_splits_it(parts) -> None:
    from bibtexparser.middlewares.names import split_multiple_persons_names

    value = "".join(piece + space for piece, space in parts)
    expected = [w.strip() for w in split_multiple_persons_names(" ".join(value.split())) if w.strip()]
    assert split_persons(value) == expected


def test_every_name_list_of_tex_lives_bibliographies_splits_as_bibtexparser_splits_it() -> None:
    """Real files no one here wrote: TeX Live's xampl.bib, biblatex-examples.bib
    and tugboat.bib (accents and all; lists with braces go to bibtexparser itself)."""
    from bibtexparser.middlewares.names import split_multiple_persons_names

    if shutil.which("kpsewhich") is None:
        pytest.skip("kpsewhich (TeX Live) is not installed")
    files = subprocess.run(["kpsewhich", "xampl.bib", "biblatex-examples.bib", "tugboat.bib"],
                           capture_output=True, text=True).stdout.split()
    values = [m.group(2) for f in files for m in re.finditer(
        r'(?im)^\s*(author|editor)\s*=\s*[{"](.*?)[}"],?\s*$', open(f, encoding="latin-1").read())]
    plain = [v for v in values if "{" not in v]
    assert len(plain) > 1000
    for value in plain:
        expected = [w.strip() for w in split_multiple_persons_names(" ".join(value.split())) if w.strip()]
        assert split_persons(value) == expected, value


def test_braces_keep_an_and_inside_a_name() -> None:
    assert split_persons("{Barnes and Noble} and Smith, John") == ["{Barnes and Noble}", "Smith, John"]
    assert [n.literal for n in parse_names("{Barnes and Noble} and others")] == ["Barnes and Noble", "others"]


def test_the_authors_column_shows_two_family_names() -> None:
    assert short_authors("Clark, Kevin AND Minh-Thang Luong") == "Clark, Luong"
    assert short_authors("Clark, Kevin and Luong, Minh-Thang and Manning, Christopher") == "Clark, Luong et al."
    assert short_authors("Ludwig van Beethoven and others") == "van Beethoven et al."
    assert short_authors("  ") == ""
