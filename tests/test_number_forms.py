"""Number forms of typeset, Taiwanese and Hong Kong text (transforms/numbers.py, transforms/dates.py).

Sentences written for these tests: digit-by-digit numerals with ○ as zero, a decimal before a scale, a
scale followed by digits, percentages in words, and Taiwan's bare era years.
"""

from __future__ import annotations

import pytest

from gonghui.transforms.dates import date_texts, parse_publish_date
from gonghui.transforms.numbers import find_quantities, parse_number, read_back


def _found(text: str) -> list[tuple[str, float, str]]:
    return [(q.number_text, q.value, q.unit) for q in find_quantities(text)]


@pytest.mark.parametrize(("text", "want"), [
    ("时薪从一九○元调为一九六元", [("一九○", 190.0, "元"), ("一九六", 196.0, "元")]),
    ("受惠劳工约二四七万人", [("二四七万", 2_470_000.0, "人")]),
    ("约有一七三点九五万名劳工", [("一七三点九五万", 1_739_500.0, "名")]),
    ("则有七十二点九八万名劳工", [("七十二点九八万", 729_800.0, "名")]),
    ("月薪调为二万九五○○元", [("二万九五○○", 29_500.0, "元")]),
    ("月薪升至2万3100元", [("2万3100", 23_100.0, "元")]),
    ("每月调整为2萬4,000元".replace("萬", "万"), [("2万4,000", 24_000.0, "元")]),
    ("投入1亿2000万元", [("1亿2000万", 120_000_000.0, "元")]),
    ("调幅百分之三点一八", [("百分之三点一八", 3.18, "%")]),
    ("约百分之三十的职工", [("百分之三十", 30.0, "%")]),
])
def test_number_forms_are_read(text, want):  # type: ignore[no-untyped-def]
    assert _found(text) == want
    for q in find_quantities(text):
        assert read_back(q.number_text) == q.value  # the warehouse's value_not_in_evidence check agrees


@pytest.mark.parametrize("text", [
    "七八百人参加",      # seven or eight hundred: "a few" hundred, no figure
    "两三家企业",        # a pair of neighbouring digits is "a few"
    "唯一一个",          # idiom
    "一九九八年一月一日",  # a year written digit by digit is a date
    "二〇二三年",
    "据劳动部109年9月7日公告",  # N年M月: a date whatever N is
])
def test_not_counts(text):  # type: ignore[no-untyped-def]
    assert _found(text) == []


def test_ring_zero_only_inside_numbers():
    assert parse_number("一九○") == 190.0
    assert _found("王○○等3人到场") == [("3", 3.0, "人")]  # ○○ standing for a withheld name stays text


def test_taiwan_bare_era_years_are_dates():
    assert parse_publish_date("发布日期:113年5月1日") == "2024-05-01"
    assert [iso for _, _, iso in date_texts("自110年1月1日起")] == ["2021-01-01"]
    # a two-digit year is Hong Kong's short form (97年 = 1997), not read as a full date
    assert date_texts("97年7月1日回归") == []


def test_taiwan_bare_era_year_dates_a_claim():
    from gonghui.transforms.asof import resolve_as_of
    assert resolve_as_of("据劳动部统计,截至112年12月底,外籍劳工约75万人", "2024-01-15")[0] == "2023-12-31"
    assert resolve_as_of("112年12月", "2024-01-15")[0] == "2023-12-31"
    # a year 100-119 not before a month is a count, not a date (在职112年 is no calendar year)
    assert resolve_as_of("该厂创办112年", "2024-01-15")[0] != "2023-12-31"


def test_a_currency_declared_for_the_rest_of_the_text():
    from gonghui.transforms.numbers import declared_currencies, declared_currency_at

    text = "最低工资由每小时34元(澳门币,下同)调升至35元;投资1.2亿元(美元，下同),另付3元。"
    found = declared_currencies(text)
    assert [code for _, code in found] == ["MOP", "USD"]
    at = {amount: declared_currency_at(found, text.index(amount), text.index(amount) + len(amount))
          for amount in ("34元", "35元", "1.2亿元", "3元")}
    assert at == {"34元": "MOP", "35元": "MOP", "1.2亿元": "USD", "3元": "USD"}
    assert declared_currencies("每小时34元(澳门币)") == []  # a currency named once declares nothing after it
