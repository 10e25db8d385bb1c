"""Every bad file accounted for, crashes survived, nothing lost, nothing let in (real runs, real kills)."""

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

from tests.badinputs import write_bad_inputs
from tests.conftest import ROOT, SAMPLES

pytestmark = pytest.mark.slow


def _env(tmp: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(PREFECT_HOME=str(tmp / "prefect"), **extra)
    return env


def gonghui(tmp: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run the CLI in its own process group; output goes to files, not pipes.

    After a kill -9 the run's children (Prefect's temporary API server) are orphaned and would hold a
    pipe open forever; the group is killed once the run itself has ended, as an operator would.
    """
    out, err = tmp / "stdout.txt", tmp / "stderr.txt"
    with out.open("w") as o, err.open("w") as e:
        proc = subprocess.Popen([sys.executable, "-m", "gonghui.cli", *args], stdout=o, stderr=e, text=True,
                                cwd=ROOT, env=_env(tmp, **env), start_new_session=True)
        try:
            rc = proc.wait(timeout=600)
        finally:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    return subprocess.CompletedProcess(proc.args, rc, out.read_text(), err.read_text())


def run_args(tmp: Path, inp: Path = SAMPLES) -> list[str]:
    return ["run", "--input", str(inp), "--db", str(tmp / "wh.duckdb"), "--report-dir", str(tmp / "reports")]


def q(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


@pytest.fixture(scope="module")
def bad_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("bad")
    cases = write_bad_inputs(tmp / "in")
    proc = gonghui(tmp, *run_args(tmp, tmp / "in"))
    return tmp, cases, proc


def test_bad_inputs_never_stop_the_run(bad_run):
    tmp, cases, proc = bad_run
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr


def test_every_bad_input_is_loaded_or_quarantined_with_its_reason(bad_run):
    tmp, cases, _ = bad_run
    db = tmp / "wh.duckdb"
    loaded = {r[0] for r in q(db, "SELECT DISTINCT source_file FROM articles")}
    reasons: dict[str, set[str]] = {}
    for src, rs in q(db, "SELECT source_file, reasons FROM quarantine"):
        reasons.setdefault(src, set()).update(rs)
    for c in cases:
        if c.expect == "loaded":
            assert c.name in loaded, (c, reasons.get(c.name))
        else:
            assert c.expect in reasons.get(c.name, set()), (c, reasons.get(c.name))


def test_huge_quarantine_payloads_are_capped_with_their_full_sizes(bad_run):
    """The 10 MB one-line page becomes one article of 180,000 facts: its quarantine row keeps the first
    PAYLOAD_TEXT_MAX characters and PAYLOAD_LIST_MAX facts, says how much there was, and the whole text
    stays in raw_files."""
    from gonghui.warehouse.load import PAYLOAD_LIST_MAX, PAYLOAD_TEXT_MAX

    tmp, _, _ = bad_run
    (body, facts, truncated, raw), = q(tmp / "wh.duckdb", """
        SELECT length(q.payload->>'body'), json_array_length(q.payload->'facts'), q.payload->'truncated',
               length(r.text)
        FROM quarantine q JOIN raw_files r USING (file_id)
        WHERE q.source_file = 'one-line.txt' AND q.record_kind = 'article'""")
    assert body == PAYLOAD_TEXT_MAX and facts == PAYLOAD_LIST_MAX
    full = json.loads(truncated)
    assert full["body"] > PAYLOAD_TEXT_MAX and full["facts"] > PAYLOAD_LIST_MAX
    assert raw >= full["body"]


def test_encodings_are_detected_and_decoded(bad_run):
    tmp, _, _ = bad_run
    enc = dict(q(tmp / "wh.duckdb", "SELECT path, encoding FROM raw_files"))
    assert enc["gbk.txt"] == "gb18030" and enc["gb18030.txt"] == "gb18030"
    assert enc["big5.txt"] == "big5"
    assert enc["utf8-bom.txt"] == "utf-8" and enc["utf16-bom.txt"] == "utf-16"
    assert enc["mixed.txt"] == "mixed:utf-8+gb18030"
    titles = dict(q(tmp / "wh.duckdb", "SELECT source_file, title FROM articles"))
    assert titles["gbk.txt"] == "省总工会 凝聚磅礴力量 建功伟大事业"
    assert titles["big5.txt"] == "奋进在治蜀兴川的新征程上"  # Big5 → Traditional → Simplified


def test_accounting_adds_up(bad_run):
    tmp, cases, _ = bad_run
    (seen, loaded, quarantined, skipped), = q(tmp / "wh.duckdb", """
        SELECT files_seen, files_loaded, files_quarantined, files_skipped FROM runs""")
    # every generated entry (the symlink loop is one: a quarantine row symlink_loop, not walked again)
    assert seen == len(cases) == loaded + quarantined + skipped
    assert loaded == sum(1 for c in cases if c.expect == "loaded")


def test_unchanged_rerun_skips_everything(bad_run):
    tmp, cases, _ = bad_run
    proc = gonghui(tmp, *run_args(tmp, tmp / "in"))
    assert proc.returncode == 0
    last = q(tmp / "wh.duckdb", "SELECT files_seen, files_new, files_skipped FROM runs ORDER BY started_at DESC")[0]
    # files that could not be staged (no content hash) are looked at again; everything else is skipped
    unhashable = {"huge.txt", "outside.txt", "photo.png", "loop"}
    assert last[0] == len(cases) and last[1] == len(unhashable) and last[2] == len(cases) - len(unhashable)
    # held back again, but recorded once: the row is replaced, not appended per run (issue 20, item 5)
    rows = q(tmp / "wh.duckdb", "SELECT source_file, count(*) FROM quarantine WHERE file_id IS NULL GROUP BY 1")
    assert {Path(f).name for f, _ in rows} >= unhashable - {"huge.txt"} and all(n == 1 for _, n in rows), rows


def test_a_file_vanishing_mid_run_is_quarantined_unreadable(tmp_path):
    """The file is listed, then deleted before it is read: the stage task quarantines it."""
    from gonghui.flows import tasks

    inp = tmp_path / "in"
    inp.mkdir()
    (inp / "a.txt").write_text((SAMPLES / "000_7e7ea642b88fe6f6.txt").read_text("utf-8"), encoding="utf-8")
    items = list(tasks.discover(str(inp), str(tmp_path / "wh.duckdb"), None, tasks.Tally()))
    (inp / "a.txt").unlink()
    res = tasks.stage.fn(items, "run-x", None)
    assert [r.reasons for r in res.rejections] == [("unreadable_file",)]
    assert res.passed == []


@pytest.mark.parametrize("point", ["extract", "load"])
def test_kill_9_then_the_next_run_completes_without_duplicates(tmp_path, point):
    db = tmp_path / "wh.duckdb"
    killed = gonghui(tmp_path, *run_args(tmp_path), GONGHUI_FAULT=f"kill:{point}")
    assert killed.returncode == -signal.SIGKILL
    # nothing of the killed batch is visible: no partial batch
    assert q(db, "SELECT count(*) FROM articles")[0][0] == 0
    assert q(db, "SELECT count(*) FROM raw_files")[0][0] == 0
    ok = gonghui(tmp_path, *run_args(tmp_path))
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert q(db, "SELECT status FROM runs ORDER BY started_at") == [("crashed",), ("completed",)]
    assert q(db, "SELECT count(*), count(DISTINCT file_id) FROM raw_files")[0] == (5, 5)
    n, distinct = q(db, "SELECT count(*), count(DISTINCT article_id) FROM articles")[0]
    assert n == distinct == 4
    assert q(db, "SELECT count(*) FROM quarantine WHERE record_kind = 'article'")[0][0] == 7
    assert q(db, "SELECT count(*) - count(DISTINCT fact_id) FROM facts")[0][0] == 0


def test_second_run_exits_clearly_and_sql_works_during_a_run(tmp_path):
    marker = tmp_path / "reached"
    first = subprocess.Popen([sys.executable, "-m", "gonghui.cli", *run_args(tmp_path)], cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env=_env(tmp_path, GONGHUI_FAULT="pause:extract:120",
                                      GONGHUI_FAULT_MARKER=str(marker),
                                      GONGHUI_FAULT_RELEASE=str(tmp_path / "release")))
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            assert first.poll() is None, first.communicate()
            assert time.monotonic() < deadline
            time.sleep(0.2)
        second = gonghui(tmp_path, *run_args(tmp_path))
        assert second.returncode == 3
        assert "another gonghui run is already working" in second.stderr
        # the run holds DuckDB's write lock only while loading, so a reader gets in meanwhile
        sql = gonghui(tmp_path, "sql", "SELECT status FROM runs", "--db", str(tmp_path / "wh.duckdb"))
        assert sql.returncode == 0 and "running" in sql.stdout
    finally:
        (tmp_path / "release").touch()
        out, err = first.communicate(timeout=300)
    assert first.returncode == 0, out + err
