"""Operator-supplied manifests (CSV or JSON Lines) that supply or override per-file metadata."""

from __future__ import annotations

import csv
import functools
import io
import json
import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from gonghui.transforms.dates import parse_publish_date, parse_publish_time

MANIFEST_COLUMNS: tuple[str, ...] = (
    "file", "sha256", "source", "publish_date", "publish_time", "page", "url", "title", "authors",
)
# A manifest kept with the archive it describes: manifest.csv (or .jsonl/.json/.ndjson/.tsv) at the top of
# the input folder is the run's manifest when --manifest is not given; either way it is not an input file.
MANIFEST_NAMES = ("manifest.csv", "manifest.jsonl", "manifest.ndjson", "manifest.json", "manifest.tsv")
# Authors in one CSV cell: 张三;李四 or 张三、李四 or 张三|李四 (a comma would clash with CSV quoting habits).
_AUTHOR_SPLIT_RE = re.compile(r"[;；、|]")
_SHA256_RE = re.compile(r"[0-9a-fA-F]{64}")
_ISO_RE = re.compile(r"\d{4}-\d{2}-\d{2}")


class ManifestError(ValueError):
    """A manifest that cannot be used; the message names the file and line."""

    def __init__(self, name: str, line: int | None, message: str) -> None:
        self.name = name
        self.line = line
        where = f"{name}:{line}" if line is not None else name
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class ManifestRow:
    """One manifest row: which file it is about and the metadata it supplies (None = not supplied)."""

    file: str | None = None
    sha256: str | None = None
    source: str | None = None
    publish_date: str | None = None
    publish_time: str | None = None
    page: str | None = None
    url: str | None = None
    title: str | None = None
    authors: tuple[str, ...] = ()


def _text(value: Any) -> str | None:
    if value is None:
        return None
    s = str(value).strip()
    return s or None


def _row(raw: dict[str, Any], name: str, line: int) -> ManifestRow:
    unknown = sorted(k for k in raw if k not in MANIFEST_COLUMNS)
    if unknown:
        raise ManifestError(name, line, f"unknown column(s) {', '.join(map(repr, unknown))}; "
                                        f"allowed: {', '.join(MANIFEST_COLUMNS)}")
    file = _text(raw.get("file"))
    sha = _text(raw.get("sha256"))
    if not file and not sha:
        raise ManifestError(name, line, "row names neither 'file' nor 'sha256'")
    if sha and not _SHA256_RE.fullmatch(sha):
        raise ManifestError(name, line, f"sha256 {sha!r} is not 64 hex digits")
    date_raw = _text(raw.get("publish_date"))
    publish_date = None
    if date_raw:
        publish_date = parse_publish_date(date_raw) if not _ISO_RE.fullmatch(date_raw) else date_raw
        if publish_date is None or parse_publish_date(publish_date) != publish_date:
            raise ManifestError(name, line, f"invalid publish_date {date_raw!r} (expected yyyy-mm-dd)")
    time_raw = _text(raw.get("publish_time"))
    publish_time = parse_publish_time(time_raw) if time_raw else None
    if time_raw and publish_time is None:
        raise ManifestError(name, line, f"invalid publish_time {time_raw!r} (expected HH:MM)")
    authors_raw = raw.get("authors")
    if isinstance(authors_raw, list):
        authors = tuple(a for a in (_text(x) for x in authors_raw) if a)
    else:
        a = _text(authors_raw)
        authors = tuple(x.strip() for x in _AUTHOR_SPLIT_RE.split(a) if x.strip()) if a else ()
    return ManifestRow(
        file=file, sha256=sha.lower() if sha else None, source=_text(raw.get("source")),
        publish_date=publish_date, publish_time=publish_time, page=_text(raw.get("page")),
        url=_text(raw.get("url")), title=_text(raw.get("title")), authors=authors,
    )


def _parse_csv(text: str, name: str) -> list[ManifestRow]:
    try:
        return _parse_csv_rows(text, name)
    except csv.Error as exc:  # malformed quoting, stray carriage returns, NUL bytes ...
        raise ManifestError(name, None, f"not valid CSV: {exc}") from None


def _delimiter(text: str) -> str:
    """Tab when the header line is tab-separated (Excel's "Unicode Text" and .tsv), else comma."""
    header = next((ln for ln in text.splitlines() if ln.strip()), "")
    return "\t" if "\t" in header and "," not in header else ","


def _parse_csv_rows(text: str, name: str) -> list[ManifestRow]:
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    if not reader.fieldnames:
        return []
    header = [h.strip() for h in reader.fieldnames]
    unknown = [h for h in header if h not in MANIFEST_COLUMNS]
    if unknown:
        raise ManifestError(name, 1, f"unknown column(s) {', '.join(map(repr, unknown))}; "
                                     f"allowed: {', '.join(MANIFEST_COLUMNS)}")
    reader.fieldnames = header
    rows = []
    for rec in reader:
        line = reader.line_num
        if None in rec:
            raise ManifestError(name, line, "more cells than header columns")
        if not any((v or "").strip() for v in rec.values()):
            continue
        rows.append(_row(dict(rec), name, line))
    return rows


def _parse_jsonl(text: str, name: str) -> list[ManifestRow]:
    rows = []
    for i, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ManifestError(name, i, f"not valid JSON: {exc.msg}") from None
        if not isinstance(obj, dict):
            raise ManifestError(name, i, "each line must be a JSON object")
        rows.append(_row(obj, name, i))
    return rows


def parse_manifest(text: str, name: str) -> list[ManifestRow]:
    """Parse a manifest: CSV with a header row, or JSON Lines; by extension (.csv/.jsonl/.json) or sniffing."""
    text = text.lstrip("\ufeff")
    suffix = PurePosixPath(name.replace("\\", "/")).suffix.lower()
    if suffix in (".csv", ".tsv", ".txt"):
        return _parse_csv(text, name)
    if suffix in (".jsonl", ".json", ".ndjson"):
        return _parse_jsonl(text, name)
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    return _parse_jsonl(text, name) if first.lstrip().startswith("{") else _parse_csv(text, name)


# What spreadsheets write when a table is saved as text (Excel's "CSV UTF-8", "CSV" on a Chinese
# Windows = GB18030's subset GBK, "Unicode Text" = UTF-16 LE with a BOM and tabs; LibreOffice the same
# choices). A manifest in one of these decoded as UTF-8 was a UnicodeDecodeError traceback.
MANIFEST_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"),
)
MANIFEST_FALLBACK_ENCODINGS = ("utf-8", "gb18030")


def decode_manifest(data: bytes, name: str) -> str:
    """The manifest's text: by its BOM (UTF-8, UTF-16), else UTF-8, else GB18030 (a strict decode each:
    bytes that fit none of them are refused with the line of the first bad byte, not guessed)."""
    for bom, enc in MANIFEST_BOMS:
        if data.startswith(bom):
            try:
                return data.decode(enc)
            except UnicodeDecodeError as exc:
                raise ManifestError(name, data[: exc.start].count(b"\n") + 1,
                                    f"starts with a {enc} byte-order mark but is not {enc}") from None
    # UTF-16 without a BOM: every other byte of ASCII text is NUL
    if len(data) >= 4 and data[1:2] == b"\x00" and data[3:4] == b"\x00":
        try:
            return data.decode("utf-16-le")
        except UnicodeDecodeError:
            pass
    first_bad = 0
    for enc in MANIFEST_FALLBACK_ENCODINGS:
        try:
            return data.decode(enc)
        except UnicodeDecodeError as exc:
            first_bad = first_bad or exc.start
    raise ManifestError(name, data[:first_bad].count(b"\n") + 1,
                        "is neither UTF-8, UTF-16 nor GB18030 text; save it as \"CSV UTF-8\" and try again")


def manifest_conflicts(rows: list[ManifestRow]) -> list[str]:
    """Rows that name the same file (same `file`, or same sha256) with different values: one message
    each (which row would win is not for gonghui to guess)."""
    out = []
    by_key: dict[tuple[str, str], ManifestRow] = {}
    for r in rows:
        for key in (("file", _norm_path(r.file)) if r.file else None, ("sha256", r.sha256) if r.sha256 else None):
            if key is None:
                continue
            prior = by_key.setdefault(key, r)
            if prior is not r and prior != r:
                diff = [f for f in MANIFEST_COLUMNS if f not in ("file", "sha256")
                        and getattr(prior, f) != getattr(r, f)]
                out.append(f"two rows for {key[0]} {key[1]!r} disagree on {', '.join(diff) or 'file/sha256'}")
    return out


def read_manifest(data: bytes, name: str) -> list[ManifestRow]:
    """A manifest file's rows, from its bytes (decode_manifest), refused when two rows conflict."""
    rows = parse_manifest(decode_manifest(data, name), name)
    conflicts = manifest_conflicts(rows)
    if conflicts:
        more = f" (and {len(conflicts) - 3} more)" if len(conflicts) > 3 else ""
        raise ManifestError(name, None, "; ".join(conflicts[:3]) + more + "; keep one row per file")
    return rows


def unmatched_rows(rows: list[ManifestRow], used: set[ManifestRow]) -> list[str]:
    """Rows no file of the input took: what each named (file or sha256), for the run's summary."""
    return [r.file or f"sha256 {r.sha256}" for r in rows if r not in used]


def _norm_path(p: str) -> str:
    p = p.replace("\\", "/").strip()
    while p.startswith("./"):
        p = p[2:]
    return p


_GLOB_CHARS = frozenset("*?[")


def is_pattern(file: str) -> bool:
    """A `file` cell naming many files: a glob (人民日报/**, 2019/*/*.txt) or a folder (人民日报/)."""
    return file.endswith("/") or any(c in _GLOB_CHARS for c in file)


@functools.lru_cache(maxsize=256)
def _pattern_re(pattern: str) -> re.Pattern[str]:
    """A glob as a regex over the relative path: ** crosses folders, * and ? stay within one; a folder
    (trailing /) covers everything under it."""
    p = _norm_path(pattern)
    if p.endswith("/"):
        p += "**"
    out, i = [], 0
    while i < len(p):
        if p.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif p.startswith("**", i):
            out.append(".*")
            i += 2
        elif p[i] == "*":
            out.append("[^/]*")
            i += 1
        elif p[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(p[i]))
            i += 1
    return re.compile("".join(out))


def match_manifest(rows: list[ManifestRow], file_id: str, rel_path: str) -> ManifestRow | None:
    """The row about this file: by sha256, else by relative path, else by bare file name, else the
    first row whose folder or glob covers the path (one row for a whole archive: 人民日报/**)."""
    fid = file_id.lower()
    rel = _norm_path(rel_path)
    bare = PurePosixPath(rel).name
    for r in rows:
        if r.sha256 and r.sha256 == fid:
            return r
    for r in rows:
        if r.file and _norm_path(r.file) == rel:
            return r
    for r in rows:
        if r.file and "/" not in _norm_path(r.file) and _norm_path(r.file) == bare:
            return r
    for r in rows:
        if r.file and is_pattern(r.file) and _pattern_re(r.file).fullmatch(rel):
            return r
    return None
