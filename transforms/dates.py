"""Absolute publish dates from metadata text, and their validation (no future, none before Chinese dailies)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from gonghui.transforms.numbers import CN_DIGIT_VALUE

# No Chinese daily paper is older than 申报 (first issue 1872-04-30, the oldest daily in the archives union
# historians read): a date printed before it is a misreading. Pages of 1946-1949 (人民日报 from 1946-05-15,
# 工人日报 from 1949-07-15) are real, so the founding of the PRC (1949-10-01, the floor until issue 21's
# held-out pages) is no floor for printed dates.
EARLIEST_PUBLISH_DATE = date(1872, 4, 30)
# A date read from a file's name is weaker evidence: eight digits 1900xxxx-1949xxxx in archives are serial
# numbers far more often than dates, so a path date keeps the PRC floor (pathmeta: date_before_1949).
EARLIEST_PATH_DATE = date(1949, 10, 1)
# A paper dates its issue in its own time zone: the morning paper of Beijing or Hong Kong (UTC+8) is
# already "tomorrow" for a server on UTC for eight hours a day, and a run scheduled at 06:00 Asia/Shanghai
# meets exactly that. The latest civil date anywhere is that of UTC+14 (Kiribati's Line Islands, the
# furthest-ahead time zone), so a publish date up to that day is not in the future for any source.
LATEST_UTC_OFFSET = timedelta(hours=14)

# Only dates that carry their year count: 8月16日 or 今年5月 are relative to an unknown "now" and
# never become a publish date.
_CN_DATE_RE = re.compile(r"(?<!\d)(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]")
# Taiwan's official calendar counts years of the Republic (民国/民國 N 年 = 1911 + N: 民国100年 = 2011).
_ROC_DATE_RE = re.compile(r"民[国國]\s*(\d{1,3})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]")
ROC_ERA_OFFSET = 1911
# ... and Taiwanese text writes those years bare: 109年9月7日 (2020), 發布日期:113年5月1日. Only three-digit
# years 100-119 (2011-2030) are read so: a two-digit year is Hong Kong's short form (97年7月1日 = 1997).
ROC_BARE_YEAR = r"1[01][0-9]"  # 100-119: the era's years written bare (transforms/asof.py reads them too)
_ROC_BARE_DATE_RE = re.compile(rf"(?<![\d国國])({ROC_BARE_YEAR})\s*年\s*(\d{{1,2}})\s*月\s*(\d{{1,2}})\s*[日号]")
_NUM_DATE_RE = re.compile(r"(?<!\d)(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?!\d)")
_COMPACT_DATE_RE = re.compile(r"(?<!\d)(\d{4})(\d{2})(\d{2})(?!\d)")
# Hong Kong and Macau write a date day first: 1/5/2024 10:40 is 1 May 2024 (mainland and Taiwan put the year
# first, 2024/5/1, and no Chinese source writes month first). Read only as a whole value (a date line).
_DAY_FIRST_DATE_RE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?")
_TIME_RE = re.compile(r"(?<!\d)([01]?\d|2[0-3])[:：]([0-5]\d)(?!\d)")
# Older typesetting (1990s pages, typeset text): full-width digits (１９９８年１月１日) and dates written in
# Chinese numerals, the year digit by digit (一九九八年), month and day as numbers (十二月, 三十一日).
FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_CN_DIGIT_CLASS = "〇○零一二三四五六七八九"
_CN_NUMERAL_DATE_RE = re.compile(
    rf"([{_CN_DIGIT_CLASS}]{{4}})\s*年\s*([一二三四五六七八九十]{{1,2}})\s*月"
    rf"\s*([一二三四五六七八九十]{{1,3}})\s*[日号]")


def _cn_small(text: str) -> int | None:
    """一..九, 十, 十一..十九, 二十.., 三十一: a month or day in Chinese numerals."""
    if "十" not in text:
        return CN_DIGIT_VALUE.get(text) if len(text) == 1 else None
    tens, _, units = text.partition("十")
    t = CN_DIGIT_VALUE.get(tens, -1) if tens else 1
    u = CN_DIGIT_VALUE.get(units, -1) if units else 0
    return None if t < 1 or u < 0 or "十" in units else t * 10 + u


def _iso(y: str, m: str, d: str) -> str | None:
    try:
        return date(int(y), int(m), int(d)).isoformat()
    except ValueError:
        return None


def parse_publish_date(text: str | None) -> str | None:
    """The first full calendar date (with its year) in `text` as ISO yyyy-mm-dd, else None."""
    if not text:
        return None
    found = [(offset, iso) for offset, _, iso in date_texts(text) if iso]
    if not found:
        whole = text.translate(FULLWIDTH_DIGITS).strip()
        compact = _COMPACT_DATE_RE.fullmatch(whole)
        # 20231008 only when it is the whole value
        if compact:
            return _iso(compact.group(1), compact.group(2), compact.group(3))
        return parse_day_first_date(whole)
    return min(found)[1]


def parse_day_first_date(text: str) -> str | None:
    """A whole value written day first (1/5/2024, 1/5/2024 10:40: see _DAY_FIRST_DATE_RE) as ISO, else None."""
    m = _DAY_FIRST_DATE_RE.fullmatch(text.translate(FULLWIDTH_DIGITS).strip())
    return _iso(m.group(3), m.group(2), m.group(1)) if m else None


def parse_publish_time(text: str | None) -> str | None:
    """The first HH:MM clock time in `text`, zero-padded, else None."""
    if not text:
        return None
    m = _TIME_RE.search(text)
    return f"{int(m.group(1)):02d}:{m.group(2)}" if m else None


def latest_today(now: datetime | None = None) -> date:
    """Today's date where it is latest on Earth (UTC+14): no source's publish date can be after it."""
    return ((now or datetime.now(UTC)).astimezone(UTC) + LATEST_UTC_OFFSET).date()


def valid_publish_date(iso: str, today: date) -> bool:
    """True when `iso` is a real date between EARLIEST_PUBLISH_DATE and `today`, both included."""
    try:
        d = date.fromisoformat(iso)
    except (TypeError, ValueError):
        return False
    return EARLIEST_PUBLISH_DATE <= d <= today


def date_texts(text: str) -> list[tuple[int, str, str | None]]:
    """Every full date written in `text` (年月日, 民国 years, numeric and Chinese-numeral forms): (offset, as
    written, ISO or None when it names no calendar day, such as 2023年2月30日). The one scan behind
    parse_publish_date and invalid_date_text."""
    text = text.translate(FULLWIDTH_DIGITS)  # same length: offsets keep their meaning
    out = [(m.start(), m.group(0), _iso(m.group(1), m.group(2), m.group(3))) for m in _CN_DATE_RE.finditer(text)]
    out += [(m.start(), m.group(0), _iso(str(ROC_ERA_OFFSET + int(m.group(1))), m.group(2), m.group(3)))
            for m in _ROC_DATE_RE.finditer(text)]
    out += [(m.start(), m.group(0), _iso(str(ROC_ERA_OFFSET + int(m.group(1))), m.group(2), m.group(3)))
            for m in _ROC_BARE_DATE_RE.finditer(text)]
    out += [(m.start(), m.group(0), _iso(m.group(1), m.group(3), m.group(4))) for m in _NUM_DATE_RE.finditer(text)]
    for m in _CN_NUMERAL_DATE_RE.finditer(text):
        year = "".join(str(CN_DIGIT_VALUE[c]) for c in m.group(1))
        month, day = _cn_small(m.group(2)), _cn_small(m.group(3))
        out.append((m.start(), m.group(0), _iso(year, str(month), str(day)) if month and day else None))
    return sorted(out)


def invalid_date_text(text: str, today: date) -> str | None:
    """The first date written in `text` when none of its dates is a valid publish date (a real day between
    EARLIEST_PUBLISH_DATE and `today`) and at least one is written: what a quarantine row shows as the text found."""
    found = date_texts(text)
    if not found or any(iso is not None and valid_publish_date(iso, today) for _, _, iso in found):
        return None
    return found[0][1]
