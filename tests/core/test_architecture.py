"""core/ never imports Qt: the arrow goes from desktop to core only."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
QT_PACKAGES = ("PySide6", "PyQt5", "PyQt6", "shiboken6", "desktop")


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_no_module_under_core_imports_qt_or_desktop() -> None:
    offenders = []
    files = sorted((ROOT / "core").rglob("*.py"))
    assert files, "core/ has no modules"
    for path in files:
        for name in _imported_modules(path):
            if name.split(".")[0] in QT_PACKAGES:
                offenders.append(f"{path.relative_to(ROOT)} imports {name}")
    assert offenders == []
