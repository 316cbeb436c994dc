"""The `lectern` command line: options shared with the window, and the
subcommands scripts use (no Qt is imported for them)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from core import __version__
from core.paths import default_library_path

if TYPE_CHECKING:
    from core.library import Library


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lectern", description="A keyboard-driven reading list for research papers.")
    parser.add_argument(
        "--library", type=Path, default=None, metavar="PATH",
        help=f"the library file to open (created if missing); default: {default_library_path()}",
    )
    parser.add_argument("--version", action="version", version=f"Lectern {__version__}")
    parser.add_argument("--import-files", nargs="*", type=Path, default=[], metavar="FILE",
                        help="import these files into the library when the window opens (used by the menu entry)")
    parser.add_argument("--self-test", action="store_true",
                        help="check that this installation works (temporary library, search, export, window) and exit")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    search = commands.add_parser("search", help="print the papers matching a query, best first")
    search.add_argument("query", nargs="+", help="a query in Lectern's search language")
    search.add_argument("--limit", type=int, default=20, metavar="N", help="at most N results (default 20; 0 for all)")
    search.add_argument("--json", action="store_true", help="print JSON instead of lines")
    imp = commands.add_parser("import", help="import .bib files, arXiv id lists or paper listings")
    imp.add_argument("files", nargs="+", type=Path, metavar="FILE")
    imp.add_argument("--duplicates", choices=("skip", "merge", "import"), default="skip",
                     help="papers already in the library: skip them (default), merge them, or import anyway")
    exp = commands.add_parser("export", help="export papers as BibTeX, BibLaTeX, Markdown, CSL-JSON or CSV")
    exp.add_argument("--format", required=True, choices=("bibtex", "biblatex", "markdown", "markdown-folder",
                                                         "csljson", "csv"))
    exp.add_argument("--ascii", action="store_true", help="BibTeX with non-ASCII letters as LaTeX (Sabi{\\'a})")
    exp.add_argument("--list", metavar="NAME", help="only this reading list, in its order")
    exp.add_argument("--query", metavar="Q", help="only the papers matching this search")
    exp.add_argument("-o", "--output", required=True, type=Path, metavar="FILE")
    return parser


def library_path(args: argparse.Namespace) -> Path:
    return Path(args.library or default_library_path()).expanduser()


def run_search(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from core.importing import load_default_library_if_new
    from core.query import QueryError

    text = " ".join(args.query)
    library = open_library(args, err)
    if library is None:
        return 2
    with library:
        load_default_library_if_new(library)
        try:
            result = library.search(text, limit=args.limit or None)
        except QueryError as exc:
            print(f"lectern: {exc}", file=err)
            return 2
        rows = library.rows(result.ids)
        keys = library.citation_keys_of(result.ids)
        hits = [{"citation_key": keys[i], "title": rows[i].title} for i in result.ids]
    if args.json:
        json.dump(hits, out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        for hit in hits:
            out.write(f"{hit['citation_key']}\t{hit['title']}\n")
    if not hits:
        hint = f" Did you mean: {result.suggestion}" if result.suggestion else ""
        print(f"lectern: no papers match.{hint}", file=err)
        return 1
    return 0


def open_library(args: argparse.Namespace, err: TextIO) -> "Library | None":
    """The library the command works on, or None after saying why it cannot open."""
    from core.db import LibraryError
    from core.library import Library

    try:
        return Library.open(library_path(args))
    except LibraryError as exc:
        print(f"lectern: {exc}", file=err)
        return None


def run_import(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from core.bibtex_import import BibError
    from core.importing import import_file
    from core.instance_lock import InstanceLock
    from core.listing import ListingError

    lock = InstanceLock(library_path(args))
    if not lock.acquire():
        print("lectern: Lectern is open on this library; import from its window (File > Import) "
              "or close it first.", file=err)
        return 2
    try:
        library = open_library(args, err)
        if library is None:
            return 2
        failed = 0
        with library:
            for path in args.files:
                try:
                    report = import_file(library, path, policy=args.duplicates)
                except (BibError, ListingError) as exc:
                    print(f"lectern: {path}: {exc} Nothing was imported from it.", file=err)
                    failed += 1
                    continue
                out.write(f"{path}: {report.added} papers added\n")
                for warning in report.warnings:
                    print(f"lectern: {path}: {warning}", file=err)
        return 1 if failed else 0
    finally:
        lock.release()


def run_export(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from core.export import export, export_ids
    from core.importing import load_default_library_if_new
    from core.query import QueryError

    library = open_library(args, err)
    if library is None:
        return 2
    with library:
        load_default_library_if_new(library)
        try:
            ids = export_ids(library, list_name=args.list, query=args.query)
            count = export(library, args.format, ids, args.output, ascii_only=args.ascii,
                           heading=args.list or "Reading list")
        except (QueryError, ValueError) as exc:
            print(f"lectern: {exc}", file=err)
            return 2
        except OSError as exc:
            print(f"lectern: could not write {args.output}: {exc.strerror or exc}", file=err)
            return 1
    out.write(f"{count} papers written to {args.output}\n")
    return 0


def run(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run a subcommand; returns the exit code."""
    out = out or sys.stdout
    err = err or sys.stderr
    if args.command == "search":
        return run_search(args, out, err)
    if args.command == "import":
        return run_import(args, out, err)
    if args.command == "export":
        return run_export(args, out, err)
    raise ValueError(f"unknown command {args.command}")
