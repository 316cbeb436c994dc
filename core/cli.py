"""The `lectern` command line: options shared with the window, and the
subcommands scripts use (no Qt is imported for them)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TextIO

from core import __version__
from core.paths import default_library_path


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lectern", description="A keyboard-driven reading list for research papers.")
    parser.add_argument(
        "--library", type=Path, default=None, metavar="PATH",
        help=f"the library file to open (created if missing); default: {default_library_path()}",
    )
    parser.add_argument("--version", action="version", version=f"Lectern {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    search = commands.add_parser("search", help="print the papers matching a query, best first")
    search.add_argument("query", nargs="+", help="a query in Lectern's search language")
    search.add_argument("--limit", type=int, default=20, metavar="N", help="at most N results (default 20; 0 for all)")
    search.add_argument("--json", action="store_true", help="print JSON instead of lines")
    return parser


def library_path(args: argparse.Namespace) -> Path:
    return Path(args.library or default_library_path()).expanduser()


def run_search(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from core.db import LibraryError
    from core.importing import load_default_library_if_new
    from core.library import Library
    from core.query import QueryError

    text = " ".join(args.query)
    try:
        library = Library.open(library_path(args))
    except LibraryError as exc:
        print(f"lectern: {exc}", file=err)
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


def run(args: argparse.Namespace, out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    """Run a subcommand; returns the exit code."""
    if args.command == "search":
        return run_search(args, out, err)
    raise ValueError(f"unknown command {args.command}")
