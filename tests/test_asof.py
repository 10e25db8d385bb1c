"""As-of dates: the words that date a claim, resolved against the article's publish date."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gonghui.transforms.asof import AS_OF_FIRST, AS_OF_RE, AsOfIndex, resolve_as_of

PUB = "2023-10-08"


@pytest.mark.parametrize(
    ("clause", "as_of", "words"),
    [
        ("截至2023年6月,全省已累计建立新业态工会组织1.19万个", "2023-06-30", "截至2023年6月"),  # month → last day
        ("截至目前,共筹集资金6922万元", PUB, "截至目前"),
        ("2022年,受困于疫情反复", "2022-12-31", "2022年"),  # year → 31 December
        ("今年2月,为激励先进", "2023-02-28", "今年2月"),
        ("2016年以来,云南省各级工会累计投入9700余万元", PUB, "2016年以来"),
        ("2020年8月开始建设,至2023年3月28日,建成", "2023-03-28", "至2023年3月28日"),  # the last one wins
        ("2020年初,建设1万个", "2020-01-01", "2020年初"),
        ("去年12月", "2022-12-31", "去年12月"),
        # PUB 2023-10-08 is a Sunday.
        ("工会截至昨晚收到超过1.75万宗入会申请", "2023-10-07", "截至昨晚"),
        ("15人今早到劳资审裁处应讯", PUB, "今早"),
        ("今年首两个月消费品零售总额大跌20.5%", "2023-02-28", "今年首两个月"),
        ("上月再被加控两罪", "2023-09-30", "上月"),
        ("至本周三(4日)共5天", "2023-10-04", "至本周三(4日)"),
        ("「钻石公主号」周五再多70宗确诊", "2023-10-06", "周五"),
    ],
)
def test_resolve(clause: str, as_of: str, words: str) -> None:
    assert resolve_as_of(clause, PUB) == (as_of, words)


def test_relative_without_publish_date_keeps_words() -> None:
    assert resolve_as_of("截至目前,全省已建成", None) == (None, "截至目前")
    assert resolve_as_of("截至2023年6月", None) == ("2023-06-30", "截至2023年6月")


def test_nothing_dated() -> None:
    assert resolve_as_of("全省职工年均超100万人次参与", PUB) == (None, None)


@given(st.text(max_size=100), st.one_of(st.none(), st.just(PUB), st.text(max_size=12)))
def test_never_raises(clause: str, pub: str | None) -> None:
    as_of, words = resolve_as_of(clause, pub)
    if words is not None:
        assert words in clause


# Text dense in dating words, numerals and sentence breaks, so matches run into every cut point.
# (自 / 从 … 以来, 上半年 / 下半年, 一季度, 入夏以来: the mainland periods, whose matches span several words;
# 二月以上 / 逾三月者: lengths of months)
DATING_TEXT = st.text(alphabet=st.sampled_from(list("截至止到今去前明年月份日号底末初以来目前当如现近过0123456789０１〇一二十两，。！？\n建成个"
                                                    "自从上下半季度第入夏大逾者内")),
                      max_size=40)


@given(DATING_TEXT, st.one_of(st.none(), st.just(PUB)))
def test_index_answers_as_a_scan_of_the_prefix(text: str, pub: str | None) -> None:
    index = AsOfIndex(text, pub, len(text))
    starts = [0] + [i + 1 for i, c in enumerate(text) if c in "。！!？?\n"]
    for start in starts:
        for pos in range(start, len(text) + 1):
            assert index.at(start, pos) == resolve_as_of(text[start:pos], pub)


@given(st.one_of(DATING_TEXT, st.text(max_size=60)))
def test_first_character_guard_changes_no_match(text: str) -> None:
    unguarded = re.compile(AS_OF_RE.pattern.replace(f"(?=[{AS_OF_FIRST}])", "", 1))
    assert unguarded.pattern != AS_OF_RE.pattern
    assert [m.group(0) for m in AS_OF_RE.finditer(text)] == [m.group(0) for m in unguarded.finditer(text)]
