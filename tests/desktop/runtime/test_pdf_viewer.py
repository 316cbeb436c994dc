"""`o` opens a PDF at the page that matched with each viewer that takes a page
on its command line (evince, okular, zathura), and without a page otherwise."""

from __future__ import annotations

from pathlib import Path

import pytest

from lectern.desktop.runtime import pdf_viewer


@pytest.mark.parametrize("viewer, arguments", [
    ("evince", ["--page-label=7"]),
    ("okular", ["--page", "7"]),
    ("zathura", ["-P", "7"]),
])
def test_each_page_viewer_is_asked_for_the_page(monkeypatch, viewer: str, arguments: list[str]) -> None:
    monkeypatch.setattr(pdf_viewer.shutil, "which", lambda name: f"/usr/bin/{name}" if name == viewer else None)
    path = Path("/papers/a paper.pdf")
    assert pdf_viewer.viewer_command(path, 7) == [f"/usr/bin/{viewer}", *arguments, str(path)]


def test_without_a_page_or_a_page_viewer_there_is_no_command(monkeypatch) -> None:
    monkeypatch.setattr(pdf_viewer.shutil, "which", lambda name: f"/usr/bin/{name}")
    assert pdf_viewer.viewer_command(Path("/p.pdf"), None) is None
    monkeypatch.setattr(pdf_viewer.shutil, "which", lambda name: None)
    assert pdf_viewer.viewer_command(Path("/p.pdf"), 3) is None
