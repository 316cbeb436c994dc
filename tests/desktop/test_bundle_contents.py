"""What the PyInstaller bundle carries: no plugin that needs a library a
minimal Debian lacks (Qt's GTK 3 theme plugin needs libgtk-3)."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HOOK = ROOT / "packaging" / "hooks" / "hook-PySide6.QtGui.py"


def test_the_bundle_leaves_out_the_gtk3_theme_plugin_and_keeps_the_rest() -> None:
    pytest.importorskip("PyInstaller")
    from PyInstaller.utils.hooks.qt import add_qt6_dependencies

    ours = runpy.run_path(str(HOOK))["binaries"]
    theirs = add_qt6_dependencies(str(HOOK))[1]
    names = {Path(src).name for src, _ in ours}
    assert "libqgtk3.so" in {Path(src).name for src, _ in theirs}  # PySide6 ships it: it must be filtered
    assert "libqgtk3.so" not in names
    assert {Path(src).name for src, _ in theirs} - names == {"libqgtk3.so"}  # nothing else is lost
    assert "libqxcb.so" in names and "libqoffscreen.so" in names


def test_the_spec_uses_the_hook_and_ci_installs_no_gtk() -> None:
    assert 'hookspath=[str(root / "packaging" / "hooks")]' in (ROOT / "packaging" / "lectern.spec").read_text()
    assert "libgtk" not in (ROOT / ".ci" / "run").read_text()
