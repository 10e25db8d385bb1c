"""Turn an HTML page into plain text (block elements become lines; scripts, styles and navigation go)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

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


def html_to_text(html: str) -> tuple[str, str | None]:
    """(text with one block per line, the <title> if any). Never raises on malformed markup."""
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
