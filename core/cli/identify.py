"""The command line's look-ups: `lectern add ID...` and `lectern fetch-metadata`."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, TextIO

from lectern.core.cli.common import hold_lock, open_library
from lectern.core.text.wording import plural

if TYPE_CHECKING:
    from lectern.core.identify.http import Http
    from lectern.core.identify.updates import Update


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
            out.write(f"{plural(len(changes.papers), 'paper')} completed (one undo step).\n")
            return 0
    finally:
        if lock is not None:
            lock.release()
