"""Turns the core's `Changes` values into one Qt signal views listen to."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from lectern.core.domain.changes import Changes


class LibrarySignals(QObject):
    """One per open library: `changed` carries the `Changes` of every write."""

    changed = Signal(object)

    def publish(self, changes: Changes) -> None:
        if changes:
            self.changed.emit(changes)
