"""Scale-out: the warehouse after a 2-worker Dask run equals the sequential run's, row for row."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from tests.conftest import SAMPLES

pytestmark = pytest.mark.slow

# Columns that name the run or the moment, not the data.
RUN_COLUMNS = {"run_id", "first_run_id", "last_run_id", "created_at", "evaluated_at", "valid_from"}
TABLES = ("raw_files", "articles", "facts", "people", "text_issues", "quarantine", "dq_results",
          "article_signatures", "file_paths")


@pytest.fixture(scope="module", autouse=True)
def prefect_api():
    from tests.test_views import prefect_api as harness

    with harness():
        yield


def snapshot(db: Path) -> dict[str, list[tuple]]:
    out = {}
    with duckdb.connect(str(db), read_only=True) as con:
        for t in TABLES:
            cols = [r[0] for r in con.execute(
                "SELECT column_name FROM duckdb_columns() WHERE table_name = ? ORDER BY column_index", [t]
            ).fetchall() if r[0] not in RUN_COLUMNS]
            sel = ", ".join(f'"{c}"::VARCHAR' for c in cols)
            out[t] = sorted(con.execute(f"SELECT {sel} FROM {t}").fetchall(), key=repr)
    return out


def test_two_dask_workers_build_the_same_warehouse(tmp_path):
    from gonghui.flows.pipeline import run_pipeline

    common = dict(input_dir=str(SAMPLES), batch_size=2, show_progress=False)
    seq = run_pipeline(db_path=str(tmp_path / "seq.duckdb"), report_dir=str(tmp_path / "r1"), **common)
    par = run_pipeline(workers=2, db_path=str(tmp_path / "par.duckdb"), report_dir=str(tmp_path / "r2"), **common)
    assert seq["status"] == par["status"] == "completed"
    for k in ("files_seen", "files_loaded", "files_quarantined", "articles_loaded", "articles_quarantined",
              "facts_loaded", "people_loaded"):
        assert seq[k] == par[k], k
    a, b = snapshot(tmp_path / "seq.duckdb"), snapshot(tmp_path / "par.duckdb")
    for t in TABLES:
        assert len(a[t]) == len(b[t]), t
        assert a[t] == b[t], t
    assert len(a["articles"]) > 0 and len(a["quarantine"]) > 0
    # shards are gone once loaded
    assert not any((tmp_path / "par.duckdb.shards").glob("*/*"))
