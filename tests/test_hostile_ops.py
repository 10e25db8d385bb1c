"""What a data team running gonghui from cron meets (issue 20 class 4's walking part and class 9, issue
16 points 5-7): the input folder accounted for entry by entry, file names that are not UTF-8, one line
and a documented exit code per operational mistake, clean stops on SIGINT/SIGTERM, a quiet terminal.

Real processes throughout: `gonghui run` as a subprocess (one run per fixture, many cases per run),
real signals, real DuckDB files, real mounts where the machine allows them (root).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.conftest import ROOT
from tests.hostile.gen_ops import (
    SAMPLE,
    build_accounting_tree,
    busy_corpus,
    env_for,
    gonghui,
    stop_busy_run,
    stop_run,
    write_manifest,
)

pytestmark = pytest.mark.slow
ROOT_USER = os.geteuid() == 0


def _rows(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _one_line_error(proc: subprocess.CompletedProcess[str]) -> str:
    """The whole of stderr must be one `error:` line: no traceback, no library lines."""
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == "", proc.stdout
    return lines[0]


# --- one run over an input folder holding every walking case -------------------------------------------
@pytest.fixture(scope="module")
def walked(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("walk")
    inp = tmp / "archive"
    cases = build_accounting_tree(inp, tmp / "other-disk" / "pages")
    # a manifest saved by Excel on a Chinese Windows (GBK): one row for the good page, one naming a
    # file that is not there
    write_manifest(inp, ["file,source", "good.txt,工人日报", "gone.txt,某报"], "gb18030")
    # a crawler export whose columns only --columns can name
    (inp / "export.csv").write_text("题目,稿件\n某地工会开展送温暖活动," + SAMPLE[0].read_text("utf-8")
                                    .replace("\n", " ").replace(",", "，")[:800] + "\n", encoding="utf-8")
    unreadable = inp / "locked"
    unreadable.mkdir()
    shutil.copy(SAMPLE[3], unreadable / "inside.txt")
    unreadable.chmod(0)
    # the warehouse and report folder inside the input (the runs' own outputs)
    args = ["run", "--input", str(inp), "--db", str(inp / "wh.duckdb"), "--report-dir", str(inp / "reports"),
            "--columns", "title=题目,content=稿件"]
    cmd_prefix: list[str] = []
    if ROOT_USER and shutil.which("setpriv"):
        # root reads a mode-000 folder anyway: drop the two capabilities that let it, as a user lacks them
        cmd_prefix = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search", "--inh-caps",
                      "-dac_override,-dac_read_search", "--"]
    def run() -> subprocess.CompletedProcess[str]:
        return subprocess.run([*cmd_prefix, sys.executable, "-m", "gonghui.cli", *args], capture_output=True,
                              text=True, timeout=900, cwd=str(ROOT), env=env_for(tmp))

    proc = run()
    second = run()  # the second run sees the warehouse, lock and reports of the first
    unreadable.chmod(0o755)
    return {"tmp": tmp, "inp": inp, "db": inp / "wh.duckdb", "proc": proc, "second": second, "cases": cases,
            "caps_dropped": bool(cmd_prefix) or not ROOT_USER}


def _state(walked, path: str) -> str | None:
    got = _rows(walked["db"], f"SELECT state FROM raw_files WHERE path = '{path}'")
    return got[0][0] if got else None


def _quarantined(walked) -> dict[str, list[str]]:
    return {r[0]: list(r[1]) for r in _rows(walked["db"], "SELECT record_id, reasons FROM quarantine "
                                                          "WHERE stage = 'stage'")}


def test_run_over_a_hostile_tree_completes(walked):
    proc = walked["proc"]
    assert proc.returncode in (0, 1), proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    assert walked["second"].returncode in (0, 1), walked["second"].stderr


def test_good_page_loads(walked):
    assert _state(walked, "good.txt") == "loaded"


def test_name_that_is_not_utf8_is_staged_escaped_and_loaded(walked):
    assert _state(walked, walked["cases"]["bad_name"]) == "loaded"


def test_backslash_beside_a_bad_byte_is_escaped_losslessly(walked):
    from gonghui.flows.tasks import restore_name

    name = walked["cases"]["backslash_name"]
    assert _state(walked, name) is not None
    assert restore_name(name) == b"a\\b\xfe.txt"
    assert (walked["inp"] / os.fsdecode(restore_name(name))).exists()


def test_hidden_files_and_folders_are_skipped_and_counted(walked):
    assert _state(walked, ".draft.txt") is None and _state(walked, ".cache/page.txt") is None
    assert "1 hidden file and 1 hidden folder (names starting with '.') skipped" in walked["proc"].stderr


def test_version_control_folder_is_excluded_and_said(walked):
    assert not _rows(walked["db"], "SELECT path FROM raw_files WHERE path LIKE '.git%'")
    assert not [k for k in _quarantined(walked) if k.startswith(".git")]
    assert "version-control folder .git/ excluded" in walked["proc"].stderr


def test_own_outputs_inside_the_input_are_excluded(walked):
    second = walked["second"].stderr
    assert "gonghui's own outputs" in second and "wh.duckdb" in second and "reports/" in second
    paths = [r[0] for r in _rows(walked["db"], "SELECT path FROM raw_files")] + list(_quarantined(walked))
    assert not [p for p in paths if p.startswith(("wh.duckdb", "reports/"))], paths


def test_second_run_skips_what_the_first_loaded(walked):
    runs = _rows(walked["db"], "SELECT files_seen, files_loaded, files_skipped FROM runs ORDER BY started_at")
    assert len(runs) == 2 and runs[1][0] == runs[0][0], runs  # the same entries, outputs not among them
    assert runs[1][2] >= runs[0][1], runs  # every file loaded by the first run is unchanged


def test_linked_folder_on_another_disk_is_followed(walked):
    assert _state(walked, walked["cases"]["linked"]) == "loaded"


def test_link_back_to_the_root_is_a_loop_row(walked):
    assert _quarantined(walked).get(walked["cases"]["loop"]) == ["symlink_loop"]


def test_second_link_to_a_listed_folder_is_reported(walked):
    assert _quarantined(walked).get(walked["cases"]["twice"]) == ["folder_already_listed"]


def test_unreadable_folder_is_a_quarantine_row(walked):
    if not walked["caps_dropped"]:
        pytest.skip("running as root without setpriv: a mode-000 folder is readable")
    assert _quarantined(walked).get("locked") == ["unreadable_folder"]


def test_gbk_manifest_is_read_and_applied(walked):
    got = _rows(walked["db"], "SELECT DISTINCT source FROM articles WHERE source_file = 'good.txt'")
    assert got == [("工人日报",)], got


def test_manifest_row_naming_a_missing_file_is_reported(walked):
    assert "1 row of manifest.csv names no file in the input: gone.txt" in walked["proc"].stderr


def test_columns_override_reads_the_export(walked):
    assert _rows(walked["db"], "SELECT count(*) FROM raw_files WHERE path = 'export.csv#row=1'") == [(1,)]
    assert "export.csv" not in _quarantined(walked)


def test_every_entry_is_accounted_for(walked):
    seen, loaded, quarantined, skipped = _rows(walked["db"], """SELECT files_seen, files_loaded,
        files_quarantined, files_skipped FROM runs ORDER BY started_at LIMIT 1""")[0]
    assert seen == loaded + quarantined + skipped
    # top: good, bad name, backslash name, export, locked; elsewhere/far; linked/back; zz_again
    assert seen == 8, seen


def test_nothing_after_the_summary_and_no_library_lines(walked):
    for proc in (walked["proc"], walked["second"]):
        assert proc.stdout.rstrip().splitlines()[-1].lstrip().startswith("report:"), proc.stdout
        for line in proc.stderr.splitlines():
            assert line.startswith(("gonghui run", "  ")), line


# --- stopping: SIGTERM (a scheduler's timeout) and a terminal's Ctrl-C ----------------------------------
@pytest.fixture(scope="module", params=[(signal.SIGTERM, False, 143), (signal.SIGINT, True, 130)],
                ids=["sigterm", "ctrl-c"])
def stopped(request, tmp_path_factory):
    sig, group, code = request.param
    tmp = tmp_path_factory.mktemp(f"stop-{sig.name}")
    inp = tmp / "in"
    inp.mkdir()
    for p in SAMPLE:
        shutil.copy(p, inp / p.name)
    got = stop_run(tmp, sig, inp, group)
    after = gonghui(["run", "--input", str(inp), "--db", str(tmp / "wh.duckdb"), "--report-dir",
                     str(tmp / "reports")], tmp)
    return {"got": got, "code": code, "db": tmp / "wh.duckdb", "after": after, "sig": sig}


def test_stop_exit_code(stopped):
    assert stopped["got"]["reached"], stopped["got"]["stderr"]
    assert stopped["got"]["code"] == stopped["code"], stopped["got"]["stderr"]


def test_stop_is_prompt(stopped):
    # 1.1-1.8 s measured on 2 shared cores at load 10; the bound leaves room for a slower CI machine
    assert stopped["got"]["seconds"] < 6.0, stopped["got"]["seconds"]


def test_stop_leaves_no_process(stopped):
    assert stopped["got"]["left"] == [], stopped["got"]["left"]


def test_stop_says_one_line_and_no_crash_noise(stopped):
    err = stopped["got"]["stderr"]
    assert "Traceback" not in err and "Crash detected" not in err and "httpx" not in err, err
    tail = [ln for ln in err.splitlines() if "stopped by" in ln]
    assert len(tail) == 1 and stopped["sig"].name in tail[0] and "interrupted" in tail[0], err
    assert err.rstrip().splitlines()[-1] == tail[0]


def test_stopped_run_is_recorded_interrupted_and_rolled_back(stopped):
    runs = _rows(stopped["db"], "SELECT status, files_loaded FROM runs ORDER BY started_at")
    assert runs[0] == ("interrupted", 0), runs


def test_next_run_after_a_stop_loads_everything(stopped):
    assert stopped["after"].returncode in (0, 1), stopped["after"].stderr
    assert _rows(stopped["db"], "SELECT count(*) FROM raw_files") == [(len(SAMPLE),)]


# --- Ctrl-C while two Dask workers are busy transforming (issue 20: "within 2 s with one line") ----------
# Before: 2.6-5.5 s (the cluster's close waited up to 4 s for each busy worker to finish its batch), and
# a Ctrl-C while the forkserver was still importing printed its KeyboardInterrupt traceback and could
# leave the run going (exit 0 after 24 s). Now the workers and their forkserver are killed at once.
@pytest.fixture(scope="module")
def stopped_busy(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("stop-busy")
    inp = busy_corpus(tmp / "gen")
    files = sum(1 for p in inp.rglob("*") if p.is_file())
    got = stop_busy_run(tmp, inp, workers=2, batch_size=200)
    return {**got, "files": files, "db": tmp / "wh.duckdb"}


def test_busy_workers_stop_within_2_s_with_exit_130(stopped_busy):
    got = stopped_busy
    # the signal came while batches were still in flight: more files than the loaded first batch
    assert got["reached"] and got["files"] > 5 * 200, got["before"]
    assert got["code"] == 130, got["after"]
    # 1.1-1.8 s measured on 2 cores at load average 6 (4.8-5.5 s before on an idle machine)
    assert got["seconds"] < 2.0, got["seconds"]


def test_busy_stop_says_one_line_and_leaves_no_process(stopped_busy):
    after = [ln for ln in stopped_busy["after"] if ln.strip()]
    assert len(after) == 1 and "stopped by SIGINT" in after[0] and "interrupted" in after[0], after
    assert not any("Traceback" in ln or "KeyboardInterrupt" in ln for ln in stopped_busy["before"] + after)
    assert stopped_busy["stdout"] == ""
    assert stopped_busy["left"] == [], stopped_busy["left"]


def test_busy_stop_keeps_loaded_batches_and_rolls_back_the_rest(stopped_busy):
    loaded_lines = [ln for ln in stopped_busy["before"] if ln.startswith("  batch ")]
    loaded = sum(int(ln.split(": ", 1)[1].split(" files", 1)[0]) for ln in loaded_lines)
    runs = _rows(stopped_busy["db"], "SELECT status, files_loaded + files_quarantined, run_id FROM runs")
    assert [(s, n) for s, n, _ in runs] == [("interrupted", loaded)], (runs, loaded_lines)
    # rows of exactly the batches loaded before the signal; nothing of the batches in flight
    assert _rows(stopped_busy["db"], "SELECT count(*) FROM raw_files") == [(loaded,)]
    assert loaded < stopped_busy["files"]
    shards = Path(str(stopped_busy["db"]) + ".shards") / runs[0][2]
    assert not shards.exists(), list(shards.rglob("*"))


# --- mistakes refused before anything starts: one line, exit 2/3/4, nothing in runs ---------------------
@pytest.fixture()
def inp(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    shutil.copy(SAMPLE[0], d / "good.txt")
    return d


def _refused(tmp_path: Path, args: list[str], code: int = 2, **env: str) -> str:
    proc = gonghui(args, tmp_path, timeout=120, **env)
    assert proc.returncode == code, proc.stderr
    line = _one_line_error(proc)
    db = Path(args[args.index("--db") + 1]) if "--db" in args else None
    if db is not None and db.is_file() and db.stat().st_size:
        try:
            assert not [r for r in _rows(db, "SELECT status FROM runs") if r[0] == "running"]
        except duckdb.Error:
            pass  # a damaged or foreign file: nothing of gonghui's in it to check
    return line


@pytest.mark.parametrize("flag,value,words", [
    ("--batch-size", "-1", "--batch-size must be at least 1"),
    ("--batch-size", "0", "--batch-size must be at least 1"),
    ("--workers", "0", "--workers must be at least 1"),
    ("--columns", "headline", "is not field=column"),
    ("--columns", "colour=颜色", "unknown field"),
])
def test_bad_values_are_refused(tmp_path, inp, flag, value, words):
    line = _refused(tmp_path, ["run", "--input", str(inp), "--db", str(tmp_path / "w.duckdb"), flag, value])
    assert words in line
    assert not (tmp_path / "w.duckdb").exists()


def test_missing_input(tmp_path):
    line = _refused(tmp_path, ["run", "--input", str(tmp_path / "nope"), "--db", str(tmp_path / "w.duckdb")])
    assert "does not exist" in line


def test_input_naming_a_file(tmp_path, inp):
    line = _refused(tmp_path, ["run", "--input", str(inp / "good.txt"), "--db", str(tmp_path / "w.duckdb")])
    assert "is a file, not a folder" in line


def test_db_naming_a_folder(tmp_path, inp):
    line = _refused(tmp_path, ["run", "--input", str(inp), "--db", str(tmp_path)])
    assert "is a folder" in line and "gonghui.duckdb" in line


def test_db_under_a_file(tmp_path, inp):
    line = _refused(tmp_path, ["run", "--input", str(inp), "--db", str(inp / "good.txt" / "w.duckdb")])
    assert "is a file, not a folder" in line


def test_report_dir_naming_a_file(tmp_path, inp):
    (tmp_path / "r.html").write_text("x")
    line = _refused(tmp_path, ["run", "--input", str(inp), "--db", str(tmp_path / "w.duckdb"),
                               "--report-dir", str(tmp_path / "r.html")])
    assert "--report-dir" in line and "is a file" in line


def test_manifest_missing(tmp_path, inp):
    line = _refused(tmp_path, ["run", "--input", str(inp), "--db", str(tmp_path / "w.duckdb"),
                               "--manifest", str(tmp_path / "m.csv")])
    assert "not found" in line


def test_manifest_unknown_columns_start_nothing(tmp_path, inp):
    write_manifest(inp, ["file,来源", "good.txt,工人日报"], "utf-8-sig")
    line = _refused(tmp_path, ["run", "--input", str(inp), "--db", str(tmp_path / "w.duckdb")])
    assert "unknown column(s) '来源'" in line and "allowed:" in line
    assert not (tmp_path / "w.duckdb").exists()  # no run row, no warehouse


def test_manifest_conflict_is_refused(tmp_path, inp):
    write_manifest(inp, ["file,source", "good.txt,工人日报", "good.txt,人民日报"], "utf-8")
    line = _refused(tmp_path, ["run", "--input", str(inp), "--db", str(tmp_path / "w.duckdb")])
    assert "two rows for file 'good.txt' disagree on source" in line


def test_manifest_in_no_text_encoding(tmp_path, inp):
    (tmp_path / "m.csv").write_bytes(b"file,source\ngood.txt,\x81\x20\xff\xfe\x00\n")
    line = _refused(tmp_path, ["run", "--input", str(inp), "--db", str(tmp_path / "w.duckdb"),
                               "--manifest", str(tmp_path / "m.csv")])
    assert "neither UTF-8, UTF-16 nor GB18030" in line


def test_busy_warehouse_is_exit_3(tmp_path, inp):
    from gonghui.warehouse.load import run_lock

    with run_lock(tmp_path / "w.duckdb"):
        line = _refused(tmp_path, ["run", "--input", str(inp), "--db", str(tmp_path / "w.duckdb")], code=3)
    assert "another gonghui run is already working" in line


def _warehouse(path: Path) -> Path:
    from gonghui.warehouse.load import ensure_schema

    ensure_schema(path)
    return path


def test_truncated_warehouse_names_the_file_and_the_way_out(tmp_path, inp):
    db = _warehouse(tmp_path / "w.duckdb")
    size = db.stat().st_size
    with db.open("r+b") as fh:
        fh.truncate(size // 3)
    line = _refused(tmp_path, ["run", "--input", str(inp), "--db", str(db)])
    assert str(db) in line and "--full-refresh" in line


def test_full_refresh_moves_a_damaged_warehouse_aside(tmp_path):
    from gonghui.cli import check_warehouse_file

    db = tmp_path / "w.duckdb"
    db.write_bytes(b"DUCK" + b"\0" * 5000)
    check_warehouse_file(db, full_refresh=True)
    assert not db.exists() and len(list(tmp_path.glob("w.duckdb.damaged-*"))) == 1


def test_damaged_warehouse_names_the_copy_kept_before_a_migration(tmp_path):
    from gonghui.cli import UsageError, check_warehouse_file
    from gonghui.warehouse.load import backup_path

    db = tmp_path / "w.duckdb"
    db.write_bytes(b"DUCK" + b"\0" * 5000)  # cut short
    backup_path(db, 1).write_bytes(b"")  # what a migration from version 1 left beside it
    with pytest.raises(UsageError) as refused:
        check_warehouse_file(db)
    assert str(backup_path(db, 1)) in str(refused.value) and "--full-refresh" in str(refused.value)


def test_foreign_duckdb_file_is_refused(tmp_path, inp):
    db = tmp_path / "theirs.duckdb"
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE sales (id INT)")
    con.close()
    line = _refused(tmp_path, ["run", "--input", str(inp), "--db", str(db)])
    assert "not a gonghui warehouse" in line and "sales" in line
    assert _rows(db, "SELECT table_name FROM duckdb_tables()") == [("sales",)]  # left as it was


def test_text_file_as_db_is_refused(tmp_path, inp):
    db = tmp_path / "notes.duckdb"
    db.write_text("not a database\n" * 100)
    line = _refused(tmp_path, ["run", "--input", str(inp), "--db", str(db)])
    assert "damaged or not a DuckDB warehouse" in line


def test_report_on_a_foreign_duckdb_file(tmp_path):
    db = tmp_path / "theirs.duckdb"
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE sales (id INT)")
    con.close()
    line = _refused(tmp_path, ["report", "--db", str(db), "--report-dir", str(tmp_path / "r")])
    assert "not a gonghui warehouse" in line


def test_export_onto_a_file_is_refused(tmp_path):
    db = _warehouse(tmp_path / "w.duckdb")
    (tmp_path / "out.parquet").write_text("x")
    line = _refused(tmp_path, ["export", str(tmp_path / "out.parquet"), "--db", str(db)])
    assert "is a file" in line


def test_export_beside_foreign_parquet_is_refused(tmp_path):
    db = _warehouse(tmp_path / "w.duckdb")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "old.parquet").write_bytes(b"PAR1")
    line = _refused(tmp_path, ["export", str(tmp_path / "out"), "--db", str(db)])
    assert "no gonghui export wrote" in line


def test_export_replaces_its_earlier_files(tmp_path):
    db = _warehouse(tmp_path / "w.duckdb")
    first = gonghui(["export", str(tmp_path / "out"), "--db", str(db), "--tables", "articles,facts"], tmp_path)
    assert first.returncode == 0, first.stderr
    second = gonghui(["export", str(tmp_path / "out"), "--db", str(db), "--tables", "articles"], tmp_path)
    assert second.returncode == 0, second.stderr
    assert sorted(p.name for p in (tmp_path / "out").glob("*.parquet")) == ["articles.parquet"]
    assert "facts.parquet" in second.stderr and "replaced the earlier export" in second.stderr


# --- storage: read-only places (exit 4) ----------------------------------------------------------------
@pytest.fixture()
def read_only_dir(tmp_path):
    """A folder nobody may write: a read-only tmpfs when root (root ignores mode bits), else mode 555."""
    d = tmp_path / "ro"
    d.mkdir()
    if ROOT_USER:
        if subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", str(d)],
                          capture_output=True).returncode != 0:
            pytest.skip("cannot mount a read-only file system here")
        yield d
        subprocess.run(["umount", str(d)], check=False)
    else:
        d.chmod(0o555)
        yield d
        d.chmod(0o755)


def test_read_only_warehouse_folder_is_exit_4(tmp_path, inp, read_only_dir):
    line = _refused(tmp_path, ["run", "--input", str(inp), "--db", str(read_only_dir / "w.duckdb")], code=4)
    assert "cannot write the warehouse" in line


def test_read_only_report_folder_is_exit_4(tmp_path, inp, read_only_dir):
    line = _refused(tmp_path, ["run", "--input", str(inp), "--db", str(tmp_path / "w.duckdb"),
                               "--report-dir", str(read_only_dir / "reports")], code=4)
    assert "cannot write the report folder" in line


def test_read_only_prefect_home_is_exit_4(tmp_path, inp, read_only_dir):
    line = _refused(tmp_path, ["run", "--input", str(inp), "--db", str(tmp_path / "w.duckdb")], code=4,
                    PREFECT_HOME=str(read_only_dir / "prefect"))
    assert "Prefect's home" in line and "PREFECT_HOME" in line


# --- pure pieces with real bytes ---------------------------------------------------------------------
@pytest.mark.parametrize("encoding,sep", [("utf-8", ","), ("utf-8-sig", ","), ("gb18030", ","),
                                          ("utf-16", "\t"), ("utf-16-le", "\t")])
def test_manifest_encodings_spreadsheets_write(tmp_path, encoding, sep):
    from gonghui.transforms.manifest import read_manifest

    p = write_manifest(tmp_path, ["file,source,title", "a.txt,工人日报,职工之家"], encoding, sep)
    rows = read_manifest(p.read_bytes(), p.name)
    assert [(r.file, r.source, r.title) for r in rows] == [("a.txt", "工人日报", "职工之家")]


@pytest.mark.parametrize("raw", [b"bad\xff.txt", b"a\\b\xfe.txt", b"\xe5\xb7\xa5\xff\\x41.txt"])
def test_safe_name_round_trip(raw):
    from gonghui.flows.tasks import restore_name, safe_name

    stored = safe_name(os.fsdecode(raw))
    stored.encode("utf-8")  # storable as text
    assert restore_name(stored) == raw


# --- quiet: `--workers 2` runs end with the summary, nothing after it ----------------------------------
# What a run may print on stderr: its progress lines. Anything else (nanobind's "leaked function" list,
# GX's "Created temporary directory … for ephemeral docs site", resource_tracker warnings, Prefect's
# "Error logging to API") is noise. Measured before: nanobind lines in 2 of 5 runs, GX INFO in each.
EXPECTED_STDERR_PREFIXES = ("gonghui run ", "  batch ", "  not read: ", "  manifest: ", "  ")
WORKER_RUNS = 3


@pytest.fixture(scope="module")
def worker_runs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("workers")
    inp = tmp / "in"
    inp.mkdir()
    for p in SAMPLE:
        shutil.copy(p, inp / p.name)
    out = []
    for n in range(WORKER_RUNS):
        out.append(gonghui(["run", "--input", str(inp), "--db", str(tmp / f"wh{n}.duckdb"), "--report-dir",
                            str(tmp / f"reports{n}"), "--workers", "2"], tmp))
    return out


def test_workers_runs_end_clean(worker_runs):
    for proc in worker_runs:
        assert proc.returncode == 0, proc.stderr
        bad = [ln for ln in proc.stderr.splitlines() if ln.strip()
               and not ln.startswith(EXPECTED_STDERR_PREFIXES)]
        assert bad == [], proc.stderr
        assert "nanobind" not in proc.stderr and "leaked" not in proc.stderr
        assert "Created temporary directory" not in proc.stderr
        assert proc.stdout.rstrip().splitlines()[-1].lstrip().startswith("report:"), proc.stdout


def test_full_disk_during_a_run_is_exit_4(tmp_path, inp):
    """A warehouse on a 1.5 MB file system: the load's WAL write fails with ENOSPC (measured: after the
    batch's inserts, at COMMIT). One line naming the write and the way out, exit 4, no traceback."""
    if not ROOT_USER:
        pytest.skip("mounting a small file system needs root")
    full = tmp_path / "full"
    full.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1500k", "tmpfs", str(full)],
                      capture_output=True).returncode != 0:
        pytest.skip("cannot mount a file system here")
    try:
        for p in SAMPLE:
            shutil.copy(p, inp / p.name)
        proc = gonghui(["run", "--input", str(inp), "--db", str(full / "w.duckdb"), "--report-dir",
                        str(tmp_path / "reports")], tmp_path)
    finally:
        subprocess.run(["umount", str(full)], check=False)
    assert proc.returncode == 4, proc.stderr
    errors = [ln for ln in proc.stderr.splitlines() if ln.startswith("error:")]
    assert len(errors) == 1 and "No space left on device" in errors[0], proc.stderr
    assert "Traceback" not in proc.stderr and "nanobind" not in proc.stderr


def test_stopping_routes_a_collected_objects_error_to_the_debug_log():
    # What CI once printed after a busy Ctrl-C: a Dask Future collected after its client closed raised
    # in __del__, and Python wrote a 13-line "Exception ignored in" traceback to the terminal.
    code = (
        "import gc, logging, sys\n"
        "from gonghui.stopping import silence_libraries\n"
        "logging.basicConfig(level=logging.DEBUG, stream=sys.stdout)\n"
        "class Future:\n"
        "    def __del__(self):\n"
        "        raise AttributeError(\"'NoneType' object has no attribute 'add_callback'\")\n"
        "silence_libraries()\n"
        "f = Future(); del f; gc.collect()\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    assert "ignored while stopping: AttributeError" in done.stdout, done.stdout
