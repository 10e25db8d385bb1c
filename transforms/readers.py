"""Crawler exports: a table (.csv, .tsv, .jsonl/.ndjson, .json array) whose rows are articles.

A crawler writes one article per row, with columns such as 标题 / 发布时间 / 正文 / 来源 / 作者 / url.
Each row becomes one document: its text (title line + content) and its columns as metadata with origin
`export_column`. A table that does not name articles (no content column) is refused with the columns it
lacked, never read as one article. Pure functions: the caller reads the bytes.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from gonghui.transforms.dates import parse_publish_date, parse_publish_time

EXPORT_SUFFIXES = frozenset({".csv", ".tsv", ".jsonl", ".ndjson", ".json"})
REASON_EXPORT_COLUMNS = "export_missing_columns"
REASON_EXPORT_UNREADABLE = "export_unreadable"
ORIGIN = "export_column"

# Column names crawlers use, per field (compared after lower-casing and dropping spaces, _ and -).
# Gathered from common crawler and CMS export habits (English snake/camel case, Chinese headers).
COLUMN_NAMES: dict[str, tuple[str, ...]] = {
    "title": ("title", "headline", "标题", "题目", "文章标题", "新闻标题", "主标题"),
    "content": ("content", "text", "body", "article", "maintext", "正文", "内容", "文章内容", "新闻内容",
                "全文", "正文内容"),
    "publish_date": ("date", "publishdate", "pubdate", "publishtime", "pubtime", "publishedat",
                     "datetime", "time", "日期", "时间", "发布时间", "发布日期", "发表时间", "出版日期",
                     "刊发日期", "发稿时间"),
    "source": ("source", "paper", "site", "sitename", "media", "来源", "媒体", "报纸", "报刊", "网站",
               "来源媒体", "稿源"),
    "authors": ("author", "authors", "byline", "作者", "记者", "撰稿"),
    "url": ("url", "link", "href", "链接", "网址", "原文链接"),
    "page": ("page", "版面", "版次", "版号"),
    "page_name": ("pagename", "版名", "版面名称"),
}
# Without a content column a table does not name articles (a manifest, a truth file, a price list).
REQUIRED = ("content",)
_AUTHOR_SPLIT_RE = re.compile(r"[;；、|,，\s]+")


def _key(name: str) -> str:
    return re.sub(r"[\s_\-]+", "", name.strip().lstrip("\ufeff")).lower()


_LOOKUP = {_key(n): f for f, names in COLUMN_NAMES.items() for n in names}


@dataclass(frozen=True)
class ExportRow:
    """One row of an export: its 1-based row number (header excluded), the text, and its metadata."""

    row: int
    text: str
    supplied: tuple[tuple[str, str, str], ...] = ()


@dataclass
class Export:
    """A read export: its rows, or why it was refused (reason + detail naming the missing columns)."""

    rows: list[ExportRow] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)  # field -> column name as written
    problem: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)


def parse_columns_override(spec: str | None) -> dict[str, str]:
    """`title=标题,date=发布时间` -> {"title": "标题", "publish_date": "发布时间"} (--columns)."""
    out: dict[str, str] = {}
    for part in (spec or "").split(","):
        if not part.strip():
            continue
        k, sep, v = part.partition("=")
        if not sep or not v.strip():
            raise ValueError(f"--columns: {part!r} is not field=column")
        f = {"date": "publish_date", "author": "authors", "text": "content", "body": "content"}.get(k.strip(),
                                                                                                   k.strip())
        if f not in COLUMN_NAMES:
            raise ValueError(f"--columns: unknown field {k.strip()!r}; fields: {', '.join(COLUMN_NAMES)}")
        out[f] = v.strip()
    return out


def map_columns(names: list[str], override: dict[str, str] | None = None) -> dict[str, str]:
    """field -> column name, the first column that names each field (an override wins)."""
    out: dict[str, str] = {}
    for n in names:
        f = _LOOKUP.get(_key(n))
        if f and f not in out:
            out[f] = n
    for f, col in (override or {}).items():
        if col in names:
            out[f] = col
    return out


def _records(text: str, suffix: str) -> Iterator[dict[str, Any]] | None:
    if suffix in (".csv", ".tsv"):
        reader = csv.DictReader(io.StringIO(text, newline=""), delimiter="\t" if suffix == ".tsv" else ",")
        return (r for r in reader)
    if suffix in (".jsonl", ".ndjson"):
        return (json.loads(ln) for ln in text.splitlines() if ln.strip())
    data = json.loads(text)
    if isinstance(data, dict):  # {"data": [...]} / {"articles": [...]}: the one list of objects inside
        lists = [v for v in data.values() if isinstance(v, list) and v and isinstance(v[0], dict)]
        data = lists[0] if len(lists) == 1 else None
    return iter(data) if isinstance(data, list) else None


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, list):
        return "、".join(str(x) for x in v if x is not None)
    return str(v).strip()


def read_export(text: str, suffix: str, override: dict[str, str] | None = None) -> Export:
    """Rows of an export as documents. Refused (problem set) when it is not a table of articles."""
    text = text.lstrip("\ufeff")
    try:
        records = _records(text, suffix)
        first = next(records, None) if records is not None else None
    except (json.JSONDecodeError, csv.Error, UnicodeError) as exc:
        return Export(problem=REASON_EXPORT_UNREADABLE, detail={"error": str(exc)[:300]})
    if records is None or not isinstance(first, dict):
        return Export(problem=REASON_EXPORT_UNREADABLE,
                      detail={"error": "not a table of objects (rows with named columns)"})
    names = [str(k) for k in first]
    cols = map_columns(names, override)
    missing = [f for f in REQUIRED if f not in cols]
    if missing:
        return Export(columns=cols, problem=REASON_EXPORT_COLUMNS, detail={
            "missing": missing, "columns_seen": names[:40],
            "accepted_names": {f: list(COLUMN_NAMES[f]) for f in missing}})
    out = Export(columns=cols)
    try:
        for n, rec in enumerate([first, *records], start=1):
            if not isinstance(rec, dict):
                continue
            out.rows.append(_row(n, rec, cols))
    except (json.JSONDecodeError, csv.Error) as exc:
        out.problem, out.detail = REASON_EXPORT_UNREADABLE, {"error": str(exc)[:300], "after_row": len(out.rows)}
    return out


def _row(n: int, rec: dict[str, Any], cols: dict[str, str]) -> ExportRow:
    get = {f: _cell(rec.get(c)) for f, c in cols.items()}
    supplied: list[tuple[str, str, str]] = []
    title = get.get("title", "")
    if title:
        supplied.append(("title", title, ORIGIN))
    raw_date = get.get("publish_date", "")
    iso = parse_publish_date(raw_date)
    if iso:
        supplied.append(("publish_date", iso, ORIGIN))
        t = parse_publish_time(raw_date.replace(iso, "", 1) if iso in raw_date else raw_date[10:])
        if t:
            supplied.append(("publish_time", t, ORIGIN))
    for f in ("source", "url", "page", "page_name"):
        if get.get(f):
            supplied.append((f, get[f], ORIGIN))
    if get.get("authors"):
        supplied.append(("authors", "、".join(a for a in _AUTHOR_SPLIT_RE.split(get["authors"]) if a), ORIGIN))
    content = get.get("content", "")
    text = f"{title}\n{content}" if title and not content.lstrip().startswith(title) else content
    return ExportRow(n, text, tuple(supplied))


__all__ = ["EXPORT_SUFFIXES", "Export", "ExportRow", "read_export", "map_columns", "parse_columns_override",
           "REASON_EXPORT_COLUMNS", "REASON_EXPORT_UNREADABLE", "COLUMN_NAMES"]
