"""Decoding an imported file's bytes: the encodings read directly, and the
refusal of any other bytes, which names the line, shows it safely and guesses."""

from __future__ import annotations

import codecs
import shutil
import subprocess
from pathlib import Path

import pytest

from lectern.core.text.encoding import EncodingError, codec_name, decode_text, is_binary, lines_of

TEXT = "@misc{muller2019, title = {Gr\u00f6\u00dfen, \u6df1\u5ea6 and \U0001d4aa}}\n"


@pytest.mark.parametrize("data", [
    TEXT.encode("utf-8"),
    codecs.BOM_UTF8 + TEXT.encode("utf-8"),
    codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"),
    codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"),
    codecs.BOM_UTF32_LE + TEXT.encode("utf-32-le"),
], ids=["utf-8", "utf-8 BOM", "utf-16 LE BOM", "utf-16 BE BOM", "utf-32 LE BOM"])
def test_utf8_with_or_without_bom_and_utf16_with_bom_read_directly(data: bytes) -> None:
    assert decode_text(data, "refs.bib") == TEXT  # the BOM itself is not part of the text
    assert not is_binary(data)


def test_nul_bytes_mean_binary_unless_the_text_is_utf16() -> None:
    assert is_binary(b"\x89PNG\r\n\x1a\n\x00\x00")
    assert is_binary(b"Title\x00\nAbstract\n")
    assert not is_binary(TEXT.encode("utf-16-le"), encoding="utf-16-le")


def test_other_bytes_are_refused_with_the_line_an_excerpt_and_a_guess() -> None:
    data = "@misc{a,\n  title = {On Tests},\n  author = {M\u00fcller, Hans},\n}\n".encode("cp1252")
    with pytest.raises(EncodingError) as info:
        decode_text(data, "old.bib")
    message = str(info.value)
    assert "old.bib is not UTF-8 text: line 3" in message
    assert "“author = {M\\xfcller, Hans},”" in message  # the bad byte shown as an escape
    assert "Windows-1252" in message and "line 3 says “author = {Müller, Hans},”" in message
    assert (info.value.guess, info.value.line) == ("cp1252", 3)


def test_a_named_encoding_reads_what_utf8_cannot() -> None:
    data = "@misc{a, title = {\u6df1\u5ea6\u5b66\u4e60}}\n".encode("gbk")
    assert decode_text(data, "x.bib", "GBK") == "@misc{a, title = {\u6df1\u5ea6\u5b66\u4e60}}\n"
    utf16 = TEXT.encode("utf-16-be")  # no BOM: only a named encoding reads it
    assert decode_text(utf16, "x.bib", "utf-16-be") == TEXT


def test_valid_utf8_stays_utf8_whatever_encoding_is_named() -> None:
    """Naming an encoding for a batch never turns its UTF-8 files into mojibake."""
    assert decode_text(TEXT.encode("utf-8"), "x.bib", "cp1252") == TEXT
    assert decode_text(codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), "x.bib", "gbk") == TEXT


def test_a_named_encoding_that_fails_says_so_clearly() -> None:
    data = b"@misc{a,\n  title = {\x81\x8d bytes cp1252 leaves undefined}}\n"
    with pytest.raises(EncodingError) as info:
        decode_text(data, "x.bib", "cp1252")
    assert "x.bib is not Windows-1252 (Western European) text: line 2" in str(info.value)
    assert "\\x81\\x8d" in str(info.value)


def test_an_unknown_encoding_name_is_a_clear_error() -> None:
    with pytest.raises(EncodingError, match="does not know the encoding “klingon-8”"):
        decode_text(b"\xff", "x.bib", "klingon-8")
    for not_a_text_encoding in ("", "base64", "rot13", "undefined"):
        with pytest.raises(EncodingError, match="does not know"):
            codec_name(not_a_text_encoding)
    assert codec_name("Latin-1") == "iso8859-1"


def test_the_excerpt_cannot_act_on_a_terminal_or_reorder_text_and_stays_short() -> None:
    data = b"ok\n\x1b[2J\xe2\x80\xae evil \xff " + b"x" * 500 + b"\n"
    with pytest.raises(EncodingError) as info:
        decode_text(data, "x.txt")
    message = str(info.value)
    assert "\x1b" not in message and "\u202e" not in message
    assert "“\\x1b[2J\\u202e evil \\xff xxx" in message  # shown as escapes instead
    assert "line 2" in message and len(message) < 400 and "…" in message


def test_a_broken_utf16_file_names_its_line() -> None:
    data = codecs.BOM_UTF16_LE + "first\nsecond".encode("utf-16-le") + b"\x00\xd8"  # a lone surrogate
    with pytest.raises(EncodingError, match="not UTF-16 text: line 2"):
        decode_text(data, "x.txt")


def test_jurabibs_german_latin1_example_file_is_guessed_western_not_japanese() -> None:
    found = shutil.which("kpsewhich") and subprocess.run(["kpsewhich", "jbtest.bib"], capture_output=True, text=True)
    if not found or not found.stdout.strip():
        pytest.skip("TeX Live's jurabib (jbtest.bib) is not installed")
    data = Path(found.stdout.strip()).read_bytes()
    with pytest.raises(EncodingError) as refused:
        decode_text(data, "jbtest.bib")
    assert refused.value.guess == "cp1252"
    assert "Western" in str(refused.value)


@pytest.mark.parametrize("chunk", [0, 1, 2, 3, 5, 1 << 16])
def test_lines_of_gives_the_lines_splitlines_gives_across_its_stretches(chunk: int) -> None:
    """Every line break Python knows, a CRLF across a stretch's end, blank and
    unterminated lines: the same lines as str.splitlines, one at a time."""
    breaks = ["\n", "\r", "\r\n", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]
    texts = ["", "\n", "a", "a\n", "\n\nb", "ab\r\ncd", "x\r", "\r\n\r\n", " a \t\n b "]
    texts += [f"one{b}two{b}{b}three" for b in breaks] + ["".join(breaks) * 3, "é\nß\r\nz\x85"]
    for text in texts:
        assert list(lines_of(text, chunk)) == text.splitlines(), repr(text)
