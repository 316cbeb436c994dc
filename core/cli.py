"""The `lectern` command line: options shared with the window, and the
subcommands scripts use (no Qt is imported for them)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from lectern.core import __version__
from lectern.core.formats.export_formats import FORMATS
from lectern.core.store.paths import default_library_path

if TYPE_CHECKING:
    from lectern.core.identify.http import Http
    from lectern.core.identify.updates import Update
    from lectern.core.library.facade import Library
    from lectern.core.store.instance_lock import InstanceLock


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
    imp.add_argument("--encoding", metavar="NAME",
                     help="read files that are not UTF-8 (nor UTF-16 with a BOM) in this encoding, "
                          "e.g. cp1252, latin-1, gb18030, shift_jis")
    exp = commands.add_parser("export", help="export papers as BibTeX, BibLaTeX, Markdown, CSL-JSON or CSV")
    exp.add_argument("--format", required=True, choices=FORMATS)
    exp.add_argument("--ascii", action="store_true", help="BibTeX with non-ASCII letters as LaTeX (Sabi{\\'a})")
    exp.add_argument("--list", metavar="NAME", help="only this reading list, in its order")
    exp.add_argument("--query", metavar="Q", help="only the papers matching this search")
    exp.add_argument("-o", "--output", required=True, type=Path, metavar="FILE")
    add = commands.add_parser("add", help="add papers by DOI, arXiv id or ISBN, their records looked up online")
    add.add_argument("identifiers", nargs="+", metavar="ID",
                     help="a DOI (10.…, doi:…, a doi.org URL), an arXiv id or URL, or an ISBN")
    fetch = commands.add_parser("fetch-metadata", help="complete papers' records from arXiv, doi.org, Crossref "
                                                       "and Semantic Scholar: by identifier, else by title "
                                                       "(a dry run without --yes)")
    fetch.add_argument("--query", metavar="Q", help="only the papers matching this search (default: all)")
    fetch.add_argument("--yes", action="store_true", help="apply the confident matches (one undo step)")
    bak = commands.add_parser("backup", help="copy the library safely (even while Lectern is open), checked")
    bak.add_argument("output", nargs="?", type=Path, metavar="FILE",
                     help="where to write the copy (default: a new backup in the library's backups folder)")
    res = commands.add_parser("restore-backup", help="put the library's latest good backup in its place "
                                                      "(the current file is kept beside it)")
    res.add_argument("--from", dest="source", type=Path, metavar="FILE",
                     help="restore this backup file instead of the latest good one")
    res.add_argument("--list", action="store_true", help="only list the library's backups, newest first")
    sync = commands.add_parser("sync", help="share the library through a git remote: send this library's changes, "
                                             "receive others' and merge them")
    sync.add_argument("--remote", metavar="URL_OR_PATH",
                      help="the git remote to sync with (needed the first time; a URL or a repository's path)")
    return parser


def library_path(args: argparse.Namespace) -> Path:
    return Path(args.library or default_library_path()).expanduser()


def run_search(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from lectern.core.search.query import QueryError

    text = " ".join(args.query)
    library = open_library(args)
    with library:  # a script reads the library as it is: the default list is the window's first run
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


def open_library(args: argparse.Namespace) -> "Library":
    """The library the command works on (LibraryError, said by `run`, if it cannot open)."""
    from lectern.core.library.facade import Library

    return Library.open(library_path(args))


def hold_lock(args: argparse.Namespace, err: TextIO, doing: str) -> "InstanceLock | None":
    """The library's one-writer lock, or None after saying who holds it."""
    from lectern.core.store.instance_lock import InstanceLock

    lock = InstanceLock(library_path(args))
    if not lock.acquire():
        print(f"lectern: {lock.library} is in use: Lectern is open on it. {doing} "
              "from its window, or close it first.", file=err)
        return None
    return lock


def run_backup(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """A consistent, checked copy of the library (what is in its -wal file included)."""
    from lectern.core.store.backups import checked_copy
    from lectern.core.store.library_errors import LibraryDamaged

    library = open_library(args)
    with library:
        try:
            if args.output is None:
                target = library.db.backup("manual")
            else:
                target = args.output.expanduser()
                if target.is_dir():
                    target = target / library.path.name
                if target.exists() or target.is_symlink():  # never over the library, nor any file
                    print(f"lectern: {target} already exists; nothing was written. Give a new file name.",
                          file=err)
                    return 2
                checked_copy(library.path, target)
        except LibraryDamaged as exc:
            print(f"lectern: {exc}", file=err)
            return 3
        except OSError as exc:
            print(f"lectern: could not write the backup: {exc.strerror or exc}", file=err)
            return 1
    out.write(f"{library.path} copied to {target}\n")
    return 0


def run_restore(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Put a good backup in place of the library; nothing is deleted."""
    from lectern.core.store.backups import backup_info, inspect_backup, latest_good_backup, list_backups, restore_backup
    from lectern.core.store.library_errors import LibraryError
    from lectern.core.store.library_file import real_library_path

    try:
        path = real_library_path(library_path(args))
        if args.list:
            for info in list_backups(path):
                checked = inspect_backup(info)
                verdict = "good" if checked.ok else f"damaged: {checked.problem}"
                out.write(f"{checked.path}\t{checked.describe()}\t{verdict}\n")
            return 0
        lock = hold_lock(args, err, "Restore a backup")
        if lock is None:
            return 2
        try:
            if args.source is not None:
                chosen = inspect_backup(backup_info(args.source.expanduser()))
                if not chosen.ok:
                    print(f"lectern: {args.source} is not a good backup ({chosen.problem}); nothing was changed.",
                          file=err)
                    return 3
            else:
                chosen = latest_good_backup(lock.library)
                if chosen is None:
                    print(f"lectern: {lock.library} has no good backup; nothing was changed.", file=err)
                    return 3
            aside = restore_backup(lock.library, chosen.path, label="replaced")
        finally:
            lock.release()
    except LibraryError as exc:
        print(f"lectern: {exc}", file=err)
        return 3
    except OSError as exc:
        print(f"lectern: could not restore: {exc.strerror or exc}; nothing was changed.", file=err)
        return 1
    out.write(f"Restored {chosen.describe()} from {chosen.path.parent}\n")
    if aside is not None:
        out.write(f"The file it replaced is kept as {aside}\n")
    return 0


def run_import(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from lectern.core.formats.bibtex_import import BibError
    from lectern.core.formats.listing import ListingError
    from lectern.core.text.encoding import EncodingError, codec_name, describe
    from lectern.core.transfer.importing import import_file

    if args.encoding:
        try:
            codec_name(args.encoding)
        except EncodingError as exc:
            print(f"lectern: {exc} Nothing was imported.", file=err)
            return 2
    lock = hold_lock(args, err, "Import (File > Import)")
    if lock is None:
        return 2
    try:
        library = open_library(args)
        failed = 0
        with library:
            for path in args.files:
                try:
                    report = import_file(library, path, policy=args.duplicates, encoding=args.encoding)
                except (BibError, ListingError) as exc:
                    print(f"lectern: {path}: {exc} Nothing was imported from it.", file=err)
                    if isinstance(exc, EncodingError):
                        named = f"as {describe(exc.guess)}, run again with --encoding {exc.guess}" if exc.guess \
                            else "run again with --encoding NAME, its encoding"
                        print(f"lectern: {path}: to import it {named}.", file=err)
                    failed += 1
                    continue
                out.write(f"{path}: {report.added} papers added\n")
                for warning in report.warnings:
                    print(f"lectern: {path}: {warning}", file=err)
        return 1 if failed else 0
    finally:
        lock.release()


def run_export(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from lectern.core.search.query import QueryError
    from lectern.core.transfer.export import export, export_ids
    library = open_library(args)  # as it is: the default list is the window's first run, not a script's
    lost: list[str] = []
    with library:
        try:
            ids = export_ids(library, list_name=args.list, query=args.query)
            count = export(library, args.format, ids, args.output, ascii_only=args.ascii,
                           heading=args.list or "Reading list", lost=lost)
        except (QueryError, ValueError) as exc:
            print(f"lectern: {exc}", file=err)
            return 2
        except OSError as exc:
            print(f"lectern: could not write {args.output}: {exc.strerror or exc}", file=err)
            return 1
    out.write(f"{count} papers written to {args.output}\n")
    if lost:
        print(f"lectern: {len(lost)} entries hold characters with no LaTeX form, written as ?: "
              + ", ".join(lost[:20]) + (" …" if len(lost) > 20 else "") + " (export without --ascii to keep them)",
              file=err)
    return 0


def _http() -> "Http":
    from lectern.core.identify.http import Http
    from lectern.core.store.paths import cache_dir

    return Http(cache=cache_dir())


def run_add(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Look identifiers up and add their papers; a service down changes nothing."""
    from lectern.core.identify.http import ServiceError
    from lectern.core.identify.identifiers import parse_identifiers
    from lectern.core.transfer.identified import add_identified

    identifiers, unknown = parse_identifiers(" ".join(args.identifiers))
    if unknown or not identifiers:
        named = ", ".join(unknown[:5]) or " ".join(args.identifiers)
        print(f"lectern: not a DOI, arXiv id or ISBN: {named}. Nothing was added.", file=err)
        return 2
    lock = hold_lock(args, err, "Add papers (Ctrl+N)")
    if lock is None:
        return 2
    try:
        library = open_library(args)
        with library, _http() as http:
            try:
                report = add_identified(library, http, identifiers)
            except ServiceError as exc:
                print(f"lectern: {exc} Nothing was changed.", file=err)
                return 2
    finally:
        lock.release()
    for key, title in report.added:
        out.write(f"added {key}\t{title}\n")
    for line in report.duplicates + report.not_found:
        print(f"lectern: {line}; not added.", file=err)
    return 0 if report.added or not report.not_found else 1


def _describe(update: "Update") -> list[str]:
    lookup = update.lookup
    match = lookup.match
    how = f"by {lookup.by}" if lookup.by != "title" or match is None else f"title match, score {match.score:.2f}"
    head = f"{update.citation_key}\t{update.title} ({how})"
    if match is None:
        return [f"{head}: {lookup.problem}"]
    if not update.changes:
        return [f"{head}: already complete"]
    if not update.confident:
        head += ": not confident, not applied; the closest is “" + match.paper.title + "”"
    return [head] + [f"  {c.name}: {c.old if c.old is not None else '(none)'} -> {c.new}" for c in update.changes]


def run_fetch_metadata(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Print what the services would change, field by field; apply the confident matches with --yes."""
    from lectern.core.identify.http import ServiceError
    from lectern.core.search.query import QueryError
    from lectern.core.transfer.export import export_ids
    from lectern.core.transfer.identified import apply_updates, propose_updates

    lock = hold_lock(args, err, "Complete metadata") if args.yes else None
    if args.yes and lock is None:
        return 2
    try:
        library = open_library(args)
        with library, _http() as http:
            try:
                ids = export_ids(library, query=args.query)
                updates = propose_updates(library, http, ids)
            except QueryError as exc:
                print(f"lectern: {exc}", file=err)
                return 2
            except ServiceError as exc:
                print(f"lectern: {exc} Nothing was changed.", file=err)
                return 2
            for update in updates:
                out.write("".join(line + "\n" for line in _describe(update)))
            chosen = [u for u in updates if u.confident and u.changes]
            if not args.yes:
                out.write(f"Dry run: nothing was changed; {len(chosen)} of {len(updates)} papers would be "
                          "completed. Run again with --yes to apply the confident matches.\n")
                return 0
            changes = apply_updates(library, chosen)
            out.write(f"{len(changes.papers)} papers completed (one undo step).\n")
            return 0
    finally:
        if lock is not None:
            lock.release()


def run_sync(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """One sync with the library's git remote (see core/sync/engine.py)."""
    from lectern.core.sync.engine import SyncError, sync

    lock = hold_lock(args, err, "Sync")
    if lock is None:
        return 2
    try:
        with open_library(args) as library:
            report = sync(library, args.remote)
    except SyncError as exc:
        print(f"lectern: {exc}", file=err)
        return 1
    finally:
        lock.release()
    out.write(report.summary() + "\n")
    return 0


def run(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run a subcommand; returns the exit code."""
    from lectern.core.store.library_errors import LibraryDamaged, LibraryError

    out = out or sys.stdout
    err = err or sys.stderr
    commands = {"search": run_search, "import": run_import, "export": run_export,
                "backup": run_backup, "restore-backup": run_restore, "add": run_add,
                "fetch-metadata": run_fetch_metadata, "sync": run_sync}
    try:
        return commands[args.command](args, out, err)
    except LibraryDamaged as exc:  # met on a damaged page while working
        print(f"lectern: {exc}", file=err)
        return 3
    except LibraryError as exc:
        print(f"lectern: {exc}", file=err)
        return 2
