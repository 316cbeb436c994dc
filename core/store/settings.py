"""The user's settings: a small JSON file in the config folder (beside the
keymap), shared by the window and the command line. A missing or bad file
never stops Lectern: the defaults are used."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from lectern.core.store.atomic import write_atomic
from lectern.core.store.paths import config_dir

ATTACH_MODES = ("copy", "link")
# Attached files: copied into the library's folder. Sync: automatic (every few minutes and at quit) once the
# user has set a remote up, as other synced apps do; without a remote it does nothing.
DEFAULTS: dict[str, Any] = {"attach_mode": "copy", "sync_auto": True}


def settings_path() -> Path:
    return config_dir() / "settings.json"


def load_settings(path: Path | None = None) -> dict[str, Any]:
    """The settings, defaults filled in (a value of the wrong kind is replaced by its default)."""
    settings = dict(DEFAULTS)
    try:
        data = json.loads((path or settings_path()).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return settings
    if isinstance(data, dict):
        settings.update({k: v for k, v in data.items() if k not in DEFAULTS or type(v) is type(DEFAULTS[k])})
    if settings["attach_mode"] not in ATTACH_MODES:
        settings["attach_mode"] = DEFAULTS["attach_mode"]
    return settings


def save_setting(name: str, value: Any, path: Path | None = None) -> None:
    """Change one setting, keeping the others (written atomically)."""
    target = path or settings_path()
    settings = load_settings(target)
    settings[name] = value
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(target, (json.dumps(settings, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))


def attach_mode(path: Path | None = None) -> str:
    """How files are attached unless told otherwise: "copy" (default) or "link"."""
    return str(load_settings(path)["attach_mode"])


def sync_auto(path: Path | None = None) -> bool:
    """Whether a library with a sync remote syncs by itself (every few minutes and at quit): on unless turned off."""
    return bool(load_settings(path)["sync_auto"])
