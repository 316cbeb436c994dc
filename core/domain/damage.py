"""A stored value that cannot be read back: a damaged page, not bad input."""

from __future__ import annotations


class DamagedValue(ValueError):
    """A value in the library file is not what Lectern wrote (a date that does
    not parse, a record that is not JSON): the file is damaged. Reads inside a
    transaction turn it into LibraryDamaged, which offers the latest backup."""
