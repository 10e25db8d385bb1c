"""Schema versions and migrations (issue 16 point 3): a warehouse made with the version-1 DDL
(tests/fixtures/warehouse_v1, the DDL files as they were released) and filled with the rows of a real
run is upgraded in place: every row survives, the old file is kept aside, the upgraded warehouse
takes revisions; a newer warehouse is refused; a failed migration leaves the file as it was."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb
import pytest

from gonghui.warehouse import load as wh
from tests.conftest import ROOT, SAMPLES

pytestmark = pytest.mark.slow

V1_DDL = ROOT / "tests" / "fixtures" / "warehouse_v1"
EDITED = "000_7e7ea642b88fe6f6.txt"


@pytest.fixture(scope="module", autouse=True)
def prefect_api():
    from tests.test_views import prefect_api as harness

    with harness():
        yield


def build_v1(db: Path) -> None:
    with duckdb.connect(str(db)) as con:
        for f in sorted(V1_DDL.glob("[0-9][0-9][0-9]_*.sql")) + [V1_DDL / "views.sql"]:
            con.execute(f.read_text(encoding="utf-8"))


def v1_tables(db: Path) -> dict[str, list[str]]:
    """table -> its columns, as the version-1 DDL made them."""
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute("SELECT table_name, column_name FROM duckdb_columns() WHERE NOT internal "
                           "AND table_name IN (SELECT table_name FROM duckdb_tables()) "
                           "ORDER BY table_name, column_index").fetchall()
    out: dict[str, list[str]] = {}
    for t, c in rows:
        out.setdefault(t, []).append(c)
    return out


@pytest.fixture(scope="module")
def v1(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A version-1 warehouse holding what a real run of the samples loads (each version-1 column of
    each table copied from a run's warehouse), and its rows as they are before the upgrade."""
    from gonghui.flows.pipeline import pipeline

    tmp = tmp_path_factory.mktemp("migrations")
    inp = tmp / "in"
    shutil.copytree(SAMPLES, inp)
    source = tmp / "run.duckdb"
    pipeline(input_dir=str(inp), db_path=str(source), report_dir=str(tmp / "r"), show_progress=False)
    db = tmp / "v1.duckdb"
    build_v1(db)
    tables = v1_tables(db)
    with duckdb.connect(str(db)) as con:
        con.execute(f"ATTACH '{source}' AS src (READ_ONLY)")
        for t, cols in tables.items():
            names = ", ".join(f'"{c}"' for c in cols)
            con.execute(f"INSERT INTO {t} ({names}) SELECT {names} FROM src.{t}")
        con.execute("DETACH src")
        before = {t: sorted(map(repr, con.execute(f"SELECT * FROM {t}").fetchall())) for t in tables}
    assert before["articles"] and before["facts"] and before["raw_files"] and before["runs"]
    return {"tmp": tmp, "inp": inp, "db": db, "tables": tables, "before": before}


def test_the_fixture_is_a_version_1_warehouse(v1, tmp_path):
    db = tmp_path / "check.duckdb"
    shutil.copy2(v1["db"], db)
    with duckdb.connect(str(db), read_only=True) as con:
        assert wh.schema_version(con) == 1
        assert "schema_version" not in wh._table_names(con)


@pytest.fixture(scope="module")
def upgraded(v1) -> dict[str, Any]:
    db = v1["tmp"] / "upgraded.duckdb"
    shutil.copy2(v1["db"], db)
    said: list[str] = []
    found, now = wh.migrate(db, said.append)
    return {"db": db, "found": found, "now": now, "said": said}


def test_an_old_warehouse_is_upgraded_and_every_row_survives(v1, upgraded):
    assert upgraded["found"] == 1 and upgraded["now"] == wh.latest_schema_version() >= 2
    assert len(upgraded["said"]) == 1 and "upgraded from schema version 1 to" in upgraded["said"][0]
    with duckdb.connect(str(upgraded["db"]), read_only=True) as con:
        assert wh.schema_version(con) == wh.latest_schema_version()
        for t, cols in v1["tables"].items():
            names = ", ".join(f'"{c}"' for c in cols)
            after = sorted(map(repr, con.execute(f"SELECT {names} FROM {t}").fetchall()))
            assert after == v1["before"][t], t
        # what version 2 adds is filled from what version 1 held
        assert con.execute("SELECT count(*) FROM articles WHERE valid_from IS NULL OR valid_to IS NOT NULL"
                           ).fetchone()[0] == 0
        paths = con.execute("SELECT path, file_id, state FROM file_paths ORDER BY path").fetchall()
        raw = con.execute("SELECT path, file_id, 'present' FROM raw_files ORDER BY path").fetchall()
        assert paths == raw
        # the views read the upgraded tables
        assert con.execute("SELECT value FROM metric_by_region WHERE region = '贵州' "
                           "AND metric = 'outdoor_worker_stations'").fetchall() == [(10017.0,)]


def test_the_old_file_is_kept_aside_unchanged(v1, upgraded):
    backup = wh.backup_path(upgraded["db"], 1)
    assert backup.name == "upgraded.duckdb.pre-migration-v1"
    with duckdb.connect(str(backup), read_only=True) as con:
        assert wh.schema_version(con) == 1
        for t in v1["tables"]:
            assert sorted(map(repr, con.execute(f"SELECT * FROM {t}").fetchall())) == v1["before"][t], t


def test_opening_an_upgraded_warehouse_again_changes_nothing(upgraded):
    said: list[str] = []
    assert wh.migrate(upgraded["db"], said.append) == (wh.latest_schema_version(), wh.latest_schema_version())
    assert said == []


def test_an_upgraded_warehouse_takes_revisions(v1, upgraded, tmp_path):
    """A run over the same folder after the upgrade: the paths version 1 recorded are known (nothing is
    loaded twice), and a corrected file is a revision."""
    from gonghui.flows.pipeline import pipeline

    db = tmp_path / "wh.duckdb"
    shutil.copy2(upgraded["db"], db)
    inp = v1["inp"]
    text = (inp / EDITED).read_text(encoding="utf-8")
    (inp / EDITED).write_text(text.replace("10017个", "20017个"), encoding="utf-8")
    try:
        s = pipeline(input_dir=str(inp), db_path=str(db), report_dir=str(tmp_path / "r"), show_progress=False)
    finally:
        (inp / EDITED).write_text(text, encoding="utf-8")
    assert s["status"] == "completed" and s["files_skipped"] == 4 and s["files_revised"] == 1
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT value FROM metric_by_region WHERE region = '贵州' "
                           "AND metric = 'outdoor_worker_stations'").fetchall() == [(20017.0,)]
        assert con.execute("SELECT count(*) FROM facts WHERE value = 10017 AND valid_to IS NOT NULL").fetchone()[0] == 1


def test_a_newer_warehouse_is_refused(upgraded, tmp_path):
    db = tmp_path / "newer.duckdb"
    shutil.copy2(upgraded["db"], db)
    newer = wh.latest_schema_version() + 1
    with duckdb.connect(str(db)) as con:
        con.execute("INSERT INTO schema_version VALUES (?, now()::TIMESTAMP, '9.9.9', '999_future.sql')", [newer])
    size = db.stat().st_size
    with duckdb.connect(str(db), read_only=True) as con:
        runs_before = con.execute("SELECT count(*) FROM runs").fetchone()[0]
    with pytest.raises(wh.WarehouseTooNew, match=f"schema version {newer}"):
        wh.migrate(db)
    assert db.stat().st_size == size and not wh.backup_path(db, newer).exists()
    # the command line says so in one line, exit 2, before anything starts
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    p = subprocess.run([sys.executable, "-m", "gonghui.cli", "run", "--input", str(SAMPLES), "--db", str(db),
                        "--report-dir", str(tmp_path / "r")], capture_output=True, text=True, env=env,
                       cwd=tmp_path, timeout=300)
    assert p.returncode == 2, p.stderr
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "newer gonghui" in lines[0]
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM runs").fetchone()[0] == runs_before  # no run started


def test_a_failed_migration_leaves_the_file_as_it_was(v1, tmp_path):
    """One transaction: a version-1 warehouse where the upgrade cannot complete (a table of the user's
    own named file_paths, of another shape) is left exactly as it was, and says why."""
    db = tmp_path / "v1.duckdb"
    shutil.copy2(v1["db"], db)
    with duckdb.connect(str(db)) as con:
        con.execute("CREATE TABLE file_paths (note VARCHAR)")
    with pytest.raises(duckdb.Error):
        wh.migrate(db)
    with duckdb.connect(str(db), read_only=True) as con:
        assert wh.schema_version(con) == 1
        cols = {r[0] for r in con.execute("SELECT column_name FROM duckdb_columns() WHERE table_name = 'articles'").fetchall()}
        assert "valid_from" not in cols
        for t in v1["tables"]:
            assert sorted(map(repr, con.execute(f"SELECT * FROM {t}").fetchall())) == v1["before"][t], t
