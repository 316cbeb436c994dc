"""The user's key overrides: a TOML file in the config folder that holds only
what differs from the defaults (command id -> keys). A bad file never stops
Lectern: the defaults are used and the problems are reported."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from lectern.core.store.input_files import read_regular_file
from lectern.core.store.paths import config_dir

MAX_KEYMAP_BYTES = 1024 * 1024  # a keymap is a few lines; anything this large is not one

EXAMPLE = '''# Lectern keymap: only your overrides. Keys use Qt's names, e.g. "Ctrl+Shift+Z";
# a sequence of keys is written "G, G". An empty list unbinds a command.
[keys]
# "paper.star" = ["F"]
# "paper.next" = ["J", "Down"]
'''


def keymap_path() -> Path:
    return config_dir() / "keymap.toml"


class _Unreadable(ValueError):
    """The keymap file cannot be read as one (the message says why)."""


@dataclass
class Keymap:
    overrides: dict[str, tuple[str, ...]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def load_keymap(path: Path, known: set[str]) -> Keymap:
    """Read overrides for the commands in `known`; problems are collected, not raised."""
    keymap = Keymap()
    try:
        if not path.exists() and not path.is_symlink():
            return keymap
        data = tomllib.loads(read_regular_file(path, MAX_KEYMAP_BYTES, _Unreadable, "use").decode("utf-8"))
    except (OSError, UnicodeDecodeError, _Unreadable) as exc:  # a FIFO, /dev/zero, 50 MB, a folder in the way
        keymap.problems.append(f"{path} could not be read ({exc}); the default keys are used.")
        return keymap
    except tomllib.TOMLDecodeError as exc:
        keymap.problems.append(f"{path} is not valid TOML ({exc}); the default keys are used.")
        return keymap
    keys = data.get("keys", {})
    if not isinstance(keys, dict):
        keymap.problems.append(f"{path}: [keys] must be a table of command = keys; the default keys are used.")
        return keymap
    for command, value in keys.items():
        if command not in known:
            keymap.problems.append(f"{path}: there is no command {command!r}; that line is ignored.")
            continue
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            keymap.problems.append(f"{path}: {command} must be a key or a list of keys; that line is ignored.")
            continue
        keymap.overrides[command] = tuple(v.strip() for v in value if v.strip())
    return keymap
