"""The folder each kind of file dialog opened last (import, export), kept in the
window's settings: the next dialog of that kind starts there, not at home."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings


def last_folder(settings: QSettings, kind: str) -> Path:
    """The folder a `kind` dialog last chose, if it still exists; else the home folder."""
    value = settings.value(f"folders/{kind}")
    folder = Path(str(value)) if value else None
    return folder if folder is not None and folder.is_dir() else Path.home()


def remember_folder(settings: QSettings, kind: str, folder: Path) -> None:
    settings.setValue(f"folders/{kind}", str(folder))
