"""Counts in messages to users, in their own words: "1 paper", "2 papers"."""

from __future__ import annotations


def plural(count: int, noun: str, many: str | None = None) -> str:
    """`count` and `noun`, the noun made plural unless the count is one
    (`many` for a noun whose plural is not noun + "s")."""
    return f"{count} {noun}" if count == 1 else f"{count} {many or noun + 's'}"
