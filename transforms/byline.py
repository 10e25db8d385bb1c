"""Bylines and credit lines -> authors, correspondents, photographers, editors."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

# Role words of Chinese newspaper credits. Longest first so 本报记者 wins over 记者.
AUTHOR_ROLES: tuple[str, ...] = ("本报特约记者", "本报实习记者", "本报见习记者", "本报记者", "特约记者",
                                 "实习记者", "见习记者", "首席记者", "记者", "本报评论员", "评论员", "作者",
                                 "撰文")
CORRESPONDENT_ROLES: tuple[str, ...] = ("本报通讯员", "特约通讯员", "通讯员")
# A collective correspondent (集体通讯员): a work unit's newsroom credited as one correspondent on the 1950s
# pages ((本报集体通讯员鞍钢工人报编辑部): tests/fixtures/realpages). What follows it names a group, not a person,
# and the group signs the report as its writer (an author).
COLLECTIVE_ROLES: tuple[str, ...] = ("本报集体通讯员", "集体通讯员")
PHOTO_ROLES: tuple[str, ...] = ("摄影", "摄")  # as a trailing mark: 王伟伟 摄
EDITOR_ROLES: tuple[str, ...] = ("责任编辑", "责编", "编辑", "校对")
# Openers of a news lead that carry the credits in parentheses: 本报讯(记者马学礼 通讯员胡相宁)
NEWS_LEAD_OPENERS: tuple[str, ...] = ("本报讯", "本刊讯")
# ... or a wire dateline: 新华社北京8月16日电(记者 X), 本报北京12月31日讯 (a paper's own dateline ends in 讯 as
# often as in 电); the place/date part is at most 12 characters.
WIRE_SOURCES: tuple[str, ...] = ("新华社", "中新社", "人民网", "本报")
# What the reporter works for, written onto the role word (新华社记者 张三, 总台央视记者, 岳池融媒记者): the ends
# of an outlet's name (a news agency, station, paper, site, a county's media centre, CCTV's short name).
OUTLET_SUFFIXES: tuple[str, ...] = ("社", "台", "报", "网", "融媒", "央视", "中心", "频道")
DISTRIBUTED_BY: tuple[str, ...] = ("社发", "网发", "台发", "报发")
# A block marker some papers print before a byline or a section head (■ 樊园芳 彭婷婷).
BYLINE_MARKERS = "■□◆●▲"
# Longest byline line: four names with roles fit well under 40 characters.
BYLINE_MAX_CHARS = 40
# A reporter credited in brackets, as a report closes: (记者 刘洋), (本报记者 张三 李四), (某县融媒记者 祝某 陈某),
# (本报集体通讯员…). The role word stands within the first 12 characters (an outlet or post written onto it:
# 中央广播电视总台央视 is 10), the names after it take at most 30; parse_credits reads what the brackets hold. A
# whole line so is a page's end credit (parse_bracketed_credit); after a report's last full stop, the
# cleaner's trailing credit (boilerplate.trailing_credit).
BRACKETED_CREDIT = r"[(（](?P<credit>[^()（）]{0,12}?(?:记者|通讯员)[^()（）]{1,30})[)）]"

# A Chinese personal name: 2-4 ideographs (surname + given name; compound surnames reach 4),
# or a transliterated name with a middle dot (买买提·艾力).
_HAN = "\u4e00-\u9fff"
NAME_RE = re.compile(rf"[{_HAN}]{{2,4}}|[{_HAN}]{{1,6}}[·•][{_HAN}]{{1,8}}")
# Without a role word or marker only 2-3 ideographs per name: most Chinese names, while 4-character
# phrases (灾后清淤 重建家园) are the stuff of headlines.
_BARE_NAME_RE = re.compile(rf"[{_HAN}]{{2,3}}|[{_HAN}]{{1,6}}[·•][{_HAN}]{{1,8}}")
# A group's name after a collective role: 2-16 ideographs (鞍钢工人报编辑部 is 8; the brackets hold 30 at most).
_GROUP_NAME_RE = re.compile(rf"[{_HAN}]{{2,16}}")
_ROLE_ALT = "|".join(re.escape(r) for r in sorted(AUTHOR_ROLES + CORRESPONDENT_ROLES + COLLECTIVE_ROLES,
                                                  key=len, reverse=True))
_ROLE_RE = re.compile(rf"({_ROLE_ALT})[:：]?")
_OUTLET_ROLE_RE = re.compile(
    rf"^[{_HAN}]{{1,8}}(?:{'|'.join(OUTLET_SUFFIXES)})(?:{'|'.join(AUTHOR_ROLES + CORRESPONDENT_ROLES)})\s*[{_HAN}]")
_PHOTO_TAIL_RE = re.compile(r"\s*(" + "|".join(PHOTO_ROLES) + r")$")
# A news lead's opener, from any reporter: who (a wire, paper, station or site: 新华社, 福建日报, 中工网), where
# and when (北京8月16日: at most 12 characters, ending in 日), then 电 or 讯; the credits in parentheses after it.
# The reporter's name is 1-10 ideographs ending in 网/社/台/报/刊 (中国网络电视台 is the longest seen); reposts
# may put a space after it (中新社 香港5月1日电).
_ANY_LEAD_RE = re.compile(
    r"^(?P<src>[\u4e00-\u9fff]{1,10}?[网社台报刊])\s?(?P<dateline>[^\s(（,，。]{0,12}?日)?[电讯]"
    r"\s*(?:[(（](?P<credits>[^()（）]{1,60})[)）])?\s*"
)
# Every lead of a reporter this module knows starts with one of these (a cheap test before the regex, run
# for every paragraph).
_NEWS_LEAD_HEADS = NEWS_LEAD_OPENERS + WIRE_SOURCES


@dataclass(frozen=True)
class NewsLead:
    """The opener of a news lead: `新华社北京8月16日电(记者 王伟)` -> source 新华社, its credits, and where the
    report's own text begins (`end`)."""

    source: str
    dateline: str
    credits: Credits | None
    end: int
    # A lead this module knows well enough to open an article on: 本报讯/本刊讯, or a known wire with its
    # dateline (WIRE_SOURCES). Any other reporter's lead (中工网讯) names a source, no more.
    known: bool


def parse_news_lead(paragraph: str) -> NewsLead | None:
    """The news lead `paragraph` opens with (offsets into paragraph.lstrip()), else None."""
    p = paragraph.lstrip()
    m = _ANY_LEAD_RE.match(p)
    if not m:
        return None
    src, dateline = m["src"], m["dateline"] or ""
    known = (src + p[m.end("src")] in NEWS_LEAD_OPENERS and not dateline) or (src in WIRE_SOURCES and bool(dateline))
    credits = parse_credits(m["credits"]) if m["credits"] else None
    return NewsLead(src, dateline, credits, m.end(), known)
_EDITOR_RE = re.compile(r"[(（]?\s*(?:" + "|".join(EDITOR_ROLES) + r")\s*[:：]\s*([^()（）]+?)\s*[)）]?$")
_SEP_RE = re.compile(r"[\s、,，;；/]+")


@dataclass(frozen=True)
class Credits:
    """Who wrote, reported, photographed: names in order of appearance."""

    authors: tuple[str, ...] = ()
    correspondents: tuple[str, ...] = ()
    photographers: tuple[str, ...] = ()
    roles_seen: tuple[str, ...] = field(default=())

    def __bool__(self) -> bool:
        return bool(self.authors or self.correspondents or self.photographers)

    def merge(self, other: Credits) -> Credits:
        def cat(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[str, ...]:
            return a + tuple(x for x in b if x not in a) if b else a

        return Credits(cat(self.authors, other.authors), cat(self.correspondents, other.correspondents),
                       cat(self.photographers, other.photographers), self.roles_seen + other.roles_seen)


def is_name(token: str) -> bool:
    return bool(NAME_RE.fullmatch(token))


# Credit strings repeat (a paper's reporters sign many articles); a parse is kept per string. The
# bound keeps memory flat on a long run.
CREDITS_CACHE_SIZE = 4096


@lru_cache(maxsize=CREDITS_CACHE_SIZE)
def parse_credits(text: str, *, default_role: str = "author") -> Credits | None:
    """Parse a credit string (记者马学礼 通讯员胡相宁 顾娟 / 本报记者 王伟伟 摄) or None if it is not one."""
    s = text.strip().lstrip(BYLINE_MARKERS).strip()
    if not s:
        return None
    photo = False
    m = _PHOTO_TAIL_RE.search(s)
    if m and m.start() > 0:
        photo = True
        s = s[: m.start()]
    groups: dict[str, list[str]] = {"author": [], "correspondent": []}
    role = default_role
    roles: list[str] = []
    parts = _ROLE_RE.split(s)
    for k, part in enumerate(parts):
        if not part or not part.strip():
            continue
        if k + 1 < len(parts) and part[-1:].strip() and (
                part.endswith(OUTLET_SUFFIXES) or "驻" in _SEP_RE.split(part)[-1]):
            # 新华社记者, 总台央视记者, 岳池融媒记者, 本报驻京记者: written onto the role word, the reporter's outlet
            # or post, no name
            part = part[: len(part) - len(_SEP_RE.split(part)[-1])]
            if not part.strip():
                continue
        if part in AUTHOR_ROLES or part.rstrip(":：") in AUTHOR_ROLES:
            role = "author"
            roles.append(part)
            continue
        if part in CORRESPONDENT_ROLES or part.rstrip(":：") in CORRESPONDENT_ROLES:
            role = "correspondent"
            roles.append(part)
            continue
        if part.rstrip(":：") in COLLECTIVE_ROLES:
            role = "collective"
            roles.append(part)
            continue
        for tok in _SEP_RE.split(part.strip()):
            if not tok:
                continue
            if tok.endswith(DISTRIBUTED_BY):
                continue  # 新华社发 (记者张三摄): who distributed the picture, not a name
            if role == "collective":
                if not _GROUP_NAME_RE.fullmatch(tok):
                    return None
                groups["author"].append(tok)
                continue
            if not is_name(tok):
                return None
            groups[role].append(tok)
    if not groups["author"] and not groups["correspondent"]:
        return None
    if photo:
        return Credits(photographers=tuple(groups["author"] + groups["correspondent"]), roles_seen=tuple(roles))
    return Credits(tuple(groups["author"]), tuple(groups["correspondent"]), (), tuple(roles))


def parse_byline_line(line: str, *, allow_bare_names: bool = False) -> Credits | None:
    """A whole line that is a byline: ■ 樊园芳 彭婷婷, 本报记者 黄仕强, 本报记者 王伟伟 摄, (bare) 黄榆.

    Bare name lines (no role word, no marker) are accepted only with `allow_bare_names`, i.e. where the
    caller knows a byline may stand (right under a headline): elsewhere a short line is a heading.
    """
    s = line.strip()
    if not s or len(s) > BYLINE_MAX_CHARS:
        return None
    if s[0] in "【[(（" and s[-1] in "】])）":  # a credit in brackets: 【撰文:小鸟】, (郭日朗摄)
        s = s[1:-1].strip()
        if not s:
            return None
    marked = s[0] in BYLINE_MARKERS
    # s is stripped, so _PHOTO_TAIL_RE finds a match exactly when s ends with a photo role.
    has_role = (bool(_ROLE_RE.match(s.lstrip(BYLINE_MARKERS).strip())) or s.endswith(PHOTO_ROLES)
                or bool(_OUTLET_ROLE_RE.match(s)))
    if not (marked or has_role or allow_bare_names):
        return None
    if not (marked or has_role) and not all(_BARE_NAME_RE.fullmatch(t) for t in s.split()):
        return None
    return parse_credits(s)


_BRACKETED_CREDIT_LINE_RE = re.compile(rf"^{BRACKETED_CREDIT}$")


def parse_bracketed_credit(line: str) -> Credits | None:
    """A whole line that is a credit in brackets: (记者 刘洋), (总台央视记者 高某 韩某某), (通讯员 李某) -> its
    credits; None for any other line (a note in brackets, a role word with no names after it)."""
    m = _BRACKETED_CREDIT_LINE_RE.match(line.strip())
    return parse_credits(m["credit"]) if m else None


def is_photo_credit(line: str) -> bool:
    c = parse_byline_line(line)
    return bool(c and c.photographers and not c.authors)


def split_news_lead(paragraph: str) -> tuple[NewsLead, str] | None:
    """`本报讯(记者马学礼 通讯员胡相宁 顾娟)“工会…` -> (the lead: its source, credits…, the rest of the paragraph);
    None if the paragraph opens with no known lead (NewsLead.known). The caller reads all it needs of the
    lead from the one parse."""
    p = paragraph.strip()
    lead = parse_news_lead(p) if p.startswith(_NEWS_LEAD_HEADS) else None
    if lead is None or not lead.known:
        return None
    return lead, p[lead.end:]


def starts_news_lead(paragraph: str) -> bool:
    """The paragraph opens with a known reporter's lead (NewsLead.known)."""
    p = paragraph.strip()
    if not p.startswith(_NEWS_LEAD_HEADS):
        return False
    lead = parse_news_lead(p)
    return lead is not None and lead.known


def parse_editor_line(line: str) -> tuple[str, ...]:
    """(责编:刘琼、黄瑾) -> (刘琼, 黄瑾); () when the line is not an editor credit."""
    m = _EDITOR_RE.search(line.strip())
    if not m:
        return ()
    names = tuple(t for t in _SEP_RE.split(m.group(1)) if t)
    return names if names and all(is_name(n) for n in names) else ()
