"""Cleaned documents -> articles with their metadata (titles, bylines, dates, regions, captions)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date

from gonghui.transforms import webpage
from gonghui.transforms.byline import (
    BYLINE_MARKERS,
    Credits,
    parse_bracketed_credit,
    parse_byline_line,
    parse_editor_line,
    split_news_lead,
)
from gonghui.transforms.dates import (
    invalid_date_text,
    latest_today,
    parse_publish_date,
    parse_publish_time,
    valid_publish_date,
)
from gonghui.transforms.formats import (
    MARKDOWN_DAY,
    MIN_ANCHORS_FOR_PAGE,
    MULTI_ARTICLE_PAGE,
    PLAIN,
    detect_format,
)
from gonghui.transforms.linekinds import (
    END_MARK_RE,
    HAN_RE,
    HEADLINE_MAX_CHARS,
    KICKER_MAX_CHARS,
    KICKER_TAIL,
    LETTER_RE,
    PLAIN_TITLE_MAX_CHARS,
    STATIONED_BYLINE_RE,
    clean_source,
    ends_sentence,
    header_dateline,
    is_closing_date,
    is_decree_line,
    is_editorial_label,
    is_headline,
    is_numbered_heading,
    line_kind,
    page_line_kind,
    paren_date,
    role_byline,
    starts_lead,
    strip_marker,
)
from gonghui.transforms.manifest import ManifestRow
from gonghui.transforms.pathmeta import date_from_path, parse_epaper_header
from gonghui.transforms.records import Article, CleanDoc
from gonghui.transforms.regions import home_region, province_of

# --- layout vocabulary and thresholds (a line's own kind: transforms.linekinds) -----------------------------
SUBTITLE_HEAD = "——"  # 副题 starts with one
# A kicker and a title flattened onto one line by text extraction (源头维护 参与治理 暖心服务 莱钢…):
# single-deck titles in the samples are at most 22 characters, so a spaced head this long is two decks.
TWO_DECK_MIN_CHARS = 24
# A kicker of parallel slogans (源头维护 参与治理 暖心服务): phrases of one length, 4 in the samples; 6 leaves
# room for 五字/六字 slogans and stays below the 8-character parts of real web headlines in parts.
SLOGAN_MAX_CHARS = 6
# A caption block (003): several short scene lines, each a full sentence, between head and body.
CAPTION_MAX_CHARS = 30
CAPTION_BLOCK_MIN_LINES = 2
CAPTION_MARKERS: tuple[str, ...] = ("图为", "图:", "图：", "(图", "（图")
# A paragraph holding a caption marker is a caption only at a caption's size: the samples' longest caption
# has 87 characters; a longer paragraph with 图为 inside is running text that mentions a photo (a photo
# gallery's text printed as one paragraph of several stories).
MARKED_CAPTION_MAX_CHARS = 200
# The scene-caption idiom of news photos: "在<event>上,<who> <does what>。" — one sentence that sets
# the scene at an event (在…竞赛上, 在…现场) and describes the picture. Long paragraphs opening the
# same way are body text (003: 在…基础上,… runs 200+ characters), hence the length bound.
SCENE_CAPTION = re.compile(r"^在[^,。!?;]{4,80}(?:上|现场),[^。!?;]{4,60}。$")
SCENE_CAPTION_MAX_CHARS = 120
# The reading tip box (阅读提示) printed with a page article is a summary, not body text.
# 核心阅读 is a national daily's standard summary box printed after the head block: the same kind of box.
READING_TIP_HEADS: tuple[str, ...] = ("阅读提示", "核心提示", "编者按", "核心阅读")
# Labels and decree lines are looked for among the first lines of a one-article file only.
HEAD_FURNITURE_MAX_LINES = 4
# Evidence needed to stitch a column-jump fragment to a dangling article: the join must form a
# string of at least this many characters that occurs elsewhere in the document (市北+供电公司).
MIN_JOIN_EVIDENCE = 4
_JOIN_WINDOW = 6
# the value after 来源:, unless it is the next label (来源: 时间:2018-07-06: an empty source)
_SOURCE_RE = re.compile(r"来源[:：]\s*(?![^\s:：]{1,6}[:：])(\S+)")
# The same test as `any(m in s for m in CAPTION_MARKERS)`, in one scan (it runs for every body line).
_CAPTION_MARKER_RE = re.compile("|".join(re.escape(m) for m in CAPTION_MARKERS))

HEADER = "header"
TRAILER = "trailer"
TEXT = "text"
MANIFEST = "manifest"
PATH = "path"
HTML_META = "html_meta"
EXPORT_COLUMN = "export_column"
# Which origin wins when two name a field (README "Metadata: where it comes from"): the manifest, which
# the user wrote for this run; then a crawler export's own column (the crawler read it from the site's
# database); then the page's <meta> tags; then what the text prints (header line, dateline, CMS
# trailer); last the file's path, which names the day an archive filed it under. A lower origin that
# disagrees is kept visible: flag FLAG_CONFLICT and metadata_origin["<field>_conflict"].
PRECEDENCE: tuple[str, ...] = (MANIFEST, EXPORT_COLUMN, HTML_META, TRAILER, HEADER, TEXT, PATH)
FLAG_CONFLICT = "metadata_conflict"
# Fields whose disagreement between origins is reported (the ones the article suite requires or that
# locate the article: a different page or url is routine between a print page and its web copy).
CONFLICT_FIELDS: tuple[str, ...] = ("publish_date", "source")
# An e-paper header stands above the head block: within the first lines of the file.
EPAPER_HEADER_MAX_LINE = 3
FLAG_ORPHAN = "orphan_fragment"
FLAG_BAD_DATE = "invalid_publish_date"
# A line that states a publish date is short (日期:2023年5月6日 星期六, 发布时间 ...): 40 characters.
DATE_LINE_MAX_CHARS = 40
FLAG_PICTURE_NOTE = "picture_note"  # the page printed （附图片N张） by the head: the picture is not in the text

# --- page evidence (issue 21; the lines' own kinds: linekinds.page_line_kind) ---------------------------------
# （附图片1张）: older pages note the picture printed with a story, by its head or its dateline.
_PICTURE_NOTE_RE = re.compile(r"\s*[（(]附(?:图片|照片|图)\s*[0-9一二三四五六七八九十]+\s*[张幅][)）]")
# Lines at the top of a page searched for its header (a header is printed above every article).
PAGE_HEADER_SCAN_LINES = 3
# A page's top item above the first story's head block: at least its head and one line of text.
TOP_ITEM_MIN_LINES = 2


# --- drafts -------------------------------------------------------------------------------------------
@dataclass
class _Draft:
    start: int
    banner: list[str] = field(default_factory=list)
    kicker: str | None = None
    title: str | None = None
    subtitle: str | None = None
    credits: Credits = field(default_factory=Credits)
    body: list[str] = field(default_factory=list)
    headings: list[str] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)
    summary: str | None = None
    flags: list[str] = field(default_factory=list)
    header_date: tuple[str | None, str | None, str | None] | None = None
    # who the news lead the body opened with names (新华社北京8月16日电 -> 新华社): the lead leaves the text
    lead_source: str | None = None
    page: str | None = None
    # The evidence a page split rests on (head_block, head+lead, after_end_mark, markdown_heading, ...):
    # stored in the article's metadata_origin as "split_reason", so a wrong boundary can be traced.
    split_reason: str | None = None
    # editors named by the article's own end mark (（责任编辑：X）) on a page: theirs, not the page-mates'
    editors: tuple[str, ...] = ()


def _apply_head(d: _Draft, run: list[str], *, known_title: str | None = None, two_deck: bool = True,
                three_deck: bool = False) -> None:
    """Assign a run of head lines to banner / kicker / title / subtitle (and a trailing byline).

    `two_deck`: a long spaced title may be a kicker and a title flattened onto one line (print heads); a
    page passes False for a web-style headline (see linekinds._is_weak_head), which in parts is one headline.
    `three_deck`: a page's head block of three or more decks with no —— marks is 引题 / 主题 / 副题 (see
    _undashed_decks)."""
    lines = list(run)
    # a bare name may close a head block (讲话 / 王志刚), but the line right under a kicker (——) is its title
    # even when it reads like a name (港闻追踪—— / 同路人)
    if len(lines) >= 2 and not lines[-2].endswith(KICKER_TAIL):
        c = parse_byline_line(lines[-1], allow_bare_names=True)
        if c:
            d.credits = d.credits.merge(c)
            lines.pop()
    subs = [ln for ln in lines if ln.startswith(SUBTITLE_HEAD)]
    mains = [ln for ln in lines if not ln.startswith(SUBTITLE_HEAD)]
    if subs:
        d.subtitle = " ".join(subs)
    if not mains:
        return
    if three_deck and not subs and (three := _undashed_decks(mains)) is not None:
        d.kicker, d.title, d.subtitle = three
        return
    if known_title and known_title in mains:
        t = mains.index(known_title)
        before = mains[:t]
    else:
        before = mains[:-1]
        t = len(mains) - 1
    d.title = mains[t]
    if before:
        d.kicker = before[-1]
        d.banner = before[:-1]
    elif two_deck and known_title is None:
        decks = _flattened_decks(d.title)
        if decks is not None:
            d.kicker, d.title = decks


def _undashed_decks(mains: list[str]) -> tuple[str, str, str] | None:
    """(kicker, title, subtitle) of a print head of three or more decks set without —— marks, else None.

    The decks of a print head stand in one order, 引题 over 主题 over 副题; older pages set the 副题 without a
    leading ——, so three head lines over one article are the three decks and the middle one is the title
    (执行和平解放西藏办法协议 / 人民解放军进抵拉萨 / 各族人民…列队欢迎: 人民日报 1951, tests/fixtures/realpages).
    More lines than three are further 副题 (one article of 1964 prints four). A kicker that ends in —— says
    where the title is: then the usual reading stands."""
    if len(mains) < 3 or any(m.endswith(KICKER_TAIL) for m in mains):
        return None
    return mains[0], mains[1], " ".join(mains[2:])


def _title_by_lead(d: _Draft, lead: str) -> None:
    """Two head lines set without —— over a news lead: 引题 over 主题 (modern pages; the reading by default) or
    主题 over 副题 (the old pages: 世界妇女大会胜利闭幕 / 通过妇女权利宣言…, 人民日报 1953), and the print's type size,
    which told them apart, is gone. The lead's first sentence restates the 主题 (导语 and 主题 state the same
    news): the upper line is the title when the lead repeats more of it (share of its character pairs) than of
    the lower one; a tie keeps the default. On the real pages of tests/fixtures/realpages (where the rule was
    found) it reads 7 such heads of 8 right (the 8th: a lead that tells the 副题's news first); an 引题
    (为社会进步…而奋斗, 装作外婆的狼…) shares little with the lead. No threshold: the larger share wins."""
    first = re.split(r"[。!?;！？；]", lead, maxsplit=1)[0]
    said = _bigrams(re.sub(r"[^\w]", "", first))

    def share(deck: str) -> float:
        b = _bigrams(re.sub(r"[^\w]", "", deck))
        return len(b & said) / len(b) if b else 0.0

    assert d.kicker is not None and d.title is not None
    if share(d.kicker) > share(d.title):
        d.title, d.subtitle, d.kicker = d.kicker, d.title, None


def _title_over_dispatches(d: _Draft) -> None:
    """Two head lines set without —— over an article of several dispatches (two or more news leads in its
    text): the old pages' 主题 over 副题. The 主题 is written over the whole report and the 副题 tells what the
    dispatches report (捷克斯洛伐克和朝鲜签订经济和文化合作协定 / 朝鲜政府代表团离开布拉格去斯洛伐克参观 over two
    新华社布拉格25日电 dispatches: 人民日报 1956, tests/fixtures/realpages), so the first lead, which restates its own
    dispatch only, says nothing of which line is the title (_title_by_lead read this head wrong): the upper
    line is the title. (Both such heads in the real pages read so; an 引题 over several dispatches would end in
    —— or stand over a single lead in the pages seen.)"""
    assert d.kicker is not None and d.title is not None
    d.title, d.subtitle, d.kicker = d.kicker, d.title, None


def _flattened_decks(line: str) -> tuple[str, str] | None:
    """(kicker, title) of a print head whose 引题 and 主题 text extraction put on one line, else None.

    A flattened print head has two parts (南通海门区总整合资源打造可移动的“家” “纳凉公交”开进货车司机集聚地), or a
    kicker of parallel slogans of one length before the title (源头维护 参与治理 暖心服务 莱钢集团构建…: the
    samples' page). A headline of three or more unequal parts is one headline in parts (上海市总工会 擦亮“四送
    品牌” 共享创新成果促共赢; the real Hong Kong headlines, 叶蔚琳暂停工业行动 寄语九巴… 车长力撑…)."""
    if " " not in line or len(line) < TWO_DECK_MIN_CHARS:
        return None
    parts = line.split()
    kick, title = parts[:-1], parts[-1]
    if not all(HAN_RE.search(p) for p in parts):
        return None
    parallel = len({len(p) for p in kick}) == 1 and len(kick[0]) <= SLOGAN_MAX_CHARS and len(title) > len(kick[0])
    if len(kick) == 1 or parallel:
        return " ".join(kick), title
    return None


def _take_caption_block(lines: list[str], i: int) -> tuple[list[str], int]:
    j = i
    while j < len(lines) and len(lines[j]) <= CAPTION_MAX_CHARS and lines[j].endswith("。"):
        j += 1
    if j - i >= CAPTION_BLOCK_MIN_LINES and j < len(lines) and len(lines[j]) > CAPTION_MAX_CHARS:
        return lines[i:j], j
    return [], i


def _join_evidence(tail: str, head: str, corpus: str) -> int:
    """Length of the longest string across the join tail|head that occurs in `corpus`."""
    best = 0
    for i in range(1, min(_JOIN_WINDOW, len(tail)) + 1):
        for j in range(1, min(_JOIN_WINDOW, len(head)) + 1):
            if i + j > best and (tail[-i:] + head[:j]) in corpus:
                best = i + j
    return best if best >= 3 else 0


def _fill_body(d: _Draft, lines: list[str], doc_captions: frozenset[str]) -> None:
    """Body lines -> paragraphs, section heads, inline credits, captions; late bylines reorder the lead."""
    pre: list[str] = []
    post: list[str] | None = None
    headings: set[str] = set()
    for idx, raw in enumerate(lines):
        line = raw.strip()
        if not line:
            continue
        target = pre if post is None else post
        split = split_news_lead(line)
        if split is not None:
            lead, rest = split
            d.lead_source = d.lead_source or webpage.news_lead_source(lead)
            if lead.credits:
                d.credits = d.credits.merge(lead.credits)
            if rest.strip():
                target.append(rest.strip())
            continue
        c = role_byline(line)
        if c is not None and not (line[0] in BYLINE_MARKERS and not c.authors and not c.photographers):
            is_photo = bool(c.photographers) and not c.authors
            if line[0] in BYLINE_MARKERS and (pre or post):
                pass  # ■ + a short phrase deep in the body is a section head, handled below
            else:
                d.credits = d.credits.merge(c)
                if not is_photo and pre and post is None:
                    post = []  # byline printed after the lead's continuation: what follows is the lead
                continue
        if line in doc_captions or (len(line) <= MARKED_CAPTION_MAX_CHARS and _CAPTION_MARKER_RE.search(line)) or (
                len(line) <= SCENE_CAPTION_MAX_CHARS and SCENE_CAPTION.match(line)):
            d.captions.append(line)
            continue
        last = idx == len(lines) - 1
        if line[0] in BYLINE_MARKERS:
            line = strip_marker(line)
            d.headings.append(line)
            headings.add(line)
        elif not last and (is_headline(line) or is_numbered_heading(line)):
            d.headings.append(line)
            headings.add(line)
        target.append(line)
    body = pre
    if post:
        body = list(post)
        if pre and not ends_sentence(body[-1]) and pre[0] not in headings:
            body[-1] = body[-1] + pre[0]
            body.extend(pre[1:])
        else:
            body.extend(pre)
    d.body = _rejoin_columns(body, headings)


def _rejoin_columns(paras: list[str], headings: set[str]) -> list[str]:
    """Join a long paragraph cut mid-sentence with the paragraph after it (a column break)."""
    out: list[str] = []
    for p in paras:
        if (out and out[-1] not in headings and p not in headings and not ends_sentence(out[-1])
                and len(out[-1]) > HEADLINE_MAX_CHARS):
            out[-1] = out[-1] + p
        else:
            out.append(p)
    return out


def _is_plain_title(line: str) -> bool:
    """The opening line of a one-article text file: a headline unless it reads as a paragraph. Headlines
    may end in ? or ! or a closing quote (a question or a quotation as headline: 43 and 59 of the 896 real
    Hong Kong headlines), never in a full stop; they run longer than a print head (up to 59 characters
    there; PLAIN_TITLE_MAX_CHARS leaves room)."""
    return len(line) <= PLAIN_TITLE_MAX_CHARS and bool(LETTER_RE.search(line)) and line[-1] not in "。;；"


def _print_head_block(lines: list[str]) -> bool:
    """A print head block of three decks at the top of a one-article file: 引题 / 主题 (two print heads, the
    first not ending in ——), closed by a 副题 (——…) or standing right over a byline or a news lead (全国总工会
    发出通知要求 / 做好困难职工两节送温暖工作 / ——确保…; 人民日报's head blocks). Without that evidence a second
    short line is not a deck (a section head, a photo credit, a caption: the body step reads it)."""
    if len(lines) < 3 or not (is_headline(lines[0]) and is_headline(lines[1])):
        return False
    if lines[1].startswith(SUBTITLE_HEAD) or is_editorial_label(lines[0]) or is_editorial_label(lines[1]):
        return False
    if line_kind(lines[0]) != "head" or line_kind(lines[1]) != "head":
        return False
    nxt = lines[2]
    return (nxt.startswith(SUBTITLE_HEAD) and is_headline(nxt)) or line_kind(nxt) in ("lead", "byline")


def _single_head(d: _Draft, lines: list[str], fmt: str) -> int:
    """Kicker / title / subtitle of a one-article file; returns the index of the first line after them.

    The title is the first head line. A kicker (引题) is taken only where the text prints it on its own
    line in its own form, ending in —— (the samples' people.com.cn pages); a subtitle (副题) only where a
    line opens with ——. A headline in parts on one line (甲　乙, an ideographic space between decks, as
    Hong Kong sites print one headline) stays one title. Any other short line after the title (a photo
    credit, 【撰文:X】, a section head, a caption) is not part of the head: the body step reads it.
    """
    j = 0
    if len(lines) > 1 and lines[0].endswith(KICKER_TAIL) and line_kind(lines[0]) == "head":
        d.kicker = lines[0]
        j = 1
    elif _print_head_block(lines):
        d.kicker = lines[0]  # 引题 without a dash: the head block's evidence says the title is the next line
        j = 1
    if j < len(lines) and (line_kind(lines[j]) == "head" or (fmt == PLAIN and _is_plain_title(lines[j]))):
        d.title = lines[j]
        j += 1
    elif d.kicker is not None:  # a kicker form with no headline under it: it is the title
        d.title, d.kicker = d.kicker, None
    subs = []
    while d.title and j < len(lines) and lines[j].startswith(SUBTITLE_HEAD) and is_headline(lines[j]):
        subs.append(lines[j])
        j += 1
    if subs:
        d.subtitle = " ".join(subs)
    return j


def _head_furniture(lines: list[str]) -> tuple[list[str], list[str], list[str]]:
    """(labels, decree lines, the lines without them) for the first lines of a one-article file: labels
    above the headline name the column (the banner); decree lines go back into the body after the head."""
    labels: list[str] = []
    decree: list[str] = []
    rest: list[str] = []
    for k, ln in enumerate(lines):
        if k < HEAD_FURNITURE_MAX_LINES and not rest and is_editorial_label(ln) and k + 1 < len(lines):
            labels.append(ln)
        elif k < HEAD_FURNITURE_MAX_LINES + len(labels) and is_decree_line(ln) and k + 1 < len(lines):
            decree.append(ln)
        else:
            rest.append(ln)
    return labels, decree, rest


def _single(lines: list[str], known_title: str | None, doc_captions: frozenset[str], fmt: str) -> _Draft:
    d = _Draft(start=0)
    i = 0
    labels, decree, lines = _head_furniture(lines)
    above: list[str] = []
    d.banner.extend(s.strip("【】[]") for s in labels)
    if known_title and known_title in lines[:6]:
        t = lines.index(known_title)
        j = t + 1
        while j < len(lines) and lines[j].startswith(SUBTITLE_HEAD) and is_headline(lines[j]):
            j += 1
        k = t
        while k > 0 and is_headline(lines[k - 1]) and line_kind(lines[k - 1]) == "head":
            k -= 1
        _apply_head(d, lines[k:j], known_title=known_title)
        # a paragraph standing above the known headline (a 5,000-character first line) is text, not head
        # furniture: it goes to the body (after the head and byline), never silently away (issue 16)
        above = [ln for ln in lines[:k] if len(ln) > KICKER_MAX_CHARS]
        i = j
    else:
        i = _single_head(d, lines, fmt)
    # byline right under the head (a bare name line is a byline only here)
    while i < len(lines):
        hd = header_dateline(lines[i])
        if hd is not None and d.header_date is None:
            d.header_date = hd
            i += 1
            continue
        c = parse_byline_line(lines[i], allow_bare_names=d.title is not None)
        if c and not (c.photographers and not c.authors):
            d.credits = d.credits.merge(c)
            i += 1
            continue
        break
    if decree:  # the decree's lines stand in the body, first, as printed under the head
        lines = [*lines[:i], *decree, *lines[i:]]
    if above:
        lines = [*lines[:i], *above, *lines[i:]]
    caps, i = _take_caption_block(lines, i)
    d.captions.extend(caps)
    _fill_body(d, lines[i:], doc_captions)
    return d


def _page_header(line: str) -> tuple[str, str, str] | None:
    """(ISO date, paper, page number) from a page's header line (工人日报 2023年9月18日 第3版 新闻): the one
    header parser, transforms.pathmeta.parse_epaper_header, read for a page split."""
    h = parse_epaper_header(line)
    if h is None or h.publish_date is None or h.source is None:
        return None
    return h.publish_date, h.source, h.page


# A headline that opens with a 【topic】 tag (【沙中线聆讯】…) is a web headline: in parts it is one headline.
_TOPIC_TAG_RE = re.compile(r"^【[^】]{1,16}】\S")


def _promote_weak_heads(kinds: list[str], lines: list[str]) -> None:
    """A weak head is a head where the page gives evidence for it: it opens the page, follows an end mark or
    a kicker (——), or stands right over a byline or a news lead; otherwise it is body text."""
    n = len(kinds)
    for k in range(n):
        if kinds[k] != "weak_head":
            continue
        prev = kinds[k - 1] if k > 0 else None
        nxt = kinds[k + 1] if k + 1 < n else None
        if nxt == "dateline" and k + 2 < n:
            nxt = kinds[k + 2]
        kicker_above = prev == "head" and lines[k - 1].endswith(KICKER_TAIL)
        if k == 0 or prev in ("end", "end_credit") or kicker_above or nxt in ("lead", "byline"):
            kinds[k] = "head"
        else:
            kinds[k] = "body"


def _take_page_marks(d: _Draft, seg: list[str]) -> list[str]:
    """Move the page's marks out of an article's lines into its fields: end marks go, end credits and
    stationed bylines credit the authors, a bracketed date dates the article."""
    out: list[str] = []
    for line in seg:
        if END_MARK_RE.match(line):
            d.editors = d.editors or parse_editor_line(line)
            continue
        c = parse_bracketed_credit(line)
        if c is not None:
            d.credits = d.credits.merge(c)
            continue
        m = STATIONED_BYLINE_RE.match(line)
        if m:
            names = tuple(n for n in re.split(r"[\s、，,]+", m.group(1).strip()) if n)
            d.credits = d.credits.merge(Credits(authors=names))
            continue
        iso = paren_date(line)
        if iso is not None:
            if d.header_date is None:
                d.header_date = (iso, None, None)
            continue
        out.append(line)
    return out


def _strip_picture_notes(lines: list[str]) -> tuple[list[str], list[bool]]:
    out: list[str] = []
    noted: list[bool] = []
    for line in lines:
        bare = _PICTURE_NOTE_RE.sub("", line).strip()
        if not bare:
            if noted:
                noted[-1] = True
            continue
        out.append(bare)
        noted.append(bare != line)
    return out, noted


def _restore_end_marks(lines: list[str], marks: list[tuple[str, str]]) -> list[str]:
    """Put the end marks the cleaner took off as boilerplate (（责任编辑：X）: `marks` = (the text line they
    followed, the mark)) back where they stood, so the page split sees the article end they print. A mark
    whose line is no longer found (the cleaner rejoined it) is left out: no boundary is guessed."""
    if not marks:
        return lines
    out = list(lines)
    pos = 0
    for after, mark in marks:
        if not END_MARK_RE.match(mark):
            continue
        after = after.strip()
        k = next((i for i in range(pos, len(out)) if after and out[i].endswith(after)), None)
        if k is None:
            continue
        out.insert(k + 1, mark)
        pos = k + 2
    return out


def _split_page(lines: list[str], doc_captions: frozenset[str],
                end_marks: list[tuple[str, str]] | None = None, *, print_heads: bool = True) -> list[_Draft]:
    """A whole newspaper page -> article drafts in page order; column-jump fragments stitched back.

    Every draft records the evidence its boundary rests on in `split_reason`; the page's header line
    (paper, date, page number) is given to every article on it. `end_marks`: end marks the cleaner took
    off, with the line each followed (see _restore_end_marks). `print_heads`: False for text set in Traditional
    script (see _split_page_lines)."""
    lines = _restore_end_marks(lines, end_marks or [])
    header: tuple[str, str, str] | None = None
    for k in range(min(PAGE_HEADER_SCAN_LINES, len(lines))):
        header = _page_header(lines[k])
        if header is not None:
            lines = lines[:k] + lines[k + 1:]
            break
    lines, noted = _strip_picture_notes(lines)
    drafts = _split_page_lines(lines, doc_captions, print_heads=print_heads)
    for d in drafts:
        if header is not None:
            iso, paper, page = header
            own = d.header_date or (None, None, None)
            d.header_date = (own[0] or iso, own[1], own[2] or paper)
            d.page = page
    if any(noted):
        starts = [d.start for d in drafts]
        for k, flag in enumerate(noted):
            if flag:
                owner = max((i for i, st in enumerate(starts) if st <= k), default=0)
                if FLAG_PICTURE_NOTE not in drafts[owner].flags:
                    drafts[owner].flags.append(FLAG_PICTURE_NOTE)
    return drafts


def _split_page_lines(lines: list[str], doc_captions: frozenset[str], *, print_heads: bool = True) -> list[_Draft]:
    """`print_heads`: a spaced head line may be a print kicker and title flattened onto one line (see
    _flattened_decks). Text the cleaner converted from Traditional script comes from Hong Kong, Taiwan or
    Macau, where a headline is printed in parts on one line (甲　乙: 604 of the 896 real Hong Kong headlines in
    ../shared/realtext are, 558 with an ideographic space): there a spaced head is one headline."""
    n = len(lines)
    kinds = [page_line_kind(ln) for ln in lines]
    for k in range(1, n):  # a document's closing date under its text ends it (is_closing_date)
        if kinds[k - 1] in ("body", "item") and is_closing_date(lines[k]):
            kinds[k] = "end"
    weak = {k for k, kd in enumerate(kinds) if kd == "weak_head"}
    _promote_weak_heads(kinds, lines)
    # under a kicker (——) stands its title, whatever its punctuation (痛心疾首,夫复何言;言论自由,命悬一心)
    for k in range(1, n):
        if (kinds[k] == "body" and kinds[k - 1] == "head" and lines[k - 1].endswith(KICKER_TAIL)
                and len(lines[k]) <= PLAIN_TITLE_MAX_CHARS and lines[k][-1] not in "。"):
            kinds[k] = "head"
    runs: list[tuple[int, int]] = []
    i = 0
    while i < n:
        if kinds[i] == "head":
            j = i
            while j < n and kinds[j] == "head":
                j += 1
            runs.append((i, j))
            i = j
        else:
            i += 1
    heads: dict[int, int] = {}
    reasons: dict[int, str] = {}
    for a, b in runs:
        nxt = kinds[b] if b < n else None
        if nxt == "dateline" and b + 1 < n:  # head, (date), then the byline or lead
            nxt = kinds[b + 1]
        prev = kinds[a - 1] if a > 0 else None
        anchored = nxt in ("lead", "byline")
        after_end = prev in ("end", "end_credit")
        # a head block's last line may be its bare byline (讲话 / 王志刚): a name under a head anchors it
        named = b - a >= 2 and bool(parse_byline_line(lines[b - 1], allow_bare_names=True))
        why = None
        if any(lines[k].endswith(KICKER_TAIL) for k in range(a, b - 1)):
            why = "kicker"  # an 引题 ending in —— with a head under it opens a head block
        elif b - a >= 2 and (anchored or after_end or named or a == 0):
            why = "head_block"  # 引题/主题/副题 together, anchored by a byline, lead or the end mark above
        elif anchored:
            why = f"head+{nxt}"  # a head right over a news lead (本报讯…) or a byline (本报记者 X)
        elif after_end:
            why = "after_end_mark"  # the article before closed with （完）/（责任编辑：X）/（记者 X）
        elif a == 0:
            why = "page_top"
        if why is not None:
            heads[a] = b
            reasons[a] = why
    # A photo credit closes a picture story; if the article it would close already has its own
    # byline, the picture story has its own head: the last short line before the credit.
    for p in (k for k in range(n) if kinds[k] == "photo"):
        h = max((a for a in heads if a < p), default=None)
        if h is None:
            continue
        anchor = next((k for k in range(heads[h], p) if kinds[k] in ("lead", "byline")), None)
        if anchor is None:
            continue
        singles = [(a, b) for a, b in runs if anchor < a and b <= p and a not in heads]
        if singles:
            a, b = singles[-1]
            heads[a] = b
            reasons[a] = "photo_story"
    starts = sorted(heads)
    drafts: list[_Draft] = []
    # (position, lines, the draft a photo credit cut them from: None for text above the first head)
    fragments: list[tuple[int, list[str], _Draft | None]] = []
    if not starts:
        d0 = _Draft(start=0)
        rest = _take_page_marks(d0, lines)
        single = _single(rest, None, doc_captions, PLAIN) if rest else d0
        single.credits = d0.credits.merge(single.credits)
        single.header_date = single.header_date or d0.header_date
        single.split_reason = "no_boundary"
        return [single]
    if starts[0] > 0:
        fragments.append((0, lines[: starts[0]], None))
    for idx, a in enumerate(starts):
        b = heads[a]
        end = starts[idx + 1] if idx + 1 < len(starts) else n
        d = _Draft(start=a, split_reason=reasons[a])
        two_deck = print_heads and (b - 1) not in weak and not _TOPIC_TAG_RE.match(lines[b - 1])
        _apply_head(d, lines[a:b], two_deck=two_deck, three_deck=print_heads)
        lead = next((lines[k] for k in range(b, min(b + 2, end)) if kinds[k] == "lead"), None)
        if (print_heads and lead is not None and b - a == 2 and d.kicker and d.title and not d.subtitle
                and not d.kicker.endswith(KICKER_TAIL)):  # a kicker's —— says which line is the title
            if any(kinds[k] == "lead" for k in range(b + 2, end)):
                _title_over_dispatches(d)
            else:
                _title_by_lead(d, lead)
        seg = lines[b:end]
        # a photo credit closes a picture story only after its text: right under the head (k = 0) it credits
        # the head's picture, and the article goes on (a real Hong Kong column: head, 周满铿摄, text)
        photo = next((k for k, ln in enumerate(seg) if kinds[b + k] == "photo" and k > 0), None)
        tail: list[str] = []
        if photo is not None:
            seg, tail = seg[: photo + 1], seg[photo + 1:]
        _fill_body(d, _take_page_marks(d, seg), doc_captions)
        drafts.append(d)
        if tail:
            # the tail goes back to the article it was cut from when it runs to an end mark of its own: that
            # mark closes the cut article (no head stands between), so the photo was printed inside it
            closed = any(kinds[k] in ("end", "end_credit") for k in range(b + len(seg), end))
            fragments.append((b + photo + 1 if photo is not None else end, tail, d if closed else None))
    corpus = "\n".join(lines)
    for pos, frag_lines, cut_from in fragments:
        f = _Draft(start=pos, split_reason="fragment")
        _fill_body(f, _take_page_marks(f, frag_lines), doc_captions)
        if not f.body:
            continue
        best: tuple[int, _Draft] | None = None
        for d in drafts:
            if d.body and not ends_sentence(d.body[-1]):
                ev = _join_evidence(d.body[-1], f.body[0], corpus)
                if ev >= MIN_JOIN_EVIDENCE and (best is None or ev > best[0]):
                    best = (ev, d)
        if best is None and cut_from is not None:
            # no other article's text runs on into it and it runs to an end mark: the photo was printed
            # inside the article it was cut from (a real Hong Kong column: text, 周满铿摄, text, (完))
            best = (0, cut_from)
        if best is not None:
            d = best[1]
            if best[0]:  # joined mid-sentence
                d.body[-1] = d.body[-1] + f.body[0]
                d.body.extend(f.body[1:])
            else:
                d.body.extend(f.body)
            d.headings.extend(f.headings)
            d.captions.extend(f.captions)
            d.credits = d.credits.merge(f.credits)
        else:
            f.flags.append(FLAG_ORPHAN)
            drafts.append(f)
    drafts.sort(key=lambda x: x.start)
    return drafts


def _page_flags(doc_flags: tuple[str, ...] | list[str], d: _Draft) -> list[str]:
    """Per-article fate on a page: a clean-suite finding (a leftover Traditional character, a damaged one,
    inline pinyin, boilerplate) flags the article whose text holds it, not its page-mates."""
    from gonghui.transforms.boilerplate import BOILERPLATE_MARKERS_REGEX
    from gonghui.transforms.chinese import TRADITIONAL_ONLY_REGEX
    from gonghui.transforms.mojibake import damage_left_spans
    from gonghui.transforms.pinyin import INLINE_PINYIN_REGEX

    text = "\n".join([*(x for x in (*d.banner, d.kicker, d.title, d.subtitle) if x), *d.body, *d.captions])
    tests = {"traditional_chars_left": lambda t: re.search(TRADITIONAL_ONLY_REGEX, t) is not None,
             "inline_pinyin_left": lambda t: re.search(INLINE_PINYIN_REGEX, t) is not None,
             "boilerplate_left": lambda t: re.search(BOILERPLATE_MARKERS_REGEX, t) is not None,
             "mojibake_left": lambda t: bool(damage_left_spans(t))}
    return [f for f in doc_flags if f not in tests or tests[f](text)]


# --- Markdown day files (a broadcast's day: a running order, then one ### heading per story) ---------------
_MD_HEADING_RE = re.compile(r"^(#{1,6})\s+(.+?)\s*#*$")
# Story headings are the file's deepest heading level with at least this many headings (two stories make
# a day file; one heading over text is a titled article).
MD_MIN_STORIES = 2
_MD_LIST_ITEM_RE = re.compile(r"^(?:[-*+•]|\d{1,3}[.、)）])\s*(.+)$")
_HTML_TAG_RE = re.compile(r"</?[a-zA-Z][^<>]{0,200}>")
FLAG_NOT_IN_RUNNING_ORDER = "title_not_in_running_order"  # a story the day's running order does not list


def _story_level(lines: list[str]) -> int | None:
    levels: dict[int, int] = {}
    for ln in lines:
        m = _MD_HEADING_RE.match(ln)
        if m:
            levels[len(m.group(1))] = levels.get(len(m.group(1)), 0) + 1
    deep = [lv for lv, k in levels.items() if k >= MD_MIN_STORIES]
    return max(deep) if deep else None


def _split_markdown(lines: list[str], doc_captions: frozenset[str]) -> list[_Draft]:
    """A Markdown day file -> one draft per story heading. The part before the first story is the running
    order (table of contents): its entries confirm the stories' titles and it is never loaded as an
    article; the raw <p> tags of the stories' text are taken off."""
    level = _story_level(lines)
    if level is None:
        return _split_page(lines, doc_captions)
    starts = [k for k, ln in enumerate(lines) if (m := _MD_HEADING_RE.match(ln)) and len(m.group(1)) == level]
    running = set()
    for ln in lines[: starts[0]]:
        m = _MD_LIST_ITEM_RE.match(ln)
        if m:
            running.add(_HTML_TAG_RE.sub("", m.group(1)).strip())
    drafts: list[_Draft] = []
    for idx, a in enumerate(starts):
        end = starts[idx + 1] if idx + 1 < len(starts) else len(lines)
        title = _HTML_TAG_RE.sub("", _MD_HEADING_RE.match(lines[a]).group(2)).strip()  # type: ignore[union-attr]
        body: list[str] = []
        for ln in lines[a + 1:end]:
            m = _MD_HEADING_RE.match(ln)
            text = _HTML_TAG_RE.sub("", m.group(2) if m else ln).strip()
            body.extend(p.strip() for p in text.split("\n") if p.strip())
        d = _Draft(start=a, title=title or None,
                   split_reason="markdown_heading+running_order" if title in running else "markdown_heading")
        if running and title not in running:
            d.flags.append(FLAG_NOT_IN_RUNNING_ORDER)
        if body:
            _fill_body(d, body, doc_captions)
        drafts.append(d)
    return drafts


# --- pages the format step read as one article ------------------------------------------------------------
def _reads_as_page(lines: list[str]) -> bool:
    """Whether a file under a page header line (paper, date, page), which the format step read as one
    article, holds several: it counts the anchors the format step does not know (formats.count_article_
    anchors): news leads in their older forms (starts_lead), an end credit or a document's closing date
    with a head under it ((本报集体通讯员…) / 拉萨到日喀则公路开始测设), and the page's top item when a head block anchored by a lead stands below
    it (a photo under its column head, 我们伟大的祖国 / caption, over the first story: 人民日报 1951-1955)."""
    leads = [k for k, ln in enumerate(lines) if starts_lead(ln)]
    ends = [k for k, ln in enumerate(lines[:-1])
            if k > 0 and (parse_bracketed_credit(ln) is not None or END_MARK_RE.match(ln) or is_closing_date(ln))]
    if any(line_kind(lines[k + 1]) == "head" for k in ends):
        return True  # an article closed under its text, and a head opens the next one
    anchors = len(leads) + len(ends)
    if leads and line_kind(lines[0]) == "head":
        k = leads[0]
        while k > 0 and line_kind(lines[k - 1]) == "head":
            k -= 1
        if k >= TOP_ITEM_MIN_LINES:  # the lead's head block stands below the top item's head and text
            anchors += 1
    return anchors >= MIN_ANCHORS_FOR_PAGE


# A page may come with no page header line: an archive that keeps the articles and drops the page's own
# header (laoziliao.net's 人民日报 pages: 我们伟大的祖国 / its caption / 毛主席接见尼赫鲁总理 / 【新华社十九日讯】…,
# tests/fixtures/heldoutpages). Without the header's word that this is a page, only the layout no single
# article has says so: the top item (a head over at least one line of text) and, below it, a second head
# block of its own over a news lead. (A head, a byline and a lead is one article; so is a head over a lead
# with two dispatches: neither has a second head block between text and a lead.)
def _headed_top_item(lines: list[str]) -> bool:
    leads = [k for k, ln in enumerate(lines) if starts_lead(ln)]
    if not leads or line_kind(lines[0]) != "head":
        return False
    k = j = leads[0]
    while j > 0 and line_kind(lines[j - 1]) == "head":
        j -= 1
    return j < k and j >= TOP_ITEM_MIN_LINES and any(line_kind(ln) == "body" for ln in lines[1:j])


# --- wire briefs: a page of one-paragraph items, each under its own head ------------------------------------
# 参考消息 sets the day's wire briefs one under another, each a head over one paragraph that opens by naming
# who said or reported it: 民柬游击队攻占吴哥附近的越军阵地 / 红色高棉组织十六日说,它进攻和占领了…。 /
# 朝鲜将举行不结盟国家体育部长会议 / 朝鲜十六日宣布,… (1986, tests/fixtures/heldoutpages; 法新社二十一日报道,…
# on the 1989 pages of the same archive). The attribution is the brief's lead. A feature's subheads also stand
# over paragraphs opening 某某说, but over several paragraphs each: BRIEFS_MIN items in a row, from the top
# of the page, each of exactly one paragraph, make a page of briefs. (Three: two heads over quoted speech
# can open an interview; the 1986 page has four briefs, the 1989 page nine.)
_BRIEF_LEAD_RE = re.compile(r"^[^,，。:：]{2,24}?(?:[0-9〇零一二三四五六七八九十]{1,3}日)?(?:晚|早|上午|下午)?"
                            r"(?:说|宣布|报道|透露|表示|对记者说|援引[^,，]{1,12}说)[,，:：]")
BRIEFS_MIN = 3


def _starts_brief(line: str) -> bool:
    return bool(_BRIEF_LEAD_RE.match(line)) and ends_sentence(line)


def _brief_run(lines: list[str]) -> int:
    """How many lines at the top of `lines` are wire briefs (head, one attributed paragraph; in pairs); 0 when
    fewer than BRIEFS_MIN briefs open the page."""
    k = 0
    while k + 1 < len(lines) and line_kind(lines[k]) == "head" and _starts_brief(lines[k + 1]) \
            and (k + 2 >= len(lines) or line_kind(lines[k + 2]) == "head"):
        k += 2
    return k if k // 2 >= BRIEFS_MIN else 0


# --- items parted by blank lines only ----------------------------------------------------------------------
# A page of short items (人民日报 1950 各地简讯: 迪化市总工会成立 / its paragraph, three blank lines, 广西总工会筹委会
# 成立 / …; tests/fixtures/realpages) may give no lead, byline or end mark between them: only the wider blank
# gap the cleaner records (CleanDoc.gap_before). Under a page header line, when the page's first line and
# at least GAP_ITEMS_MIN lines in all stand after such a gap, each a head over text, each opens an item.
GAP_ITEMS_MIN = 2


def _gap_items(lines: list[str], gaps: frozenset[str]) -> list[int]:
    starts = [k for k, ln in enumerate(lines) if ln in gaps]
    if len(starts) < GAP_ITEMS_MIN or starts[0] != 0:
        return []
    if not all(k + 1 < len(lines) and line_kind(lines[k]) == "head" and line_kind(lines[k + 1]) in ("body", "lead")
               for k in starts):
        return []
    return starts


def _split_gap_items(lines: list[str], starts: list[int], doc_captions: frozenset[str], fmt: str) -> list[_Draft]:
    drafts: list[_Draft] = []
    for idx, a in enumerate(starts):
        b = starts[idx + 1] if idx + 1 < len(starts) else len(lines)
        d = _single(lines[a:b], None, doc_captions, fmt)
        d.start, d.split_reason = a, "gap+head"
        drafts.append(d)
    return drafts


def _split_briefs(lines: list[str], n: int, doc_captions: frozenset[str]) -> list[_Draft]:
    drafts: list[_Draft] = []
    for k in range(0, n, 2):
        d = _Draft(start=k, title=lines[k], split_reason="brief_head+attribution")
        _fill_body(d, [lines[k + 1]], doc_captions)
        drafts.append(d)
    return drafts


# --- a numbered running order, entry by entry over the articles (day files of the old papers) ---------------
# An archive's day file lists the day's articles in order, `N. head` over each: the article's one line
# repeats the head and runs on into its text (2. 林枫副委员长接见乌拉圭客人 / 林枫副委员长接见乌拉圭客人 新华社
# 六日讯 …: 人民日报 1964), or opens with its news lead (1. …周恩来总理回到北京 / 【路透社北京12日电】…: 参考消息
# 1961; tests/fixtures/realpages). The entry names the article.
_ENTRY_RE = re.compile(r"^\d{1,3}[.、]\s*(\S.*)$")
# two entries over their run-in articles make a day file (one is a numbered paragraph that quotes its head)
MIN_RUN_IN_ENTRIES = 2
# a day file prints its page between the entries (第 1 版), and its date alone on the top line
_PAGE_LINE_RE = re.compile(r"^第\s*(\d{1,3})\s*版$")


# An entry may name the item's kind after its head, as the archive lists a photo: 1. 我们伟大的祖国(图片). Like
# （附图片1张） under a print head, the note is no part of the headline (the flag picture_note keeps it).
_ENTRY_PICTURE_NOTE_RE = re.compile(r"\s*[(（](?:图片|照片|附图片|附照片)[)）]$")


def _entry_head(line: str) -> tuple[str, bool] | None:
    """(the head an entry names, whether it carried a picture note), or None when `line` is no entry."""
    m = _ENTRY_RE.match(line)
    if not m:
        return None
    head = _ENTRY_PICTURE_NOTE_RE.sub("", m.group(1)).strip()
    return head, head != m.group(1).strip()


# An entry need not sit over a run-in head or a news lead: 参考消息 sets a summary deck under a head
# (2. 尼赫鲁谈中印总理会谈结果 / 说「…」…。【印度报业托辣斯…电】), a column head over run-in item heads (2. 欢庆…十周年 /
# 亚非团结理事会派代表团… 【新华社开罗19日电】), a wire's notice under its own label (【合众国际社内部通报】):
# tests/fixtures/heldoutpages. Once the file shows it is a day file (its page line 第 N 版 above an entry over
# a run-in head or lead, or two such entries), the entry that carries the running order's next number is the
# next article whatever follows it. An entry's head is a head: no sentence end, at most this long (the
# longest run-in heads of 人民日报 day files, three decks in a line, run to ~100 characters).
RUN_IN_ENTRY_MAX_CHARS = 120


def _entry_number(line: str) -> int | None:
    m = re.match(r"^(\d{1,3})[.、]", line)
    return int(m.group(1)) if m else None


def _run_in_entries(lines: list[str]) -> list[int]:
    """Positions of running-order entries over their articles: the next line opens with the entry's head and
    goes on (a run-in head), or is a news lead; in a day file also every entry that carries the running
    order's next number (RUN_IN_ENTRY_MAX_CHARS)."""
    out: list[int] = []
    for k in range(len(lines) - 1):
        e = _entry_head(lines[k])
        if e is None:
            continue
        nxt = lines[k + 1]
        if (len(nxt) > len(e[0]) and nxt.startswith(e[0])) or starts_lead(nxt):
            out.append(k)
    day_file = len(out) >= MIN_RUN_IN_ENTRIES or (
        len(out) == 1 and any(_PAGE_LINE_RE.match(ln) for ln in lines[: out[0]]))
    if not day_file:
        return out
    anchored = set(out)
    seq: list[int] = []
    for k in range(out[0], len(lines) - 1):
        e = _entry_head(lines[k])
        if e is None:
            continue
        prev = _entry_number(lines[seq[-1]]) if seq else None
        if k in anchored or (prev is not None and _entry_number(lines[k]) == prev + 1
                             and len(e[0]) <= RUN_IN_ENTRY_MAX_CHARS and not ends_sentence(e[0])):
            seq.append(k)
    return seq


def _split_running_order(lines: list[str], entries: list[int], doc_captions: frozenset[str]) -> list[_Draft]:
    """A day file -> one draft per entry: the entry is the headline, the line under it (less the head it
    repeats) and the lines down to the next entry are the text. The top lines give the date and the page."""
    drafts: list[_Draft] = []
    day: str | None = None
    page: str | None = None
    top: list[str] = []
    for ln in lines[: entries[0]]:
        pm = _PAGE_LINE_RE.match(ln)
        if pm:
            page = pm.group(1)
        elif day is None and len(ln) <= DATE_LINE_MAX_CHARS and (iso := parse_publish_date(ln)) is not None:
            day = iso
        else:
            top.append(ln)
    for idx, a in enumerate(entries):
        end = entries[idx + 1] if idx + 1 < len(entries) else len(lines)
        title, noted = _entry_head(lines[a]) or ("", False)
        run_in = lines[a + 1].startswith(title)
        reason = ("running_order+run_in_head" if run_in else "running_order+lead" if starts_lead(lines[a + 1])
                  else "running_order+sequence")
        d = _Draft(start=a, title=title, page=page, split_reason=reason)
        if day is not None:
            d.header_date = (day, None, None)
        if noted:
            d.flags.append(FLAG_PICTURE_NOTE)
        body = [lines[a + 1][len(title):].strip() if run_in else lines[a + 1]]
        for ln in lines[a + 2:end]:
            pm = _PAGE_LINE_RE.match(ln)
            if pm:  # the entries below stand on another page
                page = pm.group(1)
                continue
            body.append(ln)
        _fill_body(d, [b for b in body if b], doc_captions)
        drafts.append(d)
    if top:
        f = _Draft(start=0, split_reason="fragment", flags=[FLAG_ORPHAN])
        _fill_body(f, top, doc_captions)
        if f.body:
            drafts.insert(0, f)
    return drafts


# --- metadata ---------------------------------------------------------------------------------------
def _doc_metadata(doc: CleanDoc) -> tuple[dict[str, tuple[object, str]], str | None, str]:
    """Metadata the cleaner found in boilerplate: field -> (value, origin); a known title and its origin."""
    meta: dict[str, tuple[object, str]] = {}
    title: str | None = None
    title_origin = TRAILER

    def put(key: str, value: object, origin: str, *, weak: bool = False) -> None:
        if value in (None, "", (), []):
            return
        if weak and key in meta:
            return
        meta[key] = (value, origin)

    order = {"masthead": 0, "breadcrumb": 1, "editor_line": 1, "dateline": 2, "cms_trailer": 3}
    for hit in sorted(doc.boilerplate, key=lambda h: order.get(h.kind, 1)):
        f = hit.fields or {}
        if hit.kind == "masthead":
            put("source", clean_source(f.get("paper")), HEADER, weak=True)
        elif hit.kind == "breadcrumb":
            channel = f.get("channel") or (hit.text.split(">")[-1].strip() if ">" in hit.text else None)
            put("channel", channel, HEADER)
        elif hit.kind == "dateline":
            put("publish_date", f.get("publish_date") or parse_publish_date(hit.text), HEADER)
            put("publish_time", f.get("publish_time") or parse_publish_time(hit.text), HEADER)
            m = _SOURCE_RE.search(hit.text)
            put("source", clean_source(f.get("source") or (m.group(1) if m else None)), HEADER)
            put("page", f.get("page"), HEADER)  # a paper's edition line: 《工人日报》(2025年09月18日 02版)
            # a web page's info line may name the writer and the editor (作者:X 编辑:Y)
            put("authors", tuple(str(a) for a in f.get("authors") or ()), TEXT, weak=True)
            put("editors", tuple(str(e) for e in f.get("editors") or ()), TEXT, weak=True)
        elif hit.kind == "page_title" and f.get("title") and title is None:
            # the page's <title> names the headline printed as the <h1>
            title, title_origin = str(f["title"]).strip(), HEADER
            for key in ("source", "publish_date", "page"):  # a paper's print line names these too
                put(key, f.get(key), HEADER)
        elif hit.kind == "cms_trailer":
            put("publish_date", f.get("publish_date") or parse_publish_date(hit.text), TRAILER)
            put("page", str(f["page"]) if f.get("page") not in (None, "") else None, TRAILER)
            put("source", clean_source(f.get("paper")), TRAILER)
            put("original_id", f.get("original_id"), TRAILER)
            if f.get("title"):
                title, title_origin = str(f["title"]).strip(), TRAILER
        elif hit.kind == "author_box":
            put("authors", tuple(str(a) for a in f.get("authors") or ()), TEXT, weak=True)
        elif hit.kind == "editor_line":
            eds = f.get("editors") or parse_editor_line(hit.text)
            put("editors", tuple(str(e) for e in eds), TEXT)
    return meta, title, title_origin


def _take_reading_tip(lines: list[str]) -> tuple[list[str], str | None]:
    """The summary box (核心阅读, 阅读提示, 编者按 on a line of its own, its text on the next): its text is the
    article's summary, and it stays in the body where it was printed, its label a section heading (issue 18:
    a box's text is never lost from the body, and never the headline)."""
    for k, ln in enumerate(lines):
        if ln.strip() in READING_TIP_HEADS and k + 1 < len(lines):
            return lines, lines[k + 1]
    return lines, None


def _bigrams(s: str) -> set[str]:
    return {s[i : i + 2] for i in range(len(s) - 1)}


def article_id(file_id: str, seq: int) -> str:
    return hashlib.sha256(f"{file_id}:{seq}".encode()).hexdigest()[:16]


def segment_document(doc: CleanDoc, manifest: ManifestRow | None = None, *,
                     today: date | None = None) -> list[Article]:
    """Split a cleaned document into articles with metadata; `manifest` supplies or overrides fields."""
    today = today or latest_today()  # the source's today, not the server's (dates.LATEST_UTC_OFFSET)
    lines = [s for s in (ln.strip() for ln in doc.text.split("\n")) if s]
    # An e-paper header line (paper, date, page) above the head block is metadata, never the headline.
    epaper = None
    for k in range(min(EPAPER_HEADER_MAX_LINE, len(lines))):
        epaper = parse_epaper_header(lines[k])
        if epaper is not None:
            del lines[k]
            break
    fmt = detect_format(doc, lines)
    if fmt == PLAIN and _reads_as_page(lines) and (epaper is not None or _headed_top_item(lines)):
        fmt = MULTI_ARTICLE_PAGE
    briefs = _brief_run(lines) if fmt in (PLAIN, MULTI_ARTICLE_PAGE) else 0
    gap_items = _gap_items(lines, frozenset(doc.gap_before)) if fmt == PLAIN and epaper is not None else []
    lines, tip = _take_reading_tip(lines)
    summary = doc.summary or tip
    doc_captions = frozenset(c.strip() for c in doc.captions)
    meta, known_title, title_origin = _doc_metadata(doc)
    supplied_title = next(((v, o) for k, v, o in doc.supplied if k == "title"), None)
    if supplied_title is not None and not known_title:
        known_title, title_origin = supplied_title
    if not lines:
        return []
    entries = _run_in_entries(lines) if fmt in (PLAIN, MULTI_ARTICLE_PAGE) else []
    if fmt == MARKDOWN_DAY:
        drafts = _split_markdown(lines, doc_captions)
    elif len(gap_items) >= GAP_ITEMS_MIN:
        drafts = _split_gap_items(lines, gap_items, doc_captions, fmt)
    elif briefs:
        rest = lines[briefs:]
        drafts = _split_briefs(lines, briefs, doc_captions)
        if rest:
            tail = (_split_page(rest, doc_captions, print_heads=doc.script in ("", "simplified"))
                    if _reads_as_page(rest) else [_single(rest, None, doc_captions, fmt)])
            for d in tail:
                d.start += briefs
                d.split_reason = d.split_reason or "after_briefs"
            tail[0].split_reason = "after_briefs" if tail[0].split_reason in (None, "no_boundary") else tail[0].split_reason
            drafts += tail
    elif len(entries) >= MIN_RUN_IN_ENTRIES:
        drafts = _split_running_order(lines, entries, doc_captions)
    elif fmt == MULTI_ARTICLE_PAGE:
        marks = [(str(h.fields.get("after") or ""), h.text.strip()) for h in doc.boilerplate
                 if h.kind in ("editor_line", "repeated_line")]
        drafts = _split_page(lines, doc_captions, marks, print_heads=doc.script in ("", "simplified"))
    else:
        drafts = [_single(lines, known_title, doc_captions, fmt)]
    if summary:
        if len(drafts) == 1:
            drafts[0].summary = summary
        else:
            sb = _bigrams(summary)
            max(drafts, key=lambda x: len(sb & _bigrams("".join(x.body)))).summary = summary
    single = len(drafts) == 1
    path_date = date_from_path(doc.source_file, today)
    publisher = next((str(h.fields["publisher"]) for h in doc.boilerplate
                      if h.kind == "site_chrome" and h.fields and h.fields.get("publisher")), None)
    out: list[Article] = []
    for seq, d in enumerate(drafts, start=1):
        origin: dict[str, str] = {}
        values: dict[str, object] = {}
        for key, (val, org) in meta.items():
            values[key] = val
            origin[key] = org
        if d.header_date is not None:
            for key, val in zip(("publish_date", "publish_time", "source"), d.header_date, strict=True):
                if val and key not in values:
                    values[key], origin[key] = val, HEADER
        if d.page and "page" not in values:
            values["page"], origin["page"] = d.page, HEADER
        if d.split_reason:
            origin["split_reason"] = d.split_reason
        if epaper is not None:
            for key, val in (("source", epaper.source), ("publish_date", epaper.publish_date),
                             ("page", epaper.page), ("page_name", epaper.page_name)):
                if val and key not in values:
                    values[key], origin[key] = val, HEADER
        for key in ("title", "kicker", "subtitle"):
            if getattr(d, key):
                origin[key] = TEXT
        if d.title and known_title == d.title:
            origin["title"] = title_origin
        for key in ("authors", "correspondents", "photographers"):
            if getattr(d.credits, key):
                origin[key] = TEXT
        title = d.title
        authors = d.credits.authors
        if not authors and single and "authors" in values:  # only an author box at the foot names them
            authors = tuple(values["authors"])  # type: ignore[arg-type]
        # every origin's candidates, best first (PRECEDENCE); the text's own pick (above) is one of them
        cands: dict[str, list[tuple[object, str]]] = {k: [(v, origin[k])] for k, v in values.items()}
        for key, val, org in doc.supplied:
            if key in ("title", "authors", "site_name"):
                continue
            cands.setdefault(key, []).append((val, org))
        if path_date is not None and path_date.iso:
            cands.setdefault("publish_date", []).append((path_date.iso, PATH))
        if manifest is not None:
            for key in ("publish_date", "publish_time", "source", "page", "url"):
                val = getattr(manifest, key)
                if val:
                    cands.setdefault(key, []).append((val, MANIFEST))
        # a page's document-level warnings stay with the article whose text holds them (issue 21)
        doc_flags = list(doc.flags) if single else _page_flags(doc.flags, d)
        flags = [*doc_flags, *(f for f in d.flags if f not in doc_flags)]
        for key, found in cands.items():
            found.sort(key=lambda vo: _RANK.get(vo[1], len(PRECEDENCE)))
            if key == "publish_date":
                ok = [vo for vo in found if valid_publish_date(str(vo[0]), today)]
                if len(ok) < len(found):
                    flags.append(FLAG_BAD_DATE)
                    if not ok:  # the date found, as found: the quarantine row shows it (issue 16)
                        origin["publish_date_invalid"] = str(next(vo for vo in found if vo not in ok)[0])
                found[:] = ok
            if not found:
                values.pop(key, None)
                origin.pop(key, None)
                continue
            values[key], origin[key] = found[0]
            if key in CONFLICT_FIELDS:
                other = next((vo for vo in found[1:] if str(vo[0]) != str(found[0][0])), None)
                if other is not None:
                    origin[f"{key}_conflict"] = f"{other[1]}:{other[0]}"
                    if FLAG_CONFLICT not in flags:
                        flags.append(FLAG_CONFLICT)
        if "publish_date" not in values and FLAG_BAD_DATE not in flags:
            # no date anywhere but an impossible or out-of-range one (2023年2月30日, 2099年1月1日)
            # (where a publish date stands: a short date line, or a dateline opening the first paragraph; a
            # historical date in a body sentence is no publish date, valid or not)
            heads = [x for x in (d.title, d.subtitle, *d.body) if x and len(x) <= DATE_LINE_MAX_CHARS]
            bad = invalid_date_text("\n".join([*heads, *(p[:DATE_LINE_MAX_CHARS] for p in d.body[:1])]), today)
            if bad is not None:
                flags.append(FLAG_BAD_DATE)
                origin["publish_date_invalid"] = bad
        if single and supplied_title is not None and title != supplied_title[0]:
            title, origin["title"] = supplied_title  # the page/export names it; the text did not print it
        site = next(((v, o) for k, v, o in doc.supplied if k == "site_name"), None)
        if site is not None and "source" not in values:  # the site's name: the source of last resort
            values["source"], origin["source"] = site
        lead = (d.lead_source or (webpage.lead_source(d.body[0]) if d.body else None)) if "source" not in values else None
        if lead is not None:  # who the text's lead says reported it (中工网讯, 「本文来源:X」): after all else
            values["source"], origin["source"] = lead, TEXT
        if "source" not in values and publisher is not None:  # the page footer's 版权所有/主办/Copyright: last
            values["source"], origin["source"] = publisher, TRAILER
        supplied_authors = next(((v, o) for k, v, o in doc.supplied if k == "authors"), None)
        if single and supplied_authors is not None:
            authors, origin["authors"] = tuple(a for a in supplied_authors[0].split("、") if a), supplied_authors[1]
        if manifest is not None:
            if single and manifest.title:
                title, origin["title"] = manifest.title, MANIFEST
            if single and manifest.authors:
                authors, origin["authors"] = manifest.authors, MANIFEST
        # on a page the editor lines are the articles' end marks: each article gets its own (issue 21)
        editors = d.editors if any(x.editors for x in drafts) else tuple(values.get("editors", ()))  # type: ignore[arg-type]
        body = "\n".join(d.body)
        place_title = " ".join(x for x in (d.kicker, title, d.subtitle) if x)
        region = province_of(body, place_title or None, home_region(_opt(values.get("source"))))
        if region:
            origin["region"] = TEXT
        out.append(Article(
            article_id=article_id(doc.file_id, seq), file_id=doc.file_id, source_file=doc.source_file,
            seq=seq, title=title, body=body, kicker=d.kicker, subtitle=d.subtitle, authors=authors,
            correspondents=d.credits.correspondents, photographers=d.credits.photographers,
            editors=editors,
            publish_date=_opt(values.get("publish_date")), publish_time=_opt(values.get("publish_time")),
            source=_opt(values.get("source")), page=_opt(values.get("page")),
            page_name=_opt(values.get("page_name")),
            channel=_opt(values.get("channel")), region=region, url=_opt(values.get("url")),
            captions=tuple(d.captions), summary=d.summary, section_headings=tuple(d.headings),
            section_banner=" ".join(d.banner) or None, format=fmt,
            original_id=_opt(values.get("original_id")), metadata_origin=origin, flags=tuple(flags),
        ))
    return out


_RANK = {o: i for i, o in enumerate(PRECEDENCE)}


def _opt(v: object) -> str | None:
    return None if v is None else str(v)


__all__ = ["segment_document", "is_headline", "article_id"]
