"""Rendering notes: CommonMark with raw HTML off, so a note can never inject
markup, scripts or remote images into the preview."""

from __future__ import annotations

from functools import lru_cache
from typing import Any


@lru_cache(maxsize=1)
def _renderer() -> Any:
    """Made on the first note shown: importing markdown-it at start-up cost 40 ms."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def note_html(markdown: str) -> str:
    """HTML for a note's preview; any raw HTML in the note is shown as text."""
    if not markdown.strip():
        return ""  # most papers: no note, and no need to load the renderer
    return _renderer().render(markdown)
