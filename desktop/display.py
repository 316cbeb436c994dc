"""Is there a screen to show a window on? Checked before Qt starts, because Qt
aborts the process (SIGABRT, "could not connect to display") when there is none."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping


def missing_display(self_test: bool, env: Mapping[str, str] | None = None,
                    platform: str | None = None) -> str | None:
    """A message saying how to run, when no display is reachable on Linux/BSD:
    no DISPLAY, no WAYLAND_DISPLAY and no QT_QPA_PLATFORM chosen. None otherwise."""
    env = os.environ if env is None else env
    platform = sys.platform if platform is None else platform
    if platform.startswith(("win", "darwin", "cygwin")):
        return None
    if any(env.get(name) for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")):
        return None
    if self_test:
        return ("lectern: no display found (DISPLAY and WAYLAND_DISPLAY are not set). "
                "Run the self-test without a screen with: QT_QPA_PLATFORM=offscreen lectern --self-test")
    return ("lectern: no display found (DISPLAY and WAYLAND_DISPLAY are not set), so the window cannot open. "
            "Start Lectern from a desktop session (or over ssh -X); the command-line tools work without one: "
            "lectern --help.")
