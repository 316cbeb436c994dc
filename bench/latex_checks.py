"""What the real LaTeX tools say about a .bib file: BibTeX's warnings and errors in
a style, biber's data-model warnings, and pdflatex's errors on the bibliography
BibTeX made. The corpus tests compare an export with its original this way."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

STYLES = ("plain", "alpha", "ieeetr", "apalike", "unsrt")
TIMEOUT = 300
_BLG_COUNT = re.compile(r"\(There (?:was|were) (\d+) (warning|error message)s?\)")
_DOCUMENT = ("\\documentclass{article}\n\\begin{document}\n\\nocite{*}\n\\bibliographystyle{%s}\n"
             "\\bibliography{refs}\n\\end{document}\n")


@dataclass(frozen=True)
class BibtexReport:
    warnings: int
    errors: int
    lines: tuple[str, ...]  # the "Warning--" and error lines, for messages

    def describe(self) -> str:
        return f"{self.warnings} warnings, {self.errors} errors"


def missing(*tools: str) -> str:
    """Why a check cannot run here ("" when it can)."""
    absent = [tool for tool in tools if shutil.which(tool) is None]
    return f"{' and '.join(absent)} not installed" if absent else ""


def _setup(bib: Path, workdir: Path, style: str) -> Path:
    """`workdir` holding refs.bib (a copy of `bib`), a document citing all of it, and its .aux."""
    workdir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(bib, workdir / "refs.bib")
    (workdir / "doc.tex").write_text(_DOCUMENT % style, encoding="ascii")
    (workdir / "doc.aux").write_text(f"\\relax\n\\citation{{*}}\n\\bibstyle{{{style}}}\n\\bibdata{{refs}}\n",
                                     encoding="ascii")
    return workdir


def bibtex(bib: Path, workdir: Path, style: str) -> BibtexReport:
    """Run BibTeX in `style` over every entry of `bib` (\\nocite{*}); leaves doc.bbl in `workdir`."""
    _setup(bib, workdir, style)
    done = subprocess.run(["bibtex", "doc"], cwd=workdir, capture_output=True, timeout=TIMEOUT)
    blg = (workdir / "doc.blg").read_text(encoding="latin-1") if (workdir / "doc.blg").exists() else ""
    if done.returncode >= 3 or not (workdir / "doc.bbl").exists():
        raise RuntimeError(f"bibtex stopped ({done.returncode}): {blg[-500:] or done.stdout[-500:]!r}")
    counts = {kind: int(n) for n, kind in _BLG_COUNT.findall(blg)}
    lines = tuple(line for line in blg.splitlines() if line.startswith("Warning--") or "---line" in line)
    return BibtexReport(counts.get("warning", 0), counts.get("error message", 0), lines)


def pdflatex_errors(workdir: Path) -> Counter[str]:
    """The "! ..." errors pdflatex reports on `workdir`'s doc.tex and the doc.bbl BibTeX made."""
    subprocess.run(["pdflatex", "-interaction=nonstopmode", "-no-shell-escape", "doc.tex"], cwd=workdir,
                   capture_output=True, timeout=TIMEOUT)
    log = (workdir / "doc.log").read_text(encoding="latin-1") if (workdir / "doc.log").exists() else ""
    if "Output written" not in log and "No pages of output" not in log:
        return Counter(line for line in log.splitlines() if line.startswith("! ")) + Counter(["(no output)"])
    return Counter(line for line in log.splitlines() if line.startswith("! "))


def biber_datamodel_warnings(bib: Path, workdir: Path, encoding: str | None = None) -> list[str]:
    """biber's `--validate-datamodel` warnings (and errors) on `bib`, in tool mode
    (no document needed), read in `encoding` when it is not UTF-8."""
    workdir.mkdir(parents=True, exist_ok=True)
    named = [f"--input-encoding={encoding}"] if encoding else []
    done = subprocess.run(["biber", "--tool", "--validate-datamodel", "--nolog", *named, "--outfile",
                           str(workdir / "biber-out.bib"), str(bib)], cwd=workdir, capture_output=True,
                          timeout=TIMEOUT)
    out = done.stdout.decode("utf-8", errors="replace")
    problems = [line for line in out.splitlines() if line.startswith(("WARN - ", "ERROR - "))]
    if done.returncode != 0 and not problems:
        raise RuntimeError(f"biber stopped ({done.returncode}): {out[-500:]}")
    return problems
