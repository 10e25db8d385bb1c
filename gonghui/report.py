"""The data-quality report a person reads: one HTML page per run, and an index across runs.

Static pages: no JavaScript, no fonts or scripts from the network; the pass-rate chart is inline SVG
drawn here. Every string that came from the data is HTML-escaped, and a Content-Security-Policy
forbids scripts anyway, so a hostile title renders as text.
"""

from __future__ import annotations

import html
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gonghui.warehouse.load import connect, revisions_of_run

CSS = """
body{font-family:system-ui,'Noto Sans CJK SC','WenQuanYi Zen Hei',sans-serif;margin:2rem;color:#222;max-width:76rem}
table{border-collapse:collapse;margin:.5rem 0 1.5rem}th,td{border:1px solid #ccc;padding:.3rem .6rem;
text-align:left;vertical-align:top}th{background:#f3f3f3}td.n{text-align:right;font-variant-numeric:tabular-nums}
.bad{color:#b00020;font-weight:600}.warn{color:#8a5a00;font-weight:600}.ok{color:#1b5e20}code{font-size:.9em}small{color:#666}
ul.ex{margin:0;padding-left:1.1rem}nav a{margin-right:1rem}.status{padding:.1rem .5rem;border-radius:.3rem;
background:#e8f5e9}.status.failed,.status.crashed{background:#fdecea}figure{margin:0 0 1.5rem}
figcaption{color:#555;font-size:.9em}
"""
# No script may run in a report page, whatever the data holds; styles are inline, nothing is fetched.
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
STAGES = ("stage", "clean", "segment", "extract")
SUITE_RECORD_KIND = {"staged_files": "file", "clean_documents": "document", "articles": "article",
                     "facts": "fact", "people": "person"}
EXAMPLES_PER_EXPECTATION = 5
# Articles listed on a run page; a person reads the list, so a large run shows the first ones only.
ARTICLES_LISTED = 50
# Runs drawn on the chart: the most recent ones (a chart with hundreds of points is unreadable).
CHART_RUNS = 30
SNIPPET_CHARS = 80
RUN_FIELDS = ("status", "started_at", "finished_at", "input_dir", "pipeline_version", "files_seen", "files_new",
              "files_skipped", "files_loaded", "files_quarantined", "articles_loaded", "articles_quarantined",
              "facts_loaded", "people_loaded", "expectations_failed", "files_revised", "files_missing",
              "files_pruned", "prefect_flow_run_id")

# Chart geometry (px) and one colour per line; "all" is the run's overall pass rate.
CHART_W, CHART_H = 760, 280
MARGIN_L, MARGIN_R, MARGIN_T, MARGIN_B = 70, 130, 16, 70
# Room inside the plot so the first and last points (and their slanted labels) stay clear of the edges.
INNER_PAD = 24
SERIES_COLOURS = {"all": "#222222", "stage": "#1f77b4", "clean": "#ff7f0e", "segment": "#2ca02c",
                  "extract": "#d62728"}


def e(v: Any) -> str:
    """Escape anything that came from the data: titles and texts are never trusted markup."""
    return html.escape("" if v is None else str(v), quote=True)


def _rows(con: Any, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    cur = con.execute(sql, params or [])
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


def _pct(rate: float | None) -> str:
    return "—" if rate is None else f"{100 * rate:.1f}%"


def _ts(v: Any) -> str:
    """Timestamps to the second: microseconds are noise to a reader."""
    return v.strftime("%Y-%m-%d %H:%M:%S") if hasattr(v, "strftime") else e(v)


def _has_column(con: Any, table: str, column: str) -> bool:
    return bool(con.execute("SELECT count(*) FROM duckdb_columns() WHERE table_name = ? AND column_name = ?",
                            [table, column]).fetchone()[0])


@dataclass(frozen=True)
class RunRate:
    """Pass rate of one run: share of (record x expectation) checks that passed, overall and per stage."""

    run_id: str
    label: str
    overall: float | None
    by_stage: dict[str, float | None]


def pass_rates(con: Any) -> list[RunRate]:
    """Every run, oldest first, with its pass rates (None where the run checked nothing)."""
    runs = _rows(con, "SELECT run_id, started_at FROM runs ORDER BY started_at, run_id")
    per = _rows(con, """
        SELECT run_id, stage, sum(element_count)::BIGINT AS checked, sum(unexpected_count)::BIGINT AS failed
        FROM dq_results GROUP BY ALL""")
    agg: dict[str, dict[str, tuple[int, int]]] = {}
    for r in per:
        agg.setdefault(r["run_id"], {})[r["stage"]] = (int(r["checked"] or 0), int(r["failed"] or 0))

    def rate(checked: int, failed: int) -> float | None:
        return None if checked <= 0 else max(0.0, 1 - failed / checked)

    out = []
    for r in runs:
        st = agg.get(r["run_id"], {})
        tot_c = sum(c for c, _ in st.values())
        tot_f = sum(f for _, f in st.values())
        started = r["started_at"]
        label = started.strftime("%m-%d %H:%M:%S") if started is not None else r["run_id"]
        out.append(RunRate(r["run_id"], label, rate(tot_c, tot_f),
                           {s: rate(*st[s]) if s in st else None for s in STAGES}))
    return out


def pass_rate_svg(rates: Sequence[RunRate], highlight: str | None = None) -> str:
    """Inline SVG line chart of pass rates across runs (0-100 %), one line per stage and overall.

    Runs that checked nothing (every file unchanged) leave a gap in the lines.
    """
    rates = list(rates)[-CHART_RUNS:]
    pw, ph = CHART_W - MARGIN_L - MARGIN_R, CHART_H - MARGIN_T - MARGIN_B
    n = len(rates)

    def x(i: int) -> float:
        return MARGIN_L + (pw / 2 if n == 1 else INNER_PAD + (pw - 2 * INNER_PAD) * i / (n - 1))

    def y(v: float) -> float:
        return MARGIN_T + ph * (1 - v)

    parts = [f'<svg id="pass-rate-chart" xmlns="http://www.w3.org/2000/svg" width="{CHART_W}" '
             f'height="{CHART_H}" viewBox="0 0 {CHART_W} {CHART_H}" role="img" '
             f'aria-label="pass rate of expectation checks across runs" font-size="11" '
             f'font-family="system-ui,sans-serif">',
             f'<rect x="{MARGIN_L}" y="{MARGIN_T}" width="{pw}" height="{ph}" fill="#fafafa" stroke="#ccc"/>']
    for pct in (0, 25, 50, 75, 100):
        yy = y(pct / 100)
        parts.append(f'<line x1="{MARGIN_L}" y1="{yy:.1f}" x2="{MARGIN_L + pw}" y2="{yy:.1f}" stroke="#e3e3e3"/>'
                     f'<text x="{MARGIN_L - 6}" y="{yy + 4:.1f}" text-anchor="end">{pct}%</text>')
    if n == 0:
        parts.append(f'<text x="{MARGIN_L + pw / 2}" y="{MARGIN_T + ph / 2}" text-anchor="middle">no runs yet</text>')
    for i, r in enumerate(rates):
        xx = x(i)
        if r.run_id == highlight:
            parts.append(f'<line class="current" x1="{xx:.1f}" y1="{MARGIN_T}" x2="{xx:.1f}" y2="{MARGIN_T + ph}" '
                         f'stroke="#999" stroke-dasharray="4 3"/>')
        parts.append(f'<text x="{xx:.1f}" y="{MARGIN_T + ph + 12}" text-anchor="end" '
                     f'transform="rotate(-35 {xx:.1f} {MARGIN_T + ph + 12})">{e(r.label)}</text>')
    for key, colour in SERIES_COLOURS.items():
        values = [r.overall if key == "all" else r.by_stage.get(key) for r in rates]
        segment: list[str] = []
        segments: list[list[str]] = []
        for i, v in enumerate(values):
            if v is None:
                if segment:
                    segments.append(segment)
                segment = []
                continue
            segment.append(f"{x(i):.1f},{y(v):.1f}")
        if segment:
            segments.append(segment)
        width = 2.5 if key == "all" else 1.5
        for seg in segments:
            if len(seg) > 1:
                parts.append(f'<polyline class="series-{e(key)}" fill="none" stroke="{colour}" '
                             f'stroke-width="{width}" points="{" ".join(seg)}"/>')
        for i, v in enumerate(values):
            if v is not None:
                parts.append(f'<circle class="point series-{e(key)}" cx="{x(i):.1f}" cy="{y(v):.1f}" r="3" '
                             f'fill="{colour}"><title>{e(key)} · run {e(rates[i].run_id)}: {_pct(v)}'
                             f'</title></circle>')
    for j, (key, colour) in enumerate(SERIES_COLOURS.items()):
        ly = MARGIN_T + 10 + 18 * j
        lx = MARGIN_L + pw + 14
        parts.append(f'<line x1="{lx}" y1="{ly}" x2="{lx + 18}" y2="{ly}" stroke="{colour}" stroke-width="2.5"/>'
                     f'<text x="{lx + 24}" y="{ly + 4}">{"all stages" if key == "all" else e(key)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _chart_figure(rates: Sequence[RunRate], highlight: str | None) -> str:
    shown = min(len(rates), CHART_RUNS)
    return (f'<figure>{pass_rate_svg(rates, highlight)}<figcaption>Share of expectation checks '
            f'(record × expectation) that passed, per stage, over the last {shown} run(s). A gap: the run '
            f'had nothing new to check.</figcaption></figure>')


def _page(title: str, body: str) -> str:
    return (f'<!doctype html><html lang="zh"><head><meta charset="utf-8">'
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>{e(title)}</title><style>{CSS}</style></head><body>{body}</body></html>')


def _snippet(v: Any) -> str:
    s = "" if v is None else str(v).replace("\n", " ")
    return s if len(s) <= SNIPPET_CHARS else s[: SNIPPET_CHARS - 1] + "…"


def _stage_table(con: Any, rid: str) -> str:
    checked = _rows(con, """
        WITH per_batch AS (
            SELECT stage, suite, batch, max(element_count) AS n,
                   sum(element_count)::BIGINT AS checks, sum(unexpected_count)::BIGINT AS failed
            FROM dq_results WHERE run_id = ? GROUP BY ALL)
        SELECT stage, suite, sum(n)::BIGINT AS checked, sum(checks)::BIGINT AS checks,
               sum(failed)::BIGINT AS failed
        FROM per_batch GROUP BY ALL""", [rid])
    expectations: dict[tuple[str, str], set[str]] = {}
    for r in _rows(con, "SELECT DISTINCT stage, suite, expectation FROM dq_results WHERE run_id = ?", [rid]):
        expectations.setdefault((r["stage"], r["suite"]), set()).add(r["expectation"])
    held = _rows(con, "SELECT stage, record_kind, reasons FROM quarantine WHERE run_id = ?", [rid])
    # A record counts against a suite when one of its reasons is that suite's expectation; the rest
    # were held back before any suite saw them (unreadable files, transform errors ...).
    by_suite: dict[tuple[str, str], int] = {}
    outside: dict[tuple[str, str], int] = {}
    for h in held:
        suite = next((su for (st, su), names in expectations.items()
                      if st == h["stage"] and SUITE_RECORD_KIND.get(su) == h["record_kind"]
                      and names & set(h["reasons"])), None)
        if suite is None:
            outside[(h["stage"], h["record_kind"])] = outside.get((h["stage"], h["record_kind"]), 0) + 1
        else:
            by_suite[(h["stage"], suite)] = by_suite.get((h["stage"], suite), 0) + 1
    order = {s: i for i, s in enumerate(STAGES)}
    keyed: list[tuple[int, int, str, str]] = []  # (stage order, suites first, name, row)
    for r in checked:
        q = by_suite.get((r["stage"], r["suite"]), 0)
        rate = None if not r["checks"] else 1 - r["failed"] / r["checks"]
        keyed.append((order.get(r["stage"], 99), 0, r["suite"],
                      f"<tr><td>{e(r['stage'])}</td><td>{e(r['suite'])}</td><td class=n>{r['checked']}</td>"
                      f"<td class='n ok'>{max(r['checked'] - q, 0)}</td>"
                      f"<td class='n {'bad' if q else 'ok'}'>{q}</td><td class=n>{_pct(rate)}</td></tr>"))
    for (st, kind), q in outside.items():
        keyed.append((order.get(st, 99), 1, kind,
                      f"<tr><td>{e(st)}</td><td><i>{e(kind)}s held back outside the suites</i></td>"
                      f"<td></td><td></td><td class='n bad'>{q}</td><td></td></tr>"))
    rows = [k[3] for k in sorted(keyed)]
    empty = "<tr><td colspan=6>nothing new to check in this run</td></tr>"
    return ('<table id="summary"><tr><th>stage</th><th>suite</th><th>checked</th><th>passed</th>'
            f'<th>quarantined</th><th>checks passed</th></tr>{"".join(rows) or empty}</table>')


def _examples(con: Any, rid: str, reason: str) -> str:
    ex = _rows(con, """
        SELECT record_kind, record_id, source_file, reasons,
               coalesce(payload->>'title', payload->>'evidence', payload->>'name', payload->>'error',
                        payload->>'text') AS what
        FROM quarantine WHERE run_id = ? AND list_contains(reasons, ?)
        ORDER BY source_file, record_id LIMIT ?""", [rid, reason, EXAMPLES_PER_EXPECTATION])
    items = "".join(f"<li>{e(x['record_kind'])} <code>{e(x['record_id'])}</code> in {e(x['source_file'])} — "
                    f"<q>{e(_snippet(x['what']))}</q> <small>reasons: {e(', '.join(x['reasons']))}</small></li>"
                    for x in ex)
    return f"<ul class=ex>{items}</ul>" if items else "<small>no record kept (the batch was not loaded)</small>"


def _flagged_examples(con: Any, rid: str, reason: str) -> str:
    """Articles a warning flagged (loaded), each with the first span the warning found in its file."""
    ex = _rows(con, """
        SELECT a.article_id, a.source_file, a.title,
               (SELECT min_by(t.raw, t."offset") FROM text_issues t
                WHERE t.file_id = a.file_id AND t.kind = ?) AS found
        FROM articles a WHERE a.run_id = ? AND list_contains(a.flags, ?)
        ORDER BY a.source_file, a.article_id LIMIT ?""", [reason, rid, reason, EXAMPLES_PER_EXPECTATION])
    items = "".join(f"<li>article <code>{e(x['article_id'])}</code> in {e(x['source_file'])} — "
                    f"<q>{e(_snippet(x['title']))}</q>"
                    + (f" <small>found: <q>{e(_snippet(x['found']))}</q></small>" if x["found"] else "") + "</li>"
                    for x in ex)
    return (f"<ul class=ex>{items}</ul>" if items
            else "<small>no article kept the flag (held back for another reason)</small>")


def _failing_table(con: Any, rid: str) -> str:
    failing = _rows(con, """
        SELECT stage, suite, expectation, sum(unexpected_count)::BIGINT AS failed,
               sum(element_count)::BIGINT AS checked, any_value(details->>'description') AS description,
               coalesce(any_value(details->>'severity'), 'critical') AS severity
        FROM dq_results WHERE run_id = ? AND NOT success GROUP BY ALL ORDER BY failed DESC, expectation""", [rid])
    rows = [f"<tr><td>{e(f['stage'])}</td><td>{e(f['suite'])}</td>"
            f"<td class={'warn' if f['severity'] == 'warning' else 'bad'}><code>{e(f['expectation'])}</code>"
            f"<br><small>{e(f['description'])}</small></td>"
            f"<td>{'warning: loaded, flagged' if f['severity'] == 'warning' else 'critical: held back'}</td>"
            f"<td class=n>{f['failed']} / {f['checked']}</td><td>"
            f"{_flagged_examples(con, rid, f['expectation']) if f['severity'] == 'warning' else _examples(con, rid, f['expectation'])}"
            f"</td></tr>"
            for f in failing]
    # Reasons that are not expectations: files that could not be staged, transforms that raised.
    names = {f["expectation"] for f in failing}
    other = [r for r in _rows(con, """
        SELECT stage, reason, count(*) AS n FROM (
            SELECT stage, unnest(reasons) AS reason FROM quarantine WHERE run_id = ?) GROUP BY ALL
        ORDER BY n DESC, reason""", [rid]) if r["reason"] not in names]
    rows += [f"<tr><td>{e(o['stage'])}</td><td><i>before the suites</i></td>"
             f"<td class=bad><code>{e(o['reason'])}</code></td><td>held back</td><td class=n>{o['n']}</td>"
             f"<td>{_examples(con, rid, o['reason'])}</td></tr>" for o in other]
    none = "<tr><td colspan=6 class=ok>none</td></tr>"
    return ('<table id="failing"><tr><th>stage</th><th>suite</th><th>expectation / reason</th><th>severity</th>'
            f'<th>records failed / checked</th><th>examples</th></tr>{"".join(rows) or none}</table>')


def _articles_table(con: Any, rid: str) -> str:
    dup = _has_column(con, "articles", "duplicate_of")
    dup_sql = "a.duplicate_of" if dup else "NULL"
    arts = _rows(con, f"""
        SELECT a.article_id, a.title, a.source, a.publish_date, a.region, a.source_file, {dup_sql} AS duplicate_of,
               (SELECT count(*) FROM facts f WHERE f.article_id = a.article_id) AS facts
        FROM articles a WHERE a.run_id = ? ORDER BY a.source_file, a.seq LIMIT ?""", [rid, ARTICLES_LISTED])
    total = con.execute("SELECT count(*) FROM articles WHERE run_id = ?", [rid]).fetchone()[0]
    rows = "".join(f"<tr><td><code>{e(a['article_id'])}</code></td><td>{e(a['title'])}</td><td>{e(a['source'])}</td>"
                   f"<td>{e(a['publish_date'])}</td><td>{e(a['region'])}</td><td>{e(a['source_file'])}</td>"
                   f"<td class=n>{a['facts']}</td><td>{'' if a['duplicate_of'] is None else '<code>' + e(a['duplicate_of']) + '</code>'}</td></tr>"
                   for a in arts)
    more = f"<p><small>first {len(arts)} of {total}</small></p>" if total > len(arts) else ""
    none = "<tr><td colspan=8>no article loaded in this run</td></tr>"
    return ('<table id="articles"><tr><th>article</th><th>title</th><th>source</th><th>date</th><th>region</th>'
            f'<th>file</th><th>facts</th><th>copy of</th></tr>{rows or none}</table>{more}')


def _revised_table(con: Any, rid: str) -> str:
    """Paths whose content the run replaced, with what changed in their facts (warehouse.load.revision_changes)."""
    if not _has_column(con, "file_paths", "retired_run_id"):
        return "<p>this warehouse predates revision tracking (schema version 1)</p>"
    rows = "".join(
        f"<tr><td>{e(r['path'])}</td><td><code>{e(r['old_file_id'][:16])}</code></td>"
        f"<td><code>{e(r['new_file_id'][:16])}</code></td><td class=n>{r['facts']['added']}</td>"
        f"<td class=n>{r['facts']['removed']}</td><td class=n>{r['facts']['altered']}</td>"
        f"<td class=n>{r['facts']['unchanged']}</td></tr>" for r in revisions_of_run(con, rid))
    none = "<tr><td colspan=7>no file revised in this run</td></tr>"
    return ('<table id="revised"><tr><th>file</th><th>old content</th><th>new content</th><th>facts added</th>'
            f'<th>removed</th><th>altered</th><th>unchanged</th></tr>{rows or none}</table>')


def _missing_table(con: Any, rid: str) -> str:
    """Paths the run found gone from the input (rows kept), or whose rows it retired (--prune)."""
    if not _has_column(con, "file_paths", "missing_run_id"):
        return ""
    gone = _rows(con, """SELECT path, file_id, missing_run_id, retired_run_id FROM file_paths
                         WHERE state = 'missing' AND (missing_run_id = ? OR retired_run_id = ?)
                         ORDER BY path""", [rid, rid])
    rows = "".join(f"<tr><td>{e(g['path'])}</td><td><code>{e(g['file_id'][:16])}</code></td>"
                   f"<td><code>{e(g['missing_run_id'])}</code></td>"
                   f"<td>{'rows retired by this run (--prune)' if g['retired_run_id'] == rid else 'rows kept'}</td></tr>"
                   for g in gone)
    none = "<tr><td colspan=4>no file went missing in this run</td></tr>"
    return ('<table id="missing"><tr><th>file</th><th>content</th><th>noticed by run</th><th>its rows</th></tr>'
            f'{rows or none}</table>')


def _run_page(con: Any, run: dict[str, Any], docs_href: str | None, rates: Sequence[RunRate]) -> str:
    rid = run["run_id"]
    counts = "".join(f"<tr><th>{e(k)}</th><td>{_ts(run.get(k)) if k.endswith('_at') else e(run.get(k))}</td></tr>"
                     for k in RUN_FIELDS)
    docs = (f'<a id="data-docs" href="{e(docs_href)}">Great Expectations Data Docs</a>' if docs_href else "")
    body = f"""<h1>Data quality — run <code>{e(rid)}</code> <span class="status {e(run['status'])}">{e(run['status'])}</span></h1>
<nav><a href="index.html">All runs</a>{docs}</nav>
<h2>Per stage</h2>{_stage_table(con, rid)}
<h2>Failing expectations</h2>{_failing_table(con, rid)}
<h2>Pass rates across runs</h2>{_chart_figure(rates, rid)}
<h2>Run</h2><table id="run">{counts}</table>
<h2>Revised files</h2>{_revised_table(con, rid)}
<h2>Files no longer in the input</h2>{_missing_table(con, rid)}
<h2>Articles loaded in this run</h2>{_articles_table(con, rid)}"""
    return _page(f"gonghui run {rid}", body)


def _index_page(runs: list[dict[str, Any]], rates: Sequence[RunRate], out: Path, docs_href: str | None) -> str:
    by_id = {r.run_id: r for r in rates}
    rows = []
    for r in reversed(runs):
        rr = by_id.get(r["run_id"])
        link = f"run-{r['run_id']}.html"
        rid = f'<a href="{e(link)}">{e(r["run_id"])}</a>' if (out / link).exists() else e(r["run_id"])
        rows.append(f"<tr><td>{rid}</td><td>{e(r['status'])}</td><td>{_ts(r['started_at'])}</td>"
                    f"<td class=n>{e(r['files_seen'])}</td><td class=n>{e(r['files_new'])}</td>"
                    f"<td class=n>{e(r['articles_loaded'])}</td><td class=n>{e(r['articles_quarantined'])}</td>"
                    f"<td class=n>{e(r['facts_loaded'])}</td><td class=n>{e(r.get('files_revised'))}</td>"
                    f"<td class=n>{e(r.get('files_missing'))}</td><td class=n>{e(r['expectations_failed'])}</td>"
                    f"<td class=n>{_pct(rr.overall if rr else None)}</td></tr>")
    docs = f'<nav><a id="data-docs" href="{e(docs_href)}">Great Expectations Data Docs</a></nav>' if docs_href else ""
    body = f"""<h1>gonghui — data-quality runs</h1>{docs}
<h2>Pass rates across runs</h2>{_chart_figure(rates, None)}
<h2>Runs</h2><table id="runs"><tr><th>run</th><th>status</th><th>started (UTC)</th><th>files seen</th>
<th>processed</th><th>articles loaded</th><th>quarantined</th><th>facts</th><th>files revised</th>
<th>files missing</th><th>expectations failed</th>
<th>checks passed</th></tr>{''.join(rows)}</table>"""
    return _page("gonghui data quality", body)


def write_report(db_path: str | Path, report_dir: str | Path, run_id: str | None = None,
                 data_docs: Path | None = None) -> Path:
    """Write run-<id>.html for one run (default: the latest), a page for every earlier run that has
    none yet, and index.html; return the run's page."""
    out = Path(report_dir)
    out.mkdir(parents=True, exist_ok=True)
    if data_docs is None:
        guess = out / "gx" / "gx" / "uncommitted" / "data_docs" / "local_site" / "index.html"
        data_docs = guess if guess.exists() else None
    docs_href = os.path.relpath(data_docs, out) if data_docs else None
    with connect(db_path, read_only=True) as con:
        runs = _rows(con, "SELECT * FROM runs ORDER BY started_at, run_id")
        if not runs:
            raise ValueError(f"{db_path} holds no runs yet: run `gonghui run` first")
        run = next((r for r in runs if r["run_id"] == run_id), runs[-1]) if run_id else runs[-1]
        rates = pass_rates(con)
        page = out / f"run-{run['run_id']}.html"
        for r in runs:
            p = out / f"run-{r['run_id']}.html"
            if r is run or not p.exists():
                p.write_text(_run_page(con, r, docs_href, rates), encoding="utf-8")
    (out / "index.html").write_text(_index_page(runs, rates, out, docs_href), encoding="utf-8")
    (out / "latest.json").write_text(json.dumps({"run_id": run["run_id"], "page": page.name}), encoding="utf-8")
    return page
