"""Find, remove and count page boilerplate (breadcrumbs, datelines, mastheads, CMS trailers, footers)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import chain, combinations
from pathlib import Path
from typing import Any

from gonghui.transforms import webpage
from gonghui.transforms.byline import BRACKETED_CREDIT, parse_credits
from gonghui.transforms.normalize import normalize_text, only_spaces_to_tidy
from gonghui.transforms.records import BoilerplateHit

_DATA = Path(__file__).parent / "data"

# Kinds, as counted in CleanDoc.removed_counts.
KIND_BREADCRUMB = "breadcrumb"
KIND_DATELINE = "dateline"
KIND_MASTHEAD = "masthead"
KIND_CMS_TRAILER = "cms_trailer"
KIND_EDITOR_LINE = "editor_line"
KIND_SEO_FOOTER = "seo_footer"
KIND_READING_TIP = "reading_tip"
KIND_REPEATED_LINE = "repeated_line"
KIND_AUTHOR_BOX = "author_box"
KIND_SITE_CHROME = "site_chrome"  # a saved web page's template lines (transforms.webpage)
KIND_PAGE_TITLE = "page_title"  # a saved web page's <title> line: headline + site name (transforms.webpage)

# Input is normalised text (transforms.normalize): ASCII ,():;!?| and full-width 。、“”《》.

# --- breadcrumbs: "中国共产党新闻网>>中国工会新闻", "首页 > 新闻 > 正文", "当前位置: 人民网 » 工会" -------------
# A breadcrumb item is a short label: no sentence punctuation. 30 chars covers long channel names
# ("中国共产党新闻网" is 8) while refusing body sentences that merely contain ">".
_CRUMB_ITEM = r"[^\s<>»›。,;!?:、“”][^<>»›。,;!?、“”]{0,29}?"
_CRUMB_SEP = r"\s*(?:>>|»|›|>|→)\s*"
_BREADCRUMB_RE = re.compile(
    rf"^(?:当前位置|您的位置|你的位置|位置)?\s*:?\s*({_CRUMB_ITEM}(?:{_CRUMB_SEP}{_CRUMB_ITEM})+)\s*(?:>>|»|›|>)?$"
)
_CRUMB_SPLIT_RE = re.compile(_CRUMB_SEP)

# --- people.com.cn dateline: "2023年09月18日10:21 来源:《工人日报》" (also "来源:人民网-工人日报") -------------
_DATELINE_RE = re.compile(
    r"^(?P<y>\d{4})\s*[年\-/.]\s*(?P<m>\d{1,2})\s*[月\-/.]\s*(?P<d>\d{1,2})\s*日?"
    r"\s*(?P<time>\d{1,2}:\d{2}(?::\d{2})?)?\s*来源\s*:\s*(?P<source>.{1,40}?)\s*$"
)

# --- newspaper masthead: "贵州日报报刊社 … 出版 国内统一刊号:CN52-0013 代号65-1" -------------------------
_MASTHEAD_HINT_RE = re.compile(r"国内统一(?:连续出版物)?刊号|\bCN\s?\d{2}\s?-\s?\d{4}")
_CN_RE = re.compile(r"CN\s?(\d{2})\s?-\s?(\d{4})(?:/[A-Z]+)?")
_POSTAL_RE = re.compile(r"(?:邮发)?代号\s*:?\s*(\d{1,2}-\d{1,4})")
# The paper's name is the first token ending in 报 (贵州日报报刊社 -> 贵州日报, 工人日报社 -> 工人日报).
_PAPER_RE = re.compile(
    r"([\u4e00-\u9fff]{1,12}?(?:日报|晚报|工人报|时报|商报|晨报|早报|周报|导报|报))(?:报刊社|报业集团|社|传媒)?"
)
# A masthead line is short; a body sentence quoting a CN number is not one.
MASTHEAD_MAX_CHARS = 120

# --- CMS trailer left by the Founder/方正 ENP e-paper system's <!--enpproperty ...--> comment ---------------
# Two samples: "--> 2022-10-17 1 1 贵州日报 content_74878.html 1 TITLE /enpproperty-->"
#              "--> 2024-01-11 5 5 甘肃工人报 c135836.html 1 TITLE(下) /enpproperty-->"
# i.e. date, page, page (again), paper, the article's page file, an index, the title. Parsed by token
# type, not position, so a missing or extra token does not shift the other fields.
_CMS_HINT = "enpproperty"
_CMS_BODY_RE = re.compile(r"(?:<!--|-->)?\s*(?:enpproperty)?(.*?)/?enpproperty\s*-->", re.IGNORECASE)
_ISO_DATE_RE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_HTML_RE = re.compile(r"^[\w.\-]+\.s?html?$", re.IGNORECASE)
_SMALL_INT_RE = re.compile(r"^[A-Za-z]?\d{1,3}$")  # page numbers: 1, 05, A3

# --- editor line: "(责编:刘琼、黄瑾)", "(责任编辑:张三)", "责编 李四" ----------------------------------------
_EDITOR_RE = re.compile(
    r"[(\[【〔]?\s*(?:责任编辑|责编|编辑)\s*[:]?\s*(?P<names>[\u4e00-\u9fff·]{2,6}(?:\s*[、,/ ]\s*[\u4e00-\u9fff·]{2,6}){0,5})"
    r"\s*[)\]】〕]?\s*$"
)
_EDITOR_SPLIT_RE = re.compile(r"\s*[、,/ ]\s*")
# Only these strong words open an editor note at the end of a body line; "编辑" alone only as a line.
# ... at the end of the last paragraph, perhaps after the wire's end mark: 。(完)【编辑:李岩】 (中新社's closing
# form; bare 编辑 only with its colon, so a bracketed aside that mentions 编辑 stays).
_EDITOR_TAIL_RE = re.compile(
    r"(?:[(（]完[)）]\s*)?[(\[【〔]\s*(?:(?:责任编辑|责编)\s*:?|编辑\s*:)\s*(?P<names>[^()\[\]【】〔〕\n]{1,40}?)\s*[)\]】〕]\s*$"
)

# --- a reporter credited at the end of the last paragraph: …传递温暖与关爱。(某县融媒记者 祝某 陈某) ------------
# Mainland news closes a report so (the credit after the final full stop, in brackets: byline.BRACKETED_CREDIT,
# read by byline.parse_credits). Whole-line credits are the page splitter's end marks (byline.parse_bracketed_
# credit, in segment) and stay for it.
_TRAILING_CREDIT_RE = re.compile(rf"(?<=[。！？!?”」』])\s*{BRACKETED_CREDIT}\s*$")


def trailing_credit(line: str) -> tuple[dict[str, Any], str] | None:
    """`…关爱。(某县融媒记者 祝某 陈某)` -> ({authors, correspondents, photographers}, the text before it)."""
    m = _TRAILING_CREDIT_RE.search(line)
    if not m:
        return None
    c = parse_credits(m["credit"])
    if c is None:
        return None
    fields = {k: list(v) for k, v in (("authors", c.authors), ("correspondents", c.correspondents),
                                       ("photographers", c.photographers)) if v}
    return fields, line[: m.start()].rstrip()


# --- SEO link-spam footer: "集安市| 虞城县| 搜索| 手游| …" ----------------------------------------------------
# Recognised by shape: many short "|"-separated items. Place names and spam words are 2-6 chars;
# 10 leaves room for "霍林郭勒市"-length names and short English words ("SHOW") while a body sentence
# that happens to contain "|" has longer stretches between them. Five items: a two- or three-way
# "A | B | C" navigation is not spam, and our samples' footers carry 40.
SEO_MAX_ITEM_CHARS = 10
SEO_MIN_ITEMS = 5
# Fraction of items that must be short and punctuation-free (tolerates one odd item in a long footer).
SEO_MIN_SHORT_FRACTION = 0.9
_SEO_PUNCT_RE = re.compile(r"[。,;!?:、“”《》()]")

# --- 阅读提示 box ----------------------------------------------------------------------------------
_READING_TIP_RE = re.compile(r"^[【\[■□◆●]?\s*(?:阅读提示|阅读导引|导读)\s*[】\]]?\s*:?\s*(?P<rest>.*)$")

# --- repeated lines (CCNet-style paragraph hashing, per source) ---------------------------------------
# A line found verbatim in this many documents of one source is template, not reporting. Two or three
# would also catch a quote or slogan that two articles of the same week share; five is above that and
# still far below how often a real footer appears (every page of the site).
DEFAULT_MIN_DOCS = 5
# Lines shorter than this are never learned: one-word headings ("综述", "图片新闻", "阅读提示") and lone
# names repeat legitimately. Boilerplate words (below) override the limit for short footers ("扫码关注").
REPEATED_MIN_CHARS = 8
# Words that mark a line as site furniture even when it is short or looks like a heading (data file).
BOILERPLATE_HINT_WORDS: tuple[str, ...] = tuple(
    w
    for w in (
        line.strip()
        for line in (_DATA / "boilerplate_hint_words.txt").read_text(encoding="utf-8").splitlines()
    )
    if w and not w.startswith("#")
)
_HINT_RE = re.compile("|".join(re.escape(w) for w in BOILERPLATE_HINT_WORDS))
# A series banner ("团结奋斗开新局 喜迎工会十八大 工会工作巡礼") repeats across a series but is metadata
# the segmenter keeps (section_banner): space-separated CJK phrases, no punctuation.
_BANNER_RE = re.compile(r"^[\u4e00-\u9fff“”]{2,12}(?: [\u4e00-\u9fff“”]{2,12}){1,4}$")

# Link-spam footer: five short "|"-separated items, i.e. (?:[^|\n]{1,10}\|\s*){5,}. Written so that a
# search fails fast (the first item shortened to its last character, which any match has): the same
# texts match, and the clean suite's scan of a 2,000-document batch fell from 0.19 s to 0.04 s.
SEO_ITEMS_REGEX = r"[^|\n]\|(?:\s*[^|\n]{1,10}\|){4}"
# Regex for the clean-stage expectation: any *known* boilerplate left in cleaned text.
BOILERPLATE_MARKERS_REGEX: str = (
    r"enpproperty|<!--|-->|国内统一(?:连续出版物)?刊号|CN\d{2}-\d{4}"
    r"|[(\[【]\s*(?:责任编辑|责编)\s*:|责编\s*:"
    r"|[^\s>]\s*>>\s*[^\s>]"
    # SEO items on a line that does not open with "|": a line that does is a row of a pipe table (Markdown,
    # crawler exports: | 地区总部 | 106 | 114 |), content, not a footer (real Hong Kong articles carry such
    # tables of figures).
    r"|(?:^|\n)[^|\n]*" + SEO_ITEMS_REGEX +
    r"|\d{4}年\d{1,2}月\d{1,2}日\s*\d{1,2}:\d{2}\s*来源\s*:"
    r"|^\s*[【\[]?阅读提示[】\]]?\s*$"
)
BOILERPLATE_MARKERS_RE = re.compile(BOILERPLATE_MARKERS_REGEX, re.MULTILINE)


@dataclass(frozen=True)
class BoilerplateResult:
    """What `remove_boilerplate` returns: the text without boilerplate lines, the hits, the summary."""

    text: str
    hits: tuple[BoilerplateHit, ...]
    summary: str | None

    @property
    def counts(self) -> dict[str, int]:
        return dict(Counter(h.kind for h in self.hits))


# ------------------------------------------------------------------------------------------------
# Line parsers: each returns the hit's fields when the line is that kind of boilerplate, else None.


def parse_breadcrumb(line: str) -> dict[str, Any] | None:
    """`中国共产党新闻网>>中国工会新闻` -> {site, channel, path}."""
    if ">" not in line and "»" not in line and "›" not in line and "→" not in line:
        return None
    m = _BREADCRUMB_RE.match(line)
    if not m:
        return None
    items = [i.strip() for i in _CRUMB_SPLIT_RE.split(m.group(1)) if i.strip()]
    # A lone ">" between two words is too weak ("A>B" in a formula); require ">>" or 3+ items.
    if len(items) < 2 or (">>" not in line and "»" not in line and len(items) < 3):
        return None
    return {"site": items[0], "channel": items[-1], "path": items}


def parse_dateline(line: str) -> dict[str, Any] | None:
    """`2023年09月18日10:21 来源:《工人日报》` -> {publish_date, publish_time, source}."""
    if "来源" not in line:
        return None
    m = _DATELINE_RE.match(line)
    if not m:
        return None
    y, mo, d = int(m["y"]), int(m["m"]), int(m["d"])
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    fields: dict[str, Any] = {"publish_date": f"{y:04d}-{mo:02d}-{d:02d}"}
    if m["time"]:
        hh, mm = m["time"].split(":")[:2]
        fields["publish_time"] = f"{int(hh):02d}:{mm}"
    source = m["source"].strip()
    inner = re.search(r"《([^》]+)》", source)
    if inner:
        source = inner.group(1)
    elif "-" in source:  # 人民网-工人日报: the paper is the last part
        source = source.rsplit("-", 1)[1]
    source = source.strip(" 《》")
    if source:
        fields["source"] = source
    return fields


def parse_masthead(line: str) -> dict[str, Any] | None:
    """`贵州日报报刊社 … 国内统一刊号:CN52-0013 代号65-1` -> {paper, cn, postal_code}."""
    if len(line) > MASTHEAD_MAX_CHARS or not _MASTHEAD_HINT_RE.search(line):
        return None
    cn = _CN_RE.search(line)
    if not cn:
        return None
    fields: dict[str, Any] = {"cn": f"CN{cn.group(1)}-{cn.group(2)}"}
    paper = _PAPER_RE.search(line)
    if paper:
        fields["paper"] = paper.group(1)
    postal = _POSTAL_RE.search(line)
    if postal:
        fields["postal_code"] = postal.group(1)
    return fields


def parse_cms_trailer(line: str) -> dict[str, Any] | None:
    """`--> 2022-10-17 1 1 贵州日报 content_74878.html 1 TITLE /enpproperty-->` -> fields (defensively)."""
    if _CMS_HINT not in line.lower():
        return None
    m = _CMS_BODY_RE.search(line)
    body = m.group(1) if m else line
    tokens = [t for t in body.replace("<!--", " ").replace("-->", " ").split() if t.lower() != "enpproperty"]
    fields: dict[str, Any] = {}
    date_i = next((i for i, t in enumerate(tokens) if _ISO_DATE_RE.match(t)), None)
    html_i = next((i for i, t in enumerate(tokens) if _HTML_RE.match(t)), None)
    if date_i is not None:
        dm = _ISO_DATE_RE.match(tokens[date_i])
        assert dm is not None
        fields["publish_date"] = f"{int(dm.group(1)):04d}-{int(dm.group(2)):02d}-{int(dm.group(3)):02d}"
    start = date_i + 1 if date_i is not None else 0
    end = html_i if html_i is not None else len(tokens)
    between = tokens[start:end]
    pages = [t for t in between if _SMALL_INT_RE.match(t)]
    if pages:
        fields["page"] = pages[0].lstrip("0") or "0"
    names = [t for t in between if not _SMALL_INT_RE.match(t)]
    if names and html_i is not None:
        fields["paper"] = names[-1]
    if html_i is not None:
        fields["original_id"] = tokens[html_i]
        rest = tokens[html_i + 1 :]
        while rest and _SMALL_INT_RE.match(rest[0]):
            rest = rest[1:]
        title = " ".join(rest).strip()
        if title:
            fields["title"] = title
    return fields


def parse_editor_line(line: str) -> tuple[dict[str, Any], str] | None:
    """`(责编:刘琼、黄瑾)` -> ({editors: [...]}, the text left on the line, usually "")."""
    if "编" not in line:
        return None
    if len(line) <= 40:
        m = _EDITOR_RE.fullmatch(line)
        if m and (line.startswith(("(", "[", "【", "〔")) or "责" in line):
            return {"editors": _split_names(m["names"])}, ""
    tail = _EDITOR_TAIL_RE.search(line)
    if tail:
        names = _split_names(tail["names"])
        if names:
            return {"editors": names}, line[: tail.start()].rstrip()
    return None


def _split_names(names: str) -> list[str]:
    return [n for n in _EDITOR_SPLIT_RE.split(names.strip()) if n]


def parse_seo_footer(line: str, *, continuing: bool = False) -> dict[str, Any] | None:
    """A line of many short `|`-separated items -> {items, n_items}. `continuing`: the line before was one."""
    if line.count("|") < (1 if continuing else SEO_MIN_ITEMS - 1) or line.lstrip().startswith("|"):
        return None  # too few items, or a pipe-table row (see BOILERPLATE_MARKERS_REGEX)
    items = [i.strip() for i in line.split("|")]
    items = [i for i in items if i]
    if not items or (len(items) < SEO_MIN_ITEMS and not continuing):
        return None
    short = sum(1 for i in items if len(i) <= SEO_MAX_ITEM_CHARS and not _SEO_PUNCT_RE.search(i))
    if short < SEO_MIN_SHORT_FRACTION * len(items):
        return None
    return {"items": items, "n_items": len(items)}


# ------------------------------------------------------------------------------------------------


# An author box closes a column or blog post: "博客 | 林荣基", "主笔 | 杨健兴" — a role word, a bar, the
# writer's name or pen name — then at most a few lines of the writer's note (资深新闻工作者…). Seen at
# the foot of 341 of 896 real Hong Kong articles; the role words are those such boxes use.
AUTHOR_BOX_ROLES: tuple[str, ...] = ("博客", "主笔", "专栏", "专栏作者", "客席作者", "作者", "撰文", "文")
_AUTHOR_BOX_RE = re.compile(
    r"^(?:" + "|".join(sorted(AUTHOR_BOX_ROLES, key=len, reverse=True)) + r")\s*[|｜]\s*(?P<names>[^|｜。]{1,30})$")
_AUTHOR_SPLIT_RE = re.compile(r"\s*(?:&|＆|、|,|，|/|及)\s*")
# The writer's note after the box: a box followed by more than this many lines is not at the foot.
AUTHOR_BOX_TAIL_LINES = 3


def parse_author_box(line: str) -> dict[str, Any] | None:
    """"博客 | 飘杨 & 小鸟" -> {"authors": ["飘杨", "小鸟"]}; None when the line is no author box."""
    m = _AUTHOR_BOX_RE.match(line.strip())
    if not m:
        return None
    names = [n for n in _AUTHOR_SPLIT_RE.split(m["names"].strip()) if n]
    return {"authors": names} if names else None


def _author_box_at_foot(lines: list[str]) -> int | None:
    """Index of an author box among the document's last lines (its note may follow it), or None."""
    seen = 0
    for k in range(len(lines) - 1, -1, -1):
        if not lines[k].strip():
            continue
        if "|" in lines[k] or "｜" in lines[k]:
            if parse_author_box(lines[k]) is not None:
                return k
        seen += 1
        if seen > AUTHOR_BOX_TAIL_LINES:
            return None
    return None


def remove_boilerplate(text: str, repeated_lines: frozenset[str] = frozenset()) -> BoilerplateResult:
    """Drop boilerplate lines from normalised `text`; one hit per removed piece, the 阅读提示 box as summary."""
    lines = text.split("\n")
    kept: list[str] = []
    hits: list[BoilerplateHit] = []
    box = _author_box_at_foot(lines)
    if box is not None:  # the box and the writer's note after it: metadata, not body
        fields = parse_author_box(lines[box]) or {}
        note = "\n".join(ln for ln in lines[box + 1:] if ln.strip())
        hits.append(BoilerplateHit(KIND_AUTHOR_BOX, lines[box] + ("\n" + note if note else ""), fields))
        lines = lines[:box]
    summary_parts: list[str] = []
    in_seo = False
    tip_pending: str | None = None  # the 阅读提示 heading, waiting for its paragraph
    page = webpage.scan_page(lines)  # a saved web page's menu and <title> line
    bullet = webpage.leading_bullet(lines, page)
    for k, line in enumerate(lines):
        if not line:
            kept.append(line)
            continue
        if k in page:
            page_kind, page_fields = page[k]
            page_hit = {"page_title": KIND_PAGE_TITLE, "dateline": KIND_DATELINE}.get(page_kind, KIND_SITE_CHROME)
            hits.append(BoilerplateHit(page_hit, line, page_fields))
            continue
        if bullet is not None and k == bullet[0]:
            hits.append(BoilerplateHit(KIND_SITE_CHROME, line[: len(line) - len(bullet[1])].strip(), {}))
            kept.append(bullet[1])
            continue
        if tip_pending is not None:
            hits.append(BoilerplateHit(KIND_READING_TIP, f"{tip_pending}\n{line}", {"summary": line}))
            summary_parts.append(line)
            tip_pending = None
            continue
        kind, fields, rest = _classify(line, repeated_lines, in_seo)
        in_seo = kind == KIND_SEO_FOOTER
        if kind is None:
            kept.append(line)
            continue
        if kind == KIND_READING_TIP:
            if fields.get("summary"):  # "阅读提示:text" on one line
                hits.append(BoilerplateHit(kind, line, fields))
                summary_parts.append(fields["summary"])
            else:
                tip_pending = line
            continue
        removed = line if not rest else line[len(rest) :].strip()
        if kind == KIND_EDITOR_LINE or (kind == KIND_REPEATED_LINE and "编" in line and parse_editor_line(line)):
            # An editor line is an article's end mark (and one repeated across a batch is learned as a repeated
            # line): the page split (transforms.segment) needs where it stood, so the hit keeps the last text
            # line before it (issue 21: boundary evidence).
            fields = {**fields, "after": rest or next((k for k in reversed(kept) if k.strip()), "")}
        hits.append(BoilerplateHit(kind, removed, fields))
        if rest:
            kept.append(rest)
    if tip_pending is not None:  # a heading with nothing after it: still furniture
        hits.append(BoilerplateHit(KIND_READING_TIP, tip_pending, {}))
    summary = "\n".join(summary_parts) if summary_parts else None
    return BoilerplateResult("\n".join(kept), tuple(hits), summary)


def _classify(
    line: str, repeated_lines: frozenset[str], in_seo: bool
) -> tuple[str | None, dict[str, Any], str]:
    """(kind or None, fields, what remains of the line when only its tail was boilerplate)."""
    if repeated_lines and line in repeated_lines:
        return KIND_REPEATED_LINE, {}, ""
    fields: dict[str, Any] | None
    if _CMS_HINT in line or "enpproperty" in line.lower():
        fields = parse_cms_trailer(line)
        if fields is not None:
            return KIND_CMS_TRAILER, fields, ""
    if "刊号" in line or "CN" in line:
        fields = parse_masthead(line)
        if fields is not None:
            return KIND_MASTHEAD, fields, ""
    if "|" in line:
        fields = parse_seo_footer(line, continuing=in_seo)
        if fields is not None:
            return KIND_SEO_FOOTER, fields, ""
    if "来源" in line:
        fields = parse_dateline(line)
        if fields is not None:
            return KIND_DATELINE, fields, ""
    if "编" in line:
        editor = parse_editor_line(line)
        if editor is not None:
            return KIND_EDITOR_LINE, editor[0], editor[1]
    if line[-1:] in ")）" and ("记者" in line or "通讯员" in line):
        credit = trailing_credit(line)
        if credit is not None:
            return KIND_AUTHOR_BOX, credit[0], credit[1]
    if len(line) <= 80:
        fields = parse_breadcrumb(line)
        if fields is not None:
            return KIND_BREADCRUMB, fields, ""
    if "提示" in line or "导" in line:
        m = _READING_TIP_RE.match(line)
        if m:
            rest = m["rest"].strip()
            return KIND_READING_TIP, ({"summary": rest} if rest else {}), ""
    if len(line) <= webpage.EDITION_LINE_MAX_CHARS:
        fields = webpage.parse_edition_line(line)  # a paper's web edition: 《工人日报》(2025年09月18日 02版)
        if fields is not None:
            return KIND_DATELINE, fields, ""
    if len(line) <= webpage.INFO_LINE_MAX_CHARS:
        fields = webpage.parse_info_line(line)  # a saved web page's info line (来源:X 时间:Y 浏览次数:N)
        if fields is not None:
            return KIND_DATELINE, fields, ""
    if (len(line) <= webpage.CHROME_MAX_CHARS or line[0] in webpage.LONG_CHROME_FIRST_CHARS) and webpage.is_chrome(line):
        return KIND_SITE_CHROME, {}, ""
    return None, {}, ""


# ------------------------------------------------------------------------------------------------


_MULTI_SPACE_RE = re.compile(" {2,}")

# Documents are told apart by their longest lines. One is not enough: on a short page the footer can be
# the longest line. Three body paragraphs identify an article; three footers on a page are rare.
FINGERPRINT_LINES = 3


def line_key(line: str) -> str:
    """The form a line is counted and matched in: normalised, stripped."""
    return normalize_text(line).strip()


def _line_keys(text: str) -> set[str]:
    """The non-empty line_key of the text's lines: one check of the whole text, not one per line.

    When normalising would only tidy spaces (normalize.only_spaces_to_tidy), a line's key is the line with
    its runs of spaces collapsed, stripped; "\\n" is then the text's only line break.
    """
    if not only_spaces_to_tidy(text):
        keys = {line_key(line) for line in text.splitlines()}
    else:
        if "  " in text:
            text = _MULTI_SPACE_RE.sub(" ", text)
        keys = set(map(str.strip, text.split("\n")))
    keys.discard("")
    return keys


def is_learnable_line(key: str) -> bool:
    """May this line be learned as a repeated line? Short generic lines and series banners may not."""
    if not key:
        return False
    hinted = bool(_HINT_RE.search(key))
    if len(key) < REPEATED_MIN_CHARS and not hinted:
        return False
    if _BANNER_RE.match(key) and not hinted:
        return False
    return True


# A headline stands among a document's first lines: after an e-paper's header (masthead, page line, date
# line, kicker) it is at most the sixth non-empty line in the samples and the dev set's pages.
HEADLINE_TOP_LINES = 6
# ... and is a heading: at most this long (the segmenter's plain-title bound) and not a sentence.
HEADLINE_MAX_CHARS = 60
_SENTENCE_END_RE = re.compile(r"[。!?;]$")


@dataclass
class _Group:
    """One article's documents (copies and near-copies): the lines they hold, the lines at their tops."""

    fingerprint: frozenset[str]
    keys: set[str]
    top: set[str]
    opening: list[list[str]]  # per member, its heading-like opening lines in order
    members: list[int]
    texts: list[str] = field(default_factory=list)  # its members' texts (for _lede, when asked)


def _top_keys(text: str) -> list[str]:
    """The heading-like lines a document opens with: its first HEADLINE_TOP_LINES non-empty lines, up to
    the first sentence or long line (the body has begun: a footer below a short body is no headline)."""
    out: list[str] = []
    seen = 0
    for line in text.split("\n"):
        key = line_key(line) if line.strip() else ""
        if not key:
            continue
        if len(key) > HEADLINE_MAX_CHARS or _SENTENCE_END_RE.search(key):
            break
        # furniture the classifier knows (a masthead, breadcrumb, dateline) heads no article
        if not _HINT_RE.search(key) and _classify(key, frozenset(), False)[0] is None:
            out.append(key)
        seen += 1
        if seen >= HEADLINE_TOP_LINES:
            break
    return out


# --- versions of one article (issue 20 class 6) -------------------------------------------------------
# The same story saved several times with different site chrome (each site's header and footer, a long
# copyright line among them, changes the longest lines), or a revised copy, is one article: a line it
# repeats is not furniture. Such documents share the bulk of their body text; pages of one site share only
# their chrome, which is short, navigational or hint-worded (版权, 关注 ...), never body text.
# A body line is a sentence of reporting: it ends as a sentence does and is at least this long (a short
# closing sentence of news prose; the paragraph rejoiner's BODY_MIN_CHARS is 45).
BODY_LINE_MIN_CHARS = 20
_BODY_END_RE = re.compile(r"[。!?;”」』)]$")
# Two documents are versions of one article when the body lines they share are at least two lines and
# this many characters (two short paragraphs of news prose), and at least half of each one's body.
VERSION_MIN_SHARED_CHARS = 90
VERSION_MIN_SHARED_LINES = 2
VERSION_MIN_SHARE = 0.5
# ... and one of them opens its body (its first body line) with a line the other holds: an article's
# versions share its lede, while short pages of one site whose footer of sentences outweighs their own
# one-paragraph brief share only their ends (a footer is not where a page's reporting begins).
LEDE_LINES = 1
# A body line held by more documents than this is no evidence of versions: a story is not saved 20
# times in one batch, and pairing every holder of a line on every page would cost n^2.
VERSION_MAX_HOLDERS = 20


def is_body_line(key: str) -> bool:
    """Is this normalised line a sentence of reporting (not chrome)? See BODY_LINE_MIN_CHARS."""
    return (len(key) >= BODY_LINE_MIN_CHARS and _BODY_END_RE.search(key) is not None
            and not _HINT_RE.search(key) and _classify(key, frozenset(), False)[0] is None)


def _merge_versions(groups: list[_Group]) -> list[_Group]:
    """Groups that are versions of one article (see VERSION_MIN_SHARE) merged into one. Only lines held
    by two groups or more are judged, and only the groups they pair are measured: most pages share no
    body line with another page (measured on 1,983 generated pages at load 5: the learning pass 0.35-0.38
    -> 0.41-0.45 s, best of five; judging every line of every page first doubled it)."""
    holders: dict[str, list[int]] = {}
    for gi, g in enumerate(groups):
        for k in g.keys:
            holders.setdefault(k, []).append(gi)
    shared: dict[tuple[int, int], list[int]] = {}  # (group, group) -> [chars, lines] of body they share
    for k, gs in holders.items():
        if 2 <= len(gs) <= VERSION_MAX_HOLDERS and is_body_line(k):
            for a, b in combinations(gs, 2):
                acc = shared.setdefault((a, b), [0, 0])
                acc[0] += len(k)
                acc[1] += 1
    body: dict[int, set[str]] = {}  # group -> its body lines, for the groups a candidate pair names
    lede: dict[int, set[str]] = {}

    def body_of(gi: int) -> set[str]:
        if gi not in body:
            body[gi] = {k for k in groups[gi].keys if is_body_line(k)}
        return body[gi]

    def lede_of(gi: int) -> set[str]:
        if gi not in lede:
            lede[gi] = set(chain.from_iterable(_lede(t) for t in groups[gi].texts))
        return lede[gi]

    def versions(a: int, b: int, c: int, n: int) -> bool:
        if c < VERSION_MIN_SHARED_CHARS or n < VERSION_MIN_SHARED_LINES:
            return False
        if c < VERSION_MIN_SHARE * sum(map(len, body_of(a))) or c < VERSION_MIN_SHARE * sum(map(len, body_of(b))):
            return False
        return not (lede_of(a).isdisjoint(body_of(b)) and lede_of(b).isdisjoint(body_of(a)))

    parent = list(range(len(groups)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for (a, b), (c, n) in shared.items():
        if versions(a, b, c, n):
            parent[root(a)] = root(b)
    if all(root(i) == i for i in range(len(groups))):
        return groups
    merged: dict[int, _Group] = {}
    for gi, g in enumerate(groups):
        m = merged.get(root(gi))
        if m is None:
            merged[root(gi)] = _Group(g.fingerprint, set(g.keys), set(g.top), list(g.opening), list(g.members),
                                      list(g.texts))
        else:
            m.keys.update(g.keys)
            m.top.update(g.top)
            m.opening.extend(g.opening)
            m.members.extend(g.members)
            m.texts.extend(g.texts)
    return list(merged.values())


def _group_documents(texts: Iterable[str]) -> list[_Group]:
    """Documents grouped by article: copies share their FINGERPRINT_LINES longest lines; versions (the
    same story in other chrome, a revised copy) the bulk of their body lines (_merge_versions)."""
    return _merge_versions(_fingerprint_groups(texts))


def _fingerprint_groups(texts: Iterable[str]) -> list[_Group]:
    groups: dict[frozenset[str], _Group] = {}
    for i, text in enumerate(texts):
        keys = _line_keys(text)
        if not keys:
            continue
        # Longest first, equal lengths in string order: a stable sort by length of the sorted keys.
        fp = frozenset(sorted(sorted(keys), key=len, reverse=True)[:FINGERPRINT_LINES])
        g = groups.get(fp)
        if g is None:
            g = groups[fp] = _Group(fp, set(), set(), [], [])
        g.keys.update(keys)
        opening = _top_keys(text)
        g.top.update(opening)
        g.opening.append(opening)
        g.members.append(i)
        g.texts.append(text)
    return list(groups.values())


def _lede(text: str) -> list[str]:
    """The document's first LEDE_LINES body lines (is_body_line), in order."""
    out: list[str] = []
    for line in text.split("\n"):
        if line.strip() and is_body_line(key := line_key(line)):
            out.append(key)
            if len(out) >= LEDE_LINES:
                break
    return out


def count_line_documents(texts: Iterable[str]) -> Counter[str]:
    """Normalised line -> number of *distinct* documents containing it.

    Copies of one article (syndicated to several sites, or re-published) would make every line of it
    look repeated, so documents are told apart by their FINGERPRINT_LINES longest lines (body paragraphs
    identify an article): copies share them and count once; pages that share only furniture do not.
    """
    return Counter(chain.from_iterable(g.keys for g in _group_documents(texts)))


@dataclass(frozen=True)
class LearnedLines:
    """Lines learned as a batch's furniture, and per document the learned lines that are its own article's.

    A line repeated because other pages quote an article (a 相关新闻 box: its headline and a paragraph) is
    furniture on the quoting pages, not in the article it comes from: there it is kept (issue 20, class 6).
    """

    lines: frozenset[str]
    own: dict[int, frozenset[str]]  # document index -> learned lines its own article holds

    def for_document(self, index: int) -> frozenset[str]:
        own = self.own.get(index)
        return self.lines - own if own else self.lines


def learn_boilerplate(
    texts: Sequence[str],
    min_docs: int = DEFAULT_MIN_DOCS,
    *,
    prepare: Callable[[str], str],
) -> LearnedLines:
    """Lines found verbatim in at least `min_docs` of `texts` (one source's documents): its furniture;
    and, per document, the learned lines that are its own.

    A page's headline is its first heading-like opening line that is not a header (a line at the top of
    most pages holding it). A headline heading a minority of the pages holding it is their article's (the
    other pages quote it): it is theirs, and so is every learned line that only ever appears where that
    headline appears (the quoted paragraph travels with its headline). Corpus-learned repetition thus never takes a headline from its
    article. Each learned line is returned both as normalised and as it stands after the cleaner's
    repair/annotation/Simplified steps (`prepare`: transforms.clean.learn_boilerplate passes the cleaner's
    own), so the set matches the lines `clean_document(..., repeated_lines=...)` sees.
    """
    groups = _group_documents(texts)
    counts = Counter(chain.from_iterable(g.keys for g in groups))
    learned = {key for key, n in counts.items() if n >= min_docs and is_learnable_line(key)}
    forms: dict[str, set[str]] = {}
    for key in learned:
        forms[key] = {key}
        prepared = prepare(key)
        if prepared and is_learnable_line(prepared):
            forms[key].add(prepared)
    # A page's headline is its first opening line that is not a header (a line at the top of most pages
    # holding it: a site name, a channel bar).
    top_groups: Counter[str] = Counter(key for g in groups for key in g.top)
    header = {key for key, n in top_groups.items() if 2 * n >= counts[key] and counts[key] >= min_docs}
    heads: dict[str, set[int]] = {}  # headline -> groups it heads
    for gi, g in enumerate(groups):
        for opening in g.opening:
            head = next((k for k in opening if k not in header), None)
            if head is not None and counts[head] >= min_docs:
                heads.setdefault(head, set()).add(gi)
    where: dict[str, set[int]] = {key: set() for key in learned | heads.keys()}  # line -> groups holding it
    for gi, g in enumerate(groups):
        for key in g.keys & where.keys():
            where[key].add(gi)
    own: dict[int, set[str]] = {}
    for head, homes in heads.items():
        if 2 * len(homes) >= len(where[head]):
            continue  # heads most pages holding it: furniture after all
        quoted = {key for key in learned if where[key] <= where[head]}  # travels with the headline
        for gi in homes:
            mine = quoted & groups[gi].keys
            for doc in groups[gi].members:
                own.setdefault(doc, set()).update(chain.from_iterable(forms[k] for k in mine))
    lines = frozenset(chain.from_iterable(forms.values()))
    return LearnedLines(lines, {doc: frozenset(v) for doc, v in own.items()})


def learn_repeated_lines(
    texts: Sequence[str],
    min_docs: int = DEFAULT_MIN_DOCS,
    *,
    prepare: Callable[[str], str],
) -> frozenset[str]:
    """Every line learn_boilerplate learns (for all documents alike)."""
    return learn_boilerplate(texts, min_docs, prepare=prepare).lines
