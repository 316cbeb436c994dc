"""Rendering notes: CommonMark with raw HTML off, so a note can never inject
markup, scripts or remote images into the preview."""

from __future__ import annotations

from functools import lru_cache

from markdown_it import MarkdownIt


@lru_cache(maxsize=1)
def _renderer() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def note_html(markdown: str) -> str:
    """HTML for a note's preview; any raw HTML in the note is shown as text."""
    return _renderer().render(markdown)
