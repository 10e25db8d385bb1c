"""The `gonghui` command as a user runs it: a real subprocess, a real warehouse, a read-only SQL shell."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from gonghui.cli import main
from tests.conftest import ROOT, SAMPLES

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def cli_run(tmp_path_factory):
    """`gonghui run` in a fresh process, exactly as the README's first command runs it."""
    tmp = tmp_path_factory.mktemp("cli")
    env = dict(os.environ, PREFECT_HOME=str(tmp / "prefect"))
    for k in [k for k in env if k.startswith("PREFECT_") and k not in ("PREFECT_HOME",)]:
        env.pop(k)
    proc = subprocess.run(
        [sys.executable, "-m", "gonghui.cli", "run", "--input", str(SAMPLES), "--db", str(tmp / "wh.duckdb"),
         "--report-dir", str(tmp / "reports")],
        capture_output=True, text=True, timeout=300, cwd=ROOT, env=env)
    return tmp, proc


def test_run_prints_progress_and_summary_without_tracebacks(cli_run):
    tmp, proc = cli_run
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    assert "Traceback" not in out and "Error" not in out, out
    assert "5 files in" in out
    assert "batch 1: 5 files" in out and "(5/5 files)" in out
    assert "articles:" in out and "quarantined" in out
    report = next(line.split("report:", 1)[1].strip() for line in out.splitlines() if "report:" in line)
    assert Path(report).exists()


def test_summary_counts_revised_missing_and_pruned_files(tmp_path):
    """The runs table's files_revised / files_missing / files_pruned are in the summary too: a file
    corrected in place and one deleted since the last run, then the run with --prune."""
    import shutil

    inp = tmp_path / "in"
    shutil.copytree(SAMPLES, inp)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env["PREFECT_HOME"] = str(tmp_path / "prefect")
    args = [sys.executable, "-m", "gonghui.cli", "run", "--input", str(inp), "--db", str(tmp_path / "wh.duckdb"),
            "--report-dir", str(tmp_path / "reports")]
    first = subprocess.run(args, capture_output=True, text=True, timeout=300, cwd=ROOT, env=env)
    assert first.returncode == 0, first.stderr
    assert "input:        0 revised, 0 no longer there (0 pruned)" in first.stdout, first.stdout
    pages = sorted(inp.glob("*.txt"))
    pages[0].write_text(pages[0].read_text("utf-8") + "\n本报讯 这一段是更正后补上的一段话,工会干部共计二十人参加。\n",
                        encoding="utf-8")
    pages[1].unlink()
    second = subprocess.run([*args, "--prune"], capture_output=True, text=True, timeout=300, cwd=ROOT, env=env)
    assert second.returncode == 0, second.stderr
    assert "input:        1 revised, 1 no longer there (1 pruned)" in second.stdout, second.stdout
    with duckdb.connect(str(tmp_path / "wh.duckdb"), read_only=True) as con:
        row = con.execute("SELECT files_revised, files_missing, files_pruned FROM runs ORDER BY started_at DESC").fetchone()
    assert row == (1, 1, 1)


def test_sql_is_read_only(cli_run, capsys):
    tmp, _ = cli_run
    db = str(tmp / "wh.duckdb")
    assert main(["sql", "DROP TABLE articles", "--db", db]) == 1
    err = capsys.readouterr().err
    assert "read-only" in err
    assert main(["sql", "INSERT INTO runs (run_id, started_at, status) VALUES ('x', now(), 'x')", "--db", db]) == 1
    assert main(["sql", f"COPY articles TO '{tmp / 'leak.csv'}'", "--db", db]) == 1
    assert not (tmp / "leak.csv").exists()
    with duckdb.connect(db, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM articles").fetchone()[0] > 0
        assert con.execute("SELECT count(*) FROM runs WHERE run_id = 'x'").fetchone()[0] == 0


def test_sql_formats(cli_run, capsys):
    tmp, _ = cli_run
    db = str(tmp / "wh.duckdb")
    q = "SELECT region, value FROM facts WHERE metric = 'outdoor_worker_stations' ORDER BY region"
    assert main(["sql", q, "--db", db, "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["region"]: r["value"] for r in rows} == {"贵州": 10017, "云南": 2911, "甘肃": 1343, "四川": 7473}
    assert main(["sql", q, "--db", db, "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "region,value" and len(lines) == 5
    assert main(["sql", q, "--db", db]) == 0
    assert "(4 rows)" in capsys.readouterr().out


def test_report_rebuilds(cli_run, capsys):
    tmp, _ = cli_run
    assert main(["report", "--db", str(tmp / "wh.duckdb"), "--report-dir", str(tmp / "rebuilt")]) == 0
    page = next((tmp / "rebuilt").glob("run-*.html")).read_text(encoding="utf-8")
    assert "missing_publish_date" in page and "missing_source" in page
    assert (tmp / "rebuilt" / "index.html").exists()


def test_clear_errors_for_bad_arguments(tmp_path, capsys):
    assert main(["run", "--input", str(tmp_path / "nope"), "--db", str(tmp_path / "wh.duckdb")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert main(["sql", "SELECT 1", "--db", str(tmp_path / "none.duckdb")]) == 2
    assert "no warehouse" in capsys.readouterr().err
