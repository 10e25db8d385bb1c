"""Resolve the date a numeric claim is dated to (截至2023年6月, 2022年, 截至目前, 今年2月) to an ISO date."""

from __future__ import annotations

import calendar
import re
from bisect import bisect_left
from datetime import date, timedelta

from gonghui.transforms.dates import (  # 民国 year N is 1911 + N (民国元年 = 1912)
    ROC_BARE_YEAR,
    ROC_ERA_OFFSET,
)
from gonghui.transforms.numbers import CN_DIGIT_VALUE, parse_number

# Policy (documented for analysts): a claim dated only to a month is read as standing at the
# *last* day of that month (截至2023年6月 → 2023-06-30: "up to the end of June"), and one dated
# only to a year at 31 December of that year. Words that date a claim to "now" (截至目前, 目前,
# 至今, 以来, 近5年来) resolve to the article's publish date. A relative expression with no
# publish date resolves to None, but its words are still returned.

# A month, a day or a count of years: at most four digits or numerals, and never the tail of a longer run
# (issue 20 class 7: with an unbounded [0-9]+ before 月, every position of a 20,000-digit run re-read the
# rest of the run — 44 s for 20,000 digits, quadratic; bounded and anchored to the run's start, each
# position costs a few steps and a scan is linear in the text).
_DIGIT = "0-9０-９"
_CN_NUMERAL = "〇零一二三四五六七八九十两"
_NUM = rf"(?<![{_DIGIT}])[{_DIGIT}]{{1,4}}|(?<![{_CN_NUMERAL}])[{_CN_NUMERAL}]{{1,4}}"
_CUTOFF = r"(?:截至到|截止到|截至|截止|至|到)?"
# How many characters may stand between a since-date and its 以来 (自2007年8月端州区总工会启动“金秋助学”活动以来:
# 16 in the probe of modern union news, /tmp/s8/regasof; 24 leaves room for a longer name of the event).
SINCE_GAP_CHARS = 24
# Every dating expression starts with one of these (a cut-off word, a digit or numeral, 今去前明, a
# "now" word). Guarding the pattern with them rejects most positions with one test instead of a try
# of every branch: a scan of a whole text is 6x faster.
AS_OF_FIRST = "截至到0-9０-９〇○零一二三四五六七八九十两今去前明目当如现日近过昨上下首本周星民第翌次同年入"
# One alternation, tried left to right at each position; named groups tell the kinds apart.
AS_OF_RE = re.compile(
    rf"(?=[{AS_OF_FIRST}])"
    rf"(?P<cut>{_CUTOFF})"
    r"(?:"
    # 自2007年8月…启动“金秋助学”活动以来 / 从今年7月…以来: a running period from a date to now (modern mainland
    # union news counts 累计 totals so; the date is its start, not the figure's date). The words between run to
    # 以来 within the clause, at most SINCE_GAP_CHARS (the longest in the probe of modern union news was 16).
    rf"(?<=[自从])(?P<since>(?:(?<![{_DIGIT}])[{_DIGIT}]{{4}}年|今年|去年)?(?:(?:{_NUM})月(?:份)?(?:(?:{_NUM})[日号])?)?"
    rf"(?<=[年月日号份])[^，,。；;：:！!？?\n]{{0,{SINCE_GAP_CHARS}}}?以来)|"
    # a quarter: 第二季 (of the publish year, or the year before when it has not ended), 2020年第二季, and the
    # mainland's bare 一季度 / 前三季度 (the first three quarters end where the third does). Before the year
    # and 今年 / 去年 alone, which would otherwise take 2020年 / 去年 and leave the quarter to the publish year.
    rf"(?:(?<![{_DIGIT}])(?P<qy>[0-9]{{4}})年|(?P<qrel>今年|去年))?"
    r"(?:第(?P<qn>[一二三四1-4])季度?|(?<![0-9一二三四五六七八九十])(?P<qn2>[一二三四1-4])季度)|"
    # 今年首两个月 / 首两月: the first N months of the year, up to the end of month N (before 今年 alone).
    rf"(?P<first>今年|去年)?首(?P<fm>{_NUM})个?月|"
    # a year: four digits, or 民国N年 (the Republic of China's era, still Taiwan's official calendar:
    # 民国100年 = 2011)
    # ... or, bare, a three-digit year 100-119 of that era right before a month (109年9月7日: Taiwanese text
    # writes the era's years without 民国; dates.py reads publish dates the same way)
    # ... or a year written digit by digit in Chinese numerals (一九四一年, 一九五○年: mainland papers until the
    # 1980s, tests/gold/pages_facts.yaml; ○ is the circle the archives print for 〇)
    rf"(?:(?<![{_DIGIT}])(?P<y>[{_DIGIT}]{{4}})|(?<![{_CN_NUMERAL}○])(?P<ycn>[一二][〇零○一二三四五六七八九]{{3}})(?=年)|民国(?P<roc>[0-9０-９]{{1,3}}|[〇零一二三四五六七八九十百]{{1,5}}|元)"
    rf"|(?<![{_DIGIT}])(?P<rocb>{ROC_BARE_YEAR})(?=年[0-9０-９]{{1,2}}月))年(?:(?P<m>{_NUM})月(?:份)?(?:(?P<d>{_NUM})[日号])?)?(?P<ysuf>上半年|下半年|年中|年底|年末|年初以来|年初|底|末|初|以来|来|上旬|中旬|下旬)?"
    # (去年上半年, 明年年中, 今年年底: a half of the year stands at its end, 年中 at 30 June, mainland writing)
    rf"|(?P<rel>今年|去年|前年|明年)(?:(?P<rm>{_NUM})月(?:份)?(?:(?P<rd>{_NUM})[日号])?)?"
    r"(?P<rsuf>上半年|下半年|年中|年底|年末|年初以来|年初|底|末|初|以来|来|上旬|中旬|下旬)?"
    # 上半年 / 年底前 with no year: of the publish year (mainland reports: 上半年累计帮扶86人次, 年底前建成7000个).
    # Not after 年 (2022年年底, 今年上半年 are read above); 年中 alone is not one (一年中), nor 大年初一 (a look
    # behind, not ahead: AsOfIndex needs a prefix's scan to see what the whole scan sees).
    rf"|(?<![年大{_DIGIT}])(?P<bare>上半年|下半年|年底|年末|年初以来|年初)"
    # (a number of months with a bound, 逾三月者 / 中断二月以上, is a length: numbers._MONTH_LENGTH_RE)
    # (matched whole as `mlen`, which is_base drops, not refused by a look ahead: a prefix's scan must see what
    # the whole scan sees, AsOfIndex)
    rf"|(?P<mlen>(?<![逾满])(?:{_NUM})月(?:以上|以下|以内|者))"
    rf"|(?<![逾满])(?P<md_m>{_NUM})月(?:份)?(?:(?P<md_d>{_NUM})[日号])?(?P<mdsuf>以来|来|上旬|中旬|下旬)?"
    r"|(?P<lastm>上月|上个月)"
    # 本周三(14日), 周日: a weekday of the publish week; a day of the month in brackets dates it.
    r"|(?:本|上)?(?:周|星期)(?P<wd>[一二三四五六日天])(?:[(（](?P<wdd>[0-9]{1,2})日[)）])?"
    r"|(?P<yday>昨日|昨天|昨晚|昨夜|昨早|昨午|昨(?=[有在再]))"
    # 前日 / 前天: the day before yesterday (Hong Kong news: 主席前日下午指); not inside 提前日期, 之前, 目前
    r"|(?<![提之以目生当眼])(?P<dbyday>前日|前天)(?![期子])"
    # 翌日 / 当日: the day after / the day of the day just named (resolved by the caller, see relative_day)
    r"|(?P<nextday>翌日|次日|翌晨)|(?P<sameday>当日|当天|同日)"
    # 今 alone before a verb of going or being (今到劳资审裁处, 今在, 今起): Hong Kong news for "today"
    # 现已 / 现有 (该市现已成立了二十三个工会, 荷共现有党员约五万): "by now", mainland writing; 现有的 is "existing",
    # and 发现有 / 出现有 / 表现有 are other words
    # 入夏以来 / 入冬以来 / 今冬以来: a season's running total up to now (mainland 送清凉 / 送温暖 reports)
    r"|(?P<now>入[夏冬春秋汛伏]以来|今[冬春夏秋]以来|目前|当前|至今|如今|现在|现时|(?<![发出表实体呈展])现(?:已|有(?!的))|今日|今天|今早|今晚|今午|今(?:到|在|起|赴|往|出|再|将)|日前|近日|近年来|过去[0-9一二三四五六七八九十]+年(?:来|间)?"
    rf"|近?(?:{_NUM})年(?:来|以来))"
    r")"
)


# A dating expression right after one of these is the base of a comparison (较2019年同月下跌98.1%,
# 比去年同期, 与2019年相比): it says what the figure is compared with, not when it stands, and never
# dates the claim. Only the words before it are read, so a sentence prefix decides as the whole
# sentence does (AsOfIndex's invariant).
BASE_BEFORE: tuple[str, ...] = ("较", "比", "比较", "相比", "对比", "相较", "较之", "与", "跟", "按")


# 按2018年资料, 按2010年价格计算: 按 "according to" the data of a year dates the figure by it.
_ACCORDING_TO = ("资料", "数据", "数字", "统计", "价格", "计算")


def is_base(text: str, m: re.Match[str]) -> bool:
    """True when the dating expression `m` in `text` names a comparison base (较2019年同月), or is no date at all
    but a length of months (中断二月以上)."""
    if m.group("mlen"):
        return True
    before = text[max(0, m.start() - 2) : m.start()]
    if before.endswith("按") and text.startswith(_ACCORDING_TO, m.end()):
        return False
    return not m.group("cut") and before.endswith(BASE_BEFORE)


# A claim cannot stand at a date after its article was published: "up to" a later day (截至2999年12月31日)
# or "now" words are no date for it. A forecast or a plan may look ahead (明年, 到2025年; the real-text
# gold dates 相信会达9% to the next year's end, 14 months after publication), but no labour forecast or
# plan in the corpora reaches beyond the middle of the century from its article (到2035年, 2050年 in
# mainland plans: at most 30 years), so a date further ahead than FUTURE_MAX_YEARS is no date either.
FUTURE_MAX_YEARS = 30
_CUT_OFF_WORDS = ("截至", "截止")


# A month's ten-day periods (旬), read at their last day like a month at its last (0: the month's end).
TEN_DAY_PERIOD_END = {"上旬": 10, "中旬": 20, "下旬": 0}
# The first half of a year and its middle stand at 30 June (去年上半年总产量, 明年年中发射); the second at 31 December.
HALF_YEAR_END = {"上半年": (6, 30), "年中": (6, 30), "下半年": (12, 31)}


def month_before(iso: str) -> str:
    """The last day of the month before the month of `iso` (上月 said of 2月份 → 31 January)."""
    d = date.fromisoformat(iso)
    return (d.replace(day=1) - timedelta(days=1)).isoformat()


def _num(text: str) -> int | None:
    v = parse_number(text)
    return int(v) if v is not None else None


def _month_end(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


_QUARTER_NUM = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}


def _resolve(m: re.Match[str], pub: date | None) -> date | None:
    if m.group("now") or m.group("since"):
        return pub
    if m.group("nextday") or m.group("sameday"):
        return None  # relative to a day named before it: relative_day
    if m.group("qn") or m.group("qn2"):
        qn = _QUARTER_NUM[m.group("qn") or m.group("qn2")]
        if m.group("qy"):
            year = int(m.group("qy"))
        elif pub is None:
            return None
        else:
            year = pub.year - (1 if m.group("qrel") == "去年" else 0)
            if m.group("qrel") is None and _month_end(year, 3 * qn) > pub + timedelta(days=92):
                year -= 1  # 第四季 said in May is last year's
        return _month_end(year, 3 * qn)
    if m.group("yday"):
        return pub - timedelta(days=1) if pub else None
    if m.group("dbyday"):
        return pub - timedelta(days=2) if pub else None
    if pub is not None and m.group("fm"):
        n = _num(m.group("fm"))
        year = pub.year - (1 if m.group("first") == "去年" else 0)
        return _month_end(year, n) if n and 1 <= n <= 12 else None
    if pub is not None and m.group("lastm"):
        return pub.replace(day=1) - timedelta(days=1)
    if pub is not None and m.group("wd"):
        if m.group("wdd"):  # 本周三(14日): the day of the month, in the publish month or the one before
            day = int(m.group("wdd"))
            try:
                if day <= pub.day:
                    return pub.replace(day=day)
                return (pub.replace(day=1) - timedelta(days=1)).replace(day=day)
            except ValueError:
                return None
        # a weekday alone: the latest such day on or before publication (the news reports the past)
        wd = "一二三四五六".find(m.group("wd"))
        wd = 6 if wd < 0 else wd
        return pub - timedelta(days=(pub.weekday() - wd) % 7)
    if m.group("y") or m.group("ycn") or m.group("roc") or m.group("rocb"):
        if m.group("rocb"):
            y = ROC_ERA_OFFSET + int(m.group("rocb"))
        elif m.group("roc"):
            era = 1 if m.group("roc") == "元" else _num(m.group("roc"))
            if era is None or era < 1:
                return None
            y = ROC_ERA_OFFSET + era
        elif m.group("ycn"):
            y = int("".join(str(CN_DIGIT_VALUE[c]) for c in m.group("ycn")))
        else:
            y = int(m.group("y").translate(str.maketrans("０１２３４５６７８９", "0123456789")))
        month_text, day_text, suffix = m.group("m"), m.group("d"), m.group("ysuf")
    elif m.group("bare"):
        if pub is None:
            return None
        y = pub.year
        month_text, day_text, suffix = None, None, m.group("bare")
    elif m.group("rel"):
        if pub is None:
            return None
        y = pub.year + {"今年": 0, "去年": -1, "前年": -2, "明年": 1}[m.group("rel")]
        month_text, day_text, suffix = m.group("rm"), m.group("rd"), m.group("rsuf")
        if month_text is None and suffix is None and m.group("rel") == "今年":
            return pub  # 今年 alone: so far this year
    else:
        if pub is None:
            return None
        y = pub.year
        month_text, day_text, suffix = m.group("md_m"), m.group("md_d"), m.group("mdsuf")
    if suffix in ("以来", "来", "年初以来"):
        return pub  # 2016年以来: a running total up to publication
    try:
        if month_text is None:
            if suffix in HALF_YEAR_END:
                return date(y, *HALF_YEAR_END[suffix])
            return date(y, 1, 1) if suffix in ("初", "年初") else date(y, 12, 31)
        mo = _num(month_text)
        if mo is None:
            return None
        if day_text is None:
            if suffix in TEN_DAY_PERIOD_END:  # 3月上旬: the first ten days, standing at the 10th
                return date(y, mo, TEN_DAY_PERIOD_END[suffix]) if TEN_DAY_PERIOD_END[suffix] else _month_end(y, mo)
            return date(y, mo, 1) if suffix == "初" else _month_end(y, mo)
        d = _num(day_text)
        return date(y, mo, d) if d is not None else None
    except ValueError:
        return None


def _parse_iso(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def resolve_as_of(clause: str, publish_date: str | None) -> tuple[str | None, str | None]:
    """(ISO date the claim stands at, the words that say so) from the last dating expression.

    `clause` is the text before and around the claim (the sentence up to the number); the last
    dating expression in it wins, as it is the one nearest the number. Returns (None, None) when
    the clause dates nothing.
    """
    last = None
    for m in AS_OF_RE.finditer(clause):
        if not is_base(clause, m):
            last = m
    return _answer(last, _parse_iso(publish_date))


def relative_day(m: re.Match[str], named: date) -> date | None:
    """翌日 / 当日 (`m`) after a day `named` before it: the day after, or that day."""
    if m.group("nextday"):
        return named + timedelta(days=1)
    if m.group("sameday"):
        return named
    return None


def _period_start(m: re.Match[str], resolved: date) -> date:
    """The first day of the period a dating expression names (its month or year when it names no day):
    截至2023年6月 in an article of 15 June 2023 resolves to 30 June, but the month it names has begun."""
    if any(m.group(g) for g in ("d", "rd", "md_d", "wdd", "wd", "yday", "dbyday", "now", "lastm", "since")):
        return resolved
    if any(m.group(g) for g in ("m", "rm", "md_m", "fm")):
        return resolved.replace(day=1)
    if m.group("qn") or m.group("qn2"):
        return resolved.replace(day=1) - timedelta(days=62)
    return date(resolved.year, 1, 1)


def _answer(m: re.Match[str] | None, pub: date | None) -> tuple[str | None, str | None]:
    if m is None:
        return None, None
    resolved = _resolve(m, pub)
    if resolved is not None and pub is not None and _period_start(m, resolved) > pub and (
            m.group("cut").startswith(_CUT_OFF_WORDS) or resolved.year > pub.year + FUTURE_MAX_YEARS):
        resolved = None  # after publication: see FUTURE_MAX_YEARS
    return (resolved.isoformat() if resolved else None), m.group(0)


# A wire item's dateline (【新华社北京十二日电】, 【路透社台北7日电】, 【法新社莫斯科六月十六日电】, 据新华社二十七日讯,
# 【日本广播协会电台16日广播】) names the day its 今天 / 昨天 / 星期二 are counted from: a digest of wire copy (参考消息,
# the foreign news of 人民日报) prints items filed one to several days before the paper's date
# (tests/gold/pages_facts.yaml: 今天 of a 26th item in a paper of the 27th). The day without a month is in the
# publish month, or the month before when it is later than the publish day.
# Modern mainland papers open an item's first paragraph with the same dateline, unbracketed (本报北京10月31日讯,
# 新华社北京1月17日电, 人民日报7月30日讯, 本报嘉积12月9日电): at a line's start it is one too (the filing day is
# the day before the paper's as often as not: 今天召开的会议 in a 31 October item of a 1 November paper).
DATELINE_RE = re.compile(rf"(?:【|据|^)[^【】\n，,。]{{0,16}}?(?:(?P<mo>{_NUM})月)?(?P<day>{_NUM})日(?:电|讯|专电|广播)"
                         r"(?![话视脑器力影子网台源])", re.MULTILINE)  # (not 5日电话回访, 6日电视台)


def dateline_day(m: re.Match[str], pub: date) -> date | None:
    """The day a dateline match names, reckoned from the publish date `pub`."""
    day, mo = _num(m.group("day")), _num(m.group("mo")) if m.group("mo") else None
    if day is None or not 1 <= day <= 31:
        return None
    try:
        if mo is not None:
            out = date(pub.year, mo, day)
            return out if out <= pub else date(pub.year - 1, mo, day)
        if day <= pub.day:
            return pub.replace(day=day)
        return (pub.replace(day=1) - timedelta(days=1)).replace(day=day)
    except ValueError:
        return None


class AsOfIndex:
    """The dating expressions of one text, found in one scan; `at` answers for any sentence prefix.

    `AsOfIndex(text, pub, endpos).at(start, pos) == resolve_as_of(text[start:pos], ref)` for every
    `start <= pos <= endpos` where `start` is 0 or follows a sentence break (。！!？?\n), and `ref` is
    the day of the last wire dateline before the answering match (DATELINE_RE), else `pub`: a text
    with many numbers is scanned once instead of once per number.
    """

    def __init__(self, text: str, publish_date: str | None, endpos: int) -> None:
        self._text = text
        self._pub = _parse_iso(publish_date)
        self._all = list(AS_OF_RE.finditer(text, 0, endpos))
        self._all_starts = [m.start() for m in self._all]
        self._matches = [m for m in self._all if not is_base(text, m)]
        self._starts = [m.start() for m in self._matches]
        self._datelines: list[tuple[int, date]] = []
        if self._pub is not None and "日" in text:
            for d in DATELINE_RE.finditer(text, 0, endpos):
                day = dateline_day(d, self._pub)
                if day is not None:
                    self._datelines.append((d.end(), day))
        self._dateline_ends = [e for e, _ in self._datelines]

    def _ref(self, m: re.Match[str] | None) -> date | None:
        if m is None or not self._datelines:
            return self._pub
        i = bisect_left(self._dateline_ends, m.start() + 1)
        return self._datelines[i - 1][1] if i else self._pub

    def at(self, start: int, pos: int) -> tuple[str | None, str | None]:
        m = self.match_at(start, pos)
        return _answer(m, self._ref(m))

    def answer(self, m: re.Match[str] | None) -> tuple[str | None, str | None]:
        """(ISO date, words) of a match from match_at."""
        return _answer(m, self._ref(m))

    def match_at(self, start: int, pos: int) -> re.Match[str] | None:
        """The match resolve_as_of(text[start:pos]) answers from (positions in the whole text)."""
        # Why the one scan gives the prefix scan's answer: the pattern has no anchors, its only
        # lookbehinds (no digit or numeral before a number) see a sentence break at a prefix's start,
        # and no match holds a sentence break, so the scan of text[start:pos] finds exactly the
        # matches of the whole scan that lie in [start, pos) — except where a match of the whole
        # scan runs past pos: there the prefix ends inside it, and only from its start on is the
        # prefix scanned again.
        # (The match that may run past pos is the last of ALL matches before it, a dropped one included: 二月以上 is
        # one match, dropped as a length, while a prefix ending after 二月 holds the month 二月.)
        k = bisect_left(self._all_starts, pos)
        if k == 0:
            return None
        last = self._all[k - 1]
        if last.end() > pos:
            cut = [c for c in AS_OF_RE.finditer(self._text, last.start(), pos) if not is_base(self._text, c)]
            if cut:
                return cut[-1] if cut[-1].start() >= start else None
            pos = last.start()
        i = bisect_left(self._starts, pos)
        m = self._matches[i - 1] if i else None
        if m is None or m.start() < start:
            return None
        return m
