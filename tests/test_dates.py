"""Publish dates: absolute only, never in the future, never before 1872-04-30 (申报)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gonghui.transforms.dates import parse_publish_date, parse_publish_time, valid_publish_date

TODAY = date(2024, 6, 1)


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("2023年09月18日10:21 来源:《工人日报》", "2023-09-18"),
        ("2022-10-17", "2022-10-17"),
        ("2023/1/5", "2023-01-05"),
        ("20231008", "2023-10-08"),
        ("8月16日", None),
        ("今年5月", None),
        ("2023年2月30日", None),
        ("", None),
    ],
)
def test_parse(text, iso):  # type: ignore[no-untyped-def]
    assert parse_publish_date(text) == iso


def test_time():
    assert parse_publish_time("2023年09月18日10:21") == "10:21"
    assert parse_publish_time("9:05") == "09:05"
    assert parse_publish_time("25:00") is None


@pytest.mark.parametrize(
    ("iso", "ok"),
    [
        ("1872-04-30", True),
        ("1872-04-29", False),
        ("1946-11-11", True),  # 人民日报 before the PRC: a real page
        ("2024-06-01", True),
        ("2024-06-02", False),
        ("2024-02-30", False),
        ("not a date", False),
    ],
)
def test_valid(iso, ok):  # type: ignore[no-untyped-def]
    assert valid_publish_date(iso, TODAY) is ok


@given(st.text(max_size=80))
def test_never_raises(text: str) -> None:
    iso = parse_publish_date(text)
    assert iso is None or len(iso) == 10


def test_publish_dates_are_judged_in_the_sources_time_zone() -> None:
    """Issue 20 class 7: a run at 06:00 Asia/Shanghai on a UTC server (22:00 UTC the day before) meets
    that morning's paper, dated the next UTC day: not a future date. Two days ahead still is."""
    from datetime import UTC, datetime

    from gonghui.transforms.dates import latest_today

    server_evening = datetime(2026, 12, 4, 22, 0, tzinfo=UTC)  # = 2026-12-05 06:00 in Shanghai
    today = latest_today(server_evening)
    assert today == date(2026, 12, 5)
    assert valid_publish_date("2026-12-05", today)
    assert not valid_publish_date("2026-12-06", today)
    # just after UTC midnight it is already the 5th at UTC+14, never the 6th
    assert latest_today(datetime(2026, 12, 4, 0, 1, tzinfo=UTC)) == date(2026, 12, 4)


def test_invalid_date_text_names_an_impossible_or_out_of_range_date():
    """Issue 16: a date that is there but names no day, or lies out of range, is reported as found."""
    from datetime import date

    from gonghui.transforms.dates import invalid_date_text

    today = date(2024, 1, 1)
    assert invalid_date_text("日期:2023年2月30日 星期四", today) == "2023年2月30日"
    assert invalid_date_text("1850年1月1日", today) == "1850年1月1日"
    assert invalid_date_text("发布于 2099-01-01", today) == "2099-01-01"
    assert invalid_date_text("2023年5月6日 来源:工人日报", today) is None  # a valid date: nothing to report
    assert invalid_date_text("2023年2月30日与2023年3月1日", today) is None  # one valid date is enough
    assert invalid_date_text("没有日期", today) is None
