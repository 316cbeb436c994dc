"""The detail pane's "Attached files": each file's name and size, "missing"
when it is gone, with Locate... for a missing file and Remove, as links the
pane turns into `attachmentActivated`. Names and paths are escaped text."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from lectern.core.library.attachments import Attachment

ACTIONS = ("open", "locate", "remove")


def file_size(size: int) -> str:
    """A size in the units a file manager shows."""
    value = float(size)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{size} bytes" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} bytes"


def attachment_action(path: str) -> tuple[str, int] | None:
    """(action, attachment id) from a link's path `attachment/<id>/<action>`, or None."""
    parts = path.split("/")
    if len(parts) == 3 and parts[0] == "attachment" and parts[1].isdigit() and parts[2] in ACTIONS:
        return parts[2], int(parts[1])
    return None


def attachments_html(attachments: Sequence[Attachment], scheme: str) -> str:
    if not attachments:
        return ""
    parts = ["<h3>Attached files</h3><ul>"]
    for item in attachments:
        link = f"{scheme}:attachment/{item.id}"
        how = "copied" if item.mode == "copy" else "linked"
        name = (f"<a href='{link}/open'>{escape(item.name)}</a>" if item.exists else escape(item.name))
        state = (f"{file_size(item.size)}, {how}" if item.exists
                 else f"<b style='color: #b00020'>missing</b> ({escape(str(item.path))}) "
                      f"<a href='{link}/locate'>Locate…</a>")
        parts.append(f"<li title='{escape(str(item.path), quote=True)}'>{name} — {state} "
                     f"<a href='{link}/remove'>Remove</a></li>")
    parts.append("</ul>")
    return "".join(parts)
