"""Decode raw bytes to text: BOMs, UTF-8, then a detector (charset-normalizer); refuse binaries."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from charset_normalizer import from_bytes

# Magic numbers of binary formats people drop into news folders by mistake.
BINARY_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"PK\x03\x04", "zip"),
    (b"%PDF-", "pdf"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF8", "gif"),
    (b"\x1f\x8b", "gzip"),
    (b"\xd0\xcf\x11\xe0", "ole2"),  # .doc/.xls
)

BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# Share of characters that may be control characters in real text (tabs/newlines excluded). Text
# files carry almost none; decoded binaries carry many. 2% tolerates a few stray NULs.
MAX_CONTROL_SHARE = 0.02
# Detector input is capped: charset-normalizer is O(n) but slow in Python on huge inputs, and the
# first MB decides the encoding of a news page.
DETECT_SAMPLE_BYTES = 1 << 20


@dataclass(frozen=True)
class Decoded:
    text: str | None
    encoding: str | None
    reason: str | None  # stable reason when text is None: binary_content | undecodable_bytes | empty_file


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _control_share(text: str) -> float:
    if not text:
        return 0.0
    sample = text[:200_000]
    return len(_CONTROL.findall(sample)) / len(sample)


def looks_textual(text: str) -> bool:
    """True when the text is mostly printable (a decoded binary is not)."""
    return _control_share(text) <= MAX_CONTROL_SHARE


# Legacy bytes (Big5, GBK) decode as valid UTF-8 by chance in short stretches; a line counts as
# evidence of real UTF-8 only with this many Han characters (chance UTF-8 from CJK bytes yields
# Latin-1 supplement and rare symbols, hardly ever four Han characters).
MIN_HAN_FOR_EVIDENCE = 4
_HAN = re.compile(r"[\u4e00-\u9fff]")


def _han_count(s: str) -> int:
    return len(_HAN.findall(s))


def _decode_mixed(data: bytes) -> Decoded | None:
    """A file glued together from UTF-8 and GB18030 parts (a common scraping accident): decode per line.

    Only when both kinds of non-ASCII line really occur; otherwise the detector decides the file.
    """
    lines = data.split(b"\n")
    out: list[str] = []
    utf8 = gb = 0
    for line in lines:
        if line.isascii():
            out.append(line.decode("ascii"))
            continue
        try:
            decoded = line.decode("utf-8")
            out.append(decoded)
            utf8 += _han_count(decoded) >= MIN_HAN_FOR_EVIDENCE
        except UnicodeDecodeError as exc:
            # The switch may fall inside a line: keep the valid UTF-8 prefix, read the rest as GB18030.
            head = line[: exc.start].decode("utf-8")
            try:
                out.append(head + line[exc.start:].decode("gb18030"))
            except UnicodeDecodeError:
                return None
            utf8 += _han_count(head) >= MIN_HAN_FOR_EVIDENCE
            gb += 1
    if not (utf8 and gb):
        return None
    text = "\n".join(out)
    return Decoded(text, "mixed:utf-8+gb18030", None) if looks_textual(text) else None


def decode_bytes(data: bytes) -> Decoded:
    """Decode a raw file: BOM first, then strict UTF-8, then the detector's best guess."""
    if not data:
        return Decoded(None, None, "empty_file")
    for sig, _kind in BINARY_SIGNATURES:
        if data.startswith(sig):
            return Decoded(None, None, "binary_content")
    for bom, enc in BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data.decode(enc), enc.replace("-sig", ""), None)
            except UnicodeDecodeError:
                break
    try:
        text = data.decode("utf-8")
        return Decoded(text, "utf-8", None) if looks_textual(text) else Decoded(None, None, "binary_content")
    except UnicodeDecodeError:
        pass
    mixed = _decode_mixed(data)
    if mixed is not None:
        return mixed
    best = from_bytes(data[:DETECT_SAMPLE_BYTES]).best()
    if best is None or best.encoding is None:
        return Decoded(None, None, "undecodable_bytes")
    enc = best.encoding
    # GB2312/GBK are subsets of GB18030: decoding with the superset never loses a character.
    if enc in {"gb2312", "gbk"}:
        enc = "gb18030"
    try:
        text = data.decode(enc)
    except (UnicodeDecodeError, LookupError):
        return Decoded(None, None, "undecodable_bytes")
    if not looks_textual(text):
        return Decoded(None, None, "binary_content")
    return Decoded(text, enc, None)
