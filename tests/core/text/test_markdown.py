"""A note's preview HTML: raw HTML is shown as text and images are links, so
rendering a note never names a file or a server to load."""

from __future__ import annotations

import pytest

from lectern.core.text.markdown import note_html

IMAGES = [
    "![a photo](/home/someone/photo.png)",
    "![remote](https://example.org/track.png)",
    "![](data:image/png;base64,iVBORw0KGgo=)",
    "![ref][1]\n\n[1]: file:///etc/passwd",
    '<img src="/home/someone/photo.png">',
    "[![inner](/tmp/x.png)](https://example.org)",
]


@pytest.mark.parametrize("note", IMAGES)
def test_no_note_renders_an_image(note: str) -> None:
    html = note_html(note)
    assert "<img" not in html


def test_an_image_is_a_link_named_by_its_alt_text() -> None:
    assert note_html("![a <b>photo</b>](/home/someone/photo.png)") == (
        '<p><a href="/home/someone/photo.png">[image: a &lt;b&gt;photo&lt;/b&gt;]</a></p>\n')
    assert note_html("![](https://example.org/x.png)") == '<p><a href="https://example.org/x.png">[image]</a></p>\n'


def test_text_and_links_still_render() -> None:
    html = note_html("**read** the [paper](https://arxiv.org/abs/1706.03762)")
    assert "<strong>read</strong>" in html and '<a href="https://arxiv.org/abs/1706.03762">paper</a>' in html
