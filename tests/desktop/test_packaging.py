"""Installing and running Lectern as a desktop app: the bundle, its self-test
under offscreen and a real X server, the menu entry, one instance per library."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from lectern.core.store import paths
from lectern.core.store.instance_lock import InstanceLock

ROOT = Path(__file__).resolve().parents[2]
IN_CI = bool(os.environ.get("CI"))


def launch(library: Path, *extra: str) -> subprocess.Popen[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    code = "import sys; from lectern.desktop.app import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.Popen([sys.executable, "-c", code, "--library", str(library), *extra], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_until_locked(library: Path, proc: subprocess.Popen[str], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()
        probe = InstanceLock(library)
        if not probe.acquire():
            time.sleep(1.0)  # the lock comes just before the local server starts listening
            return
        probe.release()
        time.sleep(0.2)
    raise AssertionError("the first instance never took the library")


def stop(proc: subprocess.Popen[str]) -> str:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
    try:
        _, err = proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        _, err = proc.communicate()
    return err


def test_desktop_entry_is_valid() -> None:
    if shutil.which("desktop-file-validate") is None:
        if IN_CI:
            raise AssertionError("CI must install desktop-file-utils")
        pytest.skip("desktop-file-validate is not installed (apt-get install desktop-file-utils)")
    result = subprocess.run(["desktop-file-validate", str(ROOT / "packaging" / "lectern.desktop")],
                            capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout == "", result.stdout + result.stderr
    text = (ROOT / "packaging" / "lectern.desktop").read_text()
    assert "Categories=Office;" in text and "MimeType=text/x-bibtex;" in text and "Icon=lectern" in text


def test_resources_are_found_from_source_and_from_a_bundle(tmp_path: Path, monkeypatch) -> None:
    assert paths.default_listing_path() == ROOT / "resources" / "default_library.txt"
    assert paths.resource_path("icons", "lectern.svg").is_file()
    bundle = tmp_path / "_internal"
    (bundle / "resources").mkdir(parents=True)
    (bundle / "resources" / "default_library.txt").write_text("x")
    monkeypatch.setattr(sys, "_MEIPASS", str(bundle), raising=False)
    assert paths.default_listing_path() == bundle / "resources" / "default_library.txt"


def test_a_second_launch_brings_the_first_forward(tmp_path: Path) -> None:
    library = tmp_path / "library.sqlite"
    first = launch(library)
    try:
        wait_until_locked(library, first)
        second = launch(library)
        _, err = second.communicate(timeout=60)
        assert second.returncode == 0
        assert "already open" in err
        time.sleep(1.0)
        assert first.poll() is None  # still running, the only one with the database
    finally:
        first_err = stop(first)
    assert "asked this window to come forward" in first_err


def cli(library: Path, *args: str) -> subprocess.CompletedProcess[str]:
    code = "import sys; from lectern.desktop.app import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.run([sys.executable, "-c", code, "--library", str(library), *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)


def test_cli_import_refuses_while_the_window_has_the_library_by_any_name(tmp_path: Path) -> None:
    library = tmp_path / "library.sqlite"
    listing = tmp_path / "l.txt"
    listing.write_text("A title\nAn abstract\n")
    first = launch(library)
    try:
        wait_until_locked(library, first)
        result = cli(library, "import", str(listing))
        assert result.returncode == 2
        assert "is in use: Lectern is open on it" in result.stderr
        link = tmp_path / "elsewhere" / "same.sqlite"  # the same file through a symlink
        link.parent.mkdir()
        link.symlink_to(library)
        result = cli(link, "import", str(listing))
        assert result.returncode == 2 and "is in use" in result.stderr, result.stderr
        second = launch(link)  # a second window through the symlink brings the first forward
        _, err = second.communicate(timeout=60)
        assert second.returncode == 0 and "already open" in err
        hard = tmp_path / "hard.sqlite"  # a second name by hard link is refused outright
        os.link(library, hard)
        result = cli(hard, "import", str(listing))
        assert result.returncode == 2 and "hard links" in result.stderr, result.stderr
        assert "Traceback" not in result.stderr
        hard.unlink()
    finally:
        stop(first)
    import sqlite3

    conn = sqlite3.connect(library)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*) FROM paper WHERE title = 'A title'").fetchone()[0] == 0
    finally:
        conn.close()


def test_a_stale_lock_after_a_crash_is_reclaimed(tmp_path: Path) -> None:
    library = tmp_path / "library.sqlite"
    first = launch(library)
    wait_until_locked(library, first)
    os.kill(first.pid, signal.SIGKILL)  # a crash: no clean-up at all
    first.communicate(timeout=20)
    assert Path(str(library) + ".lock").exists()
    second = launch(library)
    try:
        wait_until_locked(library, second)
        assert second.poll() is None  # it took the library instead of deferring to a dead process
    finally:
        stop(second)


@pytest.mark.slow
def test_the_bundle_builds_and_passes_its_self_test_offscreen_and_on_x11(tmp_path: Path) -> None:
    build = subprocess.run(["bash", "packaging/build.sh"], cwd=ROOT, capture_output=True, text=True, timeout=1800)
    assert build.returncode == 0, build.stdout[-4000:] + build.stderr[-4000:]
    log = (ROOT / "build" / "pyinstaller.log").read_text()
    windows_only = {"ole32", "shell32", "user32", "kernel32", "advapi32", "comctl32", "comdlg32", "gdi32"}
    missing = [line for line in log.splitlines()
               if re.search(r"Library (\S+) required via ctypes not found|could not resolve|Library not found", line)
               and not any(name in line for name in windows_only)]
    assert missing == []
    # nothing that needs GTK: a minimal Debian has no libgtk-3 (packaging/hooks/hook-PySide6.QtGui.py)
    gtk = re.compile(r"^lib(?:q?gtk|gdk)[-_0-9.]|^libqgtk3", re.IGNORECASE)  # (not Pillow's _imagingtk: Tk)
    assert [p.name for p in (ROOT / "dist" / "lectern").rglob("*") if gtk.search(p.name)] == []
    exe = ROOT / "dist" / "lectern" / "lectern"
    env = {k: v for k, v in os.environ.items() if not k.startswith("XDG_")}
    env["HOME"] = str(tmp_path)
    offscreen = subprocess.run([str(exe), "--self-test"], env={**env, "QT_QPA_PLATFORM": "offscreen"},
                               capture_output=True, text=True, timeout=300)
    assert offscreen.returncode == 0, offscreen.stdout + offscreen.stderr
    assert "'offscreen' platform" in offscreen.stdout
    if shutil.which("xvfb-run") is None:
        if IN_CI:
            raise AssertionError("CI must install xvfb")
        pytest.skip("xvfb-run is not installed")
    env.pop("QT_QPA_PLATFORM", None)
    x11 = subprocess.run(["xvfb-run", "-a", str(exe), "--self-test"], env=env, capture_output=True, text=True,
                         timeout=300)
    assert x11.returncode == 0, x11.stdout + x11.stderr
    assert "'xcb' platform" in x11.stdout
