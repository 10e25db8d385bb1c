"""`gonghui status`: what is scheduled, what ran, what is running — read from the warehouse (read-only),
serve's record beside it (`<db>.prefect/serve.json`) and the Prefect API when one answers. Starts
nothing and imports neither Prefect nor the pipeline: plain HTTP to the API, one DuckDB read."""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

# How long status waits for the Prefect API: a local server answers in milliseconds; one that does not
# answer within this is reported as unreachable rather than holding the terminal.
API_TIMEOUT_SECONDS = 3.0
LAST_RUNS = 5
FLOW_NAME = "pipeline"


def _pid_alive(pid: Any) -> bool:
    try:
        os.kill(int(pid), 0)
    except (ProcessLookupError, ValueError, TypeError):
        return False
    except PermissionError:
        return True
    return True


def _flock_holder(path: Path) -> int | None | bool:
    """Linux: the pid holding an flock on `path` per /proc/locks (None: not held); False where
    /proc/locks cannot tell."""
    try:
        st = path.stat()
        table = Path("/proc/locks").read_text()
    except OSError:
        return False
    dev = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino}"
    for line in table.splitlines():
        parts = line.split()
        # "1: FLOCK  ADVISORY  WRITE 12345 00:2e:1234567 0 EOF" (blocked waiters are marked "->")
        if len(parts) >= 6 and parts[1] == "FLOCK" and parts[5] == dev:
            return int(parts[4]) if parts[4].lstrip("-").isdigit() else -1
    return None


def run_lock_holder(db_path: str | Path) -> int | None:
    """The pid of the process holding the warehouse's run lock, or None. Looked up without taking the
    lock (taking it even for a moment could make a starting run fail): in /proc/locks on Linux; else
    the pid run_lock wrote into the file, if that process is alive (the latest writer is the only
    possible holder, so a dead pid means nobody holds it)."""
    path = Path(str(db_path) + ".run.lock")
    held = _flock_holder(path)
    if held is not False:
        return None if held is None else int(held)
    try:
        text = path.read_text().strip()
    except OSError:
        return None
    pid = text.removeprefix("pid ").strip()
    return int(pid) if pid.isdigit() and _pid_alive(pid) else None


def _api(url: str, path: str, body: dict[str, Any] | None = None) -> Any:
    req = urllib.request.Request(f"{url.rstrip('/')}{path}", method="POST" if body is not None else "GET",
                                 data=json.dumps(body).encode() if body is not None else None,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=API_TIMEOUT_SECONDS) as resp:
        return json.loads(resp.read() or b"null")


def _when(iso: str | None, now: datetime) -> str:
    if not iso:
        return "-"
    dt = datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(UTC)
    delta = (dt - now).total_seconds()
    rel = f"in {_dur(delta)}" if delta >= 0 else f"{_dur(-delta)} ago"
    return f"{dt:%Y-%m-%d %H:%M:%S} UTC ({rel})"


def _dur(s: float) -> str:
    if s < 90:
        return f"{s:.0f} s"
    if s < 5400:
        return f"{s / 60:.0f} min"
    if s < 172800:
        return f"{s / 3600:.1f} h"
    return f"{s / 86400:.1f} d"


def _schedule_text(schedules: list[dict[str, Any]]) -> str | None:
    out = []
    for entry in schedules or []:
        sch = entry.get("schedule") or {}
        if "cron" in sch:
            out.append(f'cron "{sch["cron"]}" ({sch.get("timezone") or "UTC"})')
        elif "interval" in sch:
            from gonghui.flows.serve import _seconds

            out.append(f"every {_seconds(float(sch['interval']))}")
    return ", ".join(out) or None


def prefect_view(api_url: str, deployment: str) -> dict[str, Any]:
    """The deployment's schedule, pause state, next scheduled run and runs in flight, from the API."""
    flow, _, name = deployment.partition("/")
    dep = _api(api_url, f"/deployments/name/{flow}/{name}")
    runs = _api(api_url, "/flow_runs/filter", {
        "flow_runs": {"deployment_id": {"any_": [dep["id"]]}, "state": {"type": {"any_": ["SCHEDULED"]}}},
        "sort": "EXPECTED_START_TIME_ASC", "limit": 1})
    running = _api(api_url, "/flow_runs/filter", {
        "flow_runs": {"deployment_id": {"any_": [dep["id"]]},
                      "state": {"type": {"any_": ["PENDING", "RUNNING", "CANCELLING"]}}},
        "sort": "START_TIME_DESC", "limit": 5})
    return {"paused": bool(dep.get("paused")), "schedule": _schedule_text(dep.get("schedules") or []),
            "next": runs[0]["expected_start_time"] if runs else None,
            "running": [(r["name"], r.get("start_time"), (r.get("state") or {}).get("name")) for r in running]}


def warehouse_runs(db_path: str | Path, wait: float, limit: int = LAST_RUNS) -> list[tuple[Any, ...]]:
    import duckdb

    from gonghui.warehouse.load import open_connection

    con = open_connection(db_path, read_only=True, wait_seconds=wait)
    try:
        return con.execute(
            "SELECT run_id, status, started_at, finished_at, files_seen, files_new, articles_loaded, "
            "articles_quarantined, facts_loaded, report_path, prefect_flow_run_id FROM runs "
            "ORDER BY started_at DESC LIMIT ?", [limit]).fetchall()
    except duckdb.CatalogException:
        return []
    finally:
        con.close()


def status_text(db_path: str | Path, name: str | None = None, wait: float = 30.0,
                now: datetime | None = None) -> str:
    """The one-screen status of a warehouse and its schedule."""
    from gonghui.flows.serve import read_serve_info
    from gonghui.tables import format_rows

    now = now or datetime.now(UTC)
    db = Path(db_path).resolve()
    info = read_serve_info(db) or {}
    deployment = f"{FLOW_NAME}/{name}" if name else info.get("deployment", f"{FLOW_NAME}/gonghui-scheduled")
    served = bool(info) and not info.get("stopped_at") and _pid_alive(info.get("pid"))
    api_url = info.get("api_url") if served else os.environ.get("PREFECT_API_URL")
    lines = [f"warehouse:   {db}"]

    view: dict[str, Any] | None = None
    api_note = ""
    if api_url:
        try:
            view = prefect_view(api_url, deployment)
        except urllib.error.HTTPError as exc:
            api_note = f"deployment {deployment} not found at {api_url}" if exc.code == 404 else \
                f"the Prefect API at {api_url} answered {exc.code}"
        except (urllib.error.URLError, OSError, ValueError, KeyError) as exc:
            api_note = f"the Prefect API at {api_url} did not answer ({getattr(exc, 'reason', exc)})"
    schedule = (view or {}).get("schedule") or info.get("schedule")
    if served:
        ui = f"; Prefect UI {info['ui_url']}" if info.get("ui_url") else f"; Prefect API {info.get('api_url')}"
        lines.append(f"schedule:    {deployment} {schedule or '?'}: served by gonghui serve (pid {info['pid']}, "
                     f"since {_when(info.get('started_at'), now)}){ui}")
    elif info.get("stopped_at"):
        lines.append(f"schedule:    {deployment} {schedule or '?'}: not served (gonghui serve stopped "
                     f"{_when(info['stopped_at'], now)}; its schedule is paused until serve starts again)")
    elif info:
        lines.append(f"schedule:    {deployment} {schedule or '?'}: not served (gonghui serve was killed; "
                     f"runs that fell due since run once when it starts again)")
    elif view:
        lines.append(f"schedule:    {deployment} {schedule or '?'} at {api_url}"
                     f"{' (paused)' if view['paused'] else ''}")
    else:
        lines.append("schedule:    none (this warehouse was never served by gonghui serve)")
    if view is not None:
        nxt = "paused" if view["paused"] else _when(view["next"], now) if view["next"] else \
            "not yet created by Prefect's scheduler"
        if view["next"] and not view["paused"] and "ago)" in nxt:
            nxt += ": overdue, starts when the runner is free (one run at a time)"
        lines.append(f"next run:    {nxt}")
    elif served or api_note:
        lines.append(f"next run:    unknown ({api_note or 'no Prefect API'})")

    holder = run_lock_holder(db)
    rows: list[tuple[Any, ...]] = []
    wh_note = ""
    if not db.exists():
        wh_note = "no warehouse yet (no run has completed a start)"
    else:
        from gonghui.warehouse.load import WarehouseBusy

        try:
            rows = warehouse_runs(db, wait)
        except WarehouseBusy:
            wh_note = f"the warehouse stayed locked by a loading run for {wait:.0f} s: runs not shown"
    running_row = next((r for r in rows if r[1] == "running"), None)
    if holder is not None:
        what = f"run {running_row[0]} since {_when(running_row[2].replace(tzinfo=UTC).isoformat(), now)}" \
            if running_row is not None else "a run is starting"
        lines.append(f"in progress: {what} (pid {holder})")
    else:
        lines.append("in progress: none")
    for flow_run, started, state in (view or {}).get("running", []):
        if holder is None:
            lines.append(f"             (Prefect still lists flow run {flow_run} as {state}, started "
                         f"{_when(started, now)}; no process runs it: serve was killed while it ran)")
    lines.append("")
    if wh_note:
        lines.append(wh_note)
    elif not rows:
        lines.append("last runs:   none yet")
    else:
        lines.append(f"last runs (latest {len(rows)}):")
        table = []
        for run_id, status, started, finished, seen, new, art, held, facts, _report, _fr in rows:
            if status == "running" and holder is None:
                status = "running?"  # killed; the next run marks it crashed
            secs = f"{(finished - started).total_seconds():.1f}" if finished and started else "-"
            table.append((run_id, status, f"{started:%Y-%m-%d %H:%M:%S}", secs, seen, new, art, held, facts))
        lines.append(format_rows(["run_id", "status", "started (UTC)", "seconds", "files", "new", "articles",
                                  "quarantined", "facts"], table, "table"))
        lines.append("reports:")
        lines.extend(f"  {r[0]}  {r[9] or '-'}" for r in rows)
    return "\n".join(lines)
