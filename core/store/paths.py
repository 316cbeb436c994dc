"""Where Lectern keeps things: platformdirs locations and shipped resources."""

from __future__ import annotations

import sys
from pathlib import Path

import platformdirs

APP_NAME = "lectern"


def data_dir() -> Path:
    """The database with its search index, and its backups."""
    return platformdirs.user_data_path(APP_NAME, appauthor=False)


def config_dir() -> Path:
    """Keymap and settings the user may edit."""
    return platformdirs.user_config_path(APP_NAME, appauthor=False)


def state_dir() -> Path:
    """Logs and window state."""
    return platformdirs.user_state_path(APP_NAME, appauthor=False)


def cache_dir() -> Path:
    """What can be fetched again: answers of the scholarly services (core/identify/http.py)."""
    return platformdirs.user_cache_path(APP_NAME, appauthor=False)


def default_library_path() -> Path:
    """The library opened when no --library is given."""
    return data_dir() / "library.sqlite"


def resources_dir() -> Path:
    """The shipped `resources/` folder, from source or from a PyInstaller bundle."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"


def resource_path(*parts: str) -> Path:
    """A file shipped under `resources/`."""
    return resources_dir().joinpath(*parts)


def default_listing_path() -> Path:
    """The embedded default reading list (222 papers)."""
    return resource_path("default_library.txt")


def default_metadata_path() -> Path:
    """The verified facts of the default list's papers (authors, year, arXiv id, venue, DOI)."""
    return resource_path("default_library_metadata.json")
