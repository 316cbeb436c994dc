"""Fixtures for the core tests: a real library file in the test's temp dir."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from lectern.core.library.facade import Library
from lectern.core.transfer.importing import load_default_library_if_new


@pytest.fixture
def lib(library_path: Path) -> Iterator[Library]:
    """The default reading list (222 papers) in a new library."""
    library = Library.open(library_path)
    load_default_library_if_new(library)
    yield library
    library.close()


@pytest.fixture
def default_library(library_path: Path) -> Path:
    """A library file holding the default reading list, as the window's first run leaves it."""
    with Library.open(library_path) as library:
        load_default_library_if_new(library)
    return library_path
