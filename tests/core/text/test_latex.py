"""LaTeX fragments in titles and abstracts read as text; links are found."""

from __future__ import annotations

import pytest

from lectern.core.text.latex import find_links, latex_to_text


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        (r"can save 76\% computational costs", "can save 76% computational costs"),
        (r"Our best model, Sabi\'a-65B, performs", "Our best model, Sabiá-65B, performs"),
        (r"certain {\em reconstruction-based} pretext", "certain reconstruction-based pretext"),
        (r"{\em x}", "x"),
        (r"e.g.~RoBERTa", "e.g. RoBERTa"),
        (r"Transformers (\eg BERT)", "Transformers (e.g. BERT)"),
        ("a bare 3.6% gain & more #1 [MASK]", "a bare 3.6% gain & more #1 [MASK]"),
        ("Sabiá: Portuguese Large Language Models", "Sabiá: Portuguese Large Language Models"),
        ("<b>bold</b>", "<b>bold</b>"),
        ("{unbalanced", "unbalanced"),
        (r"available at \faGithub~ https://github.com/a/b_c.", "available at https://github.com/a/b_c."),
    ],
)
def test_latex_fragments_read_as_text(raw: str, shown: str) -> None:
    assert latex_to_text(raw) == shown


def test_links_are_extracted_without_trailing_punctuation() -> None:
    text = "Code: https://github.com/PaddlePaddle/ERNIE. Data (https://aka.ms/BLURB), again https://github.com/PaddlePaddle/ERNIE"
    assert find_links(text) == ["https://github.com/PaddlePaddle/ERNIE", "https://aka.ms/BLURB"]


def test_text_without_links_has_none() -> None:
    assert find_links("no links here, just http:// and www") == []


@pytest.mark.parametrize(("raw", "shown"), [
    (r"$\alpha$-Divergences", "α-Divergences"),
    (r"$x^2 + \beta_i$ terms", "x^2 + β_i terms"),
    (r"$\mathcal{O}(n \log n)$ time", "𝒪(n log n) time"),
    ("costs $5 and $10 a day", "costs $5 and $10 a day"),  # dollar amounts are not math
])
def test_math_reads_as_text(raw: str, shown: str) -> None:
    assert latex_to_text(raw) == shown


@pytest.mark.parametrize(("raw", "shown"), [
    (r"\mkbibquote{Intention} and \enquote{x}", "Intention and x"),  # biblatex's quoting macros read as their text
    (r"a \quad b", "a b"),
    (r"{\noopsort{1}}First", "First"),  # a sort key prints nothing
])
def test_biblatex_and_spacing_macros_read_as_text(raw: str, shown: str) -> None:
    assert latex_to_text(raw) == shown
