"""The `lectern` command line: options shared with the window, and the
subcommands scripts use (no Qt is imported for them)."""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from lectern.core import __version__
from lectern.core.cli.common import hold_lock, library_path, open_library
from lectern.core.cli.identify import run_add, run_fetch_metadata
from lectern.core.formats.export_formats import FORMATS
from lectern.core.store.paths import default_library_path
from lectern.core.text.wording import plural

if TYPE_CHECKING:
    from lectern.core.library.facade import Library
    from lectern.core.search.engine import SearchResult
    from lectern.core.search.pages import PageHit


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
    imp = commands.add_parser("import", help="import .bib files, arXiv id lists, paper listings, "
                                                      "PDFs or folders of PDFs")
    imp.add_argument("files", nargs="+", type=Path, metavar="FILE")
    pdf_how = imp.add_mutually_exclusive_group()
    pdf_how.add_argument("--copy", dest="mode", action="store_const", const="copy",
                         help="PDFs: copy them into the folder beside the library (the default unless the "
                              "settings say link)")
    pdf_how.add_argument("--link", dest="mode", action="store_const", const="link",
                         help="PDFs: link them where they are")
    imp.add_argument("--duplicates", choices=("skip", "merge", "import"), default="skip",
                     help="papers already in the library: skip them (default), merge them, or import anyway")
    imp.add_argument("--encoding", metavar="NAME",
                     help="read files that are not UTF-8 (nor UTF-16 with a BOM) in this encoding, "
                          "e.g. cp1252, latin-1, gb18030, shift_jis")
    commands.add_parser("extract", help="read the text of the attached PDFs not read yet (the window does this "
                                        "by itself)")
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
    att = commands.add_parser("attach", help="attach files to a paper: copied into the library's folder "
                                             "or linked where they are (the setting, default copy)")
    att.add_argument("key", metavar="KEY", help="the paper's citation key")
    att.add_argument("files", nargs="+", type=Path, metavar="FILE")
    how = att.add_mutually_exclusive_group()
    how.add_argument("--copy", dest="mode", action="store_const", const="copy",
                     help="copy the files into the folder beside the library")
    how.add_argument("--link", dest="mode", action="store_const", const="link",
                     help="link the files where they are (they are never moved or deleted)")
    bak = commands.add_parser("backup", help="copy the library safely (even while Lectern is open), checked")
    bak.add_argument("output", nargs="?", type=Path, metavar="FILE",
                     help="where to write the copy (default: a new backup in the library's backups folder)")
    res = commands.add_parser("restore-backup", help="put the library's latest good backup in its place "
                                                      "(the current file is kept beside it)")
    res.add_argument("--from", dest="source", type=Path, metavar="FILE",
                     help="restore this backup file instead of the latest good one")
    res.add_argument("--list", action="store_true", help="only list the library's backups, newest first")
    commands.add_parser("check", help="check the library file and its search index (rebuilt if damaged); "
                                      "exit 0 when healthy")
    sync = commands.add_parser("sync", help="share the library through a git remote: send this library's changes, "
                                             "receive others' and merge them")
    sync.add_argument("--remote", metavar="URL_OR_PATH",
                      help="the git remote to sync with (needed the first time; a URL or a repository's path)")
    return parser


def run_search(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from lectern.core.search.query import QueryError

    text = " ".join(args.query)
    library = open_library(args)
    with library:  # a script reads the library as it is: the default list is the window's first run
        def answer() -> tuple[SearchResult, dict[int, list[PageHit]]]:
            result = library.search(text, limit=args.limit or None)
            return result, library.fulltext.hits(result.query, result.ids)

        try:
            try:
                result, pages = answer()
            except sqlite3.DatabaseError as exc:  # not file damage (that is LibraryDamaged): the index?
                if not heal_index(args, library, exc, err):
                    return 2
                result, pages = answer()
        except QueryError as exc:
            print(f"lectern: {exc}", file=err)
            return 2
        rows = library.rows(result.ids)
        keys = library.citation_keys_of(result.ids)
        hits = [{"citation_key": keys[i], "title": rows[i].title} for i in result.ids]
        for hit, paper_id in zip(hits, result.ids):
            if pages.get(paper_id):  # found in its full text: where
                hit["pages"] = [h.page for h in pages[paper_id]]
                hit["snippet"] = pages[paper_id][0].snippet
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


def heal_index(args: argparse.Namespace, library: "Library", error: Exception, err: TextIO) -> bool:
    """A search failed on something other than file damage: check the search
    index as the window does and rebuild it if damaged (it is made from the
    papers, so nothing is lost). False, after saying why, when it cannot be."""
    problem = library.index.check(thorough=False)
    if problem is None:
        raise error
    lock = hold_lock(args, err, "It rebuilds the search index itself: search")
    if lock is None:
        return False
    try:
        print(f"lectern: {problem}; rebuilding it from the papers and their kept text (nothing is lost)…", file=err)
        library.index.rebuild()
    finally:
        lock.release()
    return True


def run_check(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """`lectern check`: the file (integrity check, every paper read back) and
    the search index (rebuilt when damaged and the library is free)."""
    from lectern.core.library.health import check_health
    from lectern.core.store.instance_lock import InstanceLock

    lock = InstanceLock(library_path(args))
    free = lock.acquire()
    try:
        library = open_library(args)
        with library:
            health = check_health(library, repair_index=free)
            path = library.path
    finally:
        if free:
            lock.release()
    if health.file_problem is not None:
        out.write(f"{path}: damaged ({health.file_problem}).\n")
        print(f"lectern: the library is damaged. {damage_advice(path)}", file=err)
        return 3
    out.write(f"{path}: the file is whole ({health.papers:,} papers; SQLite's integrity check passed and every "
              "paper reads back).\n")
    if health.index_problem is None:
        out.write("Search index: whole.\n")
        return 0
    if health.index_rebuilt:
        out.write(f"Search index: was damaged ({health.index_problem}); rebuilt from the papers and their kept "
                  "text.\n")
        return 0
    out.write(f"Search index: damaged ({health.index_problem}).\n")
    if free:
        print("lectern: the search index could not be rebuilt; run `lectern check` again.", file=err)
    else:
        print("lectern: Lectern is open on this library; its window rebuilds the search index at start "
              "(or close it and run `lectern check` again).", file=err)
    return 1


def damage_message(path: Path, error: Exception) -> str:
    """One message for a damaged library: what was found, and its latest good backup to restore."""
    path = path.expanduser().absolute()
    detail = getattr(error, "detail", None)
    said = f"The library {path} is damaged ({detail})." if detail else str(error).split(" Lectern has stopped")[0]
    return f"{said} {damage_advice(path)}"


def damage_advice(path: Path) -> str:
    """What to do about a damaged library: its latest good backup, named, and the command that restores it."""
    from lectern.core.store.backups import backup_dir, latest_good_backup
    from lectern.core.store.library_errors import LibraryError
    from lectern.core.store.library_file import real_library_path

    try:
        path = real_library_path(path)
        backup = latest_good_backup(path)
    except (OSError, LibraryError):
        backup = None
    if backup is None:
        return (f"There is no good backup of it in {backup_dir(path)}; the file has not been changed. "
                "A copy kept elsewhere can be put in its place with `lectern restore-backup --from FILE`.")
    return (f"Its latest good backup is {backup.describe()} in {backup.path.parent}: "
            "`lectern restore-backup` puts it in place (the damaged file is kept beside it, renamed).")


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
        from lectern.core.fulltext.commands import import_pdf_arguments, is_pdf_argument

        library = open_library(args)
        failed = 0
        with library:
            library.attachments.sweep_left_behind()  # (this command holds the one-writer lock)
            pdfs = [path for path in args.files if is_pdf_argument(path)]
            if pdfs:
                from lectern.core.store.settings import attach_mode

                failed += import_pdf_arguments(library, pdfs, args.mode or attach_mode(), out, err)
            for path in (p for p in args.files if not is_pdf_argument(p)):
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
                out.write(f"{path}: {plural(report.added, 'paper')} added\n")
                for warning in report.warnings:
                    print(f"lectern: {path}: {warning}", file=err)
        return 1 if failed else 0
    finally:
        lock.release()


def run_extract(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from lectern.core.fulltext.commands import run_extract as extract

    lock = hold_lock(args, err, "Its window reads the PDFs' text by itself; run this")
    if lock is None:
        return 2
    try:
        with open_library(args) as library:
            return extract(library, out, err)
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
    out.write(f"{plural(count, 'paper')} written to {args.output}\n")
    if lost:
        print(f"lectern: {len(lost)} entries hold characters with no LaTeX form, written as ?: "
              + ", ".join(lost[:20]) + (" …" if len(lost) > 20 else "") + " (export without --ascii to keep them)",
              file=err)
    return 0


def run_attach(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Attach files to the paper with a citation key, as the window's `a` does."""
    from lectern.core.library.attachments import AttachError
    from lectern.core.store.settings import attach_mode

    mode = args.mode or attach_mode()
    lock = hold_lock(args, err, "Attach files (a)")
    if lock is None:
        return 2
    try:
        library = open_library(args)
        with library:
            library.attachments.sweep_left_behind()  # (this command holds the one-writer lock)
            paper_id = library.paper_id_of_key(args.key)
            if paper_id is None:
                print(f"lectern: there is no paper with the citation key {args.key}. Nothing was attached.", file=err)
                return 2
            before = {a.id for a in library.attachments_of(paper_id)}
            try:
                library.attachments.add(paper_id, args.files, mode)
            except AttachError as exc:
                print(f"lectern: {exc} Nothing was attached.", file=err)
                return 2
            for found in library.attachments_of(paper_id):
                if found.id not in before:
                    out.write(f"{'copied' if found.mode == 'copy' else 'linked'} {found.name}\t{found.path}\n")
            from lectern.core.fulltext.commands import extract_new

            extract_new(library, before, paper_id, err)  # the new PDFs' text, read now
        return 0
    finally:
        lock.release()


def run_sync(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """One sync with the library's git remote (see core/sync/engine.py)."""
    from lectern.core.sync.conflicts import record_conflicts
    from lectern.core.sync.engine import SyncError
    from lectern.core.sync.takeover import sample_gives_way, sync_or_take_over

    lock = hold_lock(args, err, "Sync")
    if lock is None:
        return 2
    try:
        with open_library(args) as library:
            steps = (lambda p: print(f"{p.message}…", file=err, flush=True)) if err.isatty() else None  # a person waits
            report = sync_or_take_over(library, args.remote, sample_gives_way(library, args.remote), steps)
            record_conflicts(library, report.conflicts)  # open until resolved in the window's Conflicts view
    except SyncError as exc:
        print(f"lectern: {exc}", file=err)
        return 1
    finally:
        lock.release()
    out.write(report.summary() + "\n")
    return 0


def run(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run a subcommand; returns the exit code."""
    from lectern.core.store.library_errors import LibraryDamaged, LibraryError, classify

    out = out or sys.stdout
    err = err or sys.stderr
    commands = {"search": run_search, "import": run_import, "export": run_export,
                "backup": run_backup, "restore-backup": run_restore, "add": run_add, "attach": run_attach,
                "fetch-metadata": run_fetch_metadata, "check": run_check, "extract": run_extract, "sync": run_sync}
    try:
        return commands[args.command](args, out, err)
    except LibraryDamaged as exc:  # met on a damaged page while working
        print(f"lectern: {damage_message(library_path(args), exc)}", file=err)
        return 3
    except LibraryError as exc:
        print(f"lectern: {exc}", file=err)
        return 2
    except (sqlite3.Error, OSError) as exc:  # a write refused midway (a full disk, a read-only file)
        print(f"lectern: {classify(exc, library_path(args))} Nothing of this command was kept.", file=err)
        return 2
