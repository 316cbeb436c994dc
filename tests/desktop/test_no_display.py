"""Started where there is no screen (an ssh session, CI), Lectern says how to
run instead of letting Qt abort the process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CODE = "import sys; from lectern.desktop.app import main; sys.exit(main(sys.argv[1:]))"


def run_without_display(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM") and not k.startswith("XDG_")}
    env["HOME"] = str(tmp_path)
    return subprocess.run([sys.executable, "-c", CODE, *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=60)


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="X11/Wayland only")
def test_the_window_without_a_display_says_so_and_exits_2(tmp_path: Path) -> None:
    result = run_without_display(tmp_path, "--library", str(tmp_path / "library.sqlite"))
    assert result.returncode == 2, result.stderr
    assert "no display found" in result.stderr and "Traceback" not in result.stderr
    assert "xcb" not in result.stderr  # Qt never started
    assert not (tmp_path / "library.sqlite").exists()


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="X11/Wayland only")
def test_the_self_test_without_a_display_names_the_offscreen_platform(tmp_path: Path) -> None:
    result = run_without_display(tmp_path, "--self-test")
    assert result.returncode == 2, result.stderr
    assert "QT_QPA_PLATFORM=offscreen lectern --self-test" in result.stderr
    assert "Traceback" not in result.stderr and "xcb" not in result.stderr


def test_the_command_line_tools_need_no_display(tmp_path: Path) -> None:
    result = run_without_display(tmp_path, "--library", str(tmp_path / "library.sqlite"), "search", "anything")
    assert "no display found" not in result.stderr
    assert "Traceback" not in result.stderr
