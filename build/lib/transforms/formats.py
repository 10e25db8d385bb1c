"""Recognise which layout a cleaned document comes in (people.com.cn page, e-paper, whole page, plain)."""

from __future__ import annotations

from transforms.byline import parse_byline_line, starts_news_lead
from transforms.records import CleanDoc

PEOPLE_COM_CN = "people_com_cn"
EPAPER_TRAILER = "epaper_trailer"
MULTI_ARTICLE_PAGE = "multi_article_page"
PLAIN = "plain"
FORMATS: tuple[str, ...] = (PEOPLE_COM_CN, EPAPER_TRAILER, MULTI_ARTICLE_PAGE, PLAIN)

# Boilerplate kinds the cleaner reports for each web layout.
_PEOPLE_KINDS = frozenset({"breadcrumb", "dateline"})
_EPAPER_KINDS = frozenset({"cms_trailer"})
# One article has one byline; two independent credit anchors (本报讯 leads, 本报记者 lines) on one
# page mean several articles were printed together.
MIN_ANCHORS_FOR_PAGE = 2


def count_article_anchors(paragraphs: list[str]) -> int:
    """Distinct news leads (本报讯(…)) and role bylines (本报记者 X, X 摄) among the paragraphs.

    A photo credit is no anchor: photos stand inside an article, and one article can carry several
    (黄思铭摄 twice under a real Hong Kong column that also names its writer, 【撰文:小鸟】). Only writers'
    credits of different people point to different articles."""
    anchors: set[object] = set()
    for p in paragraphs:
        if starts_news_lead(p):
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
    if count_article_anchors(paragraphs) >= MIN_ANCHORS_FOR_PAGE:
        return MULTI_ARTICLE_PAGE
    return PLAIN
