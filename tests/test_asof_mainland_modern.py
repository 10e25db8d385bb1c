"""As-of dates of modern mainland union news (工人日报, provincial papers): periods of the publish year written
without a year, running totals since a date, datelines at a paragraph's start.

Every sentence is composed for these tests in the shape of a phenomenon the probe of modern union news showed
(never a probed article's wording)."""

from __future__ import annotations

import pytest

from gonghui.transforms.asof import AsOfIndex, resolve_as_of
from gonghui.transforms.facts import extract_facts
from gonghui.transforms.records import Article

PUB = "2024-07-05"


@pytest.mark.parametrize(
    ("clause", "as_of", "words"),
    [
        # a half, a quarter or the year's end with no year: of the publish year
        ("上半年全县工会共走访慰问职工", "2024-06-30", "上半年"),
        ("下半年还将新建", "2024-12-31", "下半年"),
        ("年底前建成驿站", "2024-12-31", "年底"),
        ("一季度全市新建工会组织", "2024-03-31", "一季度"),
        ("前三季度共调解劳动争议", "2024-09-30", "三季度"),
        # ... and with a year, the half or quarter it names (not the year's end, nor the publish year's quarter)
        ("截至2023年年底,全区共有会员", "2023-12-31", "截至2023年年底"),
        ("2023年上半年,全区帮扶", "2023-06-30", "2023年上半年"),
        ("去年第四季度全区新增", "2023-12-31", "去年第四季度"),
        ("2022年一季度,该区", "2022-03-31", "2022年一季度"),
        # a running total since a date: it stands at publication, the date is where it starts
        ("自2015年6月区总工会开展“金秋助学”以来,累计资助", PUB, "2015年6月区总工会开展“金秋助学”以来"),
        ("从今年3月启动申报以来,全区已有", PUB, "今年3月启动申报以来"),
        ("入冬以来,全县各级工会慰问", PUB, "入冬以来"),
        # (从…开始 is no running period: the year it names)
        ("从2019年开始,全区", "2019-12-31", "2019年"),
    ],
)
def test_modern_periods(clause: str, as_of: str, words: str) -> None:
    assert resolve_as_of(clause, PUB) == (as_of, words)


@pytest.mark.parametrize("clause", ["大年初一上岗的职工", "一年中最热的日子", "每年年底发放", "四季常青"])
def test_words_that_date_nothing(clause: str) -> None:
    assert resolve_as_of(clause, PUB) == (None, None)


def test_a_paragraphs_dateline_is_the_day_its_now_words_count_from() -> None:
    text = "本报长沙7月4日讯 记者今天从省总工会获悉,目前全省共有驿站3000个。\n据介绍,今年全省将新建500个。"
    index = AsOfIndex(text, PUB, len(text))
    assert index.at(0, text.index("3000")) == ("2024-07-04", "目前")
    assert index.at(text.index("据介绍"), text.index("500")) == ("2024-07-04", "今年")
    # a day in a sentence is no dateline: 5日电话回访 is a call on the 5th
    text = "区总工会5日电话回访职工,目前已回访120人。"
    assert AsOfIndex(text, PUB, len(text)).at(0, text.index("120")) == (PUB, "目前")


def test_facts_of_a_county_report() -> None:
    body = ("本报讯 2024年以来,县总工会开展帮扶行动,上半年累计帮扶困难职工96人次,发放帮扶资金41.5万元。"
            "自2010年县总工会成立帮扶中心以来,累计发放资金1200万元。年底前全县将建成驿站30个。")
    art = Article(article_id="m", file_id="f", source_file="m.txt", seq=1, title=None, body=body, region=None,
                  publish_date=PUB)
    assert [(f.value, f.as_of) for f in extract_facts(art)] == [
        (96, "2024-06-30"), (415000, "2024-06-30"), (12000000, PUB), (30, "2024-12-31")]


def test_a_year_naming_an_edition_does_not_hide_the_sentences_opening_date() -> None:
    def as_of(body: str) -> list[str | None]:
        art = Article(article_id="m", file_id="f", source_file="m.txt", seq=1, title=None, body=body, region=None,
                      publish_date=PUB)
        return [f.as_of for f in extract_facts(art)]

    assert as_of("6月28日,县总工会2024年“金秋助学”启动,共发放助学金8万元,资助40名学生。") == ["2024-06-28", "2024-06-28"]
    # a day named in a middle clause is the sentence's own time: the opener does not jump it
    assert as_of("昨日(7月4日),工会在今日的发布会上,将诉求转交300名会员。") == [None]
