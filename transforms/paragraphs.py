"""Split cleaned text into paragraphs and rejoin sentences that newspaper columns cut in two.

Rule. Printed pages are laid out in columns; the text export turns every column break into a paragraph
break, so a sentence ends up cut (``灵活\\n\\n就业人员``, ``提供\\n\\n8000余张``). Paragraph P is joined
with the next paragraph N (no separator: Chinese has no spaces between words) when all of these hold:

1. P does not end a sentence: its last character, after closing quotes/brackets, is not one of
   ``。!?;…`` and P does not end as a kicker or lead-in (``——``, ``:``).
2. P looks like body text, not a title: it is at least ``BODY_MIN_CHARS`` long, or at least
   ``BODY_MIN_CHARS_WITH_STOP`` long with a full stop inside it; and it does not open like a heading
   (``■``, ``一、``, ``6 ``) or a byline (``本报记者``).
3. P is not the document's opening line when that line is headline-sized (at most
   ``OPENING_HEADLINE_MAX_CHARS``): a file's first line is where its headline stands, and a headline may
   be long or hold a ``?`` (``七一在台言论惹祸? 陈浩天:为香港人权而出席,非谈港独``) without being body text.
   On a page the same holds for the line after an end mark (``(完)``) and the line under the page's
   header line (``众新闻 2020年12月16日 第12版 港闻``): that is where the next headline stands.
4. N does not look like a heading, banner, byline or caption start: it is not a short line without a
   final stop (< ``NEXT_TITLE_MAX_CHARS``: headlines, ``团结奋斗开新局 喜迎工会十八大 工会工作巡礼``,
   a lone name), does not open with a heading/byline/caption marker (``■``, ``本报讯``, ``本报记者``,
   ``记者``, ``通讯员``, ``图为``, ``——`` …), and is not a byline ending in ``摄``.

After a join the merged paragraph is checked again against the one after it, so a sentence cut twice is
rejoined twice; passes repeat until none joins anything, so running the rule on its own output changes
nothing (idempotent).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from gonghui.transforms.pathmeta import parse_epaper_header

# Headlines in Chinese papers run up to ~40 characters (the longest in the samples, a numbered heading
# with commas, has 43); a cut body paragraph is a sentence or more. 45 separates them; below it a
# paragraph counts as body only if it already holds a full stop (a multi-sentence lead cut late).
BODY_MIN_CHARS = 45
BODY_MIN_CHARS_WITH_STOP = 16
# A continuation is the rest of a sentence, so it ends with a stop; a short line that does not is a
# headline, banner, name or section heading. 40 covers two-deck banners and long section headings.
NEXT_TITLE_MAX_CHARS = 40

# The opening line of a file is its headline when it is no longer than this: real Hong Kong headlines run
# to 59 characters, two-part ones included; a body paragraph cut by a column break is rarely the first line.
OPENING_HEADLINE_MAX_CHARS = 80

SENTENCE_END = frozenset("。!?;…")
# Closers that may follow the sentence end: 说。” / (完)。) / 》.
_CLOSERS = "”’」』)]》〉】"
_CLOSERS_AND_SPACE = _CLOSERS + " "
# Ends that close a unit without a stop: kicker dashes, a lead-in colon.
_NON_JOIN_ENDS = ("——", ":", "—")

_HEADING_START_RE = re.compile(
    r"^(?:[■□▲△●○◆◇★☆▶►▼※#]"  # section / byline markers
    r"|[一二三四五六七八九十]{1,3}[、.]"  # 一、
    r"|[(][一二三四五六七八九十\d]{1,3}[)]"  # (一)
    r"|\d{1,2}(?:[ 、]|\.(?!\d)|“(?!\d))"  # "6 第五届…", "8“建功…"  (not "8.5%", not "2023年")
    r"|第[一二三四五六七八九十\d]{1,3}[章节部分篇])"
)
_BYLINE_START_RE = re.compile(
    r"^(?:本报讯|本报记者|本报通讯员|本报评论员|记者|通讯员|特约记者|文/|图/|文图/|图文/|摄影|图为|图:|图片|"
    r"新华社|中新社|人民网|——|—)"
)
# A question or exclamation mark closing one part of a headline in parts: the space between the parts, or
# the dash of a subtitle run on (…香港一啲唔失礼!——写于8月5日大罢工前夕), follows.
_PART_END_RE = re.compile(r"[?!？！]+(?: |——)")
# End marks close an article on a page: (完), （责任编辑：X）, （编辑：X）.
_END_MARK_RE = re.compile(r"^[（(](?:完|终|(?:责任编辑|责编|编辑)[:：][^()（）]{1,20})[)）]$")
# "本报记者 王伟伟 摄", "张三 摄", "(张三 摄)".
_PHOTO_CREDIT_RE = re.compile(r"(?:^|\s)摄(?:影)?[)]?$")


def split_paragraphs(text: str) -> list[str]:
    """Non-empty, stripped lines: every line of normalised text is a paragraph."""
    return [p for p in map(str.strip, text.split("\n")) if p]


def ends_sentence(paragraph: str) -> bool:
    """Does the paragraph end with a sentence stop (possibly followed by closing quotes/brackets)?"""
    p = paragraph.rstrip(_CLOSERS_AND_SPACE)
    return bool(p) and p[-1] in SENTENCE_END


def looks_like_body(paragraph: str) -> bool:
    """Long enough, and opening like running text rather than a heading or byline."""
    n = len(paragraph)
    if n < BODY_MIN_CHARS:
        # A ? or ! followed by a space or —— closes one part of a headline in parts (港铁高层会否问责引咎辞职?
        # 马时亨:当务之急…, a real Hong Kong headline), not a sentence of running text: it does not count.
        inner = _PART_END_RE.sub("", paragraph[:-1])
        if n < BODY_MIN_CHARS_WITH_STOP or SENTENCE_END.isdisjoint(inner):
            return False
    return not (_HEADING_START_RE.match(paragraph) or _BYLINE_START_RE.match(paragraph))


def looks_like_heading(paragraph: str) -> bool:
    """Title, banner, section heading, byline, lone name or caption start: never glued onto body text."""
    if _HEADING_START_RE.match(paragraph) or _BYLINE_START_RE.match(paragraph):
        return True
    if _PHOTO_CREDIT_RE.search(paragraph):
        return True
    return len(paragraph) < NEXT_TITLE_MAX_CHARS and not ends_sentence(paragraph)


def should_join(prev: str, nxt: str) -> bool:
    """Is `nxt` the rest of a sentence a column break cut out of `prev`? (The module rule.)"""
    if not prev or not nxt:
        return False
    if ends_sentence(prev) or prev.endswith(_NON_JOIN_ENDS):
        return False
    # A combining mark at the start of `nxt` would compose with `prev`'s last letter.
    if unicodedata.combining(nxt[0]):
        return False
    return looks_like_body(prev) and not looks_like_heading(nxt)


def _opens_next_article(paragraph: str) -> bool:
    """An end mark ((完), （责任编辑：X）): the paragraph after it opens the next article on a page."""
    return bool(_END_MARK_RE.match(paragraph))


def _kept_apart(paragraph: str, keep_apart: frozenset[str]) -> bool:
    """Did an end mark follow this paragraph? (It may have been joined with the one before it already.)"""
    return bool(keep_apart) and any(paragraph.endswith(k) for k in keep_apart)


def _rejoin_pass(paragraphs: Iterable[str], keep_apart: frozenset[str]) -> tuple[list[str], int]:
    out: list[str] = []
    joins = 0
    for p in paragraphs:
        if len(out) == 1 and len(out[0]) <= OPENING_HEADLINE_MAX_CHARS:
            out.append(p)  # rule 3: the opening line stays a line of its own
        elif (len(out) >= 2 and len(out[-1]) <= OPENING_HEADLINE_MAX_CHARS
              and (_opens_next_article(out[-2]) or _kept_apart(out[-2], keep_apart)
                   or (len(out) == 2 and parse_epaper_header(out[0]) is not None))):
            out.append(p)  # rule 3 on a page: a head after an end mark or under the page header
        elif out and not _kept_apart(out[-1], keep_apart) and should_join(out[-1], p):
            out[-1] = out[-1] + p
            joins += 1
        else:
            out.append(p)
    return out, joins


def rejoin_paragraphs(paragraphs: Iterable[str], keep_apart: Iterable[str] = ()) -> tuple[list[str], int]:
    """Rejoin column-cut paragraphs; returns (paragraphs, number of joins made).

    `keep_apart`: paragraphs an article's end mark followed before the cleaner took it off (（责任编辑：X）):
    the next paragraph opens another article, never the rest of their sentence (a real Hong Kong page:
    an article's last line ends in a photo credit, 林励摄, and the next headline was glued onto it).

    Repeated until nothing changes: a join can turn the *next* paragraph's shape (a short fragment that
    gained its sentence end is no longer heading-like), so one pass is not a fixpoint. Real pages need
    one or two passes.
    """
    apart = frozenset(p.strip() for p in keep_apart if p.strip())
    out, joins = _rejoin_pass(paragraphs, apart)
    n = joins
    while n:
        out, n = _rejoin_pass(out, apart)
        joins += n
    return out, joins
