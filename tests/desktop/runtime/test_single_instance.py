"""A second launch with --import-files on a library that is already open hands
the files to the running window, which imports them as if opened with Ctrl+O;
the second launch says so. Only Lectern's own message shape is taken."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from PySide6.QtNetwork import QLocalSocket

from lectern.core.store.instance_lock import InstanceLock
from lectern.desktop.runtime.single_instance import SingleInstance

ROOT = Path(__file__).resolve().parents[3]
MAIN = "import sys; from lectern.desktop.app import main; sys.exit(main(sys.argv[1:]))"


def launch(library: Path, cwd: Path, *extra: str) -> subprocess.Popen[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-c", MAIN, "--library", str(library), *extra], cwd=cwd, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for(condition, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


def locked(library: Path) -> bool:
    probe = InstanceLock(library)
    if probe.acquire():
        probe.release()
        return False
    return True


def keys_in(library: Path) -> set[str]:
    if not library.exists():
        return set()
    conn = sqlite3.connect(f"file:{library}?mode=ro", uri=True)
    try:
        return {row[0] for row in conn.execute("SELECT citation_key FROM paper")}
    except sqlite3.Error:  # not yet made
        return set()
    finally:
        conn.close()


def test_a_second_launch_hands_its_files_to_the_running_window(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "first.bib").write_text(
        "@misc{handedA, title = {Handed Over By A Second Launch}, year = {2024}}\n", encoding="utf-8")
    (tmp_path / "second.bib").write_text(
        "@article{handedB, title = {Also Handed Over}, author = {Doe, Jane}, year = {2023}}\n", encoding="utf-8")
    library = tmp_path / "library.sqlite"
    first = launch(library, tmp_path)
    try:
        # the library is made once the first window holds it (probing the lock could race its start)
        wait_for(lambda: len(keys_in(library)) >= 222 or first.poll() is not None, "the first window to open")
        assert first.poll() is None and locked(library), first.communicate()
        second = launch(library, tmp_path / "in", "--import-files", "first.bib", str(tmp_path / "second.bib"))
        _, err = second.communicate(timeout=60)  # a relative name is read from the second launch's folder
        assert second.returncode == 0, err
        assert f"already open on {library}; handed that window 2 files to import: first.bib, second.bib" in err
        wait_for(lambda: {"handedA", "handedB"} <= keys_in(library), "the running window to import the files")
        assert first.poll() is None  # still the only one with the database
    finally:
        if first.poll() is None:
            first.send_signal(signal.SIGTERM)
        _, first_err = first.communicate(timeout=30)
    assert "another launch handed this window 2 files to import: first.bib, second.bib" in first_err
    assert "Traceback" not in first_err


def answer(qtbot, instance: SingleInstance, message: bytes) -> bytes:
    """Send `message` over a real local socket to `instance`; its answer (b"" if none)."""
    socket = QLocalSocket()
    socket.connectToServer(instance.name)
    qtbot.waitUntil(lambda: socket.state() == QLocalSocket.LocalSocketState.ConnectedState, timeout=5000)
    socket.write(message)
    socket.flush()
    got = bytearray()

    def done() -> bool:
        got.extend(bytes(socket.readAll()))
        return b"\n" in got or socket.state() == QLocalSocket.LocalSocketState.UnconnectedState

    qtbot.waitUntil(done, timeout=5000)
    socket.abort()
    return bytes(got)


def test_the_running_window_takes_only_lectern_s_own_message(qtbot, tmp_path: Path) -> None:
    instance = SingleInstance(tmp_path / "library.sqlite")
    assert instance.claim()
    handed: list[list[str]] = []
    raised: list[bool] = []
    instance.filesHanded.connect(handed.append)
    instance.activated.connect(lambda: raised.append(True))
    try:
        files = [str(tmp_path / "a b.bib"), str(tmp_path / "new\nline.ris")]
        reply = answer(qtbot, instance, json.dumps({"raise": True, "import": files}).encode() + b"\n")
        assert json.loads(reply) == {"ok": True, "import": 2}
        assert handed == [files] and raised == [True]
        assert json.loads(answer(qtbot, instance, b"raise\n")) == {"ok": True, "import": 0}  # an older launch
        assert handed == [files] and raised == [True, True]
        for hostile in (b"import /etc/passwd\n", json.dumps({"raise": True, "import": ["relative.bib"]}).encode()
                        + b"\n", b"\xff\xfe\n", json.dumps({"raise": True, "import": "x"}).encode() + b"\n"):
            assert answer(qtbot, instance, hostile) == b""
        assert handed == [files] and raised == [True, True]
    finally:
        instance.release()
