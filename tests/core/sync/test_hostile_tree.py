"""Files in the shared tree are untrusted: each malformed one is refused with a
message naming it, and the rest of the sync goes on."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from lectern.core.sync.engine import sync_folder
from lectern.core.sync.tree import MAX_PAPER_BYTES, PaperDoc, render_paper
from tests.core.sync.conftest import add, by_key, run_sync

BOMB = """---
key: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]
type: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
fields: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
---
"""


def _push_by_hand(remote: str, tmp_path: Path, files: dict[str, bytes], links: dict[str, str] = {}) -> None:
    """Someone commits files straight into the remote with plain git."""
    clone = tmp_path / "by-hand"
    subprocess.run(["git", "clone", "-q", remote, str(clone)], check=True)
    for name, data in files.items():
        (clone / name).parent.mkdir(parents=True, exist_ok=True)
        (clone / name).write_bytes(data)
    for name, target in links.items():
        os.symlink(target, clone / name)
    git = ["git", "-C", str(clone), "-c", "user.name=Someone", "-c", "user.email=someone@example.org"]
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "hostile"], check=True)
    # git itself never adds `..` to a tree, but a hand-made tree can hold one: `../escape.md` and `.git/hooks/x`.
    def run(*args: str, data: str | None = None) -> str:
        return subprocess.run([*git, *args], check=True, capture_output=True, text=True, input=data).stdout.strip()

    blob = run("hash-object", "-w", "--stdin", data="---\nkey: escape\n---\n")
    inner = run("mktree", data=f"100644 blob {blob}\tescape.md\n")
    root = run("mktree", data=run("ls-tree", "HEAD") + f"\n040000 tree {inner}\t..\n040000 tree {inner}\t.git\n")
    commit = run("commit-tree", root, "-p", "HEAD", "-m", "escaping paths")
    run("push", "-q", "origin", f"{commit}:refs/heads/main")


def test_hostile_files_are_refused_one_by_one_and_good_ones_still_arrive(machine, remote, tmp_path: Path) -> None:
    a = machine("a")
    add(a, "p1", "Paper one")
    run_sync(a, remote)
    good = PaperDoc(uid="a" * 32, key="good2024", type="article", fields=(("title", "A good paper"),),
                    added="2026-12-01T10:00:00Z")
    _push_by_hand(remote, tmp_path, {
        f"papers/{'b' * 32}.md": b"\x89PNG\r\n\x1a\n\x00\x00binary",
        f"papers/{'c' * 32}.md": b"---\nkey: huge\n---\n" + b"x" * (MAX_PAPER_BYTES + 10),
        f"papers/{'d' * 32}.md": BOMB.encode(),
        f"papers/{'e' * 32}.md": b"---\nkey: [not, text]\n---\n",
        "papers/../../escape.md": b"---\nkey: escape\n---\n",
        "papers/sub/nested.md": b"---\nkey: nested\n---\n",
        "papers/Not-An-Id.md": b"---\nkey: named\n---\n",
        f"papers/{'a' * 32}.md": render_paper(good),
        f"papers/{'1' * 32}.md": render_paper(PaperDoc(uid="1" * 32, key="braces", type="article",
                                                        fields=(("title", "{Unclosed"),))),
        f"papers/{'2' * 32}.md": render_paper(PaperDoc(uid="2" * 32, key="names", type="article",
                                                        fields=(("ti tle}", "x"),))),
        f"papers/{'3' * 32}.md": b"---\nkey: k\nstatus: deleted-all\n---\n",
        "README.md": b"Our lab's reading list.\n",
    }, links={f"papers/{'f' * 32}.md": "/etc/passwd"})
    report = run_sync(a)
    refused = "\n".join(report.refused)
    for name in ("b" * 32, "c" * 32, "d" * 32, "e" * 32, "sub/nested.md", "Not-An-Id.md", "f" * 32, "1" * 32,
                 "2" * 32, "3" * 32):
        assert name in refused, name
    assert "not UTF-8" in refused and "larger than" in refused and "aliases" in refused
    assert a.paper(by_key(a, "good2024")).title_text == "A good paper"
    assert a.count() == 2
    assert "../escape.md" in refused and ".git/escape.md" in refused
    assert not (tmp_path / "a" / "escape.md").exists() and not (sync_folder(a.path) / ".git" / "escape.md").exists()
    folder = sync_folder(a.path)
    assert (folder / "README.md").read_text() == "Our lab's reading list.\n"  # other files travel untouched
    assert not (folder / "papers" / f"{'f' * 32}.md").is_symlink()
    assert "summary" and "refused" in report.summary()
    run_sync(a)  # and the next sync goes through quietly


def test_a_malformed_file_edited_by_hand_is_set_aside_not_lost(machine, remote) -> None:
    a = machine("a")
    add(a, "p1", "Paper one", note="kept")
    run_sync(a, remote)
    (path,) = (sync_folder(a.path) / "papers").glob("*.md")
    path.write_text("---\nkey: p1\nfields: [oops\n---\nmy new text\n", encoding="utf-8")
    report = run_sync(a)
    assert any(path.name in r and ".refused" in r for r in report.refused)
    assert "my new text" in path.with_name(path.name + ".refused").read_text()
    assert a.papers.note(by_key(a, "p1")) == "kept" and "key: p1" in path.read_text()
