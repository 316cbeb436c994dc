"""Files the user hands to Lectern (to import or attach): only regular files
are opened. A FIFO would block the reader forever and a device (/dev/zero)
never ends, so both are refused by their type before anything reads them."""

from __future__ import annotations

import os
import stat
from pathlib import Path


def regular_input_file(path: Path, error: type[ValueError], verb: str = "import") -> os.stat_result:
    """The file's status when `path` is an existing regular file (through
    symlinks); otherwise `error` with a message that says what to do."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise error(f"{path} does not exist.") from None
    except PermissionError:
        raise error(f"Lectern may not read {path}: check the file's permissions.") from None
    except OSError as exc:
        raise error(f"Could not read {path}: {exc.strerror or exc}.") from None
    if stat.S_ISDIR(info.st_mode):
        raise error(f"{path} is a folder, not a file.")
    if not stat.S_ISREG(info.st_mode):  # a FIFO or a device: reading it could wait or run forever
        raise error(f"{path.name} is not a regular file (a pipe or a device): save it to a file and {verb} that.")
    return info
