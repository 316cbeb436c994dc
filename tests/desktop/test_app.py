"""Starting Lectern: `lectern --import-files FILE...` opens the window on the
library and imports every file into it. Run in a child process, as a user
starts it: `main()` ends with the application's own event loop."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from lectern.core.library.facade import Library

ROOT = Path(__file__).resolve().parents[2]

# Start Lectern through main(); once the window shows `expected` papers, print
# their titles and close it (or give up after 30 s, printing what it shows).
CHILD = """
import json, sys, time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from lectern.desktop.app import main
from lectern.desktop.main_window import MainWindow

app = QApplication(sys.argv[:1])
expected, argv = int(sys.argv[1]), sys.argv[2:]
deadline = time.monotonic() + 30

def watch():
    windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
    shown = windows[0].model.rowCount() if windows else 0
    if shown != expected and time.monotonic() < deadline:
        QTimer.singleShot(20, watch)
        return
    model = windows[0].model if windows else None
    print(json.dumps([model.index(r, 0).data() for r in range(model.rowCount())] if model else []), flush=True)
    for widget in QApplication.topLevelWidgets():
        widget.close()
    app.quit()

QTimer.singleShot(0, watch)
sys.exit(main(argv))
"""


def start_lectern(expected_rows: int, *argv: str) -> tuple[int, list[str], str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", CHILD, str(expected_rows), *argv], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    lines = done.stdout.strip().splitlines()
    return done.returncode, json.loads(lines[-1]) if lines else [], done.stderr


def test_import_files_at_start_adds_every_file_to_a_fresh_library(tmp_path: Path) -> None:
    first, second = tmp_path / "first.bib", tmp_path / "second.bib"
    first.write_text("@misc{startA, title = {Started With Graph Kernels}, year = {2024}}\n"
                     "@misc{startB, title = {Started With Two Papers}, year = {2023}}\n", encoding="utf-8")
    second.write_text("@article{startC, title = {A Second File at Start}, author = {Doe, Jane}}\n", encoding="utf-8")
    library = tmp_path / "fresh.sqlite"
    code, shown, err = start_lectern(225, "--library", str(library), "--import-files", str(first), str(second))
    assert code == 0, err
    assert len(shown) == 225, err  # the default reading list of a new library, and the three imported
    assert {"Started With Graph Kernels", "Started With Two Papers", "A Second File at Start"} <= set(shown)
    with Library.open(library) as lib:
        assert lib.count() == 225
        assert {"startA", "startB", "startC"} <= set(lib.citation_keys_of(lib.paper_ids()).values())
