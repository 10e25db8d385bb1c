"""The data-quality report a person reads: one HTML page per run, and an index across runs."""

from __future__ import annotations

import html
import json
import os
from pathlib import Path
from typing import Any

from warehouse.load import connect

CSS = """
body{font-family:system-ui,'Noto Sans CJK SC',sans-serif;margin:2rem;color:#222;max-width:72rem}
table{border-collapse:collapse;margin:.5rem 0 1.5rem}th,td{border:1px solid #ccc;padding:.3rem .6rem;
text-align:left;vertical-align:top}th{background:#f3f3f3}.bad{color:#b00020;font-weight:600}
.ok{color:#1b5e20}code{font-size:.9em}small{color:#666}
"""
STAGES = ("stage", "clean", "segment", "extract")
EXAMPLES_PER_EXPECTATION = 5


def e(v: Any) -> str:
    """Escape anything that came from the data: titles and texts are never trusted markup."""
    return html.escape("" if v is None else str(v), quote=True)


def _rows(con: Any, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    cur = con.execute(sql, params or [])
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


def _run_page(con: Any, run: dict[str, Any], docs_href: str | None) -> str:
    rid = run["run_id"]
    checked = {r["stage"] + "/" + r["suite"]: r for r in _rows(con, """
        WITH per_batch AS (
            SELECT stage, suite, batch, max(element_count) AS n FROM dq_results WHERE run_id = ?
            GROUP BY ALL)
        SELECT stage, suite, sum(n)::BIGINT AS checked FROM per_batch GROUP BY ALL ORDER BY stage, suite""", [rid])}
    quarantined = {(r["stage"], r["record_kind"]): r["n"] for r in _rows(con, """
        SELECT stage, record_kind, count(*) AS n FROM quarantine WHERE run_id = ? GROUP BY ALL""", [rid])}
    kind_of = {"staged_files": "file", "clean_documents": "document", "articles": "article",
               "facts": "fact", "people": "person"}
    stage_rows = []
    for st in STAGES:
        for key, r in checked.items():
            if not key.startswith(st + "/"):
                continue
            q = quarantined.get((st, kind_of.get(r["suite"], "")), 0)
            stage_rows.append(f"<tr><td>{e(st)}</td><td>{e(r['suite'])}</td><td>{r['checked']}</td>"
                              f"<td class=ok>{max(r['checked'] - q, 0)}</td>"
                              f"<td class={'bad' if q else 'ok'}>{q}</td></tr>")
        other = quarantined.get((st, "document"), 0) if st in ("segment",) else 0
        if other:
            stage_rows.append(f"<tr><td>{e(st)}</td><td><i>documents without articles / errors</i></td>"
                              f"<td></td><td></td><td class=bad>{other}</td></tr>")
    failing = _rows(con, """
        SELECT stage, suite, expectation, sum(unexpected_count)::BIGINT AS failed,
               any_value(details->>'description') AS description
        FROM dq_results WHERE run_id = ? AND NOT success GROUP BY ALL ORDER BY failed DESC, expectation""", [rid])
    fail_html = []
    for f in failing:
        ex = _rows(con, """
            SELECT record_id, source_file, payload->>'title' AS title, reasons FROM quarantine
            WHERE run_id = ? AND list_contains(reasons, ?) ORDER BY source_file, record_id LIMIT ?""",
                   [rid, f["expectation"], EXAMPLES_PER_EXPECTATION])
        items = "".join(f"<li><code>{e(x['record_id'])}</code> {e(x['source_file'])} — {e(x['title'])} "
                        f"<small>({e(', '.join(x['reasons']))})</small></li>" for x in ex)
        fail_html.append(f"<tr><td>{e(f['stage'])}</td><td>{e(f['suite'])}</td>"
                         f"<td class=bad><code>{e(f['expectation'])}</code><br><small>{e(f['description'])}"
                         f"</small></td><td>{f['failed']}</td><td><ul>{items}</ul></td></tr>")
    counts = "".join(f"<tr><th>{e(k)}</th><td>{e(run.get(k))}</td></tr>" for k in (
        "status", "started_at", "finished_at", "input_dir", "pipeline_version", "files_seen", "files_new",
        "files_skipped", "files_loaded", "files_quarantined", "articles_loaded", "articles_quarantined",
        "facts_loaded", "people_loaded", "expectations_failed", "prefect_flow_run_id"))
    docs = f'<p><a href="{e(docs_href)}">Great Expectations Data Docs</a> (every validation, every expectation)</p>' \
        if docs_href else ""
    return f"""<!doctype html><html lang="zh"><meta charset="utf-8"><title>gonghui run {e(rid)}</title>
<style>{CSS}</style><h1>Data quality — run <code>{e(rid)}</code></h1>
<p><a href="index.html">All runs</a></p>{docs}
<h2>Run</h2><table>{counts}</table>
<h2>Per stage</h2><table id="summary"><tr><th>stage</th><th>suite</th><th>checked</th><th>passed</th>
<th>quarantined</th></tr>{''.join(stage_rows) or '<tr><td colspan=5>nothing new to check in this run</td></tr>'}</table>
<h2>Failing expectations</h2><table id="failing"><tr><th>stage</th><th>suite</th><th>expectation</th><th>records</th>
<th>examples</th></tr>{''.join(fail_html) or '<tr><td colspan=5 class=ok>none</td></tr>'}</table>
</html>"""


def write_report(db_path: str | Path, report_dir: str | Path, run_id: str | None = None,
                 data_docs: Path | None = None) -> Path:
    """Write run-<id>.html for one run (default: the latest) and index.html; return the run page."""
    out = Path(report_dir)
    out.mkdir(parents=True, exist_ok=True)
    if data_docs is None:
        guess = out / "gx" / "gx" / "uncommitted" / "data_docs" / "local_site" / "index.html"
        data_docs = guess if guess.exists() else None
    docs_href = os.path.relpath(data_docs, out) if data_docs else None
    with connect(db_path, read_only=True) as con:
        runs = _rows(con, "SELECT * FROM runs ORDER BY started_at")
        if not runs:
            raise ValueError(f"{db_path} holds no runs yet: run `gonghui run` first")
        run = next((r for r in runs if r["run_id"] == run_id), runs[-1]) if run_id else runs[-1]
        page = out / f"run-{run['run_id']}.html"
        page.write_text(_run_page(con, run, docs_href), encoding="utf-8")
        # Pass rate per run: the share of (expectation x batch) evaluations that succeeded.
        rates = {r["run_id"]: r for r in _rows(con, """
            SELECT run_id, count(*) AS n, count(*) FILTER (WHERE success) AS ok FROM dq_results GROUP BY ALL""")}
    rows = []
    for r in reversed(runs):
        rr = rates.get(r["run_id"])
        rate = f"{100 * rr['ok'] / rr['n']:.1f}%" if rr and rr["n"] else "—"
        link = f"run-{r['run_id']}.html"
        exists = (out / link).exists()
        rid = f'<a href="{e(link)}">{e(r["run_id"])}</a>' if exists else e(r["run_id"])
        rows.append(f"<tr><td>{rid}</td><td>{e(r['status'])}</td><td>{e(r['started_at'])}</td>"
                    f"<td>{e(r['files_seen'])}</td><td>{e(r['articles_loaded'])}</td>"
                    f"<td>{e(r['articles_quarantined'])}</td><td>{e(r['facts_loaded'])}</td><td>{rate}</td></tr>")
    (out / "index.html").write_text(f"""<!doctype html><html lang="zh"><meta charset="utf-8">
<title>gonghui data quality</title><style>{CSS}</style><h1>gonghui — data-quality runs</h1>
<table id="runs"><tr><th>run</th><th>status</th><th>started (UTC)</th><th>files</th><th>articles loaded</th>
<th>quarantined</th><th>facts</th><th>expectation pass rate</th></tr>{''.join(rows)}</table></html>""",
                                    encoding="utf-8")
    (out / "latest.json").write_text(json.dumps({"run_id": run["run_id"], "page": page.name}), encoding="utf-8")
    return page
