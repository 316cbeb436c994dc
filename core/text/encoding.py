"""Turning an imported file's bytes into text, in one place for every reader:
UTF-8 (with or without a BOM) and UTF-16/UTF-32 with a BOM are read directly;
any other encoding only when the user names it. Bytes that do not decode are
refused with the first bad line, a safe excerpt of it and a likely encoding,
never guessed into mojibake."""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Iterator


def lines_of(text: str, chunk: int = 1 << 16) -> Iterator[str]:
    """The lines of `text`, as `str.splitlines()` gives them, a stretch of about
    `chunk` characters at a time (each cut after a newline, so no line is cut):
    a reader that looks at the first lines only (is this RIS? a list of arXiv
    ids?) does not copy a whole large file into a list of lines to find out."""
    start = 0
    while start < len(text):
        cut = text.find("\n", start + chunk)
        end = len(text) if cut < 0 else cut + 1
        yield from text[start:end].splitlines()
        start = end


# Checked longest first: a UTF-32 LE BOM begins with the UTF-16 LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# Encodings old bibliographies and listings are found in, as Python names them,
# with what a user calls them; the window offers them in this order.
COMMON_ENCODINGS: dict[str, str] = {
    "cp1252": "Windows-1252 (Western European)",
    "latin_1": "ISO-8859-1 (Latin-1)",
    "iso8859_15": "ISO-8859-15 (Latin-9)",
    "mac_roman": "Mac OS Roman",
    "cp1250": "Windows-1250 (Central European)",
    "iso8859_2": "ISO-8859-2 (Central European)",
    "cp1251": "Windows-1251 (Cyrillic)",
    "koi8_r": "KOI8-R (Russian)",
    "cp1253": "Windows-1253 (Greek)",
    "cp1254": "Windows-1254 (Turkish)",
    "cp1255": "Windows-1255 (Hebrew)",
    "cp1256": "Windows-1256 (Arabic)",
    "cp1257": "Windows-1257 (Baltic)",
    "cp1258": "Windows-1258 (Vietnamese)",
    "gb18030": "GB18030 (Chinese, includes GBK and GB2312)",
    "big5": "Big5 (Traditional Chinese)",
    "cp932": "Shift JIS / Windows-932 (Japanese)",
    "euc_jp": "EUC-JP (Japanese)",
    "cp949": "Windows-949 / EUC-KR (Korean)",
    "cp437": "DOS 437 (US)",
    "cp850": "DOS 850 (Western European)",
    "utf_16_le": "UTF-16 LE without BOM",
    "utf_16_be": "UTF-16 BE without BOM",
}

_EXCERPT_CHARS = 48


class EncodingError(ValueError):
    """The bytes are not text in the encoding tried. The message names the file,
    the line and an excerpt; `guess` is a likely encoding (a Python codec name)
    to offer the user, or None when there is none."""

    def __init__(self, message: str, *, guess: str | None = None, line: int | None = None) -> None:
        super().__init__(message)
        self.guess = guess
        self.line = line


def codec_name(name: str, error: type[EncodingError] = EncodingError) -> str:
    """Python's name for the encoding a user typed ("GBK" -> "gbk", "latin-1" ->
    "iso8859-1"); `error` for names Python does not know."""
    try:
        b"a".decode(name.strip())  # refuses codecs that are not text encodings (base64, rot13)
    except UnicodeDecodeError:
        pass  # a text encoding that needs more than one byte (UTF-16)
    except (LookupError, ValueError):  # ValueError holds UnicodeError: the "undefined" codec
        examples = ", ".join(["cp1252", "latin-1", "gb18030", "shift_jis", "utf-16-le"])
        raise error(f"Lectern does not know the encoding “{_safe(name)[:40]}”. "
                    f"Give a name such as {examples}.") from None
    return codecs.lookup(name.strip()).name


def describe(codec: str) -> str:
    """A user's name for a codec: "Windows-1252 (Western European)", else the codec name."""
    key = codecs.lookup(codec).name if _known(codec) else codec
    for name, label in COMMON_ENCODINGS.items():
        if codecs.lookup(name).name == key:
            return label
    return codec.upper().replace("_", "-")


def _known(name: str) -> bool:
    try:
        codecs.lookup(name)
    except LookupError:
        return False
    return True


def _bom_codec(data: bytes) -> str | None:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return codec
    return None


def _is_wide(codec: str) -> bool:
    return codecs.lookup(codec).name.startswith(("utf-16", "utf-32"))


def is_binary(data: bytes, encoding: str | None = None) -> bool:
    """True for bytes holding NULs, the mark of a binary file; UTF-16 and UTF-32
    text holds NULs too, so a file with their BOM (or read as one) is not binary."""
    bom = _bom_codec(data)
    if (bom is not None and _is_wide(bom)) or (encoding and _known(encoding) and _is_wide(encoding)):
        return False
    return b"\x00" in data


def decode_text(data: bytes, name: str, encoding: str | None = None,
                error: type[EncodingError] = EncodingError) -> str:
    """The text of a file called `name`. A BOM decides (UTF-8, UTF-16, UTF-32);
    else UTF-8; else the `encoding` the user named, if any. Raises `error`
    naming the first bad line, with a likely encoding, when the bytes do not decode."""
    codec = codec_name(encoding, error) if encoding else None
    bom = _bom_codec(data)
    if codec is not None and bom is None and _is_wide(codec):
        return _decode(data, name, codec, error)  # BOM-less UTF-16/32: NULs would pass as UTF-8
    if bom is not None:
        return _decode(data, name, bom, error)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if codec is None:
            raise _refusal(data, name, "utf-8", exc, error) from None
    return _decode(data, name, codec, error)


def _decode(data: bytes, name: str, codec: str, error: type[EncodingError]) -> str:
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        raise _refusal(data, name, codec, exc, error) from None
    except UnicodeError:  # a codec that fails without saying where (idna on a long line)
        raise error(f"{name} cannot be read as {describe(codec)} text.") from None
    return text[1:] if text.startswith("\ufeff") else text


def _refusal(data: bytes, name: str, codec: str, exc: UnicodeDecodeError,
             error: type[EncodingError]) -> EncodingError:
    """The error for bytes that `codec` cannot decode at `exc.start`: which line,
    what it holds (undecodable bytes as \\xNN), and what the file may be instead."""
    before = _lenient(data[: exc.start], codec, "replace")
    line = before.count("\n") + 1
    head = before[before.rfind("\n") + 1:]
    # From the bad byte on, UTF-8's partial readings would be false: show those bytes as \xNN.
    tail = _lenient(data[exc.start:], "ascii" if codec == "utf-8" else codec, "backslashreplace")
    tail = tail.split("\n", 1)[0]
    excerpt = _excerpt(head, tail)
    shown = describe(codec)
    message = f"{name} is not {shown} text: line {line} holds bytes that {shown} does not allow: “{excerpt}”."
    guess = guess_encoding(data, exclude=codec)
    if guess is not None:
        message += f" It looks like {describe(guess)}"
        reading = _line_as(data, exc.start, guess) if not _is_wide(codec) else None
        message += f"; read that way, line {line} says “{reading}”." if reading else "."
    else:
        message += " Lectern cannot tell which encoding it is in."
    return error(message, guess=guess, line=line)


def _lenient(data: bytes, codec: str, errors: str) -> str:
    """`data` decoded with an error handler; as ASCII for codecs that take none (idna)."""
    try:
        return data.decode(codec, errors=errors)
    except UnicodeError:
        return data.decode("ascii", errors=errors)


def _excerpt(head: str, tail: str) -> str:
    """About _EXCERPT_CHARS characters around the bad byte (an escape is never cut
    in two), leading spaces dropped; "…" marks what was left out."""
    shown_head = "".join(reversed(_take(_TOKEN.findall(_safe(head.lstrip()))[::-1], _EXCERPT_CHARS // 2)))
    tail_room = _EXCERPT_CHARS - len(shown_head)
    return shown_head + "".join(_take(_TOKEN.findall(_safe(tail.rstrip("\r"))), tail_room))


def _take(tokens: list[str], room: int) -> list[str]:
    """As many tokens as fit in `room` characters, then "…" if any are left."""
    taken: list[str] = []
    used = 0
    for token in tokens:
        if used + len(token) > room:
            taken.append("…")
            break
        taken.append(token)
        used += len(token)
    return taken


_TOKEN = re.compile(r"\\x[0-9a-f]{2}|\\u[0-9a-f]{4}|.", re.DOTALL)


def _line_as(data: bytes, position: int, codec: str) -> str | None:
    """The line holding byte `position` read as `codec` (an ASCII-compatible file)."""
    start = data.rfind(b"\n", 0, position) + 1
    end = data.find(b"\n", position)
    try:
        text = data[start: end if end >= 0 else len(data)].decode(codec).strip()
    except UnicodeDecodeError:
        return None
    return _safe(text[:_EXCERPT_CHARS] + ("…" if len(text) > _EXCERPT_CHARS else ""))


def _safe(text: str) -> str:
    """Text fit to show anywhere: control, format (bidi) and separator characters
    are written as escapes, so an excerpt cannot move the cursor or reorder a line."""
    out = []
    for ch in text:
        if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"):
            out.append(f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "".join(out)


# Among encodings that read the bytes equally well, the ones files are
# most often in come first (charset-normalizer alone reads a Western file's
# "M\xfcller" as DOS Central European "MŘller").
_PREFERRED = ("cp1252", "gb18030", "cp932", "big5", "cp949", "euc_jp", "cp1251", "cp1250", "iso8859_15",
              "latin_1", "iso8859_2", "koi8_r", "cp1253", "cp1254", "cp1255", "cp1256", "cp1257", "cp1258",
              "mac_roman")


_HIGH_BYTE = re.compile(rb"[\x80-\xff]")
_SAMPLE_BYTES = 64 * 1024


def _sample(data: bytes) -> bytes:
    """The lines holding non-ASCII bytes (the ones that tell encodings apart), up
    to 64 KB: a large file's guess then takes milliseconds, not seconds."""
    if len(data) <= _SAMPLE_BYTES or b"\x00" in data[:_SAMPLE_BYTES]:  # small, or UTF-16/32
        return data[: _SAMPLE_BYTES * 4]
    parts: list[bytes] = []
    size, position = 0, 0
    while size < _SAMPLE_BYTES and (found := _HIGH_BYTE.search(data, position)):
        start = data.rfind(b"\n", 0, found.start()) + 1
        end = data.find(b"\n", found.start())
        end = len(data) if end < 0 else end + 1
        parts.append(data[start:end])
        size += end - start
        position = end
    return b"".join(parts) or data[:_SAMPLE_BYTES]


def guess_encoding(data: bytes, exclude: str | None = None) -> str | None:
    """The encoding the bytes are most likely in (charset-normalizer), preferring
    common ones among equally good readings; one that decodes the whole file, or None."""
    from charset_normalizer import from_bytes  # only when a file needs it

    sample = _sample(data)
    if exclude is None or codecs.lookup(exclude).name != "cp1252":
        if _reads_as_western(sample) and _decodes(data, "cp1252"):
            return "cp1252"
    matches = list(from_bytes(sample))
    if not matches:
        return None
    best = min(m.chaos for m in matches)
    near: list[str] = []
    for match in matches:
        if match.chaos <= best + 0.02:
            near.extend(c for c in match.could_be_from_charset if c not in near)
    order = {name: i for i, name in enumerate(_PREFERRED)}
    ranked = sorted(near, key=lambda c: order.get(c, len(order))) + [m.encoding for m in matches]
    skip = {"ascii", "utf-8", codecs.lookup(exclude).name if exclude else ""}
    for codec in ranked:
        if not _known(codec) or codecs.lookup(codec).name in skip:
            continue
        try:
            data.decode(codec)
        except UnicodeDecodeError:
            continue
        return codec
    return None


def _decodes(data: bytes, codec: str) -> bool:
    try:
        data.decode(codec)
    except UnicodeDecodeError:
        return False
    return True


def _reads_as_western(sample: bytes) -> bool:
    """Whether every non-ASCII character of the bytes read as Windows-1252 is a
    Latin letter or Western punctuation ("Abschlu\xdf", "M\xfcller"): then the
    file is Western, however a statistical detector reads a handful of bytes
    (charset-normalizer took a German "\xdf" for Japanese)."""
    try:
        text = sample.decode("cp1252")
    except UnicodeDecodeError:
        return False
    wide = {ch for ch in text if ord(ch) > 127}
    return bool(wide) and all(
        "LATIN" in unicodedata.name(ch, "") or unicodedata.category(ch)[0] in "PSZ" for ch in wide)
