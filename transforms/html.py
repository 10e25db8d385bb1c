"""Saved web pages: main text through trafilatura, the page's own metadata from its <meta> tags.

A saved page carries the site around the article: navigation bars, share bars, related-article lists,
footers. trafilatura (with htmldate for dates) is the maintained reference for main-text extraction:
on saved Chinese news pages it keeps the headline, dateline and paragraphs and drops that furniture,
where a tag stripper keeps every line of it (the article is then held back as boilerplate_left). Its
cost is measured in bench/bench_html.py. The hand-written stripper below stays as the fallback for a
document trafilatura finds no main text in (a fragment, a page that is all one table).

The text is handed over already decoded (transforms.decode reads the charset from the bytes), so a
page whose <meta charset> lies about its bytes is read right.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser
from typing import Any

# A document is treated as HTML when it opens like one, or carries several structural tags early on.
HTML_START = re.compile(r"^\s*(?:<!doctype\s+html|<html[\s>]|<\?xml[^>]*>\s*<html)", re.IGNORECASE)
HTML_TAGS = re.compile(r"</?(?:html|head|body|div|p|br|table|span|a|script|meta|title)\b[^>]*>", re.IGNORECASE)
# Five structural tags in the first 4 KB: plain news text never has them; a saved page always does.
MIN_TAGS_FOR_HTML = 5
BLOCK_TAGS = frozenset({"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "title",
                        "section", "article", "header", "footer", "table", "ul", "ol", "blockquote", "td"})
SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "head", "nav", "iframe"})


def looks_like_html(text: str) -> bool:
    head = text[:4096]
    return bool(HTML_START.match(head)) or len(HTML_TAGS.findall(head)) >= MIN_TAGS_FOR_HTML


# Tags only a whole page has. Text that carries paragraph markup and nothing more (a broadcast's Markdown day
# file with each story's raw <p> text) is a text with tags, not a page: every line of it is content, and a
# main-text extractor would drop its headings and running order as furniture.
_PAGE_TAGS = re.compile(r"<(?:html|head|body|div|meta|title|script|nav|header|footer)\b", re.IGNORECASE)


def is_web_page(text: str) -> bool:
    """A saved web page (opens like one, or has page-level tags), not text with a few paragraph tags."""
    head = text[:4096]
    return bool(HTML_START.match(head)) or _PAGE_TAGS.search(head) is not None


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0
        self.title: str | None = None
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self._in_title = True
        if tag in SKIP_TAGS:
            self.skip += 1
        elif tag in BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        if tag in SKIP_TAGS:
            self.skip = max(0, self.skip - 1)
        elif tag in BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self._in_title and self.title is None and data.strip():
            self.title = data.strip()
        if not self.skip:
            self.parts.append(data)


def strip_tags(html: str) -> tuple[str, str | None]:
    """(text with one block per line, the <title> if any), every block kept. Never raises."""
    p = _Text()
    try:
        p.feed(html)
        p.close()
    except Exception:  # html.parser is lenient; this guards against pathological input only
        return re.sub(r"<[^>]*>", "\n", html), None
    lines = (line.strip() for line in "".join(p.parts).split("\n"))
    body = "\n".join(line for line in lines if line)
    if p.title and not body.startswith(p.title):
        body = p.title + "\n" + body
    return body, p.title


# --- the page's own metadata --------------------------------------------------------------------------
# <meta name|property|itemprop=…> keys that name each field, as news CMSs write them (lower-cased).
META_KEYS: dict[str, tuple[str, ...]] = {
    "publish_date": ("publishdate", "pubdate", "publish_date", "publishtime", "article:published_time",
                     "og:article:published_time", "og:release_date", "datepublished", "dc.date",
                     "dc.date.issued", "firstpublishedtime", "weibo:article:create_at"),
    "source": ("source", "contentsource", "og:article:source", "article:source", "media"),
    "authors": ("author", "article:author", "og:article:author", "dc.creator", "byline"),
    "title": ("og:title", "headline", "articletitle", "title"),
    "site_name": ("og:site_name", "sitename", "site_name", "application-name"),
    "url": ("og:url",),
}
_META_LOOKUP = {k: f for f, keys in META_KEYS.items() for k in keys}
# Publish times in a page's script variables (var pubtime = "2020-05-06 08:30"): CMS templates that
# print the date with JavaScript.
_SCRIPT_DATE_RE = re.compile(
    r"""(?:pubtime|publishtime|publish_time|pubdate|publishdate|publish_date)\s*[=:]\s*["'](?P<v>[^"']{8,40})["']""",
    re.IGNORECASE)
_META_RE = re.compile(r"<meta\b[^>]*>", re.IGNORECASE)
_ATTR_RE = re.compile(r"""([a-zA-Z:_.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")
# A <title> carries the site after the headline: 标题_网易订阅, 标题 - 示例网, 标题|示例网.
_TITLE_SUFFIX_RE = re.compile(r"\s*(?:[_|｜]|\s[-–—]\s)\s*[^_|｜]{1,30}$")
# An author <meta> holding a URL or a site's own name is not a person's byline.
_NOT_AUTHOR_RE = re.compile(r"https?://|www\.|网|报|社|台")


@dataclass
class Page:
    """A saved page: its main text (one block per line), and metadata field -> value from the page."""

    text: str
    meta: dict[str, str] = field(default_factory=dict)
    extractor: str = "trafilatura"  # trafilatura | strip_tags (fallback)


def page_meta(html: str) -> dict[str, str]:
    """field -> value from the page's <meta> tags and script variables (the first that names each)."""
    from gonghui.transforms.dates import parse_publish_date, parse_publish_time

    out: dict[str, str] = {}
    head = html[:200_000]
    for tag in _META_RE.findall(head):
        attrs = {m.group(1).lower(): (m.group(2) or m.group(3) or m.group(4) or "") for m in _ATTR_RE.finditer(tag)}
        key = (attrs.get("name") or attrs.get("property") or attrs.get("itemprop") or "").strip().lower()
        f = _META_LOOKUP.get(key)
        val = unescape(attrs.get("content", "")).strip()
        if f and val and f not in out:
            out[f] = val
    if "publish_date" not in out:
        m = _SCRIPT_DATE_RE.search(head)
        if m:
            out["publish_date"] = m.group("v")
    if "publish_date" in out:
        raw = out.pop("publish_date")
        iso = parse_publish_date(raw)
        if iso:
            out["publish_date"] = iso
            t = parse_publish_time(raw[raw.find(iso[:4]) + 10:] if "T" in raw or " " in raw else "")
            if t:
                out["publish_time"] = t
    if "authors" in out and _NOT_AUTHOR_RE.search(out["authors"]):
        out.pop("authors")
    return out


def strip_site_suffix(title: str, site_name: str | None = None) -> str:
    """A <title> without the site name after it (标题_示例新闻网 -> 标题)."""
    t = title.strip()
    if site_name and t.endswith(site_name) and len(t) > len(site_name) + 1:
        return re.sub(r"[\s_|｜\-–—]+$", "", t[: -len(site_name)]).strip() or t
    m = _TITLE_SUFFIX_RE.search(t)
    return t[: m.start()].strip() if m and m.start() >= 4 else t


def extract_page(html: str) -> Page:
    """Main text and metadata of a saved page. Never raises: trafilatura's failure falls back to strip_tags."""
    meta = page_meta(html)
    text = None
    title = None
    try:
        if not is_web_page(html):
            raise LookupError("text with paragraph tags, not a page")  # read by the fallback, line by line
        import trafilatura

        logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
        logging.getLogger("htmldate").setLevel(logging.CRITICAL)
        doc = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False,
                                          include_tables=True, deduplicate=False, include_formatting=False)
        if doc is not None:  # a Document (as_dict=False), read as a mapping either way
            got: dict[str, Any] = doc if isinstance(doc, dict) else doc.as_dict()
            text = str(got.get("text") or "").strip() or None
            title = str(got.get("title") or "").strip() or None
            if got.get("date") and "publish_date" not in meta:
                meta["publish_date"] = str(got["date"])[:10]
            if got.get("sitename") and "site_name" not in meta:
                meta["site_name"] = str(got["sitename"])
    except Exception:  # a library fault on one page never stops the run: the fallback reads it
        text = None
    if "title" in meta:
        meta["title"] = strip_site_suffix(meta["title"], meta.get("site_name"))
    elif title:
        meta["title"] = strip_site_suffix(title, meta.get("site_name"))
    if text is None:
        body, t = strip_tags(html)
        if t and "title" not in meta:
            meta["title"] = strip_site_suffix(t, meta.get("site_name"))
        return Page(body, meta, "strip_tags")
    if meta.get("title") and meta["title"] not in text.split("\n", 3)[:3]:
        text = meta["title"] + "\n" + text
    return Page(text, meta)


def html_to_text(html: str) -> tuple[str, str | None]:
    """(main text with one block per line, the page's title). Never raises on malformed markup."""
    p = extract_page(html)
    return p.text, p.meta.get("title")


# ------------------------------------------------------------------------------------------------------
# Markup left in plain (scraped) text, issue 20 class 3. A page saved as text keeps what the scraper did
# not strip: <script>/<style> blocks (never article text: a fact read from a script's numbers is false) and
# character references (&#24037;&#20250; is 工会; a page written that way read as "not Chinese").

_BLOCK_OPEN_RE = re.compile(r"<(script|style)\b[^>]*>", re.IGNORECASE)
_BLOCK_NAME_RE = re.compile(r"(?:script|style)\b", re.IGNORECASE)
# A reference as HTML writes it, terminated by ";" (the legacy forms without ";" would eat "&copy" in a
# URL query): decimal, hex, or a name of at most 32 letters and digits.
_ENTITY_RE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
KIND_SCRIPT_BLOCK = "script_block"
KIND_STYLE_BLOCK = "style_block"
KIND_ENTITY = "html_entities"


def strip_script_blocks(text: str) -> tuple[str, dict[str, int]]:
    """Remove <script>...</script> and <style>...</style> blocks from text; count them per kind.

    One forward pass: each block's end is found from its start (str.find), and an opening tag without a
    closing one ends the search (its block runs to the end of the text: removed) — linear in the text.
    """
    if "<" not in text:
        return text, {}
    lower: str | None = None
    parts: list[str] = []
    counts: dict[str, int] = {}
    pos = 0
    while True:
        m = _BLOCK_OPEN_RE.search(text, pos)
        if m is None:
            break
        if lower is None:
            lower = text.lower()
        tag = m.group(1).lower()
        close = lower.find(f"</{tag}", m.end())
        end = len(text) if close < 0 else lower.find(">", close) + 1 or len(text)
        parts.append(text[pos:m.start()])
        kind = KIND_SCRIPT_BLOCK if tag == "script" else KIND_STYLE_BLOCK
        counts[kind] = counts.get(kind, 0) + 1
        pos = end
    if not counts:
        return text, {}
    parts.append(text[pos:])
    return "".join(parts), counts


def decode_entities(text: str) -> tuple[str, int]:
    """Character references in plain text decoded (&#24037; &#x5de5; &amp; &ldquo;); (text, how many).

    An unknown name stays as written; a reference to a control character or a surrogate becomes what
    HTML5 says (U+FFFD or the Windows-1252 character), as html.unescape does.
    """
    if "&" not in text:
        return text, 0
    n = 0

    def one(m: re.Match[str]) -> str:
        nonlocal n
        out = unescape(m.group())
        # An escaped "&" or "<" that would start a new reference or a <script> block once decoded
        # (&amp;#24037; is the text "&#24037;") stays escaped: decoding is then idempotent (cleaning twice
        # changes nothing more).
        ahead = text[m.end():m.end() + 64]
        if (out == "&" and _ENTITY_RE.match("&" + ahead) is not None
                or out == "<" and _BLOCK_NAME_RE.match(ahead) is not None):
            return m.group()
        if out != m.group():
            n += 1
        return out

    return _ENTITY_RE.sub(one, text), n
