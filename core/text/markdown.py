"""Rendering notes: CommonMark with raw HTML off, so a note can never inject
markup or scripts into the preview; and no image is ever embedded, local or
remote: an image shows as a link (`[image: alt]`) the user may choose to open."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any


def _image_as_link(renderer: Any, tokens: Sequence[Any], idx: int, options: Any, env: Any) -> str:
    """An image as a link to it: Qt's text engine would read a local file named
    by <img> whatever `loadResource` says, so no <img> reaches the preview."""
    from markdown_it.common.utils import escapeHtml

    token = tokens[idx]
    alt = renderer.renderInlineAsText(token.children or [], options, env)
    label = f"[image: {alt}]" if alt else "[image]"
    return f'<a href="{escapeHtml(str(token.attrGet("src") or ""))}">{escapeHtml(label)}</a>'


@lru_cache(maxsize=1)
def _renderer() -> Any:
    """Made on the first note shown: importing markdown-it at start-up cost 40 ms."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
    md.add_render_rule("image", _image_as_link)
    return md


def note_html(markdown: str) -> str:
    """HTML for a note's preview; raw HTML in the note is shown as text and
    images are links, so rendering it loads nothing."""
    if not markdown.strip():
        return ""  # most papers: no note, and no need to load the renderer
    return _renderer().render(markdown)
