"""Byline shapes from the samples, parsed into authors / correspondents / photographers / editors."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gonghui.transforms.byline import (
    NEWS_LEAD_OPENERS,
    WIRE_SOURCES,
    parse_bracketed_credit,
    parse_byline_line,
    parse_editor_line,
    parse_news_lead,
    split_news_lead,
    starts_news_lead,
)


@pytest.mark.parametrize(
    ("line", "bare", "authors", "correspondents", "photographers"),
    [
        ("■ 樊园芳 彭婷婷", False, ("樊园芳", "彭婷婷"), (), ()),
        ("黄榆", True, ("黄榆",), (), ()),
        ("本报记者 黄仕强", False, ("黄仕强",), (), ()),
        ("本报记者 刘建林 李彦斌", False, ("刘建林", "李彦斌"), (), ()),
        ("本报记者 王伟伟 摄", False, (), (), ("王伟伟",)),
        ("记者 张三 通讯员 李四 王五", False, ("张三",), ("李四", "王五"), ()),
    ],
)
def test_byline_lines(line, bare, authors, correspondents, photographers):  # type: ignore[no-untyped-def]
    c = parse_byline_line(line, allow_bare_names=bare)
    assert c is not None
    assert (c.authors, c.correspondents, c.photographers) == (authors, correspondents, photographers)


@pytest.mark.parametrize("line", ["黄榆", "■ 户外劳动者综合服务站为城市添彩", "■ “工会云”普惠服务覆盖全省",
                                  "共享创新成果促共赢", "职工当好主力军,奋进新征程。"])
def test_not_bylines_without_context(line):  # type: ignore[no-untyped-def]
    assert parse_byline_line(line) is None


def test_bare_names_are_short_names_only():
    assert parse_byline_line("灾后清淤 重建家园", allow_bare_names=True) is None


def test_news_lead():
    got = split_news_lead("本报讯(记者马学礼 通讯员胡相宁 顾娟)“工会干部和志愿者帮助我家")
    assert got is not None
    lead, rest = got
    assert lead.source == "本报" and lead.known
    credits = lead.credits
    assert credits is not None
    assert credits.authors == ("马学礼",) and credits.correspondents == ("胡相宁", "顾娟")
    assert rest == "“工会干部和志愿者帮助我家"
    assert split_news_lead("本报记者日前获悉") is None
    # a paper's own dateline ending in 讯 is a news lead like one ending in 电
    got = split_news_lead("本报北京12月31日讯(记者 张三)全国总工会日前召开会议")
    assert got is not None and got[0].credits is not None and got[0].credits.authors == ("张三",)
    assert (got[0].dateline, got[1]) == ("北京12月31日", "全国总工会日前召开会议")
    got = split_news_lead("本报北京1月7日电 记者从全国总工会获悉")
    assert got is not None and (got[0].credits, got[1]) == (None, "记者从全国总工会获悉")


def test_editor_line():
    assert parse_editor_line("(责编:刘琼、黄瑾)") == ("刘琼", "黄瑾")
    assert parse_editor_line("责任编辑:皮博") == ("皮博",)
    assert parse_editor_line("编辑部的故事") == ()


@given(st.text(max_size=60))
def test_never_raises(text: str) -> None:
    parse_byline_line(text, allow_bare_names=True)
    split_news_lead(text)
    parse_editor_line(text)


@given(st.lists(st.one_of(st.sampled_from(NEWS_LEAD_OPENERS + WIRE_SOURCES + ("中工网", "福建日报", " ", "北京8月16日电",
                                                                           "(记者 王伟)", "日电", "讯")),
                          st.characters()), max_size=8).map("".join))
def test_lead_tests_agree_with_the_one_lead_parser(text: str) -> None:
    lead = parse_news_lead(text.strip())
    known = lead is not None and lead.known
    assert starts_news_lead(text) == known
    split = split_news_lead(text)
    assert (split is None) == (not known)
    if split is not None:  # the lead it returns is the one parse's
        assert split[0] == lead and split[1] == text.strip()[split[0].end:]
    if lead is not None:  # the opener names its reporter, and the report's text follows it
        assert text.strip().startswith(lead.source) and lead.end <= len(text.strip())


@pytest.mark.parametrize(("para", "source", "known"), [
    ("本报讯(记者马学礼)工会干部……", "本报", True),
    ("本报北京12月31日讯(记者 张三)全国总工会……", "本报", True),
    ("新华社北京8月16日电 全国总工会……", "新华社", True),
    ("中工网讯 近日,某市总工会……", "中工网", False),  # a source, not an article opener this module knows
    ("福建日报福州3月2日讯 近日……", "福建日报", False),
    ("中国网络电视台讯 ……", "中国网络电视台", False),
    ("新华社讯 ……", "新华社", False),  # a known wire without its dateline: not enough to open an article
])
def test_one_lead_parser_names_the_reporter(para: str, source: str, known: bool) -> None:
    lead = parse_news_lead(para)
    assert lead is not None and (lead.source, lead.known) == (source, known)


def test_not_a_lead():
    assert parse_news_lead("新华社报道,全国总工会……") is None
    assert parse_news_lead("据了解,该网站……") is None


@pytest.mark.parametrize(("line", "authors", "photographers"), [
    ("新华社记者 张三", ("张三",), ()),  # the outlet written onto the role word is no author
    ("(总台央视记者 高某 韩某某)", ("高某", "韩某某"), ()),
    ("(某县融媒记者 祝某某 陈某某)", ("祝某某", "陈某某"), ()),
    ("新华社发 记者张三摄", (), ("张三",)),  # who distributed the picture is no photographer
])
def test_outlet_before_the_role_is_not_a_name(line: str, authors: tuple[str, ...], photographers: tuple[str, ...]) -> None:
    c = parse_byline_line(line)
    assert c is not None and (c.authors, c.photographers) == (authors, photographers)


def test_stationed_reporter_credit_keeps_only_the_name():
    c = split_news_lead("本报讯(本报驻京记者 王某)全国总工会日前召开会议")
    assert c is not None and c[0].credits is not None and c[0].credits.authors == ("王某",)


@pytest.mark.parametrize(("line", "authors", "correspondents", "photographers"), [
    ("（记者 刘洋）", ("刘洋",), (), ()),
    ("(本报记者 张三 李四)", ("张三", "李四"), (), ()),
    ("(总台央视记者 高某 韩某某)", ("高某", "韩某某"), (), ()),  # the outlet before the role word is no name
    ("（通讯员 李某某）", (), ("李某某",), ()),
    ("(记者 张三 摄)", (), (), ("张三",)),
    ("(本报集体通讯员某市机床厂工会)", ("某市机床厂工会",), (), ()),  # a collective correspondent: a group
])
def test_a_credit_in_brackets_on_a_line_of_its_own(line: str, authors: tuple[str, ...],
                                                  correspondents: tuple[str, ...],
                                                  photographers: tuple[str, ...]) -> None:
    c = parse_bracketed_credit(line)
    assert c is not None and (c.authors, c.correspondents, c.photographers) == (authors, correspondents,
                                                                                photographers)


@pytest.mark.parametrize("line", ["(本报记者对此进行了调查采访并写成报道)", "(记者)", "(注:本文有删节)",
                                  "记者 刘洋", "(记者 刘洋)此后……"])
def test_not_a_credit_in_brackets(line: str) -> None:
    assert parse_bracketed_credit(line) is None
