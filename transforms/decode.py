"""Decode raw bytes to text by evidence: a BOM only where the bytes agree, then the character statistics
choose between UTF-8, GB18030, Big5 and UTF-16 (per line when a file mixes them); a few bad bytes become
U+FFFD instead of costing the file; binaries are refused.

Issue 20, classes 1 and 2: one stray byte, one lone surrogate, NUL padding left by a crashed writer, a BOM
in front of text of another encoding, a short GBK brief that a generic detector calls Korean, and files
glued together from UTF-8 and Big5 parts all used to cost the whole file or load as garbage.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

from charset_normalizer import from_bytes

from gonghui.transforms.records import TextIssue

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

# Share of characters that may be control characters in real text (tabs/newlines excluded). Text
# files carry almost none; decoded binaries carry many. 2% tolerates a few stray NULs.
MAX_CONTROL_SHARE = 0.02
# Detector input is capped: charset-normalizer is O(n) but slow in Python on huge inputs, and the
# first MB decides the encoding of a news page.
DETECT_SAMPLE_BYTES = 1 << 20

# The candidate encodings of Chinese text, by the names raw_files.encoding records. GBK/GB2312 are
# subsets of GB18030 (decoding with the superset never loses a character).
UTF8, GB18030, BIG5, UTF16 = "utf-8", "gb18030", "big5", "utf-16"
LEGACY_CANDIDATES = (GB18030, BIG5)

# A region of a file is read in another encoding than the file's main one only when its own evidence beats
# the main reading by this many nats (e^12 ~ 160 000 : 1). A short line of two characters reads
# plausibly in GB18030 and in Big5 alike (their likelihoods differ by 2-8 nats on the samples' 2-4
# character lines); a whole Big5 line read as GB18030 loses by 100+ (measured on the samples' lines).
REGION_SWITCH_MARGIN = 12.0
# Mean log-probability per non-ASCII character a reading must reach to count as Chinese text. Real text
# scores -6.7 to -7.7 (the five samples, 400 real articles of the dev set); misreadings score far lower:
# Big5 read as GB18030 -20, UTF-8 read as GB18030 -20, Shift-JIS read as GB18030 -21.7, Korean (CP949)
# read as GB18030 -10.9. Below it, the generic detector names the encoding (Latin-1, Shift-JIS ...: the
# clean suite's not_chinese_text judges the text). Bad bytes that stay U+FFFD are judged by share later:
# the clean suite's damaged_text holds a text back past 1 in 30 characters.
MIN_MEAN_LOGP = -10.0
# WTF-8 / CESU-8: a surrogate written as three UTF-8-like bytes (ED A0-BF xx). A high+low pair is one
# astral character written in two halves (CESU-8): joined; a lone one is one damaged character.
_SURROGATE_PAIR = re.compile(rb"\xed([\xa0-\xaf])([\x80-\xbf])\xed([\xb0-\xbf])([\x80-\xbf])")
_LONE_SURROGATE = re.compile(rb"\xed[\xa0-\xbf][\x80-\xbf]")
_FFFD_UTF8 = "\ufffd".encode()

# A line's tail is read in a legacy encoding only when it holds at least four legacy characters that read
# strictly and as Chinese: one or two bytes after valid UTF-8 are a cut or damaged UTF-8 character (a file
# cut mid-character: E6 B8 is also the GBK character 娓), not a switch of encoding.
MIN_SPLIT_TAIL_BYTES = 8
KIND_MIXED_ENCODING = "mixed_encoding"  # text_issues: a region read in another encoding than the file's
KIND_BAD_BYTES = "undecodable_bytes"  # removed_counts: bytes no candidate could read (now U+FFFD)
KIND_NUL_PADDING = "nul_padding"  # removed_counts: trailing NUL bytes trimmed
KIND_BOM_DISAGREES = "misleading_bom"  # removed_counts: a BOM the bytes behind it contradicted
ISSUE_TEXT_CAP = 200  # characters of a region kept in its text_issues row


@dataclass(frozen=True)
class Decoded:
    text: str | None
    encoding: str | None
    reason: str | None  # stable reason when text is None: binary_content | undecodable_bytes | empty_file
    # regions read in another encoding than the file's main one (offsets into `text`)
    issues: tuple[TextIssue, ...] = ()
    # what decoding removed or could not read, per kind (nul_padding, undecodable_bytes, misleading_bom)
    removed: dict[str, int] = field(default_factory=dict)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _control_share(text: str) -> float:
    if not text:
        return 0.0
    sample = text[:200_000]
    return len(_CONTROL.findall(sample)) / len(sample)


def looks_textual(text: str) -> bool:
    """True when the text is mostly printable (a decoded binary is not)."""
    return _control_share(text) <= MAX_CONTROL_SHARE


def _fix_surrogates(data: bytes) -> bytes:
    if b"\xed" not in data:
        return data

    def pair(m: re.Match[bytes]) -> bytes:
        hi = 0xD800 | ((m.group(1)[0] & 0x0F) << 6) | (m.group(2)[0] & 0x3F)
        lo = 0xDC00 | ((m.group(3)[0] & 0x0F) << 6) | (m.group(4)[0] & 0x3F)
        return chr(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)).encode()

    data = _SURROGATE_PAIR.sub(pair, data)
    return _LONE_SURROGATE.sub(_FFFD_UTF8, data)


def _read(data: bytes, enc: str) -> str:
    """The bytes in one candidate encoding, unreadable bytes as U+FFFD."""
    if enc == UTF8:
        return _fix_surrogates(data).decode("utf-8", "replace")
    return data.decode(enc, "replace")


def _strict(data: bytes, enc: str) -> str | None:
    try:
        return data.decode(enc)
    except UnicodeDecodeError:
        return None


def _score(text: str) -> float:
    from gonghui.transforms.mojibake import text_logp

    return text_logp(text)


def _reads_as_chinese(text: str) -> bool:
    """The reading's characters (its holes, U+FFFD, left aside: the damaged_text check judges those) are
    Chinese text by MIN_MEAN_LOGP, and they outnumber the holes."""
    holes = text.count("\ufffd")
    if holes:
        text = text.replace("\ufffd", "")
    chars = len(text.encode("utf-32-le", "surrogatepass")) // 4 - len(text.encode("ascii", "ignore"))
    return chars > holes and _score(text) >= MIN_MEAN_LOGP * max(1, chars)


@dataclass
class _Reading:
    text: str
    encoding: str
    issues: list[TextIssue]
    bad: int  # U+FFFD the reading introduced


def _per_region(data: bytes) -> _Reading:
    """Read an ASCII-compatible file line by line (0x0A is never a trail byte in UTF-8, GB18030 or Big5):
    the main encoding is the one that reads most of the file's bytes best, and a line switches to
    another candidate only when its own evidence beats the main reading by REGION_SWITCH_MARGIN."""
    lines = data.split(b"\n")
    cands = (UTF8, *LEGACY_CANDIDATES)
    readings: list[dict[str, str] | None] = []
    scores: list[dict[str, float] | None] = []
    # the main encoding: the one that reads best the most bytes (a vote of the lines, by length; a sum of
    # scores would let a third encoding win that reads every line poorly but none with holes)
    votes = dict.fromkeys(cands, 0)
    for line in lines:
        if line.isascii():
            readings.append(None)
            scores.append(None)
            continue
        read = {enc: _read(line, enc) for enc in cands}
        score = {enc: _score(t) for enc, t in read.items()}
        votes[max(cands, key=lambda e: (score[e], e == UTF8))] += len(line)
        # The switch may fall inside a line (files glued without a newline between the parts): the line's
        # valid UTF-8 head, then the rest in a legacy encoding, is a reading of its own ("utf-8>gb18030").
        try:
            line.decode("utf-8")
        except UnicodeDecodeError as exc:
            tail = line[exc.start:]
            if exc.start > 0 and len(tail) >= MIN_SPLIT_TAIL_BYTES:
                head = line[: exc.start].decode("utf-8")
                for legacy in LEGACY_CANDIDATES:
                    rest = _strict(tail, legacy)
                    if rest is None or not _reads_as_chinese(rest):
                        continue
                    split = f"{UTF8}>{legacy}"
                    read[split] = head + rest
                    score[split] = _score(read[split])
        readings.append(read)
        scores.append(score)
    main = max(cands, key=lambda e: (votes[e], e == UTF8))
    # The file's second encoding (the one most of the other lines vote for): a short line leaving the main
    # encoding reads alike in GB18030 and Big5 ("李娜" is 4 bytes either way), so it takes the second
    # encoding unless its own evidence for a third beats that by the same margin.
    second = max((e for e in cands if e != main), key=lambda e: (votes[e], e == UTF8))
    out: list[str] = []
    issues: list[TextIssue] = []
    used = {main}
    pos = 0
    region: tuple[int, str, list[str], list[str]] | None = None  # (offset, encoding, main reading, reading)

    def close() -> None:
        if region is not None:
            start, enc, as_main, as_read = region
            issues.append(TextIssue(KIND_MIXED_ENCODING, start, "\n".join(as_main)[:ISSUE_TEXT_CAP],
                                    f"[{enc}] " + "\n".join(as_read)[:ISSUE_TEXT_CAP]))

    for line, r, s in zip(lines, readings, scores, strict=True):
        enc: str | None = None
        if r is None or s is None:
            text = line.decode("ascii")
        else:
            best = max(s, key=s.__getitem__)
            enc = best if best != main and s[best] - s[main] >= REGION_SWITCH_MARGIN else main
            if enc not in (main, second) and second in s and s[best] - s[second] < REGION_SWITCH_MARGIN \
                    and "\ufffd" not in r[second]:
                enc = second
            text = r[enc]
        if enc is not None and enc != main:
            assert r is not None
            used.update(enc.split(">"))
            if region is not None and region[1] == enc:
                region[2].append(r[main])
                region[3].append(text)
            else:
                close()
                region = (pos, enc, [r[main]], [text])
        elif enc is not None:
            close()
            region = None
        out.append(text)
        pos += len(text) + 1
    close()
    text = "\n".join(out)
    name = main if len(used) == 1 else "mixed:" + "+".join(sorted(used, key=lambda e: (e != UTF8, e)))
    return _Reading(text, name, issues, text.count("\ufffd") - data.count(_FFFD_UTF8))


def _utf16(data: bytes) -> _Reading | None:
    """UTF-16 without a BOM shows as NUL bytes in every other position (ASCII) or as text that reads
    strictly in one byte order and scores as Chinese; None when neither order is plausible."""
    if len(data) % 2 or len(data) < 4:
        return None
    best: _Reading | None = None
    best_score = 0.0
    for enc in ("utf-16-le", "utf-16-be"):
        text = _strict(data, enc)
        if text is None or not looks_textual(text):
            continue
        s = _score(text)
        if best is None or s > best_score:
            best, best_score = _Reading(text, UTF16, [], 0), s
    return best


def _bom(data: bytes) -> tuple[str, int] | None:
    if data.startswith(codecs.BOM_UTF32_LE) and len(data) % 4 == 0:  # before UTF-16 LE: same two bytes
        return "utf-32-le", 4
    if data.startswith(codecs.BOM_UTF32_BE):
        return "utf-32-be", 4
    if data.startswith(codecs.BOM_UTF8):
        return UTF8, 3
    if data.startswith(codecs.BOM_UTF16_LE):
        return "utf-16-le", 2
    if data.startswith(codecs.BOM_UTF16_BE):
        return "utf-16-be", 2
    return None


def _trim_nul_padding(data: bytes, unit: int) -> tuple[bytes, int]:
    """Trailing NUL bytes beyond the last code unit of text: a crashed writer leaves its pre-allocated
    block as NULs after the text, and text ends in a character, never in NUL (any run of them is padding)."""
    core = data.rstrip(b"\x00")
    if unit > 1 and len(core) % unit:
        core = data[: len(core) + unit - len(core) % unit]  # the last unit's own NUL bytes belong to it
    return core, len(data) - len(core)


def _decided(reading: _Reading, removed: dict[str, int]) -> Decoded:
    if reading.bad:
        removed[KIND_BAD_BYTES] = removed.get(KIND_BAD_BYTES, 0) + reading.bad
    if not looks_textual(reading.text):
        return Decoded(None, None, "binary_content")
    return Decoded(reading.text, reading.encoding, None, tuple(reading.issues), {k: v for k, v in removed.items() if v})


def _detector(data: bytes, removed: dict[str, int]) -> Decoded:
    """Neither UTF-8 nor a Chinese legacy encoding reads the bytes: the generic detector's best guess."""
    best = from_bytes(data[:DETECT_SAMPLE_BYTES]).best()
    if best is None or best.encoding is None:
        return Decoded(None, None, "undecodable_bytes")
    enc = best.encoding
    if enc in {"gb2312", "gbk"}:
        enc = GB18030
    try:
        text = data.decode(enc)
    except (UnicodeDecodeError, LookupError):
        return Decoded(None, None, "undecodable_bytes")
    return _decided(_Reading(text, enc, [], 0), removed)


def _decode_body(data: bytes, removed: dict[str, int]) -> Decoded:
    """Bytes without a (trusted) BOM."""
    data, pad = _trim_nul_padding(data, 1)
    u16 = None
    if b"\x00" in data[:4096]:  # NUL bytes among the first characters: UTF-16 is a candidate
        full, pad16 = _trim_nul_padding(data + b"\x00" * pad, 2)
        u16 = _utf16(full)
        # against UTF-8 as read with its holes: a few NULs and a bad byte in UTF-8 text are no UTF-16
        if u16 is not None and _score(u16.text) > _score(_read(data, UTF8)):
            removed[KIND_NUL_PADDING] = pad16
            return _decided(u16, removed)
    removed[KIND_NUL_PADDING] = pad
    if not data:
        return Decoded(None, None, "binary_content")
    text = _strict(data, UTF8)
    if text is not None:  # valid UTF-8 over a whole file is evidence no legacy reading beats
        return _decided(_Reading(text, UTF8, [], 0), removed)
    reading = _per_region(data)
    if not _reads_as_chinese(reading.text):
        return _detector(data, removed)
    return _decided(reading, removed)


def decode_bytes(data: bytes) -> Decoded:
    """Decode a raw file: a BOM where the bytes behind it agree, else the best-evidenced reading."""
    if not data:
        return Decoded(None, None, "empty_file")
    for sig, _kind in BINARY_SIGNATURES:
        if data.startswith(sig):
            return Decoded(None, None, "binary_content")
    removed: dict[str, int] = {}
    bom = _bom(data)
    if bom is not None:
        enc, size = bom
        rest = data[size:]
        if enc == UTF8:
            # GBK text saved behind a UTF-8 BOM: the BOM is kept from nothing, the bytes decide.
            if _strict(rest, UTF8) is None:
                removed[KIND_BOM_DISAGREES] = 1
            return _decode_body(rest, removed)
        unit = 4 if "32" in enc else 2
        body, pad = _trim_nul_padding(rest, unit)
        text = _strict(body, enc)
        # A UTF-16 BOM in front of UTF-8 text (a tool prepended it): the bytes are valid UTF-8 without
        # NULs, and read as UTF-8 they are likelier text than read as UTF-16.
        as_utf8 = _strict(rest, UTF8) if b"\x00" not in rest else None
        if text is not None and (as_utf8 is None or _score(text) >= _score(as_utf8)) and looks_textual(text):
            removed[KIND_NUL_PADDING] = pad
            return _decided(_Reading(text, "utf-32" if unit == 4 else UTF16, [], 0), removed)
        removed[KIND_BOM_DISAGREES] = 1
        return _decode_body(rest, removed)
    return _decode_body(data, removed)
