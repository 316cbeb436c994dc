"""The Complete metadata review: each paper with what the services hold for it,
field by field (now / from the service), a check per field and per paper.
Confident matches come checked; a weak title match comes unchecked with its
score, so it is never applied without the user choosing it. Keyboard: arrows
move, Space toggles, Enter applies, Escape cancels. Every value is plain text
(an item view never renders HTML; tooltips go through `plain_tooltip`)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from lectern.core.identify.updates import FieldChange, Update
from lectern.desktop.views.untrusted import plain_tooltip

CHECKED, UNCHECKED = Qt.CheckState.Checked, Qt.CheckState.Unchecked


def heading(update: Update) -> str:
    """A paper's line: key, title, and how it was found (a weak match says its score)."""
    lookup, match = update.lookup, update.lookup.match
    head = f"{update.citation_key} — {update.title}"
    if match is None:
        return f"{head}: {lookup.problem or 'not found'}"
    how = f"by {lookup.by}" if lookup.by != "title" else f"title match, score {match.score:.2f}"
    if not update.changes:
        return f"{head} ({how}): already complete"
    if not update.confident:
        return f"{head} ({how}): not a sure match, check it — the closest is “{match.paper.title}”"
    return f"{head} ({how})"


class ReviewDialog(QDialog):
    """Choose which of the proposed fields to write; `accepted()` says which."""

    def __init__(self, updates: Sequence[Update], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Complete metadata")
        self.updates = list(updates)
        changed = sum(1 for u in self.updates if u.changes)
        intro = QLabel(f"{changed} of {len(self.updates)} papers can be completed. Checked fields are written "
                       "(one undo step); Space checks or unchecks, Enter applies.", self)
        intro.setTextFormat(Qt.TextFormat.PlainText)
        intro.setWordWrap(True)
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("metadataReview")
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels(["Paper / field", "Now", "From the service"])
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setUniformRowHeights(True)
        self.tree.setWordWrap(False)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.tree.header().setStretchLastSection(True)
        self.papers: list[tuple[QTreeWidgetItem, Update]] = []
        for update in self.updates:
            top = QTreeWidgetItem(self.tree, [heading(update), "", ""])
            top.setToolTip(0, plain_tooltip(heading(update)))
            top.setFirstColumnSpanned(True)  # the heading (and a weak match's score) reads whole
            if not update.changes:
                top.setFlags(Qt.ItemFlag.ItemIsEnabled)  # nothing to choose: shown, greyed by the style
                top.setDisabled(True)
                continue
            top.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsUserCheckable
                         | Qt.ItemFlag.ItemIsAutoTristate)
            state = CHECKED if update.confident else UNCHECKED
            for change in update.changes:
                old = change.old if change.old is not None else "(none)"
                child = QTreeWidgetItem(top, [change.name, old, change.new])
                child.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                               | Qt.ItemFlag.ItemIsUserCheckable)
                child.setCheckState(0, state)
                child.setToolTip(1, plain_tooltip(old))
                child.setToolTip(2, plain_tooltip(change.new))
            top.setExpanded(True)
            self.papers.append((top, update))
        self.tree.setColumnWidth(0, 200)
        self.tree.setColumnWidth(1, 340)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.apply_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.apply_button.setText("Apply checked")
        self.apply_button.setDefault(True)
        self.apply_button.setAutoDefault(True)
        check_all = buttons.addButton("Check all", QDialogButtonBox.ButtonRole.ActionRole)
        check_all.setAutoDefault(False)
        check_all.clicked.connect(lambda: self.set_all(CHECKED))
        none = buttons.addButton("Uncheck all", QDialogButtonBox.ButtonRole.ActionRole)
        none.setAutoDefault(False)
        none.clicked.connect(lambda: self.set_all(UNCHECKED))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.tree)
        layout.addWidget(buttons)
        self.resize(1000, 560)
        first = self.papers[0][0] if self.papers else self.tree.topLevelItem(0)
        if first is not None:
            self.tree.setCurrentItem(first)
        self.tree.setFocus()

    def set_all(self, state: Qt.CheckState) -> None:
        for top, _update in self.papers:
            top.setCheckState(0, state)

    def field_item(self, paper_id: int, name: str) -> QTreeWidgetItem | None:
        """The row of one proposed field (for tests and the keyboard)."""
        for top, update in self.papers:
            if update.paper_id == paper_id:
                for i in range(top.childCount()):
                    if top.child(i).text(0) == name:
                        return top.child(i)
        return None

    def accepted(self) -> list[tuple[Update, list[FieldChange]]]:
        """Each paper with at least one checked field, and its checked fields."""
        chosen = []
        for top, update in self.papers:
            picked = [change for i, change in enumerate(update.changes) if top.child(i).checkState(0) == CHECKED]
            if picked:
                chosen.append((update, picked))
        return chosen
