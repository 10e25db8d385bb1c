"""Inline pinyin annotations (people.com.cn 產(chǎn)業(yè)) are stripped, real parentheses stay."""

from __future__ import annotations

import re

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from gonghui.transforms.pinyin import (
    _CJK,
    _PINYIN_LETTERS,
    INLINE_PINYIN_REGEX,
    SYLLABLES,
    _is_annotation,
    has_inline_pinyin,
    normalise_syllable,
    strip_pinyin_annotations,
)

# Files of the people.com.cn kind carry annotations; the others must come out untouched.
ANNOTATED = ("001_ef19e07390bc0016.txt", "003_21340ad4f150d7d2.txt")
# Floor: the standard table has ~410 syllables; pypinyin's has a few interjections more (hm, ng, ê ...).
MIN_SYLLABLES = 400

REAL_PARENS = [
    "(責編:王莹、李昉)",
    "甘肃工会“十大新闻”(下)",
    "义工(志愿者)",
    "本报讯(记者马学礼 通讯员胡相宁 顾娟)",
    "一线职工在使用川工之家APP",
    "活动(SHOW)",
    "服务职工2万人(次)",
    "省(区、市)",
    "中国(an)",  # English-looking toneless content after a char it is not a reading of
    "好(ok)",
]


def test_syllable_table_is_complete() -> None:
    assert len(SYLLABLES) >= MIN_SYLLABLES
    for s in ("a", "zhuang", "lü", "nüe", "er", "chan", "qu", "yun"):
        assert s in SYLLABLES


def test_normalise_syllable() -> None:
    assert normalise_syllable("chǎn") == ("chan", True)
    assert normalise_syllable("lǜ") == ("lü", True)
    assert normalise_syllable("lv4") == ("lü", True)
    assert normalise_syllable("yun") == ("yun", False)


def test_strips_annotations() -> None:
    assert strip_pinyin_annotations("中國共產(chǎn)黨新聞網(wǎng)") == ("中國共產黨新聞網", 2)
    assert strip_pinyin_annotations("雲（yún）南") == ("雲南", 1)
    assert strip_pinyin_annotations("綠(lv4)色") == ("綠色", 1)
    # toneless: only when it is a reading of the character before
    assert strip_pinyin_annotations("產(chan)業") == ("產業", 1)


def test_real_parentheses_stay() -> None:
    for text in REAL_PARENS:
        assert strip_pinyin_annotations(text) == (text, 0), text
        assert not has_inline_pinyin(text)


def test_samples(raw_texts: dict[str, tuple[str, str]]) -> None:
    for name, (_, text) in raw_texts.items():
        out, n = strip_pinyin_annotations(text)
        if name in ANNOTATED:
            assert n > 100, name
            # Raw files still hold the mojibake-mangled annotations; everything intact is gone.
            assert not has_inline_pinyin(out), name
        else:
            assert (out, n) == (text, 0), name
        # Every parenthesised group that is not pinyin survived.
        before = [g for g in re.findall(r"[(（][^()（）]*[)）]", text) if not re.fullmatch(r"[(（][a-zü" + "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ" + r"]+[)）]", g)]
        after = re.findall(r"[(（][^()（）]*[)）]", out)
        assert before == [g for g in after if g in before]
        assert len(before) == len([g for g in after if g in before])


def test_regex_usable_by_pandas(raw_texts: dict[str, tuple[str, str]]) -> None:
    texts = [t for _, t in raw_texts.values()]
    raw_hits = pd.Series(texts).str.contains(INLINE_PINYIN_REGEX, regex=True)
    assert raw_hits.tolist() == [has_inline_pinyin(t) for t in texts]
    assert raw_hits.sum() == len(ANNOTATED)
    stripped = pd.Series([strip_pinyin_annotations(t)[0] for t in texts])
    assert not stripped.str.contains(INLINE_PINYIN_REGEX, regex=True).any()


@given(st.text())
def test_never_raises(text: str) -> None:
    # Not idempotent by design: 產(chǎn)(chǎn) loses one annotation per pass, as only the one right after
    # the ideograph is an annotation in the text as given.
    out, n = strip_pinyin_annotations(text)
    assert len(out) <= len(text) - 3 * n
    assert (n == 0) == (out == text)
    assert isinstance(has_inline_pinyin(text), bool)


@given(st.text(alphabet="產業雲南()（）abcnyuǎúè ", max_size=30))
def test_only_removes_parenthesised_pinyin(text: str) -> None:
    out, n = strip_pinyin_annotations(text)
    assert len(text) - len(out) >= 3 * n
    # removal never touches ideographs
    assert [c for c in out if "\u4e00" <= c <= "\u9fff"] == [c for c in text if "\u4e00" <= c <= "\u9fff"]


# The candidate pattern as first written (ideograph looked behind first, one group).
_FIRST_CANDIDATE_RE = re.compile(rf"(?<=[{_CJK}])[(（]([{_PINYIN_LETTERS}]{{1,7}}[1-5]?)[)）]")


def _strip_reference(text: str) -> tuple[str, int]:
    """strip_pinyin_annotations as first written: re.sub, each candidate judged by _is_annotation."""
    count = 0

    def _sub(m: re.Match[str]) -> str:
        nonlocal count
        if _is_annotation(text[m.start() - 1], m.group(1)):
            count += 1
            return ""
        return m.group(0)

    return _FIRST_CANDIDATE_RE.sub(_sub, text), count


@given(st.text(alphabet="產業安人中国()（）abcnyuǎúèAN3 ", max_size=40))
def test_property_strips_what_the_reference_strips(text: str) -> None:
    assert strip_pinyin_annotations(text) == _strip_reference(text)
