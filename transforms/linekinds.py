"""What a line of a page is (head, byline, news lead, dateline, box label, end mark, list item): the evidence segment splits on."""

from __future__ import annotations

import re

from gonghui.transforms import webpage
from gonghui.transforms.byline import (
    BYLINE_MARKERS,
    BYLINE_MAX_CHARS,
    Credits,
    parse_bracketed_credit,
    parse_byline_line,
    starts_news_lead,
)
from gonghui.transforms.dates import parse_publish_date, parse_publish_time
from gonghui.transforms.paragraphs import OPENING_HEADLINE_MAX_CHARS

# --- layout vocabulary and thresholds -------------------------------------------------------------
# Characters that end a sentence; a headline never contains the first group, a paragraph that ends
# with none of SENTENCE_END was cut mid-sentence (newspaper column jump).
SENTENCE_PUNCT = "。!?;！？；"
SENTENCE_END = "。!?;！？；…”’」』:：)）"
KICKER_TAIL = "——"  # 引题 often ends with a dash leading into the main title
# Headlines, kickers and section heads in the samples run up to 37 characters; body paragraphs
# without a full stop are rarely that short.
HEADLINE_MAX_CHARS = 40
# A kicker that ends in —— may be a whole clause (001's is 44 characters).
KICKER_MAX_CHARS = 60
# Numbered section heads (6 第五届…, 8“建功…) are long, up to 45 characters in the samples.
NUMBERED_HEADING_MAX_CHARS = 60
_NUMBERED_HEADING_RE = re.compile(r"^\d{1,2}(?![\d年月日.%,、:：\-])\s*\S")
# Editorial furniture printed on a line of its own above or inside an article: a column or box label,
# never a headline (issue 18: 核心阅读, 编者按, 短评, 链接, 相关阅读 and their common variants). Above the
# headline a label names the column: it becomes the section banner (栏目).
EDITORIAL_LABELS: frozenset[str] = frozenset({
    "核心阅读", "核心提示", "阅读提示", "编者按", "编后", "编后语", "短评", "链接", "相关链接", "新闻链接",
    "背景链接", "知识链接", "相关阅读", "延伸阅读", "相关新闻", "记者手记", "评论员文章",
})
# A bracketed label alone on its line (【绝活看点】, 【新闻链接】): a box's or column's name. Labels in the
# real-text dev set run up to 8 characters inside the brackets; 15 leaves room and stays below any
# headline printed in brackets with its sentence. (is_editorial_label's; a page's box label is _BRACKET_LABEL_RE.)
_EDITORIAL_BRACKET_LABEL_RE = re.compile(r"^[【\[]([^】\]]{1,15})[】\]]$")
# A decree printed with a law: the issuing body's decree line (中华人民共和国国务院令, 中华人民共和国主席令,
# 某某省人民政府令) and its number line (第724号), under the law's own headline.
_DECREE_RE = re.compile(r"^(?:中华人民共和国)?[\u4e00-\u9fff]{0,16}(?:国务院|主席|人民政府|委员会|部|局|署|办公厅)令$")
_DECREE_NO_RE = re.compile(r"^第\s*[0-9０-９一二三四五六七八九十百千零〇]+\s*号$")
# First line of an unknown layout taken as its title when it is no longer than this.
PLAIN_TITLE_MAX_CHARS = OPENING_HEADLINE_MAX_CHARS
_HEADER_DATELINE_RE = re.compile(
    r"^(?:(?:发布|发表|更新)?(?:时间|日期)[:：]\s*)?(\d{4}[年\-/.]\d{1,2}[月\-/.]\d{1,2}日?)\s*"
    r"(\d{1,2}[:：]\d{2}(?::\d{2})?)?\s*(?:来源[:：]\s*(?P<src>[^\s]+))?"
)
HAN_RE = re.compile(r"[\u4e00-\u9fff]")
# A headline in Latin script stands over Chinese text too (an English column's name: "Vigil").
LETTER_RE = re.compile(r"[\u4e00-\u9fffA-Za-z]")
# The same test as `any(c in s for c in SENTENCE_PUNCT)`, in one scan (it runs for every line of every
# document).
_SENTENCE_PUNCT_RE = re.compile("[" + re.escape(SENTENCE_PUNCT) + "]")
# No head (headline or kicker) is longer than this: a longer line is body text without a closer look.
_HEAD_MAX_CHARS = max(HEADLINE_MAX_CHARS, KICKER_MAX_CHARS)

# --- page evidence (issue 21): what a printed page shows about where its articles begin and end ---------
# Box labels and column labels printed over a box or a comment inside an article: never a headline.
PAGE_LABELS: frozenset[str] = frozenset({
    "核心阅读", "阅读提示", "核心提示", "编者按", "编后", "前言", "短评", "链接", "相关链接", "新闻链接",
    "背景链接", "记者手记", "小资料", "延伸阅读"})
# 【…】 alone on a line is a label (【链接】, 【记者手记】); a headline that opens with one has more after it.
_BRACKET_LABEL_RE = re.compile(r"^【[^】]{1,12}】$")
# End marks close an article: （完）, （责任编辑：X）, （编辑：X）; what follows starts a new one.
END_MARK_RE = re.compile(r"^[（(](?:完|终|责任编辑[:：][^()（）]{1,20}|责编[:：][^()（）]{1,20}|编辑[:：][^()（）]{1,20})[)）]$")
# A byline of a reporter stationed abroad or in a province: 本报驻南非记者温宪, 本报驻京记者 王明.
STATIONED_BYLINE_RE = re.compile(r"^本报驻[^\s记]{1,8}记者\s*([^\s，,、]{2,4}(?:[\s、，,]+[^\s，,、]{2,4})*)$")
# A writer credited in brackets under a head: 【撰文:X】, 【文:X】 (X a person or a group, 香港…联盟): a byline.
_BRACKET_CREDIT_RE = re.compile(r"^【(?:撰文|文|作者|撰稿)[:：][^】]{1,30}】$")
# A date alone in brackets under a head: (一九九八年一月一日), (1998年1月1日).
_PAREN_DATE_RE = re.compile(r"^[（(]([^()（）]{6,20})[)）]$")
# List items and table rows are body text on a page, never heads: 1. X, 2) X, (3) X, 三、X, · X, 4 X, | a | b |.
_LIST_ITEM_RE = re.compile(r"^(?:[(（]?\d{1,2}[.、)）]|\d{1,2}\s|[一二三四五六七八九十]{1,3}、|[·•]|\|.*\|$)")
# Nor are: a line wholly in brackets (a note: (本文原载于…)), a quotation marked > , a line holding a pipe
# (a site's column label 博客 | X: headlines never use one), a picture source (照片来源:X, 制图来源:X), a
# picture's label or credit under a head (周庭Facebook相片, 有线新闻影片截图, 资料图片, 《众新闻》制图, 图:X,
# …照片由笔者提供, a caption closed by its credit: …(曾港深摄)), a note set in *…* (*编按:原文刊于…*).
_NOTE_LINE_RE = re.compile(r"^(?:[(（][^()（）]*[)）]$|>|.*\|)|^(?:照片|图片|相片|制图|资料)来源[:：]"
                           r"|^.{0,30}(?:相片|照片|图片|截图|资料图|制图)$|^图[:：]\S{1,20}$"
                           r"|^.{0,40}(?:照片|图片|相片)由.{1,12}提供$|[(（][^()（）]{1,12}摄[)）]$|^\*.+\*$")
# A line ending in a comma or enumeration comma is a clause cut off (a verse line, a list), never a head.
CLAUSE_TAIL = ",，、"
# A speech's opening address is short: 尊敬的主席先生、各位代表、女士们、先生们: is 21 characters, and a few more
# leave room for a longer roll of addressees; the real colon-ended paragraph that led into a quotation had 200.
ADDRESS_MAX_CHARS = 24
# A document printed on a page (a notice, a decision) closes with its date on a line of its own, under its
# text: what follows is the next article (人民日报 1950, tests/fixtures/realpages).
_DATE_NUM = "0-9０-９〇○零一二三四五六七八九十"
_CLOSING_DATE_RE = re.compile(rf"[{_DATE_NUM}]{{2,4}}年[{_DATE_NUM}]{{1,2}}月[{_DATE_NUM}]{{1,3}}[日号]")

# --- line classification ---------------------------------------------------------------------------
# Older pages print a story's dispatch line in brackets (【新华社重庆十四日电】拉萨讯:…, 【本报讯】) or retell a
# wire's story (据新华社柏林17日电 …): the same news lead as 新华社北京X日电 (人民日报 1950-1956, the real pages
# in tests/fixtures/realpages). A bracket holds a dispatch line of any agency (…社, the paper: 本报, 本刊) or radio
# station (…电台), its place and day, then 电/讯/广播: 参考消息 prints the foreign wires' and radios' so
# (【路透社北京12日电】, 【合众国际社东京12日电】, 【日本广播协会电台16日广播】).
_BRACKETED_LEAD_RE = re.compile(r"^【(?:[\u4e00-\u9fff]{1,10}(?:社|电台)|本报|本刊)[^】]{0,14}?(?:日电|日讯|讯|日广播)】")
LEAD_RETOLD_PREFIX = "据"


def starts_lead(line: str) -> bool:
    """starts_news_lead, and the older forms of the same lead: bracketed, or retold (据…)."""
    if starts_news_lead(line):
        return True
    if line.startswith("【"):
        return bool(_BRACKETED_LEAD_RE.match(line))
    return line.startswith(LEAD_RETOLD_PREFIX) and starts_news_lead(line[len(LEAD_RETOLD_PREFIX):])


def strip_marker(line: str) -> str:
    return line.lstrip(BYLINE_MARKERS).strip()


def ends_sentence(text: str) -> bool:
    return bool(text) and text.rstrip()[-1] in SENTENCE_END


def is_headline(line: str) -> bool:
    """Short, no sentence punctuation: a headline, kicker, banner or section head."""
    s = line.lstrip(BYLINE_MARKERS).strip()  # strip_marker, inlined: this runs for every line
    if not s or len(s) > _HEAD_MAX_CHARS or not HAN_RE.search(s) or _SENTENCE_PUNCT_RE.search(s):
        return False
    if starts_lead(s) or s.endswith("…"):
        return False
    if s.endswith(KICKER_TAIL):
        return len(s) <= KICKER_MAX_CHARS
    return len(s) <= HEADLINE_MAX_CHARS


def is_numbered_heading(line: str) -> bool:
    return (len(line) <= NUMBERED_HEADING_MAX_CHARS and bool(_NUMBERED_HEADING_RE.match(line))
            and not _SENTENCE_PUNCT_RE.search(line))


def role_byline(line: str) -> Credits | None:
    """A byline with a role word or marker (本报记者 X, X 摄, ■ X Y), never a bare name line.


    `line` is stripped: a longer one is no byline without a call (this runs for every line)."""
    if len(line) > BYLINE_MAX_CHARS:
        return None
    c = parse_byline_line(line)
    return c if c else None


def line_kind(line: str) -> str:
    if starts_lead(line):
        return "lead"
    c = role_byline(line)
    if c is not None:
        return "photo" if c.photographers and not c.authors else "byline"
    if header_dateline(line) is not None:
        return "dateline"
    if is_headline(line):
        return "head"
    return "body"


def header_dateline(line: str) -> tuple[str | None, str | None, str | None] | None:
    if len(line) > KICKER_MAX_CHARS or "。" in line:
        return None
    m = _HEADER_DATELINE_RE.match(line)
    if not m:
        return None
    iso = parse_publish_date(m.group(1))
    if iso is None:
        return None
    src = m.group("src")
    return iso, parse_publish_time(m.group(2)) if m.group(2) else None, clean_source(src)


def is_editorial_label(line: str) -> bool:
    """A box or column label on a line of its own (核心阅读, 短评, 【绝活看点】), never a headline."""
    s = line.strip().rstrip(":：")
    return s in EDITORIAL_LABELS or bool(_EDITORIAL_BRACKET_LABEL_RE.match(s))


def is_decree_line(line: str) -> bool:
    """The decree line or the number line of a decree printed with a law (国务院令 / 第724号)."""
    s = line.strip()
    return bool(_DECREE_RE.match(s) or _DECREE_NO_RE.match(s))


def _squash_spaces(line: str) -> str:
    return re.sub(r"[\s\u3000]+", "", line)


def _is_box_label(line: str) -> bool:
    sq = _squash_spaces(line)
    return sq in PAGE_LABELS or bool(_BRACKET_LABEL_RE.match(sq))


def _is_address(line: str) -> bool:
    """A speech's opening address on a line of its own (同志们:, 各位代表、同志们:); a paragraph that ends in a
    colon before a quotation (…南日将军主要发言如下:) is text, and may open with a news lead."""
    return line[-1] in ":：" and len(line) <= ADDRESS_MAX_CHARS


def is_closing_date(line: str) -> bool:
    """A date alone on a line, as a document printed on a page closes (一九五○年五月二十五日 under a notice)."""
    return bool(_CLOSING_DATE_RE.fullmatch(line)) and parse_publish_date(line) is not None


def paren_date(line: str) -> str | None:
    m = _PAREN_DATE_RE.match(line)
    return parse_publish_date(m.group(1)) if m else None


def page_line_kind(line: str) -> str:
    """line_kind, with what only a page shows: end marks, end credits, labels, bracketed dates, list items, and
    "weak" heads (a question, an exclamation, a Latin-script or a long headline) that count as heads only
    with evidence around them (see segment._promote_weak_heads)."""
    if END_MARK_RE.match(line):
        return "end"
    if parse_bracketed_credit(line) is not None:  # (记者 刘洋), (某县融媒记者 X Y) on a line of its own:
        return "end_credit"  # byline's one reader of a credit in brackets (the cleaner's trailing credit too)
    if STATIONED_BYLINE_RE.match(line) or _BRACKET_CREDIT_RE.match(line):
        return "byline"
    if _is_box_label(line) or _is_address(line):
        return "label"
    if paren_date(line) is not None:
        return "dateline"
    if _LIST_ITEM_RE.match(line) or _NOTE_LINE_RE.match(line) or line[-1] in CLAUSE_TAIL:
        return "item"
    k = line_kind(line)
    if line[-1] in ":：" and k in ("head", "body"):
        return "body"  # longer than an address, a line ending in a colon leads into text (…详述如下:)
    if k == "body" and _is_weak_head(line):
        return "weak_head"
    return k


# A short quotation inside a headline (「八五。三罢」, “…”): its punctuation is the quoted text's.
_SHORT_QUOTE_RE = re.compile(r"「[^」]{1,12}」|“[^”]{1,12}”")
_FULL_STOP_RE = re.compile("[。;；]")


def _is_weak_head(line: str) -> bool:
    """A line that may be a headline the strict test refuses: a question or exclamation (sentence punctuation
    only at its end: 林日曦电骗八千癫丧仔?!), a headline in Latin script, or one longer than a print head
    (web headlines run to PLAIN_TITLE_MAX_CHARS)."""
    if len(line) > PLAIN_TITLE_MAX_CHARS or not LETTER_RE.search(line) or line[-1] in "。;；":
        return False
    if line.endswith("…") and not line.endswith("……"):
        return False  # a web headline may trail off in a full ellipsis (如果你我是教宗方济各……); one … is a cut
    # a question or exclamation may close any part of a web headline (会否辞职? 马时亨:…; 任何人都可做心肺复苏?
    # 医生补白…; 问:唔够政治中立?在公司揾人入会?); a full stop inside a short quotation is the quoted name's
    # (支持「八五。三罢」). A full stop or semicolon anywhere else makes it a sentence.
    inner = _SHORT_QUOTE_RE.sub("", line)
    return not _FULL_STOP_RE.search(inner) and not starts_lead(line)


# --- a source named by a header line --------------------------------------------------------------------
def clean_source(src: object) -> str | None:
    if src is None:
        return None
    s = str(src).strip().strip("《》〈〉<>\"“” ").strip()
    return None if not s or webpage.is_id_value(s) else s  # a content farm's batch code names no one
