"""Numbers beyond reason (issue 20 class 7): linear cost on huge number runs, implausible values held back
by the facts suite, as-of dates after publication, 民国 years."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from gonghui.transforms.asof import resolve_as_of
from gonghui.transforms.dates import parse_publish_date
from gonghui.transforms.facts import extract_facts
from gonghui.transforms.numbers import PLAUSIBLE_MAX, find_quantities, implausible_reason
from gonghui.transforms.records import Article

PUB = "2023-05-01"


def _article(body: str, publish_date: str | None = PUB) -> Article:
    return Article(article_id="a" * 16, file_id="f" * 40, source_file="hostile.txt", seq=1, title="全省工会工作",
                   body=body, publish_date=publish_date, source="工人日报", region="广东")


# --- (a) every number and date scan is linear in its input ---------------------------------------------------
# One-token inputs (a flattened PDF table, a crawler's garbage): each shape is a single run with no break.
# The quadratic scans found (issue 20: 20,000 digits cost 63 s) were numbers tried from every position of
# a run (QUANTITY_RE, and an unbounded [0-9]+ before 月 in the as-of pattern), a copy of the whole text
# before every number, and every fact of a long clause re-reading the whole clause.
TOKENS: dict[str, Callable[[int], str]] = {
    "digits": lambda n: "9" * n + "个",
    "full_width_digits": lambda n: "９" * n + "人",
    "chinese_numerals": lambda n: "九" * n + "个",
    "numerals_with_scales": lambda n: ("一二三四五六七八九十百千万亿" * (n // 14 + 1))[:n] + "人",
    "thousands_separators": lambda n: ("999," * (n // 4 + 1))[:n] + "元",
    "dotted": lambda n: ("9." * (n // 2 + 1))[:n] + "%",
    "digits_before_month": lambda n: "9" * n + "月",
    "numerals_before_month": lambda n: "十" * n + "月",
    "dates_page": lambda n: ("2020年1月1日" * (n // 9 + 1))[:n],
    "numerals_with_points": lambda n: ("九点" * (n // 2 + 1))[:n],
    "dollar_amounts": lambda n: ("$9," * (n // 3 + 1))[:n],
    "percentages": lambda n: ("9%" * (n // 2 + 1))[:n],
}
SMALL, LARGE = 10_000, 100_000
# Allowed slack over proportional time: the machine is shared (CI and other jobs), so a run may be a few
# times slower than its small calibration run; a quadratic scan is 10x slower again at 10x the size
# (and 100x at 1 MB), far beyond it.
SLACK = 4.0
# Fixed allowance (s) for timer and scheduler noise on inputs that take milliseconds.
NOISE_S = 0.5


def _cost(text: str) -> float:
    t0 = time.perf_counter()
    extract_facts(_article(text))
    resolve_as_of(text, PUB)
    parse_publish_date(text)
    return time.perf_counter() - t0


@pytest.mark.parametrize("shape", sorted(TOKENS))
def test_number_scans_are_linear_in_a_100k_token(shape: str) -> None:
    make = TOKENS[shape]
    small = min(_cost(make(SMALL)) for _ in range(2))
    large = _cost(make(LARGE))
    assert large <= SLACK * (LARGE / SMALL) * small + NOISE_S, (shape, small, large)


@pytest.mark.parametrize("shape", ["digits", "chinese_numerals", "thousands_separators", "digits_before_month"])
def test_number_scans_are_linear_in_a_1mb_token(shape: str) -> None:
    make = TOKENS[shape]
    n = 1_000_000 // 3  # a 1 MB file of Han characters or full-width digits (3 bytes each in UTF-8)
    small = min(_cost(make(n // 10)) for _ in range(2))
    large = _cost(make(n))
    assert large <= SLACK * 10 * small + NOISE_S, (shape, small, large)


# --- (b) values beyond reason -------------------------------------------------------------------------------
def test_bounds_are_named_data_with_a_reason() -> None:
    assert PLAUSIBLE_MAX["人"][0] == 1e10 and "Earth" in PLAUSIBLE_MAX["人"][1]
    assert all(bound > 0 and reason for bound, reason in PLAUSIBLE_MAX.values())


@pytest.mark.parametrize(
    ("value", "unit", "plausible"),
    [
        (1e20, "个", False),  # 99999999999999999999个 stations
        (float("inf"), "人", False),  # a 400-digit count
        (float("nan"), "元", False),
        (200, "岁", False),
        (1.4e9, "人", True),  # China's population
        (5.213e12, "元", True),  # national retail sales in two months (real text)
        (2911, "个", True),
        (122, "岁", True),
        (300, "%", True),  # a growth of 300 %
    ],
)
def test_implausible_reason(value: float, unit: str, plausible: bool) -> None:
    assert (implausible_reason(value, unit) is None) is plausible


def test_a_400_digit_count_reads_as_inf_and_is_implausible() -> None:
    (q,) = find_quantities("会员达" + "9" * 400 + "人")
    assert q.value == float("inf")
    assert implausible_reason(q.value, q.unit) == "not a finite number"


def test_implausible_facts_are_held_back_by_the_facts_suite_with_their_evidence() -> None:
    """The real extract task with the real GX facts suite: the implausible facts go to quarantine as
    implausible_value (payload = the fact), the plausible one passes on to the facts table."""
    from gonghui.flows.tasks import extract

    body = ("全省工会建成户外劳动者服务站点99999999999999999999个,会员达" + "9" * 400 + "人,"
            "今年新建职工之家300个。")
    out = extract.fn([_article(body)], [], "test-run", None)
    held = {r.payload["value"]: r for r in out.rejections if r.record_kind == "fact"}
    assert set(held) == {1e20, float("inf")}
    assert all("implausible_value" in r.reasons for r in held.values())
    assert all(r.payload["evidence"] in body for r in held.values())
    assert [(f.value, f.unit) for f in out.facts] == [(300.0, "个")]


# --- (c) an as_of after publication is no date; (d) 民国 years -------------------------------------------
@pytest.mark.parametrize(
    ("clause", "as_of"),
    [
        ("截至2999年12月31日,全省建成站点300个", None),  # "up to" a day after publication
        ("截至2023年6月,全省建成站点300个", None),  # a month that had not begun on 1 May 2023
        ("截至明年底,会员达300人", None),
        ("2999年全省建成站点300个", None),  # beyond any plan's horizon (FUTURE_MAX_YEARS)
        ("截至2023年5月,全省建成站点300个", "2023-05-31"),  # the month has begun: its end, by policy
        ("截至2023年4月30日,全省建成站点300个", "2023-04-30"),
        ("明年最低工资相信会达到9,000元", "2024-12-31"),  # a forecast may look ahead
        ("到2035年建成站点3000个", "2035-12-31"),  # a plan's target
        ("截至民国100年底,全台工会会员300万人", "2011-12-31"),
        ("民国一百年3月,会员300万人", "2011-03-31"),
        ("民国元年成立时有会员300人", "1912-12-31"),
    ],
)
def test_as_of_after_publication_and_roc_years(clause: str, as_of: str | None) -> None:
    assert resolve_as_of(clause, PUB)[0] == as_of


def test_a_fact_dated_after_publication_has_no_as_of() -> None:
    (fact,) = extract_facts(_article("截至2999年12月31日,全省工会建成户外劳动者服务站点3000个。"))
    assert fact.value == 3000 and fact.as_of is None
    assert fact.as_of_text == "截至2999年12月31日"  # the words stay, for the analyst to see


def test_roc_year_is_a_date_not_a_count() -> None:
    facts = extract_facts(_article("民国100年,全台工会会员300万人。"))
    assert [(f.value, f.unit, f.as_of) for f in facts] == [(3_000_000, "人", "2011-12-31")]


def test_roc_publish_date() -> None:
    assert parse_publish_date("中央社 民國100年3月5日") == "2011-03-05"
    assert parse_publish_date("民国 110 年 12 月 1 日") == "2021-12-01"
