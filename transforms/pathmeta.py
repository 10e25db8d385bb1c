"""Metadata an archive keeps outside the text: dates in file and folder names, e-paper header lines.

Archives are kept by date: a crawler names each article `20191029-01-04.txt` (date, page, number), a
saver files pages under `2019/10/29/` or `2019-10-29/`, a person types `2019年10月29日.txt`. These are
read here (pure functions, no I/O); `gonghui.transforms.segment` decides their precedence against the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import PurePosixPath

from gonghui.transforms.dates import EARLIEST_PATH_DATE

# --- dates in paths ----------------------------------------------------------------------------------
# One component (file stem or folder name) holding a whole date. The left and right neighbours must not
# be digits (20191029 inside 1201910299 is a number, not a date). A component that is a hex digest
# (content-addressed file names such as 004_2346e4344e25976a) is never read for dates: its digits are
# chance.
_COMPACT_RE = re.compile(r"(?<!\d)(\d{4})(\d{2})(\d{2})(?!\d)")
_SEP_RE = re.compile(r"(?<!\d)(\d{4})([-_.])(\d{1,2})\2(\d{1,2})(?!\d)")
_CN_RE = re.compile(r"(?<!\d)(\d{4})年(\d{1,2})月(\d{1,2})[日号]")
_HEX_DIGEST_RE = re.compile(r"[0-9a-f]{12,}", re.IGNORECASE)
# Folder trees: .../2019/10/29/... (year, month, day folders) or .../2019-10/29/... (people.com.cn-style
# year-month folder then day folder) or .../2019/1029/...
_YEAR_RE = re.compile(r"(?:19|20)\d{2}")
_MONTH_RE = re.compile(r"\d{1,2}")
_YM_RE = re.compile(r"((?:19|20)\d{2})[-_]?(\d{2})")
_MMDD_RE = re.compile(r"(\d{2})(\d{2})")


@dataclass(frozen=True)
class PathDate:
    """A date found in a path: ISO value, the text it was read from, and why it was refused (if so)."""

    iso: str | None
    text: str
    refused: str | None = None  # date_after_run | date_before_1949 | not_a_calendar_date


def _check(y: int, m: int, d: int, text: str, today: date) -> PathDate:
    try:
        dt = date(y, m, d)
    except ValueError:
        return PathDate(None, text, "not_a_calendar_date")
    if dt > today:
        return PathDate(None, text, "date_after_run")
    if dt < EARLIEST_PATH_DATE:
        return PathDate(None, text, "date_before_1949")
    return PathDate(dt.isoformat(), text)


def _in_component(comp: str, today: date) -> PathDate | None:
    if _HEX_DIGEST_RE.search(comp):
        return None
    for rx in (_CN_RE, _SEP_RE, _COMPACT_RE):
        m = rx.search(comp)
        if m:
            g = m.groups()
            y, mo, d = (g[0], g[2], g[3]) if rx is _SEP_RE else g
            return _check(int(y), int(mo), int(d), m.group(0), today)
    return None


def _in_folders(parts: list[str], today: date) -> PathDate | None:
    """Year / month / day folders (2019/10/29), year-month / day (2019-10/29), year / monthday (2019/1029)."""
    for i in range(len(parts) - 1, -1, -1):
        p = parts[i]
        nxt = parts[i + 1] if i + 1 < len(parts) else None
        nxt2 = parts[i + 2] if i + 2 < len(parts) else None
        if _YEAR_RE.fullmatch(p) and nxt and nxt2 and _MONTH_RE.fullmatch(nxt) and _MONTH_RE.fullmatch(nxt2):
            return _check(int(p), int(nxt), int(nxt2), f"{p}/{nxt}/{nxt2}", today)
        if _YEAR_RE.fullmatch(p) and nxt and _MMDD_RE.fullmatch(nxt):
            m = _MMDD_RE.fullmatch(nxt)
            assert m is not None
            return _check(int(p), int(m.group(1)), int(m.group(2)), f"{p}/{nxt}", today)
        ym = _YM_RE.fullmatch(p)
        if ym and nxt and _MONTH_RE.fullmatch(nxt) and len(nxt) == 2:
            return _check(int(ym.group(1)), int(ym.group(2)), int(nxt), f"{p}/{nxt}", today)
    return None


def date_from_path(rel_path: str, today: date) -> PathDate | None:
    """The publish date a path names, nearest the file first: the file name, then each folder upward,
    then year/month/day folder trees. None when the path names no date; a PathDate with `refused` set
    when what looks like a date is not one (after the run, before 1949, 20191340)."""
    p = PurePosixPath(rel_path.replace("\\", "/").split("#", 1)[0])
    comps = [p.stem, *reversed(p.parent.parts)]
    refused: PathDate | None = None
    for comp in comps:
        found = _in_component(comp, today)
        if found is None:
            continue
        if found.iso:
            return found
        refused = refused or found
    tree = _in_folders(list(p.parent.parts), today)
    if tree is not None and (tree.iso or refused is None):
        return tree
    return refused


# --- e-paper header lines ----------------------------------------------------------------------------
# An e-paper page prints (and crawlers copy) a header line naming the paper, the date and the page:
#   解放日报　2022年05月28日　第1版        人民日报 2019年10月29日 第4/5版:要闻
#   2022年05月28日 第01版：要闻 解放日报
#   1951年9月15日人民日报 第1版     (an archive of the old paper: date, paper, page; tests/fixtures/realpages)
#   1953-06-13第1版面所有文章内容   (the same archive elsewhere: 版面 = page, then what the listing holds)
# A paper's name ends in 报 (日报, 晚报, 工人报, 青年报 …), 周刊/画报, or 新闻 (a news site's print edition:
# 众新闻); 2-12 characters. Older typesetting prints the date in full-width digits (１９９８年１月１日) or
# Chinese numerals (一九九八年一月一日): `\d` takes the full-width digits, the second form the numerals.
_PAPER = r"(?P<paper>[\u4e00-\u9fff]{1,10}(?:报|周刊|画报|新闻))"
_CN_NUM = "〇○零一二三四五六七八九十"
_DATE = (r"(?P<date>\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*[日号]|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}"
         rf"|[{_CN_NUM}]{{4}}年[{_CN_NUM}]{{1,2}}月[{_CN_NUM}]{{1,3}}[日号])(?:\s*星期[一二三四五六日天])?")
_PAGE = r"第\s*(?P<page>\d{1,3}(?:\s*/\s*\d{1,3})?)\s*版面?(?:\s*[:：]?\s*(?P<name>[\u4e00-\u9fffA-Za-z·]{1,12}))?"
_SEP = r"[\s　|·/,，]*"
_HEADER_RES = (
    re.compile(rf"^{_PAPER}{_SEP}{_DATE}{_SEP}{_PAGE}$"),
    re.compile(rf"^{_DATE}{_SEP}{_PAGE}{_SEP}{_PAPER}?$"),
    re.compile(rf"^{_PAPER}{_SEP}{_PAGE}{_SEP}{_DATE}$"),
    re.compile(rf"^{_DATE}{_SEP}{_PAPER}{_SEP}{_PAGE}$"),
)
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
# A header line is short: the longest layout above with a 12-character page name is ~40 characters.
EPAPER_HEADER_MAX_CHARS = 60


@dataclass(frozen=True)
class EpaperHeader:
    """What an e-paper header line names."""

    source: str | None
    publish_date: str | None  # ISO; None when the line's date is not a real date
    page: str
    page_name: str | None


def parse_epaper_header(line: str) -> EpaperHeader | None:
    """An e-paper header line (paper, date and page: `第1版`, `第4/5版:要闻`), else None."""
    s = line.strip()
    if len(s) > EPAPER_HEADER_MAX_CHARS or "。" in s:
        return None
    for rx in _HEADER_RES:
        m = rx.match(s)
        if not m:
            continue
        from gonghui.transforms.dates import parse_publish_date

        iso = parse_publish_date(re.sub(r"\s+", "", m.group("date")))
        page = re.sub(r"\s+", "", m.group("page")).translate(_FULLWIDTH_DIGITS)
        return EpaperHeader(m.group("paper"), iso, page, m.group("name"))
    return None


__all__ = ["PathDate", "date_from_path", "EpaperHeader", "parse_epaper_header"]
