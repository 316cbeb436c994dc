"""When two papers are the same paper: the title rule shared by the importer and the facade."""

from __future__ import annotations

import re

from core.domain.citekeys import ascii_fold
from core.text.latex import latex_to_text

_TITLE_NORMAL = re.compile(r"[^a-z0-9]+")


def normal_title(title: str) -> str:
    """A title compared for duplicates: LaTeX rendered, accents, case and punctuation aside."""
    return _TITLE_NORMAL.sub("", ascii_fold(latex_to_text(title)).lower())
