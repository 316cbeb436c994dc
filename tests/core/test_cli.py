"""`lectern search` for scripts: same engine as the window, exit codes, stderr."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def lectern(*args: str) -> subprocess.CompletedProcess[str]:
    code = "import sys; from lectern.desktop.app import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120)


def test_search_prints_ranked_keys_and_titles(library_path: Path) -> None:
    result = lectern("--library", str(library_path), "search", "sabia")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "SabiaPortugueseLarge\tSabiá: Portuguese Large Language Models\n"


def test_search_json_and_limit(library_path: Path) -> None:
    result = lectern("--library", str(library_path), "search", "bert -roberta", "--limit", "3", "--json")
    assert result.returncode == 0, result.stderr
    hits = json.loads(result.stdout)
    assert len(hits) == 3
    assert all(set(h) == {"citation_key", "title"} for h in hits)
    assert all("bert" in h["title"].lower() for h in hits)


def test_no_match_suggests_on_stderr_and_exits_1(library_path: Path) -> None:
    result = lectern("--library", str(library_path), "search", "pretrainig")
    assert result.returncode == 1
    assert result.stdout == ""
    assert "Did you mean: pretraining" in result.stderr


def test_malformed_query_exits_2_with_a_message(library_path: Path) -> None:
    result = lectern("--library", str(library_path), "search", '"masked language')
    assert result.returncode == 2
    assert "quote is not closed" in result.stderr
    assert "Traceback" not in result.stderr
