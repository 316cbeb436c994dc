"""Upgrading keeps everything: a library written by Lectern 0.1 (schema 6, in
tests/fixtures/release-0.1, made by its make_library.py) opens with its papers,
notes, tags, lists, saved searches, keys, stars and statuses, and exports what
0.1 exported, now with complete records."""

from __future__ import annotations

import shutil
from pathlib import Path

from lectern.core.formats.bibtex import BibOptions, export_text
from lectern.core.formats.bibtex_import import parse_bibtex
from lectern.core.library.facade import Library
from lectern.core.store.migrations import SCHEMA_VERSION

RELEASE = Path(__file__).resolve().parents[2] / "fixtures" / "release-0.1"


def upgraded(tmp_path: Path) -> Library:
    path = tmp_path / "library.sqlite"
    shutil.copy(RELEASE / "lectern-0.1.sqlite", path)
    return Library.open(path)


def test_a_library_written_by_release_0_1_opens_with_everything_it_held(tmp_path: Path) -> None:
    with upgraded(tmp_path) as lib:
        with lib.db.read() as conn:
            assert conn.exec_driver_sql("PRAGMA user_version").scalar_one() == SCHEMA_VERSION
        ids = lib.paper_ids(sort="title")
        keys = sorted(lib.citation_keys_of(ids).values())
        assert keys == ["BERTPreTraining", "DonTStop", "ELECTRAPreTraining", "muller2019", "vaswani2017"]
        assert len(lib.trash.ids()) == 1
        by_key = {lib.paper(i).paper.citation_key: lib.paper(i) for i in ids}
        assert by_key["BERTPreTraining"].note.startswith("My *note* on the first paper.")
        assert {t.name for t in lib.tags.all()} >= {"to read", "NLP", "biology", "chemistry"}
        assert sum(1 for d in by_key.values() if d.paper.starred) == 2
        assert sorted(d.paper.status for d in by_key.values()).count("read") == 2
        (reading_list,) = lib.lists.all()
        assert reading_list.name == "Thesis chapter 2" and reading_list.count == 4
        assert [s.name for s in lib.saved_searches.all()] == ["Transformers"]
        assert lib.index.check() is None
        assert lib.search("attention").ids  # the search index still answers


def test_an_upgraded_library_exports_every_entry_and_field_release_0_1_exported(tmp_path: Path) -> None:
    before = {p.paper.citation_key: p.paper for p in parse_bibtex(
        (RELEASE / "lectern-0.1-export.bib").read_text(encoding="utf-8")).papers}
    with upgraded(tmp_path) as lib:
        after = {p.paper.citation_key: p.paper for p in parse_bibtex(
            export_text(lib, lib.paper_ids(), BibOptions(profile="bibtex"))).papers}
    assert after.keys() == before.keys()
    for key, old in before.items():
        assert after[key].entry_type == old.entry_type, key
        fields = dict((k.lower(), v) for k, v in after[key].fields)
        eprint = fields.get("eprint")
        if eprint and fields.get("note") == f"arXiv:{eprint}":  # now printed by classic styles too
            del fields["note"]
        assert fields == dict((k.lower(), v) for k, v in old.fields), key


def test_programs_opening_a_new_library_at_once_each_open_it_and_it_is_made_once(tmp_path: Path) -> None:
    import subprocess
    import sys
    import time

    path = tmp_path / "new.sqlite"
    start = time.time() + 1.5  # every process waits for the same moment, its imports done
    code = ("import sys, time; from pathlib import Path; from lectern.core.library.facade import Library; "
            "time.sleep(max(0, float(sys.argv[2]) - time.time())); lib = Library.open(Path(sys.argv[1])); "
            "print(lib.count()); lib.close()")
    children = [subprocess.Popen([sys.executable, "-c", code, str(path), str(start)], stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True) for _ in range(4)]
    outcomes = [child.communicate(timeout=120) for child in children]
    assert [(child.returncode, err.strip().splitlines()[-1:]) for child, (_, err) in zip(children, outcomes)] == [
        (0, [])] * 4
    with Library.open(path) as lib:
        with lib.db.read() as conn:
            assert conn.exec_driver_sql("PRAGMA user_version").scalar_one() == SCHEMA_VERSION
