"""Absolute publish dates from metadata text, and their validation (no future, none before the PRC)."""

from __future__ import annotations

import re
from datetime import date

# The warehouse holds PRC-era news: nothing can be published before the founding day.
EARLIEST_PUBLISH_DATE = date(1949, 10, 1)

# Only dates that carry their year count: 8月16日 or 今年5月 are relative to an unknown "now" and
# never become a publish date.
_CN_DATE_RE = re.compile(r"(?<!\d)(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]")
_NUM_DATE_RE = re.compile(r"(?<!\d)(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?!\d)")
_COMPACT_DATE_RE = re.compile(r"(?<!\d)(\d{4})(\d{2})(\d{2})(?!\d)")
_TIME_RE = re.compile(r"(?<!\d)([01]?\d|2[0-3])[:：]([0-5]\d)(?!\d)")


def _iso(y: str, m: str, d: str) -> str | None:
    try:
        return date(int(y), int(m), int(d)).isoformat()
    except ValueError:
        return None


def parse_publish_date(text: str | None) -> str | None:
    """The first full calendar date (with its year) in `text` as ISO yyyy-mm-dd, else None."""
    if not text:
        return None
    found: list[tuple[int, str]] = []
    for m in _CN_DATE_RE.finditer(text):
        iso = _iso(m.group(1), m.group(2), m.group(3))
        if iso:
            found.append((m.start(), iso))
    for m in _NUM_DATE_RE.finditer(text):
        iso = _iso(m.group(1), m.group(3), m.group(4))
        if iso:
            found.append((m.start(), iso))
    if not found:
        stripped = text.strip()
        compact = _COMPACT_DATE_RE.fullmatch(stripped)  # 20231008 only when it is the whole value
        if compact:
            return _iso(compact.group(1), compact.group(2), compact.group(3))
        return None
    return min(found)[1]


def parse_publish_time(text: str | None) -> str | None:
    """The first HH:MM clock time in `text`, zero-padded, else None."""
    if not text:
        return None
    m = _TIME_RE.search(text)
    return f"{int(m.group(1)):02d}:{m.group(2)}" if m else None


def valid_publish_date(iso: str, today: date) -> bool:
    """True when `iso` is a real date between 1949-10-01 and `today`, both included."""
    try:
        d = date.fromisoformat(iso)
    except (TypeError, ValueError):
        return False
    return EARLIEST_PUBLISH_DATE <= d <= today
