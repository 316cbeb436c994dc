"""`lectern search` for scripts: same engine as the window, exit codes, stderr."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def lectern(*args: str) -> subprocess.CompletedProcess[str]:
    code = "import sys; from lectern.desktop.app import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120)


def test_search_prints_ranked_keys_and_titles(default_library: Path) -> None:
    result = lectern("--library", str(default_library), "search", "sabia")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "pires2023sabia\tSabiá: Portuguese Large Language Models\n"


def test_search_json_and_limit(default_library: Path) -> None:
    result = lectern("--library", str(default_library), "search", "bert -roberta", "--limit", "3", "--json")
    assert result.returncode == 0, result.stderr
    hits = json.loads(result.stdout)
    assert len(hits) == 3
    assert all(set(h) == {"citation_key", "title"} for h in hits)
    assert all("bert" in h["title"].lower() for h in hits)


def test_no_match_suggests_on_stderr_and_exits_1(default_library: Path) -> None:
    result = lectern("--library", str(default_library), "search", "pretrainig")
    assert result.returncode == 1
    assert result.stdout == ""
    assert "Did you mean: pretraining" in result.stderr


def test_search_and_export_on_a_new_library_add_nothing_to_it(library_path: Path, tmp_path: Path) -> None:
    from lectern.core.library.facade import Library

    searched = lectern("--library", str(library_path), "search", "bert")
    exported = lectern("--library", str(library_path), "export", "--format", "bibtex", "-o", str(tmp_path / "o.bib"))
    assert searched.returncode == 1 and exported.returncode == 0, exported.stderr
    assert exported.stdout.startswith("0 papers written") and "@" not in (tmp_path / "o.bib").read_text()
    with Library.open(library_path) as lib:
        assert lib.count() == 0


def test_ascii_export_names_the_entries_with_characters_without_a_latex_form(tmp_path: Path) -> None:
    bib = tmp_path / "in.bib"
    bib.write_text("@misc{greek, title = {Ελληνικά}, year = 2020}\n@misc{latin, title = {Sabiá}, year = 2021}\n",
                   encoding="utf-8")
    library, out = str(tmp_path / "lib.sqlite"), tmp_path / "out.bib"
    assert lectern("--library", library, "import", str(bib)).returncode == 0
    exported = lectern("--library", library, "export", "--format", "bibtex", "--ascii", "-o", str(out))
    assert exported.returncode == 0, exported.stderr
    assert "1 entries hold characters with no LaTeX form" in exported.stderr and "greek" in exported.stderr
    assert "latin" not in exported.stderr and "Sabi{\\'a}" in out.read_text(encoding="ascii")


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
    assert "1 paper added" in imported.stdout
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
