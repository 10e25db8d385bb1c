"""`gonghui status` without a server: what a warehouse and serve's record say, a run in progress found by
its lock, an unreachable API reported, not waited on — and nothing heavy imported. (With a served
schedule and a live Prefect API: tests/test_serve.py.)"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from datetime import UTC, datetime, timedelta

from gonghui.flows.serve import state_dir
from gonghui.status import run_lock_holder, status_text
from gonghui.warehouse import load as wh


def _warehouse_with_runs(db):  # type: ignore[no-untyped-def]
    """Two finished runs and one left 'running' by a killed process, written by the real loader."""
    wh.start_run(db, "20260101T060000Z-aaaaaa", "fr-1", "/in", "v", "incremental")
    wh.finish_run(db, "20260101T060000Z-aaaaaa", "completed",
                  {"files_seen": 5, "files_new": 5, "files_loaded": 4, "files_quarantined": 1,
                   "articles_loaded": 4, "articles_quarantined": 7, "facts_loaded": 172}, "/r/run-a.html")
    wh.start_run(db, "20260102T060000Z-bbbbbb", "fr-2", "/in", "v", "incremental")
    wh.finish_run(db, "20260102T060000Z-bbbbbb", "completed", {"files_seen": 5, "files_skipped": 5}, "/r/run-b.html")
    wh.start_run(db, "20260103T060000Z-cccccc", "fr-3", "/in", "v", "incremental")


def test_status_of_a_warehouse_never_served(tmp_path, monkeypatch):
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    db = tmp_path / "w.duckdb"
    s = status_text(db)
    assert "schedule:    none (this warehouse was never served by gonghui serve)" in s
    assert "in progress: none" in s and "no warehouse yet" in s
    _warehouse_with_runs(db)
    s = status_text(db)
    lines = s.splitlines()
    assert "last runs (latest 3):" in s
    # the killed run: its row says running, but no process holds the run lock
    assert any(line.startswith("20260103T060000Z-cccccc │ running?") for line in lines), s
    row_a = [c.strip() for c in next(line for line in lines if line.startswith("20260101T060000Z-aaaaaa")).split("│")]
    assert row_a[1] == "completed" and row_a[4:] == ["5", "5", "4", "7", "172"]  # files, new, articles, held, facts
    assert "  20260101T060000Z-aaaaaa  /r/run-a.html" in lines
    assert "in progress: none" in s


def test_a_run_holding_the_lock_is_in_progress(tmp_path, monkeypatch):
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    db = tmp_path / "w.duckdb"
    _warehouse_with_runs(db)
    with wh.run_lock(db):  # this process holds the run lock, as a run does
        assert run_lock_holder(db) == os.getpid()
        s = status_text(db)
        assert "in progress: run 20260103T060000Z-cccccc since " in s and f"(pid {os.getpid()})" in s
        assert "20260103T060000Z-cccccc │ running " in s
    # released: the file still names this (living) process, but nobody holds the lock
    assert wh.lock_path(db).read_text() == f"pid {os.getpid()}"
    assert run_lock_holder(db) is None
    assert "in progress: none" in status_text(db)


def test_stopped_and_killed_serve_and_an_unreachable_api(tmp_path, monkeypatch):
    db = tmp_path / "w.duckdb"
    _warehouse_with_runs(db)
    state = state_dir(db)
    state.mkdir()
    stopped = (datetime.now(UTC) - timedelta(minutes=5)).isoformat()
    rec = {"pid": 999999999, "deployment": "pipeline/gonghui-scheduled", "schedule": "every 1 h",
           "api_url": "http://127.0.0.1:9/api", "ui_url": "http://127.0.0.1:9", "stopped_at": stopped}
    (state / "serve.json").write_text(json.dumps(rec))
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    s = status_text(db)
    assert "pipeline/gonghui-scheduled every 1 h: not served (gonghui serve stopped " in s
    assert "(5 min ago); its schedule is paused until serve starts again)" in s
    del rec["stopped_at"]
    (state / "serve.json").write_text(json.dumps(rec))
    assert "not served (gonghui serve was killed; runs that fell due since run once" in status_text(db)
    # an API given but not answering: said, not waited on
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # bound, not listening: connections are refused
        monkeypatch.setenv("PREFECT_API_URL", f"http://127.0.0.1:{port}/api")
        s = status_text(db)
    assert f"next run:    unknown (the Prefect API at http://127.0.0.1:{port}/api did not answer" in s


def test_status_imports_neither_prefect_nor_the_pipeline(tmp_path):
    db = tmp_path / "w.duckdb"
    _warehouse_with_runs(db)
    code = ("import sys; from gonghui.cli import main; main(['status', '--db', sys.argv[1]]); "
            "heavy = [m for m in ('prefect', 'gonghui.flows.pipeline', 'great_expectations', 'pandas') if m in sys.modules]; "
            "print('HEAVY', heavy)")
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    out = subprocess.run([sys.executable, "-c", code, str(db)], capture_output=True, text=True, env=env,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    assert "HEAVY []" in out.stdout and "last runs (latest 3):" in out.stdout
    assert out.stderr == ""
