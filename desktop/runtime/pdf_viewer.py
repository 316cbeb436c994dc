"""Opening an attached PDF in the system's viewer, at a page where the viewer
takes one on its command line (evince, okular, zathura); otherwise the desktop's
default application for the file (QDesktopServices), at its first page."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices

# Viewer -> its arguments to open `path` at page `page` (from 1).
PAGE_VIEWERS: dict[str, list[str]] = {
    "evince": ["--page-label={page}", "{path}"],
    "okular": ["--page", "{page}", "{path}"],
    "zathura": ["-P", "{page}", "{path}"],
}


def viewer_command(path: Path, page: int | None) -> list[str] | None:
    """The command that opens `path` at `page` with a viewer on PATH, or None."""
    if not page:
        return None
    for name, arguments in PAGE_VIEWERS.items():
        program = shutil.which(name)
        if program:
            return [program, *(a.format(page=int(page), path=str(path)) for a in arguments)]
    return None


def open_pdf(path: Path, page: int | None = None) -> bool:
    """Open the PDF (at `page` when a viewer can); True when it was handed to a program."""
    command = viewer_command(path, page)
    if command is not None:
        try:
            subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, start_new_session=True)
            return True
        except OSError:
            pass
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
