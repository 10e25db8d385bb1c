"""Recognise which layout a cleaned document comes in (people.com.cn page, e-paper, whole page, plain)."""

from __future__ import annotations

import re

from gonghui.transforms.byline import parse_byline_line, starts_news_lead
from gonghui.transforms.records import CleanDoc

PEOPLE_COM_CN = "people_com_cn"
EPAPER_TRAILER = "epaper_trailer"
MULTI_ARTICLE_PAGE = "multi_article_page"
MARKDOWN_DAY = "markdown_day"
PLAIN = "plain"
FORMATS: tuple[str, ...] = (PEOPLE_COM_CN, EPAPER_TRAILER, MULTI_ARTICLE_PAGE, MARKDOWN_DAY, PLAIN)

# Boilerplate kinds the cleaner reports for each web layout.
_PEOPLE_KINDS = frozenset({"breadcrumb", "dateline"})
_EPAPER_KINDS = frozenset({"cms_trailer"})
# One article has one byline; two independent credit anchors (本报讯 leads, 本报记者 lines) on one
# page mean several articles were printed together.
MIN_ANCHORS_FOR_PAGE = 2
# A Markdown day file (a broadcast's day): two or more headings of one level, "### <story title>", each
# over its story. Two headings are the least that make several stories.
_MD_HEADING_RE = re.compile(r"^(#{1,6})\s+\S")
MIN_MARKDOWN_STORIES = 2
# End marks close an article on a page: （完）, （责任编辑：X）. One closes the page's only article; two or
# more, each an anchor, mean several articles.
_END_MARK_RE = re.compile(r"^[（(](?:完|终|责任编辑[:：][^()（）]{1,20}|责编[:：][^()（）]{1,20})[)）]$")


def is_markdown_day(paragraphs: list[str]) -> bool:
    """Two or more Markdown headings of the same level: a file of several stories under their headings."""
    levels: dict[int, int] = {}
    for p in paragraphs:
        m = _MD_HEADING_RE.match(p)
        if m:
            levels[len(m.group(1))] = levels.get(len(m.group(1)), 0) + 1
    return any(k >= MIN_MARKDOWN_STORIES for lv, k in levels.items() if lv >= 2)


def count_article_anchors(paragraphs: list[str]) -> int:
    """Distinct news leads (本报讯(…)) and role bylines (本报记者 X, X 摄) among the paragraphs.

    A photo credit is no anchor: photos stand inside an article, and one article can carry several
    (黄思铭摄 twice under a real Hong Kong column that also names its writer, 【撰文:小鸟】). Only writers'
    credits of different people point to different articles."""
    anchors: set[object] = set()
    for k, p in enumerate(paragraphs):
        if _END_MARK_RE.match(p):
            anchors.add(("end", k))
        elif starts_news_lead(p):
            anchors.add(p)
        else:
            c = parse_byline_line(p)
            if c is not None and c.roles_seen and (c.authors or c.correspondents):
                anchors.add((c.authors, c.correspondents))
    return len(anchors)


def detect_format(doc: CleanDoc, paragraphs: list[str] | None = None) -> str:
    """One of FORMATS: which layout `doc` was cut from.

    `paragraphs`: the stripped non-empty lines of doc.text, when the caller has them already."""
    kinds = {h.kind for h in doc.boilerplate}
    if kinds & _PEOPLE_KINDS:
        return PEOPLE_COM_CN
    if kinds & _EPAPER_KINDS:
        return EPAPER_TRAILER
    if paragraphs is None:
        paragraphs = [s for s in (p.strip() for p in doc.text.split("\n")) if s]
    if is_markdown_day(paragraphs):
        return MARKDOWN_DAY
    if count_article_anchors(paragraphs) >= MIN_ANCHORS_FOR_PAGE:
        return MULTI_ARTICLE_PAGE
    return PLAIN
