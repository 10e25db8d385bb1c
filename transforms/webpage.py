"""The furniture of a web page saved as text: its info line, the site's chrome and the page's <title> line.

A page copied or extracted from a news portal or a provincial union site keeps what its template printed
around the article: an info line under the headline (来源:X  时间:2023年09月14日  浏览次数:241, 发布日期:…,
zj66 发表于 2021-10-9 16:44:34), the site's chrome (a welcome banner with today's date, a menu, a language
bar, font-size and print controls, the ICP licence, a reprint notice, a forum's page footer) and, often, the
HTML <title> (headline + separator + site name) as its own line above the headline. Read as text, the info
line's date and source are lost and the chrome becomes the headline (欢迎您进入…门户网站, · 首页, zj66 发表于…):
the article is then held back as missing_publish_date / missing_source or loads under a wrong title.

Phenomenon and thresholds: 14 saved pages of 14 sites (provincial and city union sites, news portals, a
forum reposting 中工网, a content farm), stored public pages, read by hand; the site names and texts are not
kept in the repository (tests/test_webpage.py has pages written in the same shapes).
"""

from __future__ import annotations

import re
from typing import Any

from gonghui.transforms import byline
from gonghui.transforms.dates import parse_day_first_date, parse_publish_date, parse_publish_time

# --- the info line ----------------------------------------------------------------------------------
# Labels an info line is made of, by what their value is. Longest first inside the alternation, so
# 发布时间 is read as one label, not 发布 + 时间.
SOURCE_LABELS = ("信息来源", "文章来源", "本文来源", "新闻来源", "稿件来源", "转载自", "来源", "稿源", "出处", "转自",
                 "供稿", "来自")
DATE_LABELS = ("发布时间", "发布日期", "发表时间", "发表日期", "更新时间", "更新日期", "上传时间", "录入时间",
               "刊发时间", "出版日期", "日期", "时间", "发布于", "发表于")
AUTHOR_LABELS = ("作者", "撰稿", "撰文", "记者", "通讯员", "文")
EDITOR_LABELS = ("责任编辑", "值班编辑", "编辑", "责编", "编审", "审核", "审稿", "校对", "签发", "主编")
COUNTER_LABELS = ("浏览次数", "阅读次数", "点击次数", "访问次数", "浏览量", "阅读量", "点击量", "访问量", "点击数",
                  "浏览", "阅读", "点击", "人气", "评论")
CONTROL_LABELS = ("字体", "字号")
# Controls a template prints in the info line or on a line of its own (font size, print, close, share).
CONTROL_TOKENS = frozenset(("大", "中", "小", "默认", "打印", "打印本页", "关闭", "关闭窗口", "收藏", "分享", "分享到",
                            "分享至", "返回", "返回顶部", "大中小", "【大", "中】", "小】", "【打印】", "【关闭】",
                            "[打印]", "[关闭]", "【大中小】", "[大中小]", "【", "】"))
# Labels written without a colon (发表于 DATE: a forum's post line).
_NO_COLON = ("发布于", "发表于")
_ALL_LABELS = sorted((*SOURCE_LABELS, *DATE_LABELS, *AUTHOR_LABELS, *EDITOR_LABELS, *COUNTER_LABELS,
                      *CONTROL_LABELS), key=len, reverse=True)
_LABEL_RE = re.compile(
    "(?:" + "|".join(re.escape(x) for x in _ALL_LABELS if x not in _NO_COLON) + r")\s*[:：]"
    + "|(?:" + "|".join(_NO_COLON) + r")(?=\s*\d)"
)
# The longest info line of the pages read was 44 characters (来源 + 时间 + 浏览次数); two more fields
# (作者, 编辑) and wide spacing fit in 100. A paragraph is longer, or has a full stop.
INFO_LINE_MAX_CHARS = 100
# A value: a source or a name list is short (the longest source read: 中国产业经济信息网, 9 characters;
# a paper's full name with its group runs to ~20).
SOURCE_MAX_CHARS = 30
NAMES_MAX_CHARS = 24
# An unlabelled name before the first label is the site or paper when it ends as one does.
_SITE_NAME_RE = re.compile(r"^[《]?[\u4e00-\u9fffA-Za-z0-9·]{2,20}(?:网|網|报|報|台|社|在线|新闻|客户端|官网|频道|杂志|周刊)[》]?$")
_FORUM_USER_RE = re.compile(r"^[\w\u4e00-\u9fff.\-]{1,20}$")
_COUNT_RE = re.compile(r"^\d*\s*(?:次|人次)?$")
_NAME_SPLIT_RE = re.compile(r"[\s、,，/]+")
# A content farm fills 来源: with its own batch code (sp20241118): letters then a date or serial number,
# no name. Six digits or more: a yymmdd stamp is the shortest seen.
_ID_VALUE_RE = re.compile(r"^[A-Za-z_\-]{0,8}\d{6,}$")


def is_id_value(value: str) -> bool:
    """A code where a name should be (sp20241118): no source."""
    return _ID_VALUE_RE.match(value.strip()) is not None


def _values(line: str) -> list[tuple[str, str]] | None:
    """(label, value) pairs of a line made of labelled fields; the text before the first label under ""."""
    marks = list(_LABEL_RE.finditer(line))
    if not marks:
        return None
    out = [("", line[: marks[0].start()].strip())]
    for k, m in enumerate(marks):
        label = m.group(0).rstrip(":：").strip()
        end = marks[k + 1].start() if k + 1 < len(marks) else len(line)
        out.append((label, line[m.end() : end].strip()))
    return out


def _strip_controls(value: str) -> str:
    """The value without the controls a template prints after it (时间:2023-05-12 【大 中 小】 打印)."""
    parts = value.split()
    while parts and parts[-1] in CONTROL_TOKENS:
        parts.pop()
    return " ".join(parts)


def parse_info_line(line: str) -> dict[str, Any] | None:
    """A page's info line -> {publish_date, publish_time, source, authors, editors}, else None.

    The line must be made of labelled fields only (every piece is a label's value, a site name before the
    first label, or a control), and name a valid date or a source: a sentence that mentions 时间: or 来源:
    is not an info line.
    """
    s = line.strip()
    if not s or len(s) > INFO_LINE_MAX_CHARS or "。" in s or not (":" in s or "：" in s or "发表于" in s or "发布于" in s):
        return None
    pairs = _values(s)
    if pairs is None:
        return None
    fields: dict[str, Any] = {}
    lead = _strip_controls(pairs[0][1])
    labels = [lab for lab, _ in pairs[1:]]
    if lead:
        if any(lab in _NO_COLON for lab in labels) and _FORUM_USER_RE.match(lead):
            pass  # the poster of a forum post (zj66 发表于 …): not the article's author
        elif _SITE_NAME_RE.match(lead):
            fields["source"] = lead.strip("《》")
        else:
            iso = parse_publish_date(lead)
            if iso is None or len(lead) > 24:
                return None
            fields["publish_date"] = iso
            fields["publish_time"] = parse_publish_time(lead)
    for label, raw in pairs[1:]:
        value = _strip_controls(raw)
        if label in DATE_LABELS:
            if not value:
                continue
            iso = parse_publish_date(value)
            if iso is None or len(value) > 24:
                return None
            fields.setdefault("publish_date", iso)
            t = parse_publish_time(value)
            if t:
                fields.setdefault("publish_time", t)
        elif label in SOURCE_LABELS:
            if len(value) > SOURCE_MAX_CHARS or any(ch in value for ch in ",，;；"):
                return None
            if value and is_id_value(value):
                fields["source_code"] = value  # furniture still, naming no one
            elif value:
                fields["source"] = value.strip("《》〈〉\"“” ")
        elif label in AUTHOR_LABELS or label in EDITOR_LABELS:
            if len(value) > NAMES_MAX_CHARS or any(ch in value for ch in ",，;；:："):
                return None
            names = tuple(n for n in _NAME_SPLIT_RE.split(value) if n)
            if names:
                key = "authors" if label in AUTHOR_LABELS else "editors"
                fields[key] = (*fields.get(key, ()), *names)
        elif label in COUNTER_LABELS:
            if not _COUNT_RE.match(value):
                return None
        elif label in CONTROL_LABELS:
            if any(tok not in CONTROL_TOKENS for tok in value.split()):
                return None
    if not (fields.get("publish_date") or fields.get("source") or fields.get("source_code")):
        return None
    return {k: v for k, v in fields.items() if v and k != "source_code"}


# --- the paper's edition line ------------------------------------------------------------------------
# A paper's web edition prints where and when an article ran: under the headline or at its foot
# (《工人日报》(2025年09月18日 02版), 《人民日报》（2022年10月17日 第 04 版）: people.com.cn and workercn.cn
# article pages), or as the page's header (工人日报 2025年09月18日 星期一, 2025年09月18日 星期一 工人日报; a
# repost runs the paper into its date: 力报2025-11-05).
# The line gives the source, the publish date and the page; nothing else may be on it.
# (one character before 报 is a paper too: Macau's 力报, Hong Kong's 明报)
PAPER_NAME = r"[\u4e00-\u9fff]{1,12}?(?:日报|晚报|晨报|早报|时报|商报|周报|导报|工人报|报|杂志|周刊)"
_EDITION_DATE = r"(?:\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|\d{4}[-/.]\d{1,2}[-/.]\d{1,2})"
_EDITION_PAGE = r"(?:第\s*(?P<page>\d{1,3})\s*版|(?P<page2>\d{1,3})\s*版)"
_WEEKDAY = r"(?:星期|周)[一二三四五六日天]"
_PRINT_LINE_RE = re.compile(
    rf"^[《〈]\s*(?P<paper>{PAPER_NAME})\s*[》〉]\s*[(（]\s*(?P<date>{_EDITION_DATE})\s*{_EDITION_PAGE}?\s*[)）]$")
_PAPER_HEADER_RE = re.compile(
    rf"^(?:[《〈]?(?P<paper>{PAPER_NAME})[》〉]?\s*(?P<date>{_EDITION_DATE})(?:\s*{_WEEKDAY})?"
    rf"|(?P<date2>{_EDITION_DATE})(?:\s*{_WEEKDAY})?\s+[《〈]?(?P<paper2>{PAPER_NAME})[》〉]?)$")
# The longest such line read: 《人民日报》（2022年10月17日 第 04 版） is 26 characters; room for spacing.
EDITION_LINE_MAX_CHARS = 40


def parse_edition_line(line: str) -> dict[str, Any] | None:
    """`《工人日报》(2025年09月18日 02版)` -> {source, publish_date, page}; `工人日报 2025年09月18日 星期一` ->
    {source, publish_date}; else None."""
    s = line.strip()
    if not s or len(s) > EDITION_LINE_MAX_CHARS or "年" not in s and "-" not in s and "/" not in s and "." not in s:
        return None
    m = _PRINT_LINE_RE.match(s) or _PAPER_HEADER_RE.match(s)
    if not m:
        return None
    groups = m.groupdict()
    iso = parse_publish_date(groups.get("date") or groups.get("date2"))
    if iso is None:
        return None
    fields: dict[str, Any] = {"source": groups.get("paper") or groups.get("paper2"), "publish_date": iso}
    page = groups.get("page") or groups.get("page2")
    if page:
        fields["page"] = str(int(page))
    return fields


# --- the site's chrome ------------------------------------------------------------------------------
# Each pattern is one kind of template line, matched on the whole line (or its start, where the rest is
# the same furniture: a disclaimer paragraph). Lengths bound them away from sentences.
_CHROME_STARTS = (
    # 欢迎您进入乐山市总工会门户网站  今天是:2026年03月03日 星期二 (a welcome banner, often with today's date)
    r"欢迎(?:您|你)?(?:访问|光临|进入|来到)[^。]{1,60}$",
    r"今天是[:：]?\s*(?:\d{4}年\d{1,2}月\d{1,2}日)?\s*(?:星期.|周.)?\s*$",
    r"(?:当前时间|当前位置|您现在的位置|你现在的位置|您的位置)[:：]?\s*$",
    # 字体:【大 中 小】, 【打印】【关闭】: controls on a line of their own
    r"(?:字体|字号)[:：]?\s*[【\[]?\s*(?:大\s*中\s*小)?\s*[】\]]?\s*$",
    r"(?:[【\[]?(?:打印本页|打印|关闭窗口|关闭|收藏|返回顶部|返回)[】\]]?\s*){2,}$",
    # 转载请注明:URL, 【版权及免责声明】凡本网…: the site's notice (a disclaimer may run a paragraph)
    r"(?:转载请注明|转载请保留|本文链接)[:：][^。]{0,120}$",
    r"[【\[]?(?:版权及免责声明|版权声明|免责声明)[】\]]",
    # a forum's page footer: 页: [1] 2 3, 查看完整版本: X, 返回列表
    r"页[:：]\s*\[\d+\][\d\s\[\]]*$",
    r"(?:查看完整版本|返回列表)(?:[:：].{0,60})?$",
    # 推荐:泉州在线福建省卫健委… (a row of recommended links)
    r"(?:推荐|热点推荐|友情链接)[:：][^。,，]{0,80}$",
    # 网址: www.example.com: the site's address on a line of its own
    r"(?:网址|网站|官网)[:：]\s*(?:https?://)?[\w\-]+(?:\.[\w\-]+)+\S*$",
)
# One pattern, tried once per line; the lookahead turns most lines away on their first character.
_CHROME_START_RE = re.compile(
    "^(?=[欢今当您你字【\\[打关收返转本版免页查推热友网官])(?:" + "|".join(_CHROME_STARTS) + ")")
# 冀ICP备2021022604号-10, 京公网安备 11010502000001号: the site's licence line (looked for only when the
# line holds ICP or 公网安备)
_ICP_RE = re.compile(r"^[^。]{0,40}(?:ICP备|ICP证|公网安备)\s*[\d\-]+号?[^。]{0,60}$")
# 新闻热线: 0591-87381859, 联系电话 …: the site's contact line (only when the line holds 热线 or 电话)
_CONTACT_RE = re.compile(r"^[^。]{0,60}(?:新闻热线|联系电话|举报电话|热线电话|服务热线)[:：]\s*[\d\-—()（） ]{7,}[^。]{0,40}$")
# A language bar names several languages in their own scripts (EnglishEspañolFrançais…日本語한국어).
LANGUAGE_NAMES = ("English", "Español", "Français", "Deutsch", "Português", "Русский", "日本語", "日本语", "한국어",
                  "عربى", "عربي", "繁體", "繁体", "Italiano")
LANGUAGE_BAR_MIN_NAMES = 3
LANGUAGE_BAR_MAX_CHARS = 160
# Every chrome line but a disclaimer is at most this long (the bounds above: 转载请注明 + 120, the language
# bar's 160): the cleaner offers a longer line to is_chrome only when it opens as a disclaimer does.
CHROME_MAX_CHARS = LANGUAGE_BAR_MAX_CHARS
LONG_CHROME_FIRST_CHARS = "【[版免"
_CHROME_HINT_RE = re.compile("ICP|公网安备|热线|电话|English|Español|Français|Deutsch|Русский|日本|한국어|عرب")


# A portal's weather widget: today's date or weekday with the temperature (5月16日 (星期四)25°C 65).
_WEATHER_RE = re.compile(r"^(?=.*(?:星期|周)[一二三四五六日天]|.*\d{1,2}月\d{1,2}日)[^。,，]{0,30}?-?\d{1,2}\s*(?:°C|℃)[^。,，]{0,12}$")
# A financial site's index ticker: an index's name, its level and its change (恒生指数 26,567.12 -465.42).
_TICKER_RE = re.compile(r"^\S{2,12}指数\S{0,2}\s+[\d,]+(?:\.\d+)?\s+[+\-−][\d,]+(?:\.\d+)?")
# A row of the reader's controls only (返回 放大 + 缩小 -): two of them or more.
CONTROL_ROW_TOKENS = CONTROL_TOKENS | {"放大", "缩小", "+", "-", "A+", "A-", "字体大小", "默认字号", "大字", "小字"}
CONTROL_ROW_MAX_CHARS = 40
# The page's counters without a colon (阅读16, 阅读 1.2万 在看 3 赞 5: news apps and WeChat copies).
_COUNTERS_RE = re.compile(r"^(?:(?:阅读|浏览|点击|点赞|在看|赞|评论|转发)\s*\d+(?:\.\d+)?[万wW]?\+?\s*)+$")


def is_chrome(line: str) -> bool:
    """Is this line the site's chrome (a template line, never the article's text)?"""
    s = line.strip()
    if not s:
        return False
    if _CHROME_START_RE.match(s):
        return True
    if len(s) <= CONTROL_ROW_MAX_CHARS:
        tokens = s.split()
        if all(t in CONTROL_ROW_TOKENS for t in tokens) and (len(tokens) >= 2 or len(s) >= 2):
            return True  # 返回 放大 + 缩小 -, or one control of two characters or more alone (分享)
        if _COUNTERS_RE.match(s):
            return True
        if ("°C" in s or "℃" in s) and _WEATHER_RE.match(s):
            return True
    if "指数" in s and _TICKER_RE.match(s):
        return True
    hint = _CHROME_HINT_RE.search(s)  # one scan for what the three patterns below need
    if hint is None:
        return False
    word = hint.group(0)
    if word in ("ICP", "公网安备"):
        return _ICP_RE.match(s) is not None
    if word in ("热线", "电话"):
        return _CONTACT_RE.match(s) is not None
    # a bar has no sentence in it: a body sentence naming languages (提供English、日本語、한국어服务。) stays
    return (len(s) <= LANGUAGE_BAR_MAX_CHARS and not any(ch in s for ch in "。,，、;；")
            and sum(name in s for name in LANGUAGE_NAMES) >= LANGUAGE_BAR_MIN_NAMES)


# --- a menu, and the page's <title> line -------------------------------------------------------------
# A menu: a run of bullet items at the head of the page (• 首页 / • 信息公开 / • 工作动态 …). Three items
# are a menu; one or two bullets may be the article's own list. An item is a link label: short.
MENU_MIN_ITEMS = 3
MENU_ITEM_MAX_CHARS = 10
_MENU_BULLETS = "•·▪◆●○■□-*"
_MENU_ITEM_RE = re.compile(rf"^[•·▪◆●○■□\-*]\s*[^\s。,，]{{1,{MENU_ITEM_MAX_CHARS}}}$")
# The <title> line is one of the first lines (within the head the template prints before the article).
PAGE_HEAD_LINES = 15
# 福建省2675个户外劳动者服务站点上线-新华网, X_中工网, X | 人民网: headline, separator, site name.
_TITLE_SUFFIX_RE = re.compile(r"^(?P<head>.{4,80}?)\s*(?:[-_|–—]|——|\s-\s)\s*(?P<site>[^-_|–—]{2,20})$")
_LATIN_SITE_RE = re.compile(r"^[A-Za-z][A-Za-z0-9.\-]{1,24}$")
_TITLE_SEP_RE = re.compile(r"[-_|–—]")
TITLE_LINE_MAX_CHARS = 104  # headline (80) + separator + site name (20) + spaces
_FORUM_TITLE_RE = re.compile(r"^查看完整版本[:：]\s*(?P<head>.{4,80})$")
_BULLET_RE = re.compile(r"^[•·▪◆●○■□]\s*")


# A related-items list at the page's foot: a label (更多, 相关新闻 …), then only short headline lines with list
# numbers or time stamps (2小时前, 2024-05-01 10:00) to the end of the page. A print paper's 相关阅读 box holds
# paragraphs (it stays: linekinds.EDITORIAL_LABELS); a web list holds headlines.
RELATED_HEADS = frozenset(("更多", "更多新闻", "更多资讯", "相关新闻", "相关阅读", "相关文章", "相关报道", "延伸阅读",
                           "推荐阅读", "热门推荐", "热门文章", "热门新闻", "猜你喜欢", "最新新闻", "热点新闻",
                           "大家都在看", "你可能感兴趣", "精彩推荐"))
RELATED_SCAN_LINES = 80  # the list stands in the page's last lines (the longest read: 10 items x 3 lines)
RELATED_MIN_LINES = 3
RELATED_LABEL_MAX_CHARS = 16  # the longest label (你可能感兴趣) with a list number and spaces
RELATED_ITEM_MAX_CHARS = 60  # a headline (linekinds.PLAIN_TITLE_MAX_CHARS bounds them the same way)
_LIST_MARK_RE = re.compile(r"^(?:\d{1,2}[.、)）]\s*|[•·▪◆●○■□*\-]\s*)")
_STAMP_RE = re.compile(r"^(?:\d{1,3}\s*(?:秒|分钟|小时|天|日)前|刚刚|昨天|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(?:\s+\d{1,2}:\d{2})?"
                       r"|\d{1,2}[-/]\d{1,2}(?:\s+\d{1,2}:\d{2})?)$")
# Counters a template prints above the article (likes, shares, comments): a line of digits before any text.
_RELATED_ANY_RE = re.compile("|".join(sorted(RELATED_HEADS, key=len, reverse=True)))
_COUNTER_RE = re.compile(r"^\d{1,7}$")
_HAN_OR_LETTER_RE = re.compile(r"[\u4e00-\u9fffA-Za-z]")


def _related_list(lines: list[str], idx: list[int]) -> list[int]:
    """Line indexes of a related-items list running to the page's end, else []."""
    tail = idx[-RELATED_SCAN_LINES:]
    if not tail or _RELATED_ANY_RE.search("\n".join(lines[tail[0]:])) is None:  # one C-speed scan first
        return []
    for pos, k in enumerate(tail):
        if len(lines[k]) > RELATED_LABEL_MAX_CHARS:
            continue
        label = _LIST_MARK_RE.sub("", lines[k].strip()).rstrip(":：>》 ")
        if label not in RELATED_HEADS:
            continue
        items = [lines[j].strip() for j in tail[pos + 1:]]
        if len(items) < RELATED_MIN_LINES or any(len(x) > RELATED_ITEM_MAX_CHARS or x.endswith("。") for x in items):
            continue
        marked = sum(bool(_LIST_MARK_RE.match(x) or _STAMP_RE.match(x)) for x in items)
        if 2 * marked >= len(items):
            return tail[pos:]
    return []


# --- the page's footer ---------------------------------------------------------------------------------
# A site's template ends the page with its footer: a back-to-top control (回上, 返回顶部), the site's links
# (关于我们 | 使用条款 | 联络我们), the copyright line, then notices and ads. From the first of these marks among
# the page's last FOOTER_SCAN_LINES lines to the end, every line is the site's (the longest footer of the
# probe pages ran 12 lines after its first mark).
FOOTER_SCAN_LINES = 20
_COPYRIGHT_RE = re.compile(r"(?i)copyright|all rights reserved|版权所有|版權所有")
NAV_WORDS = ("关于我们", "联系我们", "联络我们", "使用条款", "服务条款", "私隐政策", "隐私政策", "私隐条款", "隐私条款",
             "免责声明", "网站地图", "回主页", "广告服务", "广告查询", "招聘信息", "版权声明", "意见反馈")
NAV_BAR_MIN_WORDS = 2
BACK_TO_TOP = frozenset(("回上", "返回顶部", "回到顶部", "回顶部", "TOP", "Top", "↑", "返回页首", "友情链接"))
FOOTER_MARK_MAX_CHARS = 200
# A government or union site names who runs it in its footer (主办单位:某市总工会 承办:…).
SPONSOR_LABELS = ("主办单位", "主办:", "主办：", "主办方")
# The publisher a copyright or sponsor line names: 版权所有:某市总工会, 主办单位:某市总工会, Copyright 2024©
# Metro Broadcast Corporation Limited. The source of last resort (segment: after the lead's reporter).
_PUBLISHER_RE = re.compile(
    r"(?:版权所有|主办单位|主办)\s*[:：©]?\s*(?:©\s*)?(?P<han>[\u4e00-\u9fff]{2,20}?(?:社|会|局|台|网|报|中心|集团|公司|委员会|政府|部))(?![\u4e00-\u9fff])"
    r"|(?i:copyright)\s*(?:©|\(c\))?\s*(?:\d{4}(?:\s*[-–]\s*\d{4})?)?\s*(?:©)?\s*(?:by\s+)?"
    r"(?P<latin>[A-Z][A-Za-z0-9&.\- ]{1,60}?\b(?:Limited|Ltd\.?|Inc\.?|(?:Corporation|Company|Group|Media)(?: Limited| Ltd\.?)?))")


def publisher(line: str) -> str | None:
    """The organisation a copyright or sponsor line names, else None."""
    m = _PUBLISHER_RE.search(line)
    if not m:
        return None
    return (m["han"] or m["latin"] or "").strip() or None


_WORD_CHAR_RE = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")


def _is_footer_mark(s: str) -> bool:
    if len(s) > FOOTER_MARK_MAX_CHARS:
        return False
    return (s in BACK_TO_TOP or _COPYRIGHT_RE.search(s) is not None or s.startswith(SPONSOR_LABELS)
            or sum(w in s for w in NAV_WORDS) >= NAV_BAR_MIN_WORDS)


def _page_footer(lines: list[str], idx: list[int]) -> dict[int, dict[str, Any]]:
    """Line index -> fields ({"publisher": X} on a copyright line) from the footer's first mark to the end."""
    tail = idx[-FOOTER_SCAN_LINES:]
    start = next((pos for pos, k in enumerate(tail) if _is_footer_mark(lines[k].strip())), None)
    if start is None:
        return {}
    while start > 0 and not _WORD_CHAR_RE.search(lines[tail[start - 1]]):  # a bare "|" or rule above it
        start -= 1
    out: dict[int, dict[str, Any]] = {}
    for k in tail[start:]:
        name = publisher(lines[k]) if _COPYRIGHT_RE.search(lines[k]) or "主办" in lines[k] else None
        out[k] = {"publisher": name} if name else {}
    return out


def _stamped_list(lines: list[str], idx: list[int]) -> list[int]:
    """A list of other headlines without its label at the page's end: RELATED_MIN_LINES pairs or more of a
    headline over its time stamp (空管人员短缺… / 2025-11-07), running to the end. Line indexes, else []."""
    tail = idx[-2 * RELATED_SCAN_LINES:]
    pos = len(tail)
    while (pos >= 2 and _STAMP_RE.match(lines[tail[pos - 1]].strip())
           and not _STAMP_RE.match(lines[tail[pos - 2]].strip())
           and len(lines[tail[pos - 2]].strip()) <= RELATED_ITEM_MAX_CHARS
           and not lines[tail[pos - 2]].strip().endswith("。")):
        pos -= 2
    return tail[pos:] if (len(tail) - pos) // 2 >= RELATED_MIN_LINES else []


def scan_page(lines: list[str]) -> dict[int, tuple[str, dict[str, Any]]]:
    """Document-level furniture: line index -> ("site_chrome" | "page_title" | "dateline", fields).

    * a menu: MENU_MIN_ITEMS or more bullet items in a row among the first PAGE_HEAD_LINES lines;
    * the page's <title> line: headline + separator + site name, whose headline is another line of the page
      (the <h1>) — fields {"title": headline}; a forum footer 查看完整版本: X names the title the same way;
    * a bullet before the page's first line when no list follows (• 福建省…上线): the marker, not the line.
    """
    out: dict[int, tuple[str, dict[str, Any]]] = {}
    idx = [k for k, ln in enumerate(lines) if ln.strip()]
    head = idx[:PAGE_HEAD_LINES]
    run: list[int] = []
    bulleted = any(lines[k].lstrip()[:1] in _MENU_BULLETS for k in head)
    for k in [*head, -1] if bulleted else ():
        if k >= 0 and _MENU_ITEM_RE.match(lines[k].strip()):
            run.append(k)
            continue
        if len(run) >= MENU_MIN_ITEMS:
            for j in run:
                out[j] = ("site_chrome", {})
        run = []
    for k in head:  # counters above the article's first line
        if not _COUNTER_RE.match(lines[k].strip()):
            break
        out[k] = ("site_chrome", {})
    for k in [*_related_list(lines, idx), *_stamped_list(lines, idx)]:
        out[k] = ("site_chrome", {})
    for k, fields in _page_footer(lines, idx).items():
        out.setdefault(k, ("site_chrome", fields))
    # the headline printed twice in a row as the page's first text (its title block over its <h1>): the first
    # copy is the page's title. Only first: a caption repeated under a picture further down (图片 / 图片) is not.
    rest = [k for k in head if k not in out]
    if len(rest) >= 2:
        la, lb = lines[rest[0]].strip(), lines[rest[1]].strip()
        if la == lb and len(la) <= RELATED_ITEM_MAX_CHARS and _HAN_OR_LETTER_RE.search(la) and not la.endswith("。"):
            out[rest[0]] = ("page_title", {"title": la})
    _edition_head(lines, head, out)
    _head_furniture(lines, head, out)
    stripped: set[str] | None = None  # every line, stripped: built only when a title line is seen
    for k in head:
        if len(lines[k]) > TITLE_LINE_MAX_CHARS or not _TITLE_SEP_RE.search(lines[k]):
            continue
        m = _TITLE_SUFFIX_RE.match(lines[k].strip())
        # the part after the separator must read as a site's name (…网, …报, a Latin name): a headline in
        # two parts (挪威人太天真? - IKEA 的肉丸故事) has a phrase there
        if m and (_SITE_NAME_RE.match(m["site"].strip()) or _LATIN_SITE_RE.match(m["site"].strip())):
            stripped = stripped or {lines[j].strip() for j in idx}
            if m["head"].strip() in stripped and m["head"].strip() != lines[k].strip():
                out[k] = ("page_title", {"title": m["head"].strip()})
                break
    for k in idx[-PAGE_HEAD_LINES:]:
        m = _FORUM_TITLE_RE.match(lines[k].strip()) if "查看完整版本" in lines[k] else None
        if m:
            stripped = stripped or {lines[j].strip() for j in idx}
            fields = {"title": m["head"].strip()} if m["head"].strip() in stripped else {}
            out[k] = ("page_title", fields)
    return out


# A label that opens a text of its own (编者按: + the note): not template furniture even when bare.
TEXT_LABELS = frozenset(("编者按", "编者的话", "核心阅读", "阅读提示", "导读", "提要", "内容提要", "摘要", "按语",
                         "编后", "短评", "链接", "背景", "小资料"))
_BARE_LABEL_RE = re.compile(r"^([\u4e00-\u9fff]{1,6})[:：]$")
_MENU_WORD_RE = re.compile(r"^[a-z][a-z ]{1,11}$")
# The article's first paragraph ends the page's head furniture: a line longer than a headline, or a sentence.
PARAGRAPH_MIN_CHARS = 60


# A date line over the headline that names the site's sections after the date (2023年5月1日 时事脉搏 港闻): up
# to three section names of at most 4 characters each (the longest read: 时事脉搏).
_DATE_SECTIONS_RE = re.compile(r"^(?P<date>\d{4}年\d{1,2}月\d{1,2}日)(?:\s+[\u4e00-\u9fff]{2,4}){1,3}$")


def _head_furniture(lines: list[str], head: list[int], out: dict[int, tuple[str, dict[str, Any]]]) -> None:
    """Above the article's first paragraph: a template's bare label whose value is not on the page's text
    (热门:, 日期: with nothing after) and a lowercase menu word (news) are site_chrome; a date line the
    segmenter would not know as one (_DATE_SECTIONS_RE, a day-first date) is a ("dateline", fields)."""
    for n, k in enumerate(head):
        s = lines[k].strip()
        if len(s) >= PARAGRAPH_MIN_CHARS or s.endswith("。"):
            return
        if k in out:
            continue
        m = _BARE_LABEL_RE.match(s)
        nxt = lines[head[n + 1]].strip() if n + 1 < len(head) else ""
        if (m and m.group(1) not in TEXT_LABELS and len(nxt) < PARAGRAPH_MIN_CHARS) or _MENU_WORD_RE.match(s):
            out[k] = ("site_chrome", {})
        elif s[:1].isdigit():
            d = _DATE_SECTIONS_RE.match(s)
            iso = parse_publish_date(d["date"]) if d else parse_day_first_date(s)
            if iso is not None:
                t = parse_publish_time(s)
                out[k] = ("dateline", {"publish_date": iso, **({"publish_time": t} if t else {})})


def _edition_head(lines: list[str], head: list[int], out: dict[int, tuple[str, dict[str, Any]]]) -> None:
    """A paper's web edition at the head of a saved page (workercn.cn, people.com.cn paper pages):
    * its masthead line with the weekday (工人日报 2025年09月18日 星期一) opens the paper's content: the short
      lines above it are the site's menu (中工娱乐), site_chrome;
    * its print line right under a headline (“户外劳动者服务日” / 《工人日报》(2025年09月18日 02版)) names that
      line as the headline: ("page_title", {title, source, publish_date, page})."""
    for n, k in enumerate(head):
        s = lines[k].strip()
        if len(s) > EDITION_LINE_MAX_CHARS or k in out:
            continue
        if _PAPER_HEADER_RE.match(s) and re.search(_WEEKDAY, s) and parse_edition_line(s):
            for j in head[:n]:
                if len(lines[j].strip()) <= MENU_ITEM_MAX_CHARS:
                    out.setdefault(j, ("site_chrome", {}))
            continue
        if n and _PRINT_LINE_RE.match(s):
            fields = parse_edition_line(s)
            above = lines[head[n - 1]].strip()
            if (fields and head[n - 1] not in out and len(above) <= RELATED_ITEM_MAX_CHARS
                    and _HAN_OR_LETTER_RE.search(above) and above[-1] not in "。，,；;：:"):
                out[k] = ("page_title", {"title": above, **fields})
            return


def leading_bullet(lines: list[str], taken: dict[int, tuple[str, dict[str, Any]]]) -> tuple[int, str] | None:
    """(index, the line without its bullet) when the page's first line carries a lone bullet (• 福建省…上线)."""
    idx = [k for k, ln in enumerate(lines) if ln.strip() and k not in taken]
    if not idx:
        return None
    first = lines[idx[0]].strip()
    m = _BULLET_RE.match(first)
    if not m or len(first) - m.end() < 4 or not _HAN_OR_LETTER_RE.search(first[m.end():]):
        return None
    nxt = lines[idx[1]].strip() if len(idx) > 1 else ""
    if _BULLET_RE.match(nxt):
        return None  # a list, not a lone marker
    return idx[0], first[m.end():]


# --- a source named where the article's text begins ---------------------------------------------------
# 「本文来源:工人日报」… (a reposting site's note opening the text), 中工网讯 …, 新华社北京8月16日电 …: the
# lead names who reported it. Used only when no other place names a source (a page with no info line).
_LEAD_NOTE_RE = re.compile(r"^[「【\[(（]\s*(?:本文|文章|信息|新闻)?来源[:：]\s*([^」】\])）:：]{2,30})[」】\])）]"
                           r"|^(?:本文|文章|信息|新闻)?来源[:：]\s*([^\s:：,，。]{2,20})\s")
# 本报讯 / 本网讯 name no one: "this paper".
_SELF_REFERENCE = ("本报", "本网", "本台", "本刊", "本社")


def lead_source(paragraph: str) -> str | None:
    """The source a news lead names (中工网讯 -> 中工网, 「本文来源:工人日报」 -> 工人日报), else None."""
    s = paragraph.strip()
    m = _LEAD_NOTE_RE.match(s)
    if m:
        src = (m.group(1) or m.group(2) or "").strip("《》 ")
    else:
        lead = byline.parse_news_lead(s)  # 中工网讯, 新华社北京8月16日电: the one lead parser
        src = lead.source if lead else ""
    return _named_source(src)


def news_lead_source(lead: byline.NewsLead) -> str | None:
    """lead_source of a paragraph whose news lead is already parsed (byline.split_news_lead): 新华社, not 本报."""
    return _named_source(lead.source)


def _named_source(src: str) -> str | None:
    if src in _SELF_REFERENCE or src.startswith(_SELF_REFERENCE):
        return None
    return src or None
