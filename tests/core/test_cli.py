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


def test_import_of_a_gbk_file_names_the_line_and_encoding_and_imports_with_encoding(tmp_path: Path) -> None:
    from lectern.core.library.facade import Library

    title = "深度学习在自然语言处理中的应用研究"
    bib = tmp_path / "chinese.bib"
    bib.write_bytes(f"@article{{wang2020,\n  title = {{{title}}},\n  year = {{2020}},\n}}\n".encode("gbk"))
    library = tmp_path / "lib.sqlite"
    refused = lectern("--library", str(library), "import", str(bib))
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert "chinese.bib is not UTF-8 text: line 2" in refused.stderr and "GB18030" in refused.stderr
    assert "run again with --encoding gb18030" in refused.stderr and "Nothing was imported" in refused.stderr

    imported = lectern("--library", str(library), "import", "--encoding", "gbk", str(bib))
    assert imported.returncode == 0, imported.stderr
    assert "1 papers added" in imported.stdout
    with Library.open(library) as lib:
        assert [lib.paper(i).paper.title for i in lib.paper_ids()] == [title]


def test_import_with_an_unknown_or_unfitting_encoding_says_so_without_a_traceback(tmp_path: Path) -> None:
    bib = tmp_path / "odd.bib"
    bib.write_bytes(b"@misc{a,\n  title = {\x81\x8d}\n}\n")
    unknown = lectern("--library", str(tmp_path / "lib.sqlite"), "import", "--encoding", "klingon", str(bib))
    assert unknown.returncode == 2 and "Traceback" not in unknown.stderr
    assert "does not know the encoding “klingon”" in unknown.stderr
    unfitting = lectern("--library", str(tmp_path / "lib.sqlite"), "import", "--encoding", "cp1252", str(bib))
    assert unfitting.returncode == 1 and "Traceback" not in unfitting.stderr
    assert "odd.bib is not Windows-1252 (Western European) text: line 2" in unfitting.stderr
