"""Checks of a query's shape before it is parsed, each failing with a
QueryError that says in the user's terms what is wrong: quotes and
parentheses that do not close (or nest too deep for the parser), and
operators without words between them."""

from __future__ import annotations

import re

__all__ = ["MAX_DEPTH", "OPERATORS", "QueryError", "check_balanced", "check_operators", "only_operators",
           "operator_tokens"]

OPERATORS = ("and", "or", "not", "andnot", "andmaybe")
_OPERATOR_WORDS = frozenset(word.upper() for word in OPERATORS)  # operators only in capitals
_TOKENS = re.compile(r"[()]|[^\s()]+")
MAX_DEPTH = 32  # nested parentheses (Whoosh's parser recurses once per level)


class QueryError(ValueError):
    """The query cannot be understood; the message is short and says why."""


def check_balanced(text: str) -> None:
    if text.count('"') % 2:
        raise QueryError('A quote is not closed: add the closing ".')
    depth = 0
    in_quote = False
    for ch in text:
        if ch == '"':
            in_quote = not in_quote
        elif not in_quote and ch == "(":
            depth += 1
            if depth > MAX_DEPTH:
                raise QueryError(f"Too many nested parentheses (at most {MAX_DEPTH}).")
        elif not in_quote and ch == ")":
            depth -= 1
            if depth < 0:
                raise QueryError("A ) has no matching (.")
    if depth > 0:
        raise QueryError("A ( is not closed: add the closing ).")


def operator_tokens(text: str) -> list[str]:
    """What the user typed as operators, words ("word") and parentheses; `-x` is `-` then `x`."""
    tokens: list[str] = []
    for i, piece in enumerate(text.split('"')):
        if i % 2:
            tokens.append("word")  # a quoted phrase
            continue
        for token in _TOKENS.findall(piece):
            if token.startswith("-") and len(token) > 1 and token[1] != "-":
                tokens += ["-", token[1:]]
            elif token != "-":  # a lone - is punctuation, not NOT
                tokens.append(token)
    return tokens


def only_operators(tokens: list[str]) -> list[str]:
    """The operators of a query that has nothing else (else [])."""
    words = [t for t in tokens if t not in "()"]
    return words if words and all(t in _OPERATOR_WORDS or t == "-" for t in words) else []


def check_operators(tokens: list[str]) -> None:
    """Operators need words: a query of only AND/OR/NOT, or two operators in a
    row (`NOT AND x`, `NOT -x`), is named for what it is (AND NOT, OR NOT are fine)."""
    if only := only_operators(tokens):
        raise QueryError("The query has only operators (" + " ".join(dict.fromkeys(only)) +
                         "): add a word to search for, or type the word in lower case to search for it.")
    for before, after in zip(tokens, tokens[1:]):
        if (before in _OPERATOR_WORDS or before == "-") and (after in _OPERATOR_WORDS or after == "-"):
            if after in ("NOT", "-") and before in ("AND", "OR"):
                continue
            raise QueryError(f"Two operators in a row ({before} {after}): put a word between them.")
