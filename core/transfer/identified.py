"""Writing what the scholarly services answered: papers added by identifier
(one undo step, duplicates reported, not added twice) and completed metadata
applied (one undo step, citation keys unchanged)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from lectern.core.domain.changes import CancelToken, Changes, Progress, ProgressFn
from lectern.core.domain.entry import strip_braces
from lectern.core.domain.records import NewPaper
from lectern.core.identify.http import Http
from lectern.core.identify.identifiers import Identifier
from lectern.core.identify.lookup import lookup_paper, resolve
from lectern.core.identify.updates import Update, propose
from lectern.core.library.facade import Library
from lectern.core.transfer.importing import find_duplicates, import_label


@dataclass
class AddReport:
    added: list[tuple[str, str]] = field(default_factory=list)  # (citation key, title)
    duplicates: list[str] = field(default_factory=list)
    not_found: list[str] = field(default_factory=list)
    changes: Changes = field(default_factory=Changes)


def add_papers(library: Library, papers: Sequence[NewPaper], progress: ProgressFn | None = None,
               cancel: CancelToken | None = None) -> AddReport:
    """Add records, skipping those the library (or an earlier one here) already holds; one undo step."""
    report = AddReport()
    duplicates = {d.index: d for d in find_duplicates(library, papers)}
    existing = library.citation_keys_of([d.existing_id for d in duplicates.values()])
    fresh: list[NewPaper] = []
    seen: set[str] = set()
    for i, paper in enumerate(papers):
        name = strip_braces(paper.title)[:80]
        ident = (paper.doi or paper.arxiv_id or paper.title).lower()
        if i in duplicates:
            dup = duplicates[i]
            report.duplicates.append(f"“{name}” is already in the library as "
                                     f"{existing.get(dup.existing_id, '?')} (same {dup.reason})")
        elif ident in seen:
            report.duplicates.append(f"“{name}” was given twice")
        else:
            seen.add(ident)
            fresh.append(paper)
    if fresh:
        with library.history.step(import_label(len(fresh))) as step:
            step.changes = library.papers.add_many(fresh, progress=progress, cancel=cancel)
        report.changes = step.changes
        keys = library.citation_keys_of(sorted(step.changes.papers))
        rows = library.rows(sorted(step.changes.papers))
        report.added = [(keys[i], rows[i].title) for i in sorted(step.changes.papers)]
    return report


def add_identified(library: Library, http: Http, identifiers: Sequence[Identifier],
                   progress: ProgressFn | None = None, cancel: CancelToken | None = None) -> AddReport:
    """Look the identifiers up and add the papers found. ServiceError (nothing written) when a service is down."""
    resolved = resolve(http, identifiers, progress, cancel)
    report = add_papers(library, [r.paper for r in resolved if r.paper is not None], cancel=cancel)
    report.not_found = [r.problem for r in resolved if r.paper is None]
    return report


def propose_updates(library: Library, http: Http, ids: Sequence[int], progress: ProgressFn | None = None,
                    cancel: CancelToken | None = None) -> list[Update]:
    """What the services hold for each paper, as proposed completions (nothing is written)."""
    updates = []
    for done, paper_id in enumerate(ids, 1):
        if cancel:
            cancel.check()
        detail = library.paper(paper_id)
        if detail is None:
            continue
        paper = detail.paper
        updates.append(propose(paper, lookup_paper(http, paper)))
        if progress:
            progress(Progress(done, len(ids), f"Looking up “{strip_braces(paper.title)[:60]}”"))
    return updates


def apply_updates(library: Library, updates: Sequence[Update]) -> Changes:
    """Write the proposed records (keys unchanged), as one undo step."""
    chosen = [u for u in updates if u.changes]
    if not chosen:
        return Changes()
    label = f"Complete metadata of {len(chosen)} paper{'' if len(chosen) == 1 else 's'}"
    with library.history.step(label) as step:
        changes = Changes()
        for update in chosen:
            changes = changes.merge(library.papers.set_record(update.paper_id, update.entry_type, update.fields))
        step.changes = changes
    return step.changes
