"""The `git` command line, run for the sync repository: one place for how it is
called (never asking for a password on a terminal, C locale, a timeout on the
steps that use the network) and for the errors said in the user's terms."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

NETWORK_TIMEOUT = 120.0  # seconds for a fetch or a push
LOCAL_TIMEOUT = 600.0
# Objects that git writes one a file (trees made or fetched here, until git packs them) not compressed:
# a paper folder's tree is mostly ids, and compressing it took longer than all the rest of writing it.
STORE = ("-c", "core.looseCompression=0")


class SyncError(Exception):
    """A sync could not be done; the message says why, in the user's terms."""


class PushRejected(SyncError):
    """Someone pushed in between (non-fast-forward): fetch, merge and push again."""


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    env.update(GIT_TERMINAL_PROMPT="0", LC_ALL="C", LANG="C", GIT_MERGE_AUTOEDIT="no")
    env.setdefault("GIT_SSH_COMMAND", "ssh -o BatchMode=yes")  # ssh-agent keys work; no password prompt
    return env


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    useful = [line for line in lines if line.startswith(("fatal:", "error:", "remote:", "!"))]
    return (useful or lines or [""])[-1].removeprefix("fatal: ").removeprefix("error: ").rstrip(".")


def _command(args: Sequence[str]) -> str:
    """The git command `args` run (`write-tree` of `-c name=value write-tree ...`), for messages."""
    return next((a for a in args if not a.startswith("-") and "=" not in a), args[0] if args else "")


class Git:
    """git run in one repository's working tree."""

    def __init__(self, work_tree: Path) -> None:
        self.work_tree = Path(work_tree)
        if shutil.which("git") is None:
            raise SyncError("Sync needs git, which is not installed on this computer (see git-scm.com).")

    def run(self, args: Sequence[str], input: bytes | None = None, check: bool = True,
            timeout: float = LOCAL_TIMEOUT) -> subprocess.CompletedProcess[bytes]:
        """`git args` in the working tree; a failure raises SyncError with git's own reason."""
        try:
            done = subprocess.run(["git", "-C", str(self.work_tree), *args], input=input, capture_output=True,
                                  env=_environment(), timeout=timeout,
                                  stdin=subprocess.DEVNULL if input is None else None)
        except subprocess.TimeoutExpired:
            raise SyncError(f"git {_command(args)} took longer than {timeout:.0f} s and was stopped.") from None
        if check and done.returncode != 0:
            raise SyncError(f"git {_command(args)} failed: {_last_line(done.stderr.decode(errors='replace'))}")
        return done

    def text(self, args: Sequence[str]) -> str:
        return self.run(args).stdout.decode("utf-8", errors="replace").strip()

    def ok(self, args: Sequence[str]) -> bool:
        """Whether `git args` succeeds (a question such as `merge-base --is-ancestor`)."""
        return self.run(args, check=False).returncode == 0

    def rev(self, name: str) -> str | None:
        """The commit `name` points at, or None when it does not exist."""
        done = self.run(["rev-parse", "--verify", "--quiet", f"{name}^{{commit}}"], check=False)
        return done.stdout.decode().strip() or None if done.returncode == 0 else None

    def remote_url(self) -> str | None:
        done = self.run(["remote", "get-url", "origin"], check=False)
        return done.stdout.decode().strip() if done.returncode == 0 else None

    def write_tree(self) -> str:
        """The index written as a tree (its id). `--missing-ok`: every blob the
        index names was stored when it was staged, and checking each of a large
        library's again was much of the work; and the trees go in uncompressed
        (STORE), as a tree of ids and random names hardly compresses anyway."""
        return self.text([*STORE, "write-tree", "--missing-ok"])

    def fetch(self) -> None:
        """Fetch the remote's branches; SyncError naming the remote when it cannot be reached.
        (What arrives is stored uncompressed, STORE; only in this repository.)"""
        done = self.run([*STORE, "fetch", "--prune", "origin"], check=False, timeout=NETWORK_TIMEOUT)
        if done.returncode != 0:
            raise SyncError(f"The remote {self.remote_url()} could not be reached: "
                            f"{_last_line(done.stderr.decode(errors='replace'))}. Your changes wait for the "
                            "next sync.")

    def push(self, branch: str) -> None:
        """Push `branch` to the remote; PushRejected when someone pushed in between."""
        done = self.run(["push", "--porcelain", "origin", f"HEAD:refs/heads/{branch}"], check=False,
                        timeout=NETWORK_TIMEOUT)
        if done.returncode == 0:
            return
        output = (done.stdout + done.stderr).decode(errors="replace")
        if "non-fast-forward" in output or "fetch first" in output or "[rejected]" in output:
            raise PushRejected("Someone else pushed to the remote meanwhile.")
        if "[remote rejected]" in output or "hook declined" in output or "denied" in output.lower():
            raise SyncError(f"The remote {self.remote_url()} rejected the push: {_last_line(output)}.")
        raise SyncError(f"The remote {self.remote_url()} could not be reached: {_last_line(output)}. "
                        "Your changes wait for the next sync.")

    def blobs(self, specs: Sequence[str], cap: int) -> tuple[dict[str, bytes | None], set[str]]:
        """The contents of objects named by `specs` (blob ids, or `rev:path`), one
        `cat-file` run for the sizes and one for the contents: ({spec: bytes, or
        None when missing or not a blob}, the specs over `cap` bytes, left unread)."""
        out: dict[str, bytes | None] = {s: None for s in specs}
        if not specs:
            return out, set()
        checked = self.run(["cat-file", "--batch-check=%(objecttype) %(objectsize)", "--buffer"],
                           input="".join(f"{s}\n" for s in specs).encode()).stdout.decode().splitlines()
        sizes = {s: int(line.split()[1]) for s, line in zip(specs, checked)
                 if line.startswith("blob ") and len(line.split()) == 2}
        too_big = {s for s, size in sizes.items() if size > cap}
        wanted = [s for s in dict.fromkeys(specs) if s in sizes and s not in too_big]
        if not wanted:
            return out, too_big
        data = self.run(["cat-file", "--batch", "--buffer"], input="".join(f"{s}\n" for s in wanted).encode()).stdout
        pos = 0
        for spec in wanted:
            end = data.index(b"\n", pos)
            size = int(data[pos:end].split()[2])
            out[spec] = data[end + 1:end + 1 + size]
            pos = end + 1 + size + 1
        return out, too_big
