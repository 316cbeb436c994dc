"""What a sync did, said to the user."""

from __future__ import annotations

from dataclasses import dataclass, field

from lectern.core.domain.changes import Changes
from lectern.core.sync.merge import Conflict


@dataclass
class SyncReport:
    """What a sync did, for the user."""

    set_up: str = ""
    sent: int = 0
    received: int = 0
    conflicts: list[Conflict] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    changes: Changes = field(default_factory=Changes)

    def summary(self) -> str:
        lines = [self.set_up] if self.set_up else []
        counts = f"sent {_n(self.sent, 'change')}, received {_n(self.received, 'change')}"
        lines.append(counts + (f", {_n(len(self.conflicts), 'conflict')}:" if self.conflicts else "."))
        lines += [f"  {c.describe()}" for c in self.conflicts]
        lines += [f"  refused {r}" for r in self.refused]
        return "\n".join(lines)


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")
