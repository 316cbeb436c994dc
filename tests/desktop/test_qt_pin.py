"""PySide6 6.12.0 over-releases None on every void call on Python 3.11 and the
process dies after a few thousand calls; the pin in pyproject.toml keeps it out."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import version

SCRIPT = r"""
import sys
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication, QLabel

class Emitter(QObject):
    ping = Signal()

app = QApplication([])
label = QLabel()
emitter = Emitter()
before = sys.getrefcount(None)
for i in range(25_000):
    label.setText("x")
    label.setEnabled(True)
    emitter.ping.emit()
    app.processEvents()
after = sys.getrefcount(None)
print(before, after)
sys.exit(0 if abs(after - before) < 1000 else 3)
"""


def test_100k_void_qt_calls_leave_none_refcount_intact() -> None:
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    before, after = map(int, result.stdout.split())
    assert abs(after - before) < 1000


def test_pyside6_is_below_6_12_on_python_3_11() -> None:
    if sys.version_info < (3, 12):
        major, minor = (int(p) for p in version("shiboken6").split(".")[:2])
        assert (major, minor) < (6, 12)
