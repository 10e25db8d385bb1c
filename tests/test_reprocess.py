"""Reprocessing after a transform change: rebuilt from the staged text, with a change report."""

from __future__ import annotations

import shutil

import duckdb
import pytest

from tests.conftest import SAMPLES

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module", autouse=True)
def prefect_api():
    from tests.test_views import prefect_api as harness

    with harness():
        yield


def test_reprocess_after_a_transform_change_reports_what_changed(tmp_path, monkeypatch):
    from gonghui.flows import pipeline as p
    from gonghui.flows import tasks

    inp = tmp_path / "in"
    shutil.copytree(SAMPLES, inp)
    db = tmp_path / "wh.duckdb"
    first = p.pipeline(input_dir=str(inp), db_path=str(db), report_dir=str(tmp_path / "r"), show_progress=False)
    assert first["status"] == "completed"

    # A new transforms version that changes behaviour: restated figures are no longer folded into
    # one claim (001 states 2911 stations twice), so one fact of 001 gains the metric.
    from gonghui.transforms import facts as facts_module

    monkeypatch.setattr(facts_module, "mark_restatements", lambda facts: facts)
    monkeypatch.setattr(tasks, "PIPELINE_VERSION", "0.1.0+changed")
    monkeypatch.setattr(p, "PIPELINE_VERSION", "0.1.0+changed")
    shutil.rmtree(inp)  # --reprocess must not need the input folder

    again = p.pipeline(input_dir=str(inp), db_path=str(db), report_dir=str(tmp_path / "r"), show_progress=False,
                       mode="reprocess")
    assert again["status"] == "completed" and again["files_seen"] == 5
    changes = again["changes"]
    assert changes["articles"] == {"added": 0, "removed": 0, "altered": 0, "unchanged": first["articles_loaded"]}
    assert changes["facts"]["altered"] == 1
    assert changes["facts"]["added"] == changes["facts"]["removed"] == 0
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT DISTINCT pipeline_version FROM facts").fetchall() == [("0.1.0+changed",)]
        assert con.execute("SELECT count(*) FROM facts WHERE metric = 'outdoor_worker_stations' "
                           "AND region = '云南'").fetchone()[0] == 2
        mode, recorded = con.execute("SELECT mode, changes FROM runs ORDER BY started_at DESC LIMIT 1").fetchone()
        assert mode == "reprocess" and '"altered": 1' in recorded
        # quarantine and raw files were rebuilt, not duplicated
        assert con.execute("SELECT count(*) FROM raw_files").fetchone()[0] == 5
        assert con.execute("SELECT count(*) FROM quarantine WHERE record_kind = 'article'").fetchone()[0] == 7


def test_full_refresh_rebuilds_everything(tmp_path):
    from gonghui.flows import pipeline as p

    db = tmp_path / "wh.duckdb"
    first = p.pipeline(input_dir=str(SAMPLES), db_path=str(db), report_dir=str(tmp_path / "r"), show_progress=False)
    again = p.pipeline(input_dir=str(SAMPLES), db_path=str(db), report_dir=str(tmp_path / "r"), show_progress=False,
                       mode="full_refresh")
    assert again["files_new"] == 5 and again["files_skipped"] == 0
    assert again["changes"]["articles"]["unchanged"] == first["articles_loaded"]
    assert again["changes"]["facts"]["added"] == again["changes"]["facts"]["removed"] == 0
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM raw_files").fetchone()[0] == 5
        assert con.execute("SELECT count(*) FROM runs").fetchone()[0] == 2


def test_backfill_walks_dated_folders_in_order_and_resumes(tmp_path):
    """A tree of dated folders is processed once, in date order; a rerun only adds what is new."""
    from gonghui.flows import pipeline as p

    inp = tmp_path / "archive"
    names = sorted(q.name for q in SAMPLES.glob("*.txt"))
    for day, name in zip(["2023-10-08", "2022-10-17", "2024-01-11"], names[:3], strict=True):
        (inp / day[:4] / day).mkdir(parents=True)
        shutil.copy(SAMPLES / name, inp / day[:4] / day / name)
    db = tmp_path / "wh.duckdb"
    from gonghui.flows import tasks

    walked = [it.rel_path for it in tasks.discover(str(inp), str(db), None, tasks.Tally())]
    assert walked == sorted(walked) and walked[0].startswith("2022/2022-10-17/")  # oldest first
    first = p.pipeline(input_dir=str(inp), db_path=str(db), report_dir=str(tmp_path / "r"), show_progress=False,
                       batch_size=1)
    assert first["files_new"] == 3
    with duckdb.connect(str(db), read_only=True) as con:
        # one batch per file, each committed on its own (an interrupted backfill keeps what it loaded)
        assert con.execute("SELECT count(DISTINCT batch) FROM dq_results").fetchone()[0] == 3
    (inp / "2024" / "2024-02-01").mkdir(parents=True)
    shutil.copy(SAMPLES / names[3], inp / "2024" / "2024-02-01" / names[3])
    again = p.pipeline(input_dir=str(inp), db_path=str(db), report_dir=str(tmp_path / "r"), show_progress=False,
                       batch_size=1)
    assert again["files_new"] == 1 and again["files_skipped"] == 3
