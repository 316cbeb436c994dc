"""`lectern attach KEY FILE...`: the same manager as the window, the setting's
mode unless --copy or --link says otherwise."""

from __future__ import annotations

from pathlib import Path

from lectern.core.library.attachments import storage_folder
from lectern.core.library.facade import Library
from lectern.core.store.settings import attach_mode, save_setting
from tests.core.test_cli import lectern


def _one_paper(tmp_path: Path) -> Path:
    bib = tmp_path / "in.bib"
    bib.write_text("@article{vaswani2017, title = {Attention Is All You Need}, year = 2017}\n", encoding="utf-8")
    library = tmp_path / "lib.sqlite"
    assert lectern("--library", str(library), "import", str(bib)).returncode == 0
    return library


def test_attach_copies_by_default_and_links_with_link(tmp_path: Path) -> None:
    library = _one_paper(tmp_path)
    pdf = tmp_path / "attention.pdf"
    pdf.write_bytes(b"%PDF-1.4 attention")
    copied = lectern("--library", str(library), "attach", "vaswani2017", str(pdf))
    assert copied.returncode == 0, copied.stderr
    target = storage_folder(library) / "vaswani2017" / "attention.pdf"
    assert copied.stdout == f"copied attention.pdf\t{target}\n"
    assert target.read_bytes() == b"%PDF-1.4 attention"
    other = tmp_path / "slides.pdf"
    other.write_bytes(b"slides")
    linked = lectern("--library", str(library), "attach", "VASWANI2017", str(other), "--link")
    assert linked.returncode == 0, linked.stderr
    assert linked.stdout == f"linked slides.pdf\t{other}\n"
    with Library.open(library) as lib:
        found = lib.attachments_of(lib.paper_id_of_key("vaswani2017"))
        assert [(a.name, a.mode, a.exists) for a in found] == [("attention.pdf", "copy", True),
                                                              ("slides.pdf", "link", True)]


def test_the_setting_chooses_link_and_copy_overrides_it(tmp_path: Path) -> None:
    library = _one_paper(tmp_path)
    save_setting("attach_mode", "link")
    assert attach_mode() == "link"
    first, second = tmp_path / "a.pdf", tmp_path / "b.pdf"
    first.write_bytes(b"a")
    second.write_bytes(b"b")
    assert lectern("--library", str(library), "attach", "vaswani2017", str(first)).stdout.startswith("linked a.pdf")
    assert lectern("--library", str(library), "attach", "vaswani2017", str(second), "--copy"
                   ).stdout.startswith("copied b.pdf")


def test_attach_refuses_an_unknown_key_and_a_folder_without_a_traceback(tmp_path: Path) -> None:
    library = _one_paper(tmp_path)
    pdf = tmp_path / "x.pdf"
    pdf.write_bytes(b"x")
    unknown = lectern("--library", str(library), "attach", "nobody2020", str(pdf))
    assert unknown.returncode == 2 and "no paper with the citation key nobody2020" in unknown.stderr
    folder = lectern("--library", str(library), "attach", "vaswani2017", str(tmp_path))
    assert folder.returncode == 2 and "is a folder, not a file. Nothing was attached." in folder.stderr
    assert "Traceback" not in unknown.stderr + folder.stderr
    with Library.open(library) as lib:
        assert lib.attachments_of(lib.paper_id_of_key("vaswani2017")) == ()
