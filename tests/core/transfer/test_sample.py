"""The sample reading list gives way to a synced library only while it is untouched."""

from __future__ import annotations

from pathlib import Path

import pytest

from lectern.core.domain.records import NewPaper
from lectern.core.library.facade import Library
from lectern.core.transfer.importing import load_default_library_if_new
from lectern.core.transfer.sample import only_the_sample, remove_the_sample


@pytest.fixture
def sample(tmp_path: Path):
    library = Library.open(tmp_path / "library.sqlite")
    load_default_library_if_new(library)
    yield library
    library.close()


def test_the_untouched_sample_is_removed_in_one_undo_step(sample: Library) -> None:
    count = sample.count()
    assert count > 0 and only_the_sample(sample)
    assert remove_the_sample(sample).membership
    assert sample.count() == 0
    sample.history.undo()
    assert sample.count() == count


@pytest.mark.parametrize("touch", [
    lambda lib, first: lib.papers.set_starred([first], True),
    lambda lib, first: lib.papers.set_status([first], "read"),
    lambda lib, first: lib.tags.add([first], ["nlp"]),
    lambda lib, first: lib.papers.set_note(first, "mine"),
    lambda lib, first: lib.lists.create("To read"),
    lambda lib, first: lib.trash.put([first]),
    lambda lib, first: lib.papers.add_many([NewPaper(title="My own paper")]),
])
def test_a_sample_the_user_touched_is_their_library_and_stays(sample: Library, touch) -> None:
    touch(sample, sample.paper_ids()[0])
    assert not only_the_sample(sample)
    before = sample.count()
    assert not remove_the_sample(sample)
    assert sample.count() == before > 0


def test_a_library_without_the_sample_never_gives_way(tmp_path: Path) -> None:
    with Library.open(tmp_path / "library.sqlite") as library:
        library.papers.add_many([NewPaper(title="My own paper")])
        assert not only_the_sample(library)
