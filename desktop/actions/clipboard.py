"""Copying the selected papers to the clipboard: their citation keys, their
BibTeX entries, Markdown links. Mixed into MainWindow, whose selection it uses."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from lectern.core.domain.arxiv import paper_url
from lectern.core.formats.bibtex import export_text
from lectern.core.formats.writers import md_escape
from lectern.core.text.latex import latex_to_text
from lectern.core.text.wording import plural


class ClipboardActions:
    def copy_key(self) -> None:
        ids = self.selected_ids()
        if ids:
            keys = self.library.citation_keys_of(ids)
            text = ",".join(keys[i] for i in ids if i in keys)
            QApplication.clipboard().setText(text)
            self.statusBar().showMessage(f"Copied {text}", 4000)

    def copy_bibtex(self) -> None:
        ids = self.selected_ids()
        if ids:
            text = export_text(self.library, ids).removeprefix("% Encoding: UTF-8\n\n")
            QApplication.clipboard().setText(text)
            self.statusBar().showMessage(f"Copied the BibTeX of {plural(len(ids), 'paper')}", 4000)

    def copy_markdown(self) -> None:
        ids = self.selected_ids()
        links = []
        for paper, _tags, _note in self.library.papers_for_export(ids):
            url = paper_url(paper.url, paper.arxiv_id)
            title = md_escape(latex_to_text(paper.title))
            links.append(f"[{title}](<{url}>)" if url else f"{title} [@{paper.citation_key}]")
        if links:
            QApplication.clipboard().setText("\n".join(links))
            self.statusBar().showMessage(f"Copied {plural(len(links), 'Markdown link')}", 4000)
