"""Decoding by evidence (issue 20 classes 1 and 2): a little damage costs only the damaged characters, a BOM
is trusted only where the bytes agree, the character statistics choose the encoding, per line when mixed."""

from __future__ import annotations

import os

import pytest

from gonghui.transforms.decode import (
    KIND_BAD_BYTES,
    KIND_BOM_DISAGREES,
    KIND_MIXED_ENCODING,
    KIND_NUL_PADDING,
    decode_bytes,
)
from tests.badinputs import GANSU, GUIZHOU, SICHUAN, _text
from tests.hostile.gen_text import _big5_lines, synthetic


def _mid(data: bytes) -> int:
    """A character boundary near the middle of UTF-8 bytes."""
    i = len(data) // 2
    while data[i] & 0xC0 == 0x80:
        i += 1
    return i


@pytest.fixture(scope="module")
def page() -> str:
    return _text(GUIZHOU)


def test_one_windows_1252_byte_costs_one_character(page: str) -> None:
    data = page.encode()
    i = _mid(data)
    d = decode_bytes(data[:i] + b"\x93" + data[i:])
    assert d.encoding == "utf-8" and d.text == page[: len(data[:i].decode())] + "\ufffd" + data[i:].decode()
    assert d.removed == {KIND_BAD_BYTES: 1}


@pytest.mark.parametrize("raw", [b"\xed\xa0\x80", b"\xed\xbf\xbf"], ids=["high", "low"])
def test_a_lone_surrogate_is_one_damaged_character(page: str, raw: bytes) -> None:
    data = page.encode()
    i = _mid(data)
    d = decode_bytes(data[:i] + raw + data[i:])
    assert d.text is not None and d.text.count("\ufffd") == 1 and len(d.text) == len(page) + 1
    assert d.removed == {KIND_BAD_BYTES: 1}


def test_a_cesu8_surrogate_pair_is_the_character_it_encodes() -> None:
    pair = "\U0001f600".encode("utf-16-be")
    cesu = b"".join(chr(int.from_bytes(pair[j:j + 2], "big")).encode("utf-8", "surrogatepass") for j in (0, 2))
    d = decode_bytes("工会职工".encode() + cesu + "服务站点建设".encode() + b"\xff")
    assert d.text == "工会职工\U0001f600服务站点建设\ufffd"


@pytest.mark.parametrize("enc,unit", [("utf-8", 1), ("gb18030", 1), ("utf-16", 2), ("utf-16-le", 2)])
def test_trailing_nul_padding_is_trimmed_and_counted(page: str, enc: str, unit: int) -> None:
    d = decode_bytes(page.encode(enc) + b"\x00" * 4096)
    assert d.text == page
    assert d.removed == {KIND_NUL_PADDING: 4096}


def test_a_utf16_bom_in_front_of_utf8_text_is_not_believed(page: str) -> None:
    for bom in (b"\xff\xfe", b"\xfe\xff"):
        d = decode_bytes(bom + page.encode())
        assert (d.text, d.encoding) == (page, "utf-8")
        assert d.removed == {KIND_BOM_DISAGREES: 1}


def test_gbk_and_big5_behind_a_utf8_bom_are_read_by_their_bytes(page: str) -> None:
    d = decode_bytes(b"\xef\xbb\xbf" + page.encode("gbk"))
    assert (d.text, d.encoding) == (page, "gb18030")
    trad = "\n".join(_big5_lines(_text(SICHUAN)))
    d = decode_bytes(b"\xef\xbb\xbf" + trad.encode("big5"))
    assert (d.text, d.encoding) == (trad, "big5")


def test_a_utf16_bom_the_bytes_agree_with_is_trusted(page: str) -> None:
    assert decode_bytes(page.encode("utf-16")).encoding == "utf-16"
    assert decode_bytes(page.encode("utf-16")).text == page


@pytest.mark.parametrize("enc", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_bom_is_found(page: str, enc: str) -> None:
    d = decode_bytes(page.encode(enc))
    assert (d.text, d.encoding) == (page, "utf-16")


@pytest.mark.parametrize("i", range(6))
def test_a_short_gbk_brief_is_gb18030_not_korean(i: int) -> None:
    a = synthetic(i)
    brief = f"{a.title}\n{a.lines[2]}\n"
    d = decode_bytes(brief.encode("gbk"))
    assert (d.text, d.encoding) == (brief, "gb18030")


def test_utf8_and_big5_lines_are_each_read_in_their_own_encoding() -> None:
    lines = [ln for ln in _big5_lines(_text(SICHUAN)) if ln.strip()]
    data = b"\n".join(ln.encode("utf-8") if j % 2 == 0 else ln.encode("big5") for j, ln in enumerate(lines))
    d = decode_bytes(data)
    assert d.text == "\n".join(lines)
    assert d.encoding == "mixed:utf-8+big5"
    # every Big5 region is listed: where it starts, what the main encoding would have made of it, what it is
    big5_lines = [ln for j, ln in enumerate(lines) if j % 2]
    assert [i.kind for i in d.issues] == [KIND_MIXED_ENCODING] * len(big5_lines)
    for issue, line in zip(d.issues, big5_lines, strict=True):
        assert d.text[issue.offset:issue.offset + len(line)] == line
        assert issue.repaired == f"[big5] {line}"[: len(issue.repaired or "")]
        assert issue.raw != line


def test_utf8_and_gbk_halves_keep_their_existing_name() -> None:
    s = _text(GANSU)
    half = len(s) // 2
    d = decode_bytes(s[:half].encode("utf-8") + s[half:].encode("gbk"))
    assert d.text == s and d.encoding == "mixed:utf-8+gb18030"


def test_japanese_and_korean_are_not_read_as_chinese() -> None:
    ja = "労働組合の定期大会が開かれ、来年度の活動方針が決まりました。" * 5
    ko = "노동조합 정기 대회가 열려 내년도 활동 방침이 결정되었습니다. " * 5
    assert decode_bytes(ja.encode("shift_jis")).text == ja
    assert decode_bytes(ko.encode("cp949")).text == ko


def test_binaries_and_empty_files_keep_their_reasons() -> None:
    assert decode_bytes(b"").reason == "empty_file"
    assert decode_bytes(b"%PDF-1.4 ...").reason == "binary_content"
    rnd = os.urandom(4000)
    assert decode_bytes(rnd).text is None
    assert decode_bytes(b"\x00" * 4096).reason == "binary_content"


def test_heavy_damage_still_decodes_and_is_left_to_the_damaged_text_check(page: str) -> None:
    """One character in six unreadable: decoded (the holes counted); the clean suite holds it back."""
    from gonghui.expectations.suites import MAX_DAMAGE_SHARE
    from gonghui.transforms.mojibake import damage_share

    raw = "".join(c if j % 6 else "\udc80" for j, c in enumerate(page)).encode("utf-8", "surrogateescape")
    d = decode_bytes(raw)
    assert d.text is not None and d.encoding == "utf-8"
    assert damage_share(d.text) > MAX_DAMAGE_SHARE


def test_a_file_cut_mid_character_ends_in_one_hole_not_a_legacy_character(page: str) -> None:
    """E6 B8 (the first two bytes of 温) read as GBK are 娓: a cut is damage, not a switch of encoding."""
    data = (page.rstrip("\n") + "温").encode()[:-1]
    d = decode_bytes(data)
    assert d.encoding == "utf-8" and d.text == page.rstrip("\n") + "\ufffd"
    assert d.removed == {KIND_BAD_BYTES: 1}


def test_nul_bytes_and_a_bad_byte_in_utf8_text_do_not_make_it_utf16(page: str) -> None:
    data = page.replace("。", "。\x00", 3).encode()
    i = _mid(data)
    d = decode_bytes(data[:i] + b"\x93" + data[i:])
    assert d.encoding == "utf-8" and d.text is not None and d.text.count("\ufffd") == 1
