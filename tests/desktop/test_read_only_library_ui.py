"""A library in a folder that cannot be written (a read-only disk or share)
opens read-only: a banner says so, browsing and search work, and a change is
refused with a message instead of the lock file's OSError and no window."""

from __future__ import annotations

import subprocess
from pathlib import Path

from lectern.core.domain.records import NewPaper
from lectern.core.library.facade import Library
from lectern.desktop.app import open_window
from tests.desktop.conftest import activate


def test_a_library_on_a_read_only_disk_opens_read_only_with_a_banner(qtbot, tmpfs: Path, message_boxes) -> None:
    path = tmpfs / "library.sqlite"
    with Library.open(path) as lib:
        lib.papers.add_many([NewPaper(title=f"Paper {i} on pre-training", abstract="About it.") for i in range(5)])
    assert subprocess.run(["mount", "-o", "remount,ro", str(tmpfs)], capture_output=True).returncode == 0
    win = open_window(path)
    qtbot.addWidget(win)
    win.show()
    try:
        assert win.read_only_banner is not None and win.read_only_banner.isVisible()
        assert "Read-only" in win.read_only_banner.text() and "(read-only)" in win.windowTitle()
        assert win.model.rowCount() == 5
        activate(qtbot, win)
        qtbot.keyClick(win.table, "s")  # star: refused, said
        qtbot.waitUntil(lambda: len(message_boxes) == 1, timeout=5000)
        assert message_boxes[0][0] == "Not saved" and "read-only" in message_boxes[0][1]
        assert not win.library.rows([win.current_paper_id()])[win.current_paper_id()].starred
    finally:
        win.close()
        win.library.close()
    assert sorted(p.name for p in tmpfs.iterdir()) == ["library.sqlite"]  # nothing was written beside it
