"""The workbench's pages: metrics, a metric in a region, an article, held back, search, runs, the catalogue.

Every page has a stable URL and a `.json` twin with the same data (as Datasette does). The app never writes,
and it keeps the warehouse file open only while it copies it (see Warehouse): DuckDB lets a process write a
file only while no other process has it open, so a connection held between requests would keep a scheduled
`gonghui run` from loading. Everything from the data goes through Jinja2's autoescape; pages carry
a Content-Security-Policy that allows no script at all and nothing from the network (CSS is inline).
"""

from __future__ import annotations

import json
import math
import os
import shutil
import socket
import tempfile
import threading
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
from jinja2 import Environment, FileSystemLoader
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from gonghui.warehouse.load import LOAD_HOLD_SECONDS, WarehouseBusy, connect

TEMPLATES = Path(__file__).resolve().parent / "templates"
# A run holds the write lock for at most LOAD_HOLD_SECONDS plus one batch at a time (warehouse/load.py); a
# page waits a little longer than that for it, then says the warehouse is busy (HTTP 503).
BUSY_WAIT_SECONDS = LOAD_HOLD_SECONDS + 5.0
# The snapshot's DuckDB may use this much memory (its buffer pool; beyond it DuckDB evicts or spills): the
# app's memory stays flat however large the warehouse. 256 MB held every page of the 100k-article bench
# warehouse.
QUERY_MEMORY_LIMIT = "256MB"
# Rows per page of search results and held-back records: a screenful, and bounded work per request.
PAGE_ROWS = 50
# A changed warehouse file is copied again once it has not changed for this long (a run writes every few
# seconds while it loads; its last write is the end of the run) ...
SNAPSHOT_QUIET_SECONDS = 2.0
# ... or, while a run keeps writing, in the background when the copy is this old (pages lag the run by at
# most this much; a copy of the 100k-article warehouse, 350 MB, takes ~1 s).
SNAPSHOT_MAX_AGE_SECONDS = 60.0
# Aggregates remembered per warehouse version (Warehouse.cached): the metrics grid, counts, and a metric's
# claims in this many regions — a few MB at most at 100k articles (the largest claim list: ~1,000 rows).
CACHE_ENTRIES = 256
# Claims listed per page of a metric in a region (the bench corpus has ~1,000 claims for one cell; the
# timeline above shows them all).
CLAIM_ROWS = 200
# Of a held-back record's text (a payload keeps up to 400,000 characters), the app reads this many to show
# the offending span in context: 50 records a page stay a few MB at most.
HELD_TEXT_CHARS = 50_000
# Characters of context either side of an offending span or a search hit.
CONTEXT_CHARS = 60
# The raw text beside the clean one is shown up to this many characters (an e-paper dump can be 1 MB).
RAW_SHOWN_CHARS = 200_000
CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'none'")


class NotFound(Exception):
    pass


@dataclass
class Page:
    template: str
    data: dict[str, Any]
    title: str
    status: int = 200
    extra: dict[str, Any] = field(default_factory=dict)  # template-only helpers (not in the .json twin)


# ---- warehouse access -------------------------------------------------------------------------------------


@dataclass
class _Snapshot:
    sig: tuple[int, ...]  # Warehouse.signature() of the file when copied
    path: Path
    con: duckdb.DuckDBPyConnection
    taken: float  # time.time() of the copy
    users: int = 0
    retired: bool = False


SNAPSHOT_PREFIX = "gonghui-browse-"
# Made in each snapshot copy (never in the warehouse): metric_timeline with facts.number_text, materialised.
CLAIMS_TABLE = "browse_claims"


def _remove_orphans() -> None:
    """Snapshot folders of browse processes that are gone (killed before they could remove theirs)."""
    for d in Path(tempfile.gettempdir()).glob(f"{SNAPSHOT_PREFIX}*-*"):
        pid = d.name[len(SNAPSHOT_PREFIX):].split("-", 1)[0]
        if not pid.isdigit():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(d, ignore_errors=True)
        except PermissionError:
            pass  # alive, someone else's


class Warehouse:
    """The warehouse as the app reads it: a snapshot copy, the app's own, with one long-lived connection (the
    warehouse file itself is only ever opened read-only, and only to copy it).

    DuckDB lets a process write a file only while no other process has it open, and a connection opened
    per request reads every block afresh (its buffer pool goes with it): an article page took ~260 ms that
    way at 100k articles, ~90 ms from a connection kept open (bench/bench_browse.py, loaded 2-core machine).
    So the app copies the file while it holds a read-only connection to it (no writer can be in the middle
    of a write meanwhile), closes that at once, and serves pages from the copy. When the file changes (a
    run loaded), the next page takes a fresh copy once the file has been quiet for SNAPSHOT_QUIET_SECONDS;
    while a run keeps writing, pages come from the last copy, refreshed in the background at most every
    SNAPSHOT_MAX_AGE_SECONDS. The original is open only for the copy (~1 s per 350 MB); a run waits up to
    60 s for it (warehouse/load.py LOCK_WAIT_SECONDS).
    """

    def __init__(self, db: str | Path) -> None:
        self.db = Path(db)
        _remove_orphans()
        self._dir = Path(tempfile.mkdtemp(prefix=f"{SNAPSHOT_PREFIX}{os.getpid()}-"))
        self._snap: _Snapshot | None = None
        self._taken = 0
        self._lock = threading.Lock()  # guards _snap, users, _cache
        self._refresh = threading.Lock()  # one copy at a time
        self._cache: OrderedDict[Any, tuple[tuple[int, ...], Any]] = OrderedDict()

    def signature(self) -> tuple[int, ...]:
        """Changes whenever a run writes: the file's and its write-ahead log's size and modification time."""
        out: list[int] = []
        for p in (self.db, Path(str(self.db) + ".wal")):
            try:
                st = p.stat()
                out += [st.st_size, st.st_mtime_ns]
            except FileNotFoundError:
                out += [-1, -1]
        return tuple(out)

    def _copy(self) -> _Snapshot:
        self._taken += 1
        dest = self._dir / f"snapshot-{self._taken}.duckdb"
        with connect(self.db, read_only=True, wait_seconds=BUSY_WAIT_SECONDS):  # no writer while we copy
            sig = self.signature()
            shutil.copyfile(self.db, dest)
            wal = Path(str(self.db) + ".wal")
            if wal.exists():  # left by a writer that did not close (a crash): DuckDB replays it on open
                shutil.copyfile(wal, str(dest) + ".wal")
        # The copy is the app's own: it adds one table to it, the claims of every metric in every region as
        # the metric_timeline view gives them, with each figure as written, sorted by metric and region so a
        # cell's claims are a few row groups away. The view computes every counted claim to answer one cell
        # (100-300 ms at 100k articles, 1,100 claims in the largest cell); the table answers in ~10 ms.
        # Building it costs ~1 s per copy at 100k articles.
        con = duckdb.connect(str(dest), config={"enable_external_access": False, "memory_limit": QUERY_MEMORY_LIMIT})
        try:
            con.execute(f"""CREATE TABLE {CLAIMS_TABLE} AS
                SELECT t.*, f.number_text FROM metric_timeline t
                JOIN facts f ON f.fact_id = t.fact_id AND f.valid_to IS NULL
                ORDER BY t.metric, t.region, t.claim_no""")
        except BaseException:
            con.close()
            raise
        return _Snapshot(sig, dest, con, time.time())

    def refresh(self) -> None:
        """Take a new copy now (waiting for a run's write lock if need be) and serve from it, unless the copy
        already holds what the file holds (another thread took it meanwhile)."""
        with self._refresh:
            if self._snap is not None and self._snap.sig == self.signature():
                return
            new = self._copy()
            with self._lock:
                old, self._snap = self._snap, new
                if old is not None:
                    old.retired = True
                    self._drop_if_unused(old)

    def _drop_if_unused(self, snap: _Snapshot) -> None:
        if snap.retired and snap.users == 0:
            snap.con.close()
            for p in (snap.path, Path(str(snap.path) + ".wal")):
                p.unlink(missing_ok=True)

    def _background_refresh(self) -> None:
        if self._refresh.locked():
            return

        def run() -> None:
            try:
                self.refresh()
            except (WarehouseBusy, duckdb.Error, OSError):
                pass  # the next page tries again

        threading.Thread(target=run, name="browse-snapshot", daemon=True).start()

    def _acquire(self) -> _Snapshot:
        snap = self._snap
        if snap is None:
            self.refresh()
        else:
            sig = self.signature()
            if sig != snap.sig:
                quiet = time.time() - max(sig[1], sig[3]) / 1e9
                if quiet >= SNAPSHOT_QUIET_SECONDS:
                    self.refresh()  # the run is done: this page shows what it loaded
                elif time.time() - snap.taken >= SNAPSHOT_MAX_AGE_SECONDS:
                    self._background_refresh()
        with self._lock:
            current = self._snap
            assert current is not None
            current.users += 1
            return current

    def _release(self, snap: _Snapshot) -> None:
        with self._lock:
            snap.users -= 1
            self._drop_if_unused(snap)

    def status(self) -> dict[str, Any]:
        """When the copy the pages show was taken, and whether the warehouse changed since."""
        snap = self._snap
        if snap is None:
            return {"snapshot_taken": None, "current": False}
        return {"snapshot_taken": datetime.fromtimestamp(snap.taken).isoformat(timespec="seconds"),
                "current": snap.sig == self.signature()}

    @contextmanager
    def snapshot(self) -> Iterator[tuple[_Snapshot, duckdb.DuckDBPyConnection]]:
        """The current snapshot and a cursor on it (cursors of one DuckDB connection may run in parallel
        threads); the snapshot is kept until its last reader is done."""
        snap = self._acquire()
        cur = snap.con.cursor()
        try:
            yield snap, cur
        finally:
            cur.close()
            self._release(snap)

    @contextmanager
    def con(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with self.snapshot() as (_, cur):
            yield cur

    def cached(self, key: Any, compute: Callable[[duckdb.DuckDBPyConnection], Any]) -> Any:
        """`compute(con)`, remembered for this snapshot. Used for the aggregates over every fact (the metrics
        grid, a metric's claims, counts), which cost 0.3-0.7 s at 100k articles and are the same for every
        reader until the next run loads."""
        with self.snapshot() as (snap, con):
            sig = snap.sig
            with self._lock:
                hit = self._cache.get(key)
                if hit is not None and hit[0] == sig:
                    self._cache.move_to_end(key)
                    return hit[1]
            value = compute(con)
        with self._lock:
            self._cache[key] = (sig, value)
            while len(self._cache) > CACHE_ENTRIES:
                self._cache.popitem(last=False)
        return value

    def close(self) -> None:
        with self._lock:
            snap, self._snap = self._snap, None
            if snap is not None:
                snap.retired = True
                self._drop_if_unused(snap)
        shutil.rmtree(self._dir, ignore_errors=True)


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    cur = con.execute(sql, params or [])
    cols = [d[0] for d in cur.description or []]
    return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


def _one(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> dict[str, Any] | None:
    rows = _rows(con, sql, params)
    return rows[0] if rows else None


def _json_value(v: Any) -> Any:
    if isinstance(v, str) and v[:1] in "{[":
        try:
            return json.loads(v)
        except ValueError:
            return v
    return v


# ---- text helpers -----------------------------------------------------------------------------------------


def segments(text: str, spans: list[tuple[int, int, str, str]]) -> list[dict[str, Any]]:
    """Cut `text` where any span starts or ends: each piece lists the facts and people covering it, and the
    facts starting at it (their anchor). Spans may overlap and share bounds (two facts of one clause)."""
    n = len(text)
    spans = [(max(0, s), min(n, e), k, key) for s, e, k, key in spans if 0 <= s < e]
    cuts = sorted({0, n, *(s for s, _, _, _ in spans), *(e for _, e, _, _ in spans)})
    out = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        cover = [sp for sp in spans if sp[0] <= a and b <= sp[1]]
        out.append({"text": text[a:b],
                    "facts": [k for _, _, kind, k in cover if kind == "fact"],
                    "people": [k for _, _, kind, k in cover if kind == "person"],
                    "anchors": [k for s, _, kind, k in spans if kind == "fact" and s == a]})
    return out


def figure_parts(evidence: str, number_text: str | None) -> tuple[str, str, str]:
    """The evidence cut around the figure as written (its first occurrence); all before it when absent."""
    if number_text and (i := evidence.find(number_text)) >= 0:
        return evidence[:i], number_text, evidence[i + len(number_text):]
    return evidence, "", ""


def context(text: str, start: int, end: int) -> tuple[str, str, str]:
    start, end = max(0, start), min(len(text), end)
    return text[max(0, start - CONTEXT_CHARS):start], text[start:end], text[end:end + CONTEXT_CHARS]


def fmt_value(v: Any) -> str:
    if isinstance(v, float):
        if math.isfinite(v) and v == int(v):
            return f"{int(v):,}"
        return f"{v:,.4g}" if abs(v) < 1000 else f"{v:,.2f}".rstrip("0").rstrip(".")
    return "" if v is None else str(v)


def timeline_svg(points: list[dict[str, Any]], per_page: int = CLAIM_ROWS, width: int = 720,
                 height: int = 220) -> dict[str, Any]:
    """Coordinates of an inline SVG timeline: one dot per date and value claimed (x: the date, y: the value;
    claims repeating a date and value share the dot), linked to the first such claim in the list. Computed
    here; the template only draws (no script)."""
    seen: set[tuple[Any, Any]] = set()
    dated = []
    for p in points:
        key = (p.get("effective_date"), p.get("value"))
        if None not in key and key not in seen:
            seen.add(key)
            dated.append(p)
    if not dated:
        return {"width": width, "height": height, "dots": [], "ticks": []}
    pad_l, pad_r, pad_t, pad_b = 70, 20, 15, 30
    xs = [p["effective_date"].toordinal() for p in dated]
    ys = [float(p["value"]) for p in dated]
    x0, x1 = min(xs), max(xs)
    y0, y1 = min(0.0, min(ys)), max(ys)
    xspan, yspan = (x1 - x0) or 1, (y1 - y0) or 1.0

    def sx(x: int) -> float:
        return pad_l + (x - x0) / xspan * (width - pad_l - pad_r) if x1 != x0 else (width + pad_l - pad_r) / 2

    def sy(y: float) -> float:
        return height - pad_b - (y - y0) / yspan * (height - pad_t - pad_b)

    dots = [{"x": round(sx(x), 1), "y": round(sy(y), 1), "claim_no": p["claim_no"], "conflicting": p["conflicting"],
             "page": (p["claim_no"] - 1) // per_page + 1,
             "label": f"{p['effective_date']}: {fmt_value(p['value'])} {p['unit']} ({p['source'] or '?'})"}
            for x, y, p in zip(xs, ys, dated, strict=True)]
    line = " ".join(f"{d['x']},{d['y']}" for d in dots)
    ticks = [{"y": round(sy(v), 1), "label": fmt_value(v)} for v in (y0, (y0 + y1) / 2, y1)]
    xticks = [{"x": round(sx(x), 1), "label": date.fromordinal(x).isoformat()} for x in sorted({x0, x1})]
    return {"width": width, "height": height, "dots": dots, "line": line, "ticks": ticks, "xticks": xticks,
            "base": height - pad_b, "left": pad_l}


# ---- pages ------------------------------------------------------------------------------------------------


def page_index(wh: Warehouse, q: dict[str, str]) -> Page:
    counts = wh.cached("index", lambda con: _one(con, """SELECT
            (SELECT count(*) FROM articles WHERE valid_to IS NULL) AS articles,
            (SELECT count(*) FROM facts WHERE valid_to IS NULL) AS facts,
            (SELECT count(*) FROM metric_by_region) AS metric_regions,
            (SELECT count(*) FROM quarantine) AS held_back,
            (SELECT count(*) FROM runs) AS runs,
            (SELECT max(started_at) FROM runs) AS last_run"""))
    return Page("index.html", {"warehouse": str(wh.db), "counts": counts, **wh.status()}, "gonghui workbench")


def page_metrics(wh: Warehouse, q: dict[str, str]) -> Page:
    cells = wh.cached("metrics", lambda con: _rows(con, """
            WITH agg AS (
                SELECT region, metric, any_value(name_zh) AS name_zh, count(*) AS claims,
                       count(DISTINCT coalesce(source, article_id)) AS sources, bool_or(conflicting) AS conflicting
                FROM metric_timeline GROUP BY ALL)
            SELECT a.metric, a.name_zh, a.region, m.value, m.unit, m.qualifier, m.as_of, m.effective_date,
                   a.claims, a.sources, a.conflicting
            FROM agg a JOIN metric_by_region m USING (region, metric)
            ORDER BY a.metric, a.region"""))
    metrics = sorted({(c["metric"], c["name_zh"] or "") for c in cells})
    regions = sorted({c["region"] for c in cells}, key=lambda r: (-sum(c["region"] == r for c in cells), r))
    grid = {(c["metric"], c["region"]): c for c in cells}
    return Page("metrics.html", {"cells": cells}, "Metrics by region",
                extra={"metrics": metrics, "regions": regions, "grid": grid})


def page_metric_region(wh: Warehouse, q: dict[str, str], metric: str, region: str) -> Page:
    def compute(con: duckdb.DuckDBPyConnection) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
        return (_rows(con, f"SELECT * FROM {CLAIMS_TABLE} WHERE metric = ? AND region = ? ORDER BY claim_no",
                      [metric, region]),
                _one(con, "SELECT * FROM metrics WHERE metric = ?", [metric]))

    claims, glossary = wh.cached(("metric", metric, region), compute)
    if not claims and glossary is None:
        raise NotFound(f"no metric {metric!r}")
    page = max(1, _int(q.get("page"), 1))
    shown = claims[(page - 1) * CLAIM_ROWS: page * CLAIM_ROWS]
    return Page("metric_region.html", {"metric": metric, "region": region, "glossary": glossary,
                                       "total": len(claims), "page": page, "page_rows": CLAIM_ROWS, "claims": shown},
                f"{(glossary or {}).get('name_zh') or metric} · {region}",
                extra={"chart": timeline_svg(claims, CLAIM_ROWS)})


def page_article(wh: Warehouse, q: dict[str, str], article_id: str) -> Page:
    with wh.con() as con:
        art = _one(con, "SELECT * EXCLUDE (body), body FROM articles WHERE article_id = ?", [article_id])
        if art is None:
            raise NotFound(f"no article {article_id!r}")
        facts = _rows(con, """SELECT fact_id, field, char_start, char_end, evidence, metric, measure, value, unit,
                                     currency, number_text, qualifier, region, as_of, as_of_text, subject, verb
                              FROM facts WHERE article_id = ? ORDER BY field, char_start, fact_id""", [article_id])
        people = _rows(con, """SELECT name, titles, org, char_start, char_end, evidence FROM people
                               WHERE article_id = ? ORDER BY char_start""", [article_id])
        raw = _one(con, f"""SELECT file_id, path, size_bytes, encoding, first_run_id, last_run_id, state, script,
                                   removed_counts, pipeline_version, parent_file_id, row_number,
                                   left(text, {RAW_SHOWN_CHARS}) AS text, length(text) AS text_chars
                            FROM raw_files WHERE file_id = ?""", [art["file_id"]])
        copies = _rows(con, """SELECT article_id, title, source, publish_date FROM articles
                               WHERE duplicate_of = ? ORDER BY publish_date, article_id""", [article_id])
        original = (_one(con, "SELECT article_id, title, source, publish_date FROM articles WHERE article_id = ?",
                         [art["duplicate_of"]]) if art.get("duplicate_of") else None)
        paths = [art["source_file"]]
        # file_paths directly, not the file_versions view: the view counts the articles of every file in the
        # warehouse (0.6 s at 100k articles); this page needs the versions of one path
        versions = _rows(con, """SELECT path, file_id, state, valid_to IS NULL AS current, valid_from, valid_to,
                                        first_run_id, retired_run_id
                                 FROM file_paths WHERE path = ? ORDER BY valid_from""", [paths[0]])
        if versions:
            ids = [v["file_id"] for v in versions]
            held = {r["file_id"]: r for r in _rows(con, f"""
                SELECT file_id, count(*) AS articles, min(article_id) FILTER (WHERE seq = ?) AS same_seq_article
                FROM articles WHERE file_id IN ({", ".join("?" * len(ids))}) GROUP BY file_id""", [art["seq"], *ids])}
            for v in versions:
                v["articles"] = held.get(v["file_id"], {}).get("articles", 0)
                v["same_seq_article"] = held.get(v["file_id"], {}).get("same_seq_article")
        issues = _rows(con, """SELECT kind, "offset", raw, repaired, marker_offset FROM text_issues
                               WHERE file_id = ? ORDER BY "offset" """, [art["file_id"]])
        run = _one(con, "SELECT run_id, started_at, status FROM runs WHERE run_id = ?", [art["run_id"]])
    art["metadata_origin"] = _json_value(art.get("metadata_origin")) or {}
    if raw is not None:
        raw["removed_counts"] = _json_value(raw.get("removed_counts")) or {}
    body_spans = [(f["char_start"], f["char_end"], "fact", f["fact_id"]) for f in facts if f["field"] == "body"]
    body_spans += [(p["char_start"], p["char_end"], "person", p["name"]) for p in people]
    captions = "\n".join(art.get("captions") or [])
    cap_spans = [(f["char_start"], f["char_end"], "fact", f["fact_id"]) for f in facts if f["field"] == "captions"]
    removed: list[dict[str, Any]] | None = None
    if q.get("removed") and raw is not None and raw.get("text") is not None:
        removed = removed_pieces(raw["file_id"], raw["path"], raw["text"])
    data = {"article": art, "facts": facts, "people": people, "raw_file": raw, "duplicates": copies,
            "duplicate_of": original, "versions": versions, "text_issues": issues, "run": run}
    if removed is not None:
        data["removed"] = removed
    fields = ("title", "kicker", "subtitle", "authors", "correspondents", "photographers", "editors", "publish_date",
              "publish_time", "source", "page", "page_name", "channel", "region", "url", "format", "original_id")
    return Page("article.html", data, art.get("title") or article_id,
                extra={"body": segments(art["body"], body_spans), "captions": segments(captions, cap_spans),
                       "fields": fields, "facts_by_id": {f["fact_id"]: f for f in facts}})


def removed_pieces(file_id: str, path: str, raw_text: str) -> list[dict[str, Any]]:
    """What cleaning removes from this raw text, piece by piece: the cleaner run again on the staged text
    (lines learned from the whole corpus as repeated boilerplate are not known here, only counted)."""
    from gonghui.transforms.clean import clean_document

    doc = clean_document(file_id, path, raw_text)
    return [{"kind": h.kind, "text": h.text} for h in doc.boilerplate]


def _filters(base: str, *conds: tuple[str, Any]) -> tuple[str, list[Any]]:
    """A WHERE condition: `base` AND each (SQL, value) whose value is given, the value bound to every ? in
    its SQL; and the parameters in order."""
    where, params = [base], []
    for sql, value in conds:
        if value:
            where.append(sql)
            params += [value] * sql.count("?")
    return " AND ".join(where), params


def page_held_back(wh: Warehouse, q: dict[str, str]) -> Page:
    reason, run, page = q.get("reason") or None, q.get("run") or None, max(1, _int(q.get("page"), 1))
    cond, params = _filters("true", ("list_contains(q.reasons, ?)", reason), ("q.run_id = ?", run))
    reasons, runs = wh.cached("held_back_facets", lambda con: (
        _rows(con, """SELECT reason, sum(records)::BIGINT AS records, sum(files)::BIGINT AS files
                      FROM quarantine_summary GROUP BY reason ORDER BY records DESC, reason"""),
        _rows(con, "SELECT run_id, count(*) AS records FROM quarantine GROUP BY run_id ORDER BY run_id DESC")))
    with wh.con() as con:
        total = _one(con, f"SELECT count(*) AS n FROM quarantine q WHERE {cond}", params)
        # the page's rows first (small columns only), then their payloads: reading the JSON of every held-back
        # record before the LIMIT cost most of the page at 100k articles
        ids = [r["rowid"] for r in _rows(con, f"""SELECT q.rowid FROM quarantine q WHERE {cond}
            ORDER BY q.created_at DESC, q.source_file, q.record_id
            LIMIT {PAGE_ROWS} OFFSET {(page - 1) * PAGE_ROWS}""", params)]
        rows = _rows(con, f"""
            SELECT q.run_id, q.stage, q.record_kind, q.record_id, q.file_id, q.source_file, q.reasons, q.created_at,
                   q.payload->>'title' AS title, q.payload->>'evidence' AS evidence,
                   left(coalesce(q.payload->>'body', q.payload->>'text'), {HELD_TEXT_CHARS}) AS text
            FROM quarantine q WHERE q.rowid IN ({", ".join("?" * len(ids))})
            ORDER BY q.created_at DESC, q.source_file, q.record_id""", ids) if ids else []
        keys = sorted({(r["run_id"], x) for r in rows for x in r["reasons"]})
        expectations: dict[tuple[str, str], dict[str, Any]] = {}
        if keys:
            for e in _rows(con, """SELECT DISTINCT ON (run_id, expectation) run_id, expectation, stage, suite,
                                          details->>'type' AS gx_type, (details->'kwargs')::VARCHAR AS kwargs
                                   FROM dq_results WHERE NOT success AND (run_id, expectation) IN
                                        (SELECT unnest(?::STRUCT(a VARCHAR, b VARCHAR)[], recursive := true))
                                   ORDER BY run_id, expectation, batch""",
                           [[{"a": a, "b": b} for a, b in keys]]):
                expectations[(e["run_id"], e["expectation"])] = e
        file_ids = sorted({r["file_id"] for r in rows if r["file_id"]})
        issues: dict[str, list[dict[str, Any]]] = {}
        if file_ids:
            for i in _rows(con, """SELECT file_id, kind, "offset", raw FROM text_issues WHERE list_contains(?, file_id)
                                   ORDER BY "offset" """, [file_ids]):
                issues.setdefault(i["file_id"], []).append(i)
    for r in rows:
        r["expectations"] = [expectations[(r["run_id"], x)] for x in r["reasons"] if (r["run_id"], x) in expectations]
        r["span"] = offending_span(r, issues.get(r["file_id"] or "", []))
        r.pop("text", None)
    return Page("held_back.html", {"reason": reason, "run": run, "page": page, "total": (total or {}).get("n", 0),
                                   "page_rows": PAGE_ROWS, "reasons": reasons, "runs": runs, "records": rows},
                "Held back")


def offending_span(r: dict[str, Any], issues: list[dict[str, Any]]) -> dict[str, Any]:
    """Where in the record its reason shows: a text warning's span (text_issues, same kind as the reason) in
    its context; a fact's evidence; else the record's opening (a missing field has no span of its own)."""
    text = r.get("text") or ""
    for i in issues:
        if i["kind"] in r["reasons"] and text and 0 <= i["offset"] < len(text):
            before, span, after = context(text, i["offset"], i["offset"] + len(i["raw"]))
            return {"how": f"{i['kind']} at character {i['offset']}", "before": before, "span": span, "after": after}
    if r.get("evidence"):
        return {"how": "the clause stating it", "before": "", "span": r["evidence"], "after": ""}
    head = (r.get("title") or "") + ("\n" if r.get("title") else "") + text[:2 * CONTEXT_CHARS]
    return {"how": "nothing to point at: the record's opening", "before": head, "span": "", "after": ""}


def page_search(wh: Warehouse, q: dict[str, str]) -> Page:
    words = (q.get("q") or "").strip()
    source, region = q.get("source") or None, q.get("region") or None
    since, until = _date(q.get("from")), _date(q.get("to"))
    page = max(1, _int(q.get("page"), 1))
    cond, params = _filters("valid_to IS NULL", ("(contains(title, ?) OR contains(body, ?))", words),
                            ("source = ?", source), ("region = ?", region),
                            ("publish_date >= ?", since), ("publish_date <= ?", until))
    hit = "strpos(body, ?)" if words else "0"
    hit_params = [words] if words else []
    asked = bool(words or source or region or since or until)
    sources, regions = wh.cached("facets", lambda con: (
        [r["source"] for r in _rows(con, "SELECT DISTINCT source FROM articles WHERE source IS NOT NULL "
                                         "AND valid_to IS NULL ORDER BY source")],
        [r["region"] for r in _rows(con, "SELECT DISTINCT region FROM articles WHERE region IS NOT NULL "
                                         "AND valid_to IS NULL ORDER BY region")]))
    with wh.con() as con:
        rows: list[dict[str, Any]] = []
        total: int | None = 0
        more = False
        if asked:
            # one scan finds the page's articles and cuts their snippets (DuckDB reads the body column whole
            # either way: fetching 50 bodies by id afterwards cost as much as the search). The exact total
            # costs a second scan, so a full page says "more" and counts only when asked (?count=1), as
            # Datasette does with its truncated counts.
            rows = _rows(con, f"""
                SELECT article_id, title, source, publish_date, region, duplicate_of,
                       {hit} AS hit, substr(body, greatest(1, {hit} - {CONTEXT_CHARS}), {3 * CONTEXT_CHARS}) AS snippet,
                       greatest(1, {hit} - {CONTEXT_CHARS}) AS snippet_start
                FROM articles WHERE {cond}
                ORDER BY publish_date DESC NULLS LAST, article_id
                LIMIT {PAGE_ROWS + 1} OFFSET {(page - 1) * PAGE_ROWS}""", hit_params * 3 + params)
            more = len(rows) > PAGE_ROWS
            rows = rows[:PAGE_ROWS]
            total = None if more else (page - 1) * PAGE_ROWS + len(rows)
            if q.get("count") or (page > 1 and not rows):
                total = (_one(con, f"SELECT count(*) AS n FROM articles WHERE {cond}", params) or {"n": 0})["n"]
    for r in rows:
        snip, at = r.pop("snippet") or "", int(r.pop("hit") or 0) - int(r.pop("snippet_start"))
        r["snippet"] = (list(context(snip, at, at + len(words))) if words and at >= 0
                        else [snip, "", ""])
    return Page("search.html", {"q": words, "source": source, "region": region, "from": since, "to": until,
                                "page": page, "page_rows": PAGE_ROWS, "total": total, "more": more, "results": rows,
                                "sources": sources, "regions": regions}, "Search")


def page_runs(wh: Warehouse, q: dict[str, str]) -> Page:
    with wh.con() as con:
        runs = _rows(con, """SELECT run_id, started_at, finished_at, status, mode, input_dir, files_seen, files_new,
                                    files_skipped, files_loaded, files_quarantined, articles_loaded,
                                    articles_quarantined, facts_loaded, people_loaded, expectations_failed
                             FROM runs ORDER BY started_at DESC""")
    return Page("runs.html", {"runs": runs}, "Runs")


def page_run(wh: Warehouse, q: dict[str, str], run_id: str) -> Page:
    with wh.con() as con:
        run = _one(con, "SELECT * FROM runs WHERE run_id = ?", [run_id])
        if run is None:
            raise NotFound(f"no run {run_id!r}")
        dq = _rows(con, """SELECT stage, suite, expectation, batches, batches_passed, checked, failed, pass_rate, success
                           FROM dq_trend WHERE run_id = ? ORDER BY success, stage, suite, expectation""", [run_id])
        held = _rows(con, """SELECT stage, reason, records, files FROM quarantine_summary WHERE run_id = ?
                             ORDER BY records DESC, reason""", [run_id])
    for k in ("stage_seconds", "changes"):
        run[k] = _json_value(run.get(k))
    report = run.get("report_path")
    return Page("run.html", {"run": run, "expectations": dq, "held_back": held}, f"Run {run_id}",
                extra={"has_report": bool(report and Path(report).is_file())})


def page_catalogue(wh: Warehouse, q: dict[str, str]) -> Page:
    from gonghui.catalogue import build

    with wh.con() as con:
        cat = build(con)
    rels = [{"name": r.name, "kind": r.kind, "grain": r.grain, "comment": r.comment, "source": r.source,
             "reads": r.reads, "written_by": list(r.written_by) if r.written_by else None,
             "columns": [{"name": c.name, "type": c.type, "comment": c.comment} for c in r.columns]}
            for r in cat.relations if r.name != CLAIMS_TABLE]  # the app's own table in its copy
    return Page("catalogue.html", {"relations": rels, "metrics": cat.metrics}, "Catalogue")


def _int(v: str | None, default: int) -> int:
    try:
        return int(v) if v else default
    except ValueError:
        return default


def _date(v: str | None) -> date | None:
    try:
        return date.fromisoformat(v) if v else None
    except ValueError:
        return None


# ---- the app ----------------------------------------------------------------------------------------------


def _default(v: Any) -> Any:
    if isinstance(v, datetime | date):
        return v.isoformat()
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return str(v)


def make_app(db: str | Path) -> Starlette:
    wh = Warehouse(db)
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True, trim_blocks=True, lstrip_blocks=True)
    env.filters["num"] = fmt_value
    env.filters["figure"] = figure_parts
    env.filters["plain"] = lambda v: "、".join(map(str, v)) if isinstance(v, list | tuple) else ("" if v is None else v)

    def respond(request: Request, make: Any, *args: str) -> Response:
        args_l = list(args)
        want_json = False
        if args_l and args_l[-1].endswith(".json"):
            args_l[-1], want_json = args_l[-1][: -len(".json")], True
        if request.url.path.endswith(".json") and not args_l:
            want_json = True
        t0 = time.perf_counter()
        try:
            page = make(wh, dict(request.query_params), *args_l)
        except NotFound as exc:
            page = Page("error.html", {"error": str(exc)}, "Not found", status=404)
        except WarehouseBusy as exc:
            page = Page("error.html", {"error": str(exc)}, "Busy", status=503)
        ms = (time.perf_counter() - t0) * 1000
        headers = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff",
                   "Server-Timing": f"db;dur={ms:.1f}"}
        if want_json:
            body = json.dumps(page.data, ensure_ascii=False, default=_default, indent=1)
            return Response(body, status_code=page.status, media_type="application/json", headers=headers)
        html = env.get_template(page.template).render(title=page.title, d=page.data, x=page.extra,
                                                      path=request.url.path, query=request.url.query)
        return HTMLResponse(html, status_code=page.status, headers=headers)

    def route(path: str, make: Any, twin: str | None = None) -> list[Route]:
        """The page at `path` and its .json twin (a path ending in a parameter: the parameter's .json)."""
        async def endpoint(request: Request) -> Response:
            return await run_in_threadpool(respond, request, make, *request.path_params.values())

        out = [Route(path, endpoint)]
        if "{" not in path:
            out.append(Route(twin or path + ".json", endpoint))
        return out

    async def report(request: Request) -> Response:
        run_id = request.path_params["run_id"]
        with wh.con() as con:
            row = _one(con, "SELECT report_path FROM runs WHERE run_id = ?", [run_id])
        p = Path(row["report_path"]) if row and row["report_path"] else None
        if p is None or p.suffix != ".html" or not p.is_file():
            return Response("no report for this run", status_code=404, media_type="text/plain")
        return HTMLResponse(p.read_text(encoding="utf-8"), headers={"Content-Security-Policy": CSP})

    def warm() -> None:
        """The aggregates over every fact, computed once at start rather than by the first reader."""
        try:
            page_index(wh, {})
            page_metrics(wh, {})
        except (WarehouseBusy, duckdb.Error):
            pass  # a run is loading: the first reader computes them

    threading.Thread(target=warm, name="browse-warm", daemon=True).start()
    routes = [*route("/", page_index, twin="/index.json"),
              *route("/metrics", page_metrics), *route("/metrics/{metric}/{region}", page_metric_region),
              *route("/articles/{article_id}", page_article), *route("/held-back", page_held_back),
              *route("/search", page_search), *route("/runs", page_runs), Route("/runs/{run_id}/report", report),
              *route("/runs/{run_id}", page_run), *route("/catalogue", page_catalogue),
              Route("/favicon.ico", lambda r: Response(status_code=204))]
    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        # uvicorn ends a server stopped by SIGTERM or Ctrl-C by raising the signal again once it has shut
        # down, so cleanup after server.run() would never run: the snapshot goes at shutdown instead
        try:
            yield
        finally:
            wh.close()

    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.warehouse = wh
    return app


def serve(db: str | Path, host: str = "127.0.0.1", port: int = 0) -> int:
    """Serve until Ctrl-C; prints the address first (port 0: a free port the system picks)."""
    import sys

    import uvicorn

    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        print(f"error: cannot listen on {host}:{port} ({exc.strerror or exc})", file=sys.stderr)
        return 2
    sock.listen(128)  # connections made as soon as the address is printed wait in the backlog for uvicorn
    bound = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    print(f"gonghui browse: http://{shown}:{bound}/  (warehouse {db}, read-only; Ctrl-C to stop)", flush=True)
    app = make_app(db)
    # errors only: a client's malformed request ("Invalid HTTP request received") is no line for the terminal
    config = uvicorn.Config(app, log_level="error", access_log=False, lifespan="on")
    server = uvicorn.Server(config)
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    finally:
        sock.close()
        app.state.warehouse.close()
    return 0
