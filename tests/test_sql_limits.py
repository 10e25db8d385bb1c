"""`gonghui sql` has limits (issue 20): a time limit, a row cap for the terminal, streamed --all, Ctrl-C."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from tests.conftest import ROOT

# ~forever on two cores: 10^11 x 10 rows joined
ENDLESS = "SELECT count(*) FROM range(100000000000) t(a), range(10) u(b) WHERE a % 7 = b"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sql") / "w.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE TABLE t AS SELECT range AS i FROM range(25000)")
    return path


def _sql(db: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "gonghui.cli", "sql", "--db", str(db), *args],
                          capture_output=True, text=True, cwd=ROOT, timeout=timeout)


def test_terminal_output_is_capped_and_says_so(db: Path) -> None:
    p = _sql(db, "SELECT i FROM t ORDER BY i")
    assert p.returncode == 0
    lines = p.stdout.splitlines()
    assert lines[-1] == "(1000 rows)" and lines[2] == "0" and lines[-2] == "999"
    assert p.stderr.strip() == "(only the first 1000 rows are shown: --max-rows N for more, --all for every row)"
    assert _sql(db, "SELECT i FROM t", "--max-rows", "5").stdout.splitlines()[-1] == "(5 rows)"
    # a result within the cap says nothing more
    p = _sql(db, "SELECT count(*) AS n FROM t")
    assert p.stdout.splitlines()[-2:] == ["25000", "(1 row)"] and p.stderr == ""


def test_all_rows_are_streamed_as_csv_and_json(db: Path) -> None:
    p = _sql(db, "SELECT i FROM t ORDER BY i", "--all", "--format", "csv")
    lines = p.stdout.splitlines()
    assert p.returncode == 0 and lines[0] == "i" and len(lines) == 25001 and lines[-1] == "24999"
    rows = json.loads(_sql(db, "SELECT i FROM t ORDER BY i", "--all", "--format", "json").stdout)
    assert len(rows) == 25000 and rows[0] == {"i": 0}
    assert json.loads(_sql(db, "SELECT i FROM t WHERE i < 0", "--all", "--format", "json").stdout) == []


def test_statements_that_are_not_queries_run_as_given(db: Path) -> None:
    p = _sql(db, "DESCRIBE t", "--format", "csv")
    assert p.returncode == 0 and p.stdout.splitlines()[1].startswith("i,BIGINT")
    assert _sql(db, "-- a comment\nSELECT 2 AS x; -- and another", "--format", "csv").stdout.split() == ["x", "2"]


def test_a_long_query_is_stopped_by_the_time_limit(db: Path) -> None:
    t0 = time.monotonic()
    p = _sql(db, ENDLESS, "--timeout", "1")
    assert p.returncode == 1
    assert p.stderr.strip() == "error: the query was stopped after 1 s (--timeout SECONDS to allow more, 0 for no limit)"
    assert time.monotonic() - t0 < 30


def test_ctrl_c_stops_a_query_within_two_seconds(db: Path) -> None:
    proc = subprocess.Popen([sys.executable, "-m", "gonghui.cli", "sql", "--db", str(db), ENDLESS, "--timeout", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                            env=dict(os.environ))
    time.sleep(4)  # interpreter start, DuckDB import, the query under way
    assert proc.poll() is None
    proc.send_signal(signal.SIGINT)
    t0 = time.monotonic()
    out, err = proc.communicate(timeout=30)
    assert time.monotonic() - t0 < 2.0
    assert proc.returncode == 130 and err.strip() == "query interrupted" and out == ""
