"""How much of a real bibliography survives `lectern import` then `lectern export`,
judged by an independent reader: pandoc reads the original and the export to
CSL-JSON and every field it produced for the original must come back equal.

    .venv/bin/python bench/roundtrip.py [--json] [--verbose] [FILE.bib ...]

The corpus is TeX Live's own .bib files (found with `kpsewhich`; a file that is
missing is skipped with the reason). The tests in
tests/core/transfer/test_corpus_roundtrip.py use these same functions."""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import print_table  # noqa: E402

Dialect = Literal["bibtex", "biblatex"]

# Three files the issue names, then eight more for variety (Beebe's journal and
# book bibliographies, jurabib's Latin-1 examples, two biblatex-dialect packages,
# harvard). amsrefs' amsj.bib holds only @string macros; typeset.bib and
# texbook2.bib are not read by pandoc 2.17: they are left out for that reason.
CORPUS = (
    "xampl.bib", "biblatex-examples.bib", "tugboat.bib",
    "texbook1.bib", "texbook3.bib", "texgraph.bib", "printing-history.bib",
    "jbtest.bib", "archaeologie-examples.bib", "oberdiek-bundle.bib", "harvard.bib",
)

# Files not in UTF-8 are imported naming their encoding, as a user would after
# Lectern's message ("run again with --encoding ...").
ENCODINGS = {"jbtest.bib": "cp1252"}

# Fields biblatex renamed from BibTeX's journal / year+month / address.
_BIBLATEX_FIELD = re.compile(r"^\s*(journaltitle|date|location)\s*=", re.IGNORECASE | re.MULTILINE)
_ENTRY = re.compile(r"^\s*@(?!string\b|comment\b|preamble\b)\w+\s*[{(]", re.IGNORECASE | re.MULTILINE)
TIMEOUT = 600


@dataclass(frozen=True)
class CorpusFile:
    name: str
    path: Path | None  # None: not on this machine
    reason: str = ""  # why it is skipped


@dataclass
class Result:
    """One file's round trip, counted over pandoc's reading of the original."""

    name: str
    dialect: Dialect
    entries: int = 0  # in the original
    kept: int = 0  # present in the export under the same key
    fields: int = 0  # CSL fields (besides `id`) pandoc produced for the original
    equal: int = 0  # of those, equal in the export
    default_papers_removed: int = 0  # the default reading list, if export loaded it (bug #18 A1)
    extra: list[str] = field(default_factory=list)  # keys in the export that the original lacks
    differences: list[str] = field(default_factory=list)  # the first few, for --verbose
    import_messages: list[str] = field(default_factory=list)  # what `lectern import` said on stderr (first few)
    seconds: float = 0.0

    @property
    def percent(self) -> float:
        return 100.0 * self.equal / self.fields if self.fields else 100.0

    @property
    def missing(self) -> int:
        return self.entries - self.kept


def corpus_files(names: tuple[str, ...] = CORPUS) -> list[CorpusFile]:
    """The corpus on this machine: each name found by kpsewhich, or the reason it is not."""
    if shutil.which("kpsewhich") is None:
        return [CorpusFile(name, None, "kpsewhich (TeX Live) is not installed") for name in names]
    found = []
    for name in names:
        if Path(name).is_file():  # a path given on the command line
            found.append(CorpusFile(Path(name).name, Path(name)))
            continue
        out = subprocess.run(["kpsewhich", name], capture_output=True, text=True).stdout.strip()
        found.append(CorpusFile(name, Path(out)) if out else CorpusFile(name, None, f"kpsewhich finds no {name}"))
    return found


def dialect_of(path: Path) -> Dialect:
    """biblatex when at least a tenth of the entries use a field biblatex renamed
    (journaltitle, date, location); BibTeX otherwise. The threshold matters: Beebe's
    BibTeX files use `location` now and then for a library's shelf."""
    text = path.read_text(encoding="latin-1")
    entries = len(_ENTRY.findall(text))
    return "biblatex" if entries and len(_BIBLATEX_FIELD.findall(text)) >= entries / 10 else "bibtex"


def lectern_command() -> list[str]:
    """The `lectern` CLI of the running interpreter's environment (the worktree's venv)."""
    script = Path(sys.executable).parent / "lectern"
    if script.exists():
        return [str(script)]
    found = shutil.which("lectern")
    if found is None:
        raise RuntimeError("the lectern command is not installed (make test installs it in .venv)")
    return [found]


def _env(home: Path) -> dict[str, str]:
    """Lectern's data, config, cache and state folders inside `home`, never the user's."""
    env = dict(os.environ)
    for var, sub in (("XDG_DATA_HOME", "data"), ("XDG_CONFIG_HOME", "config"),
                     ("XDG_CACHE_HOME", "cache"), ("XDG_STATE_HOME", "state")):
        env[var] = str(home / sub)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    return env


def lectern(workdir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*lectern_command(), *args], capture_output=True, text=True, env=_env(workdir / "home"),
                          timeout=TIMEOUT)


def lectern_roundtrip(source: Path, workdir: Path, dialect: Dialect) -> tuple[Path, str]:
    """`lectern import` into a new library, then `lectern export` in `dialect`;
    returns the exported file and what the import said on stderr."""
    workdir.mkdir(parents=True, exist_ok=True)
    library = workdir / "library.sqlite"
    out = workdir / f"export-{source.stem}.bib"
    encoding = ("--encoding", ENCODINGS[source.name]) if source.name in ENCODINGS else ()
    imported = lectern(workdir, "--library", str(library), "import", "--duplicates", "import", *encoding,
                       str(source))
    if imported.returncode != 0:
        raise RuntimeError(f"lectern import failed ({imported.returncode}): {imported.stderr.strip()}")
    exported = lectern(workdir, "--library", str(library), "export", "--format", dialect, "-o", str(out))
    if exported.returncode != 0 or not out.exists():
        raise RuntimeError(f"lectern export failed ({exported.returncode}): {exported.stderr.strip()}")
    return out, imported.stderr


def pandoc_csl(path: Path, dialect: Dialect) -> list[dict[str, Any]]:
    """pandoc's CSL-JSON reading of a .bib file (RuntimeError if pandoc cannot read it)."""
    done = subprocess.run(["pandoc", "-f", dialect, "-t", "csljson", str(path)], capture_output=True,
                          timeout=TIMEOUT)
    if done.returncode != 0:
        raise RuntimeError(f"pandoc cannot read {path.name}: {done.stderr.decode(errors='replace').strip()[:300]}")
    return json.loads(done.stdout or b"[]")


@cache
def default_library_keys(dialect: Dialect) -> frozenset[str]:
    """The keys of the default reading list as `lectern export` writes them: an export
    of a library whose import added nothing carries them (bug #18 A1)."""
    with tempfile.TemporaryDirectory(prefix="lectern-defaults-") as tmp:
        out = Path(tmp) / "defaults.bib"
        done = lectern(Path(tmp), "--library", str(Path(tmp) / "new.sqlite"), "export", "--format", dialect,
                       "-o", str(out))
        if done.returncode != 0 or not out.exists():
            return frozenset()
        return frozenset(entry["id"] for entry in pandoc_csl(out, dialect))


def normalised(value: Any) -> Any:
    """A CSL value compared as JSON data, its text in Unicode NFC."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, list):
        return [normalised(v) for v in value]
    if isinstance(value, dict):
        return {k: normalised(v) for k, v in value.items()}
    return value


def _by_key(entries: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for entry in entries:
        grouped[str(entry.get("id", ""))].append(entry)
    return grouped


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 90 else text[:87] + "..."


def compare(result: Result, original: list[dict[str, Any]], exported: list[dict[str, Any]],
            default_keys: frozenset[str] = frozenset(), max_differences: int = 8) -> Result:
    """Count, into `result`, the original's entries found under the same key in the export
    and its fields equal there. Entries sharing a key are matched in order. Default-list
    papers the original does not hold are removed from the export first."""
    wanted = _by_key(original)
    got = _by_key(exported)
    for key in list(got):
        if key in default_keys and key not in wanted:
            result.default_papers_removed += len(got.pop(key))
    result.extra = sorted(key for key in got if key not in wanted)

    def differ(text: str) -> None:
        if len(result.differences) < max_differences:
            result.differences.append(text)

    for key, entries in wanted.items():
        for i, entry in enumerate(entries):
            fields = {name: value for name, value in entry.items() if name != "id"}
            result.entries += 1
            result.fields += len(fields)
            twins = got.get(key, [])
            if i >= len(twins):
                differ(f"{key}: missing from the export")
                continue
            result.kept += 1
            back = twins[i]
            for name, value in fields.items():
                if name in back and normalised(back[name]) == normalised(value):
                    result.equal += 1
                elif name not in back:
                    differ(f"{key}.{name}: dropped (was {_short(value)})")
                else:
                    differ(f"{key}.{name}: {_short(value)} -> {_short(back[name])}")
    return result


def judge(source: Path, exported: Path, dialect: Dialect, name: str | None = None) -> Result:
    """`exported` (Lectern's export of `source`) compared with `source`, both read by pandoc."""
    result = Result(name or source.name, dialect)
    return compare(result, pandoc_csl(source, dialect), pandoc_csl(exported, dialect), default_library_keys(dialect))


def measure(source: Path, workdir: Path, name: str | None = None) -> Result:
    """The whole round trip of one file, in `workdir` (a fresh library there)."""
    start = time.perf_counter()
    dialect = dialect_of(source)
    exported, said = lectern_roundtrip(source, workdir, dialect)
    result = judge(source, exported, dialect, name)
    result.import_messages = said.splitlines()[:8]
    result.seconds = time.perf_counter() - start
    return result


def tools_missing() -> str:
    """Why the round trip cannot run here ("" when it can)."""
    missing = [tool for tool in ("pandoc", "kpsewhich") if shutil.which(tool) is None]
    return f"{' and '.join(missing)} not installed" if missing else ""


def table(results: list[Result]) -> list[list[str]]:
    rows = [[r.name, r.dialect, f"{r.entries:,}", f"{r.kept:,}", f"{r.fields:,}", f"{r.equal:,}", f"{r.percent:.1f}%"]
            for r in results]
    total = Result("**all**", "bibtex")
    for r in results:
        total.entries, total.kept = total.entries + r.entries, total.kept + r.kept
        total.fields, total.equal = total.fields + r.fields, total.equal + r.equal
    rows.append(["**all**", "", f"{total.entries:,}", f"{total.kept:,}", f"{total.fields:,}", f"{total.equal:,}",
                 f"{total.percent:.1f}%"])
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", help="corpus file names (kpsewhich) or paths; default: the corpus")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--verbose", action="store_true", help="list the first differences of each file")
    args = parser.parse_args(argv)
    if tools_missing():
        print(f"roundtrip: {tools_missing()}", file=sys.stderr)
        return 2
    start = time.perf_counter()
    results, skipped = [], []
    with tempfile.TemporaryDirectory(prefix="lectern-roundtrip-") as tmp:
        for corpus in corpus_files(tuple(args.files) or CORPUS):
            if corpus.path is None:
                skipped.append((corpus.name, corpus.reason))
                continue
            try:
                results.append(measure(corpus.path, Path(tmp) / corpus.name, corpus.name))
            except (RuntimeError, subprocess.TimeoutExpired) as exc:
                skipped.append((corpus.name, str(exc)))
    elapsed = time.perf_counter() - start
    if args.json:
        json.dump({"results": [asdict(r) | {"percent": round(r.percent, 2)} for r in results],
                   "skipped": [{"file": n, "reason": why} for n, why in skipped], "seconds": round(elapsed, 1)},
                  sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    print_table("Round trip: lectern import, lectern export, both read by pandoc",
                ["file", "dialect", "entries", "kept", "fields", "equal", "%"], table(results))
    for name, why in skipped:
        print(f"skipped {name}: {why}")
    for r in results:
        notes = []
        if r.default_papers_removed:
            notes.append(f"{r.default_papers_removed} default-list papers removed from the export (bug #18 A1)")
        if r.extra:
            notes.append(f"{len(r.extra)} keys the original lacks, e.g. {', '.join(r.extra[:3])}")
        if notes:
            print(f"{r.name}: " + "; ".join(notes))
        if args.verbose and (r.differences or r.import_messages):
            print(f"\n{r.name}, first differences:")
            for line in r.differences:
                print(f"  {line}")
            for line in r.import_messages:
                print(f"  import said: {line}")
    print(f"\n{len(results)} files in {elapsed:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
