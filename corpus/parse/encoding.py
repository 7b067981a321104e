"""Bytes to text: UTF-8 (a BOM kept), UTF-16 by its BOM, CESU-8 emoji, and clear refusals.

The decoded text is what every offset refers to. A UTF-8 or UTF-16 BOM is kept as U+FEFF
(a blank the paragraph rules skip), so offsets stay those of the whole file's text. Some
exporters write a character beyond U+FFFF as two 3-byte surrogate halves (CESU-8, e.g.
`ED A0 BD ED B8 80` for U+1F600): those six bytes are read as the one character they mean,
so "verbatim" for such a file means verbatim in the characters the bytes stand for (the
bytes on disk differ from UTF-8 for those characters only; a warning counts them). Any
other invalid byte is refused with its line and, when recognisable, what the file is.
"""

from __future__ import annotations

import re
import stat
from pathlib import Path
from typing import NamedTuple

from corpus.errors import SourceError
from corpus.source_file import read_source_file

# A file larger than this is refused before it is read: text sources cost ~2-5x their size
# in memory (bytes + str), structured ones ~5-10x (bytes + str + parsed objects).
MAX_TEXT_BYTES = 1 << 30  # 1 GiB
MAX_STRUCTURED_BYTES = 256 << 20  # 256 MiB

# a high surrogate (ED A0-AF xx) followed by a low one (ED B0-BF xx), as CESU-8 writes them
_CESU_PAIR = re.compile(rb"\xed[\xa0-\xaf][\x80-\xbf]\xed[\xb0-\xbf][\x80-\xbf]")
_HALF = re.compile(rb"\xed[\xa0-\xbf][\x80-\xbf]")
_SNIFF = 4096


class Decoded(NamedTuple):
    text: str
    encoding: str  # utf-8 | utf-16-le | utf-16-be
    cesu_pairs: int  # characters read from the surrogate-pair byte form


def read_bytes(name: str, path: Path, *, limit: int = MAX_TEXT_BYTES) -> bytes:
    """The file's bytes; `SourceError` if it cannot be read, is larger than `limit`, or is
    not a regular file (a directory, /dev/zero, a FIFO: named, never read)."""
    try:
        st = path.stat()
    except OSError as err:
        reason = err.strerror or type(err).__name__
        raise SourceError(name, None, f"cannot read the file ({reason})") from err
    if stat.S_ISREG(st.st_mode) and st.st_size > limit:
        raise SourceError(
            name,
            None,
            f"the file is {st.st_size / (1 << 20):,.0f} MB; this format reads at most "
            f"{limit / (1 << 20):,.0f} MB of one file: split it into smaller files",
        )
    return read_source_file(path, max_bytes=limit)


def describe_bytes(raw: bytes) -> str | None:
    """What a file that is not UTF-8 text looks like, when it is recognisable."""
    head = raw[:_SNIFF]
    if head.startswith(b"\x1f\x8b"):
        return "it looks like a gzip-compressed file: decompress it first (gunzip)"
    if head.startswith(b"PK\x03\x04") and b"xl/workbook" in raw:
        return "it looks like an Excel workbook: use `format: table` (it reads .xlsx)"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "it looks like an Office file (.xls, .doc, or a password-protected .xlsx)"
    if head.startswith(b"PK\x03\x04"):
        return (
            "it looks like a zip archive: unpack it and give the file inside "
            "(an X archive's data/tweets.js, a Telegram export's result.json)"
        )
    if head.startswith(b"%PDF"):
        return "it looks like a PDF: extract its text first"
    if 0 in head:
        return utf16_without_bom(head) or "it looks like a binary file (it holds NUL bytes)"
    return None


def utf16_without_bom(head: bytes) -> str | None:
    """UTF-16 text without a BOM: mostly-Latin text has a NUL in every other byte."""
    nuls = head.count(0)
    if len(head) < 16 or nuls * 4 < len(head):
        return None
    even = head[0::2].count(0)
    odd = head[1::2].count(0)
    fix = "without a byte-order mark: save it as UTF-8"
    if odd > even * 4:
        return f"it looks like UTF-16 (little-endian) {fix}"
    if even > odd * 4:
        return f"it looks like UTF-16 (big-endian) {fix}"
    return None


def _line_of(raw: bytes, offset: int, unit: int = 1) -> int:
    newline = b"\n" if unit == 1 else (b"\n\x00" if unit == 2 else b"\x00\n")
    return raw.count(newline, 0, offset) + 1


def _refuse(name: str, raw: bytes, offset: int, what: str) -> SourceError:
    looks = describe_bytes(raw)
    return SourceError(name, _line_of(raw, offset), f"{what}" + (f"; {looks}" if looks else ""))


def _decode_utf16(name: str, raw: bytes, codec: str) -> Decoded:
    try:
        return Decoded(raw.decode(codec), codec, 0)
    except UnicodeDecodeError as err:
        unit = 2 if codec.endswith("le") else 3
        raise SourceError(
            name,
            _line_of(raw, err.start, unit),
            f"not valid {codec.upper()} (bytes at byte offset {err.start}; the file starts "
            "with a UTF-16 byte-order mark)",
        ) from err


def decode_text(name: str, raw: bytes) -> Decoded:
    """Decode a source's bytes; `SourceError` names the 1-based line of any invalid byte."""
    if raw.startswith(b"\xff\xfe"):
        return _decode_utf16(name, raw, "utf-16-le")
    if raw.startswith(b"\xfe\xff"):
        return _decode_utf16(name, raw, "utf-16-be")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        fixed = _decode_cesu(raw)
        if fixed is None:
            at = _first_invalid(raw, err.start)
            bad = raw[at : at + 1].hex()
            raise _refuse(
                name, raw, at, f"not valid UTF-8 (byte 0x{bad} at byte offset {at})"
            ) from err
        return fixed
    if "\x00" in text:  # valid UTF-8 (ASCII in UTF-16 is), but it may be UTF-16 without a BOM
        looks = utf16_without_bom(raw[:_SNIFF])
        if looks:
            raise SourceError(name, 1, f"NUL bytes in every other byte; {looks}")
    return Decoded(text, "utf-8", 0)


def _first_invalid(raw: bytes, first: int) -> int:
    """The first byte that is invalid even when surrogate halves are allowed (CESU-8)."""
    try:
        raw.decode("utf-8", "surrogatepass")
    except UnicodeDecodeError as err:
        return err.start
    paired = {
        half for pair in _CESU_PAIR.finditer(raw) for half in (pair.start(), pair.start() + 3)
    }
    for half in _HALF.finditer(raw):
        if half.start() not in paired:
            return half.start()
    return first


def _decode_cesu(raw: bytes) -> Decoded | None:
    """UTF-8 whose only flaw is surrogate pairs written as two 3-byte halves, else None."""
    pairs = len(_CESU_PAIR.findall(raw))
    if not pairs:
        return None
    try:
        halves = raw.decode("utf-8", "surrogatepass")
        text = halves.encode("utf-16-le", "surrogatepass").decode("utf-16-le")
    except UnicodeError:  # a lone surrogate half, or another invalid byte
        return None
    return Decoded(text, "utf-8", pairs)


def cesu_note(decoded: Decoded) -> str | None:
    """The warning for a file read with the CESU-8 repair, if it was."""
    if not decoded.cesu_pairs:
        return None
    return (
        f"{decoded.cesu_pairs} character(s) written in the surrogate-pair (CESU-8) byte form "
        "were read as the characters they stand for"
    )
