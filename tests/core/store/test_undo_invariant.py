"""Undo is an invariant: after any sequence of the facade's writes (actions on
empty selections and missing ids, imports and merges included), undoing every
step gives back every table exactly, redoing every step gives the end state
exactly, no undo or redo raises, and the search index always matches the papers.

The default suite runs a modest search; set LECTERN_UNDO_EXAMPLES and
LECTERN_UNDO_STEPS (e.g. 300 and 60) for a long one."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from lectern.core.domain.records import NewPaper
from lectern.core.library.facade import Library
from lectern.core.library.rows import EditError
from lectern.core.store.search_schema import FTS_COLUMNS
from lectern.core.transfer.importing import import_listing_file, import_text

TABLES = ("paper", "tag", "paper_tag", "note", "reading_list", "reading_list_item", "saved_search", "meta")
TITLES = ["Graph networks", "Attention is all you need", "Sabi\\'a: Portuguese models", "BERT pre-training",
          "Zebrafish behaviour", "graph  networks"]
TAGS = ["alpha", "Alpha", "beta", "gamma delta", "renamed", "x\"y"]
LISTS = ["Reading", "reading", "Later", "Thesis"]
NOTES = ["", "short", "a longer note about graphs", "76\\% better"]
ids = st.integers(min_value=1, max_value=10)  # mostly existing papers, some missing
id_sets = st.lists(ids, max_size=4)  # empty selections included
list_ids = st.integers(min_value=1, max_value=4)  # two lists at the start


def dump(lib: Library) -> dict[str, list[tuple]]:
    """Every row of every user table, and what the search index holds."""
    with lib.db.read() as conn:
        tables = {t: sorted(tuple(r) for r in conn.exec_driver_sql(f"SELECT * FROM {t}")) for t in TABLES}
        tables["index"] = [tuple(r) for r in conn.exec_driver_sql(
            "SELECT rowid, " + ", ".join(FTS_COLUMNS) + " FROM paper_fts ORDER BY rowid")]
    return tables


def bib_entry(i: int, title: str, tags: list[str], note: str, doi: str | None) -> str:
    fields = [f"title = {{{title}}}", "author = {Doe, Jane}", "year = {2021}"]
    if tags:
        fields.append("keywords = {" + ", ".join(t.replace('"', "") for t in tags) + "}")
    if note:
        fields.append(f"annote = {{{note}}}")
    if doi:
        fields.append(f"doi = {{{doi}}}")
    return f"@article{{gen{i},\n  " + ",\n  ".join(fields) + "\n}\n"


class UndoInvariant(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="lectern-undo-"))
        self.lib = Library.open(self.folder / "library.sqlite")
        self.files = 0

    @initialize()
    def start(self) -> None:
        self.lib.papers.add_many([NewPaper(title=t, authors="Roe, Ann", year=2020, doi=f"10.1/{i}")
                             for i, t in enumerate(TITLES)],
                            tags=[["alpha"], ["alpha", "beta"], [], [], ["gamma delta"], []],
                            notes=["first note", "", "", "", "", "graphs"], undoable=False)
        reading, _ = self.lib.lists.create("Reading")
        self.lib.lists.add(reading, [1, 2, 3])
        self.lib.lists.create("Later")
        self.lib.saved_searches.save("Graphs", "graph")
        self.lib.history.stack.clear()
        self.start_state = dump(self.lib)

    def teardown(self) -> None:
        try:
            if hasattr(self, "start_state"):
                while self.lib.history.stack.redo_label() is not None:  # first the end: redo what was undone last
                    self.lib.history.redo()
                end = dump(self.lib)
                while self.lib.history.undo() is not None:
                    pass
                assert dump(self.lib) == self.start_state
                assert self.lib.index.check() is None
                while self.lib.history.redo() is not None:
                    pass
                assert dump(self.lib) == end
                assert self.lib.index.check() is None
        finally:
            self.lib.close()
            shutil.rmtree(self.folder, ignore_errors=True)

    def write(self, action) -> None:
        """Run one facade write; a refusal (EditError) must change nothing and record nothing."""
        before, steps = dump(self.lib), len(self.lib.history.stack.done)
        try:
            action()
        except EditError:
            assert dump(self.lib) == before
            assert len(self.lib.history.stack.done) == steps

    @invariant()
    def index_matches_the_papers(self) -> None:
        if not hasattr(self, "start_state"):
            return
        with self.lib.db.read() as conn:
            indexed = [tuple(r) for r in conn.exec_driver_sql(
                "SELECT rowid, " + ", ".join(FTS_COLUMNS) + " FROM paper_fts ORDER BY rowid")]
            source = [tuple(r) for r in conn.exec_driver_sql("SELECT * FROM paper_fts_source ORDER BY rowid")]
        assert indexed == source

    # -- papers -------------------------------------------------------------------
    @rule(title=st.sampled_from(TITLES), year=st.sampled_from(["", "2024", "soon"]),
          doi=st.sampled_from(["", "10.1/0", "10.2/new"]), key=st.sampled_from(["", "roe2020Graph", "mine"]))
    def add_paper(self, title: str, year: str, doi: str, key: str) -> None:
        self.write(lambda: self.lib.papers.add(NewPaper(title=title), authors="Poe, Al", year=year, venue="ICML",
                                              doi=doi, citation_key=key))

    @rule(paper=ids, field=st.sampled_from(["title", "authors", "year", "venue", "doi", "citation_key", "abstract"]),
          value=st.sampled_from(["", "New value", "2019", "10.1/1", "gen1", "Graph networks"]))
    def edit(self, paper: int, field: str, value: str) -> None:
        self.write(lambda: self.lib.papers.update(paper, **{field: value}))

    @rule(papers=id_sets)
    def toggle_star(self, papers: list[int]) -> None:
        self.write(lambda: self.lib.papers.toggle_star(papers))

    @rule(papers=id_sets, status=st.sampled_from(["read", "unread", "reading", "skipped"]))
    def set_status(self, papers: list[int], status: str) -> None:
        self.write(lambda: self.lib.papers.set_status(papers, status))

    # -- tags and notes -------------------------------------------------------------
    @rule(papers=id_sets, names=st.lists(st.sampled_from(TAGS), max_size=2))
    def add_tags(self, papers: list[int], names: list[str]) -> None:
        self.write(lambda: self.lib.tags.add(papers, names))

    @rule(papers=id_sets, names=st.lists(st.sampled_from(TAGS), max_size=2))
    def remove_tags(self, papers: list[int], names: list[str]) -> None:
        self.write(lambda: self.lib.tags.remove(papers, names))

    @rule(old=st.sampled_from(TAGS), new=st.sampled_from(TAGS + ["", "fresh"]))
    def rename_tag(self, old: str, new: str) -> None:  # onto an existing name: a merge
        self.write(lambda: self.lib.tags.rename(old, new))

    @rule(paper=ids, body=st.sampled_from(NOTES))
    def set_note(self, paper: int, body: str) -> None:
        self.write(lambda: self.lib.papers.set_note(paper, body))

    # -- reading lists ----------------------------------------------------------------
    @rule(name=st.sampled_from(LISTS + [""]))
    def create_list(self, name: str) -> None:
        self.write(lambda: self.lib.lists.create(name))

    @rule(list_id=list_ids, name=st.sampled_from(LISTS))
    def rename_list(self, list_id: int, name: str) -> None:
        self.write(lambda: self.lib.lists.rename(list_id, name))

    @rule(list_id=list_ids)
    def delete_list(self, list_id: int) -> None:
        self.write(lambda: self.lib.lists.delete(list_id))

    @rule(list_id=list_ids, papers=id_sets)
    def add_to_list(self, list_id: int, papers: list[int]) -> None:
        self.write(lambda: self.lib.lists.add(list_id, papers))

    @rule(list_id=list_ids, papers=id_sets)
    def remove_from_list(self, list_id: int, papers: list[int]) -> None:
        self.write(lambda: self.lib.lists.remove(list_id, papers))

    @rule(list_id=list_ids, papers=id_sets, delta=st.sampled_from([-1, 1, 3]))
    def move_in_list(self, list_id: int, papers: list[int], delta: int) -> None:
        self.write(lambda: self.lib.lists.move(list_id, papers, delta))

    @rule(list_id=list_ids, order=st.lists(ids, max_size=6))
    def reorder_list(self, list_id: int, order: list[int]) -> None:
        self.write(lambda: self.lib.lists.set_order(list_id, order))

    # -- trash and merges -------------------------------------------------------------
    @rule(papers=id_sets)
    def trash(self, papers: list[int]) -> None:
        self.write(lambda: self.lib.trash.put(papers))

    @rule(papers=id_sets)
    def restore(self, papers: list[int]) -> None:
        self.write(lambda: self.lib.trash.restore(papers))

    @rule()
    def empty_trash(self) -> None:
        self.write(self.lib.trash.empty)

    @rule(keep=ids, others=id_sets, note=st.sampled_from(NOTES), tags=st.lists(st.sampled_from(TAGS), max_size=2))
    def merge(self, keep: int, others: list[int], note: str, tags: list[str]) -> None:
        self.write(lambda: self.lib.papers.merge(keep, others, tags=tags, note=note))

    # -- saved searches -----------------------------------------------------------------
    @rule(name=st.sampled_from(["Graphs", "graphs", "Fish"]), query=st.sampled_from(["graph", "tag:alpha", "fish"]))
    def save_search(self, name: str, query: str) -> None:
        self.write(lambda: self.lib.saved_searches.save(name, query))

    @rule(search_id=st.integers(min_value=0, max_value=3))
    def delete_saved_search(self, search_id: int) -> None:
        self.write(lambda: self.lib.saved_searches.delete(search_id))

    # -- imports ------------------------------------------------------------------------
    @rule(entries=st.lists(st.tuples(st.sampled_from(TITLES + ["A new paper", "Another one"]),
                                     st.lists(st.sampled_from(TAGS), max_size=2), st.sampled_from(NOTES),
                                     st.sampled_from([None, "10.1/0", "10.1/1", "10.9/9"])), min_size=1, max_size=4),
          policy=st.sampled_from(["skip", "merge", "import"]))
    def import_bib(self, entries: list[tuple[str, list[str], str, str | None]], policy: str) -> None:
        text = "".join(bib_entry(i, *e) for i, e in enumerate(entries))
        self.write(lambda: import_text(self.lib, text, policy=policy))  # type: ignore[arg-type]

    @rule(titles=st.lists(st.sampled_from(TITLES + ["Listed paper"]), min_size=1, max_size=3))
    def import_listing(self, titles: list[str]) -> None:
        self.files += 1
        path = self.folder / f"listing-{self.files}.txt"
        path.write_text("".join(f"{t}\nAn abstract about {t}.\n" for t in titles), encoding="utf-8")
        self.write(lambda: import_listing_file(self.lib, path))

    # -- undo and redo along the way ------------------------------------------------------
    @precondition(lambda self: self.lib.history.stack.done)
    @rule(times=st.integers(min_value=1, max_value=3))
    def undo(self, times: int) -> None:
        for _ in range(times):
            self.lib.history.undo()  # never raises

    @precondition(lambda self: self.lib.history.stack.undone)
    @rule(times=st.integers(min_value=1, max_value=3))
    def redo(self, times: int) -> None:
        for _ in range(times):
            self.lib.history.redo()

    @rule()
    def undo_all_and_redo_all(self) -> None:
        """The invariant in the middle of a run, too."""
        while self.lib.history.redo() is not None:
            pass
        end = dump(self.lib)
        while self.lib.history.undo() is not None:
            pass
        assert dump(self.lib) == self.start_state
        while self.lib.history.redo() is not None:
            pass
        assert dump(self.lib) == end


UndoInvariant.TestCase.settings = settings(
    max_examples=int(os.environ.get("LECTERN_UNDO_EXAMPLES", "30")),
    stateful_step_count=int(os.environ.get("LECTERN_UNDO_STEPS", "30")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
test_undo_all_restores_every_table_and_redo_all_the_end = UndoInvariant.TestCase
