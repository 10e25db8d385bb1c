"""Parquet export of a real warehouse built by the real flow: every file reads back equal to its table
or view (raw text left out), the warehouse is opened read-only, bad names are refused."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from gonghui.export import CURATED_TABLES, DEFAULT_TABLES, VIEWS, export_parquet
from tests.conftest import SAMPLES
from tests.test_views import prefect_api, run_flow

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Iterator[Path]:  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("export")
    inp = tmp / "in"
    inp.mkdir()
    for p in sorted(SAMPLES.glob("*.txt")):
        shutil.copy(p, inp / p.name)
    with prefect_api():
        assert run_flow(tmp, inp)["status"] == "completed"
    yield tmp / "wh.duckdb"


def _same(con: duckdb.DuckDBPyConnection, name: str, path: Path, columns: str) -> None:
    """Equal as multisets of rows (EXCEPT ALL both ways) and in column names and types."""
    src = f"(SELECT {columns} FROM {name})"
    out = f"read_parquet('{path}')"
    assert con.execute(f"SELECT count(*) FROM {out}").fetchone() == con.execute(f"SELECT count(*) FROM {src}").fetchone()
    for a, b in ((src, out), (out, src)):
        assert con.execute(f"SELECT count(*) FROM (SELECT * FROM {a} EXCEPT ALL SELECT * FROM {b})").fetchone()[0] == 0, name
    want = [(d[0], str(d[1])) for d in con.execute(f"SELECT * FROM {src} LIMIT 0").description]
    got = [(d[0], str(d[1])) for d in con.execute(f"SELECT * FROM {out} LIMIT 0").description]
    assert got == want, name


def test_every_table_and_view_reads_back_equal(warehouse, tmp_path):
    paths = export_parquet(warehouse, tmp_path / "pq")
    assert [p.name for p in paths] == [f"{t}.parquet" for t in DEFAULT_TABLES]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for p in paths:
            name = p.stem
            cols = [r[0] for r in con.execute(
                "SELECT column_name FROM duckdb_columns() WHERE table_name = ? ORDER BY column_index",
                [name]).fetchall()]
            keep = [c for c in cols if not (name == "raw_files" and c == "text")]
            _same(con, name, p, ", ".join(f'"{c}"' for c in keep))
        # something real was exported, not empty tables
        assert con.execute(f"SELECT count(*) FROM read_parquet('{tmp_path / 'pq' / 'facts.parquet'}')").fetchone()[0] > 100
        raw_cols = [d[0] for d in con.execute(
            f"SELECT * FROM read_parquet('{tmp_path / 'pq' / 'raw_files.parquet'}') LIMIT 0").description]
    assert "text" not in raw_cols and "file_id" in raw_cols
    assert not list((tmp_path / "pq").glob(".*.tmp"))


def test_choosing_tables_and_refusing_unknown_names(warehouse, tmp_path):
    paths = export_parquet(warehouse, tmp_path, tables=["facts", "metric_by_region", "facts"])
    assert [p.name for p in paths] == ["facts.parquet", "metric_by_region.parquet"]
    with pytest.raises(ValueError, match="not a table or view"):
        export_parquet(warehouse, tmp_path, tables=["facts; DROP TABLE facts"])
    with pytest.raises(FileNotFoundError):
        export_parquet(tmp_path / "missing.duckdb", tmp_path)
    assert set(CURATED_TABLES) | set(VIEWS) == set(DEFAULT_TABLES)


def test_export_runs_beside_a_reader_and_changes_nothing(warehouse, tmp_path):
    before = warehouse.stat().st_mtime_ns
    with duckdb.connect(str(warehouse), read_only=True) as reader:  # a read-only reader holds it open
        export_parquet(warehouse, tmp_path, tables=["runs"])
        assert reader.execute("SELECT count(*) FROM runs").fetchone()[0] == 1
    assert warehouse.stat().st_mtime_ns == before


def test_current_rows_by_default_and_every_row_with_history(tmp_path):
    """A file corrected in place retires its old article, facts and people rows (valid_to set). The export
    holds the current rows, as the views show them; history=True every row. Before: the retired rows
    were exported beside the current ones with nothing in the default files to tell them apart."""
    inp = tmp_path / "in"
    inp.mkdir()
    pages = sorted(SAMPLES.glob("*.txt"))[:2]
    for p in pages:
        shutil.copy(p, inp / p.name)
    with prefect_api():
        assert run_flow(tmp_path, inp)["status"] == "completed"
        first = inp / pages[0].name
        first.write_text(first.read_text("utf-8") + "\n本报讯 这一段是更正后补上的一段话,工会干部共计二十人参加。\n",
                         encoding="utf-8")
        assert run_flow(tmp_path, inp)["status"] == "completed"
    db = tmp_path / "wh.duckdb"
    current = export_parquet(db, tmp_path / "now", tables=["raw_files", "articles", "facts", "people"])
    every = export_parquet(db, tmp_path / "all", tables=["raw_files", "articles", "facts", "people"], history=True)
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM facts WHERE valid_to IS NOT NULL").fetchone()[0] > 0
        for now, all_ in zip(current, every, strict=True):
            name = now.stem
            n_current, n_all = con.execute(
                f"SELECT count(*) FILTER (WHERE valid_to IS NULL), count(*) FROM {name}").fetchone()
            assert con.execute(f"SELECT count(*), count(valid_to) FROM read_parquet('{now}')").fetchone() == (n_current, 0)
            assert con.execute(f"SELECT count(*) FROM read_parquet('{all_}')").fetchone() == (n_all,)
        assert con.execute("SELECT count(*) FROM articles WHERE valid_to IS NOT NULL").fetchone()[0] > 0
