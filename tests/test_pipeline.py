"""End to end: the real Prefect flow over the real samples into a real DuckDB file, checked by real GX."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb
import pytest

from tests.conftest import SAMPLES, load_gold

pytestmark = pytest.mark.slow

TABLES = ("raw_files", "articles", "facts", "people", "quarantine", "dq_results", "runs", "text_issues")


@pytest.fixture(scope="session", autouse=True)
def prefect_harness():
    """A real, temporary Prefect API for the whole session (no server started by hand)."""
    from gonghui.cli import quiet_environment

    quiet_environment()
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


def run(tmp: Path, input_dir: Path = SAMPLES, manifest: Path | None = None) -> dict:
    from gonghui.flows.pipeline import pipeline

    return pipeline(input_dir=str(input_dir), db_path=str(tmp / "wh.duckdb"),
                    manifest_path=str(manifest) if manifest else None, report_dir=str(tmp / "reports"),
                    show_progress=False)


def counts(db: Path) -> dict[str, int]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}


@pytest.fixture(scope="module")
def first_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("run1")
    summary = run(tmp)
    return tmp, summary


def test_samples_build_the_warehouse(first_run):
    tmp, summary = first_run
    gold = load_gold("articles.yaml")["files"]
    assert summary["status"] == "completed"
    with duckdb.connect(str(tmp / "wh.duckdb"), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM raw_files").fetchone()[0] == 5
        loaded = {r[0]: r[1] for r in con.execute(
            "SELECT source_file, count(*) FROM articles GROUP BY ALL").fetchall()}
        for name, spec in gold.items():
            expect_loaded = sum(1 for a in spec["articles"] if a["expect"] == "loaded")
            assert loaded.get(name, 0) == expect_loaded, name
        titles = {r[0] for r in con.execute("SELECT title FROM articles").fetchall()}
        for spec in gold.values():
            for a in spec["articles"]:
                if a["expect"] == "loaded":
                    assert a["title"] in titles
        # every article of 004 is in quarantine, with reasons naming the missing date and source
        q = con.execute("""SELECT record_id, reasons FROM quarantine
                           WHERE record_kind = 'article' AND source_file LIKE '004_%'""").fetchall()
        assert len(q) == len(gold["004_2346e4344e25976a.txt"]["articles"])
        for _, reasons in q:
            assert "missing_publish_date" in reasons and "missing_source" in reasons
        # curated tables hold only what passed: no article of 004
        assert con.execute("SELECT count(*) FROM articles WHERE source_file LIKE '004_%'").fetchone()[0] == 0
        # every stage's suite ran and its results landed
        suites = {r[0] for r in con.execute("SELECT DISTINCT suite FROM dq_results").fetchall()}
        assert suites == {"staged_files", "clean_documents", "articles", "facts", "people"}
        # traceability: every fact keeps its file hash and its evidence span
        bad = con.execute("""SELECT count(*) FROM facts f JOIN articles a USING (article_id)
                             WHERE f.field = 'body' AND substr(a.body, f.char_start + 1, f.char_end - f.char_start)
                                   <> f.evidence""").fetchone()[0]
        assert bad == 0
        assert con.execute("SELECT count(*) FROM facts f JOIN raw_files r USING (file_id)").fetchone()[0] == \
            con.execute("SELECT count(*) FROM facts").fetchone()[0]
        run_row = con.execute("""SELECT status, files_seen, files_new, files_loaded, files_quarantined,
                                 files_skipped, articles_loaded, articles_quarantined FROM runs""").fetchone()
        assert run_row[0] == "completed"
        assert run_row[1] == 5 == run_row[3] + run_row[4] + run_row[5]
        assert run_row[6] == sum(loaded.values())
    assert Path(summary["report"]).exists()
    page = Path(summary["report"]).read_text(encoding="utf-8")
    assert 'id="summary"' in page and "missing_publish_date" in page and "missing_source" in page


def test_second_run_adds_nothing_but_runs_and_dq(first_run):
    tmp, _ = first_run
    before = counts(tmp / "wh.duckdb")
    summary = run(tmp)
    after = counts(tmp / "wh.duckdb")
    assert summary["files_skipped"] == 5 and summary["files_new"] == 0
    for t in TABLES:
        if t == "runs":
            assert after[t] == before[t] + 1
        elif t != "dq_results":
            assert after[t] == before[t], t


def test_a_new_file_is_the_only_thing_processed(tmp_path):
    inp = tmp_path / "in"
    inp.mkdir()
    for p in sorted(SAMPLES.glob("*.txt"))[:2]:
        shutil.copy(p, inp / p.name)
    run(tmp_path, inp)
    shutil.copy(sorted(SAMPLES.glob("*.txt"))[2], inp)
    summary = run(tmp_path, inp)
    assert summary["files_new"] == 1 and summary["files_skipped"] == 2
    with duckdb.connect(str(tmp_path / "wh.duckdb"), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM raw_files").fetchone()[0] == 3


def test_manifest_supplies_what_004_lacks(tmp_path):
    inp = tmp_path / "in"
    inp.mkdir()
    shutil.copy(SAMPLES / "004_2346e4344e25976a.txt", inp)
    run(tmp_path, inp)
    with duckdb.connect(str(tmp_path / "wh.duckdb"), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == 0
    manifest = tmp_path / "manifest.csv"
    manifest.write_text("file,source,publish_date\n004_2346e4344e25976a.txt,工人日报,2023-08-18\n",
                        encoding="utf-8")
    summary = run(tmp_path, inp, manifest)
    assert summary["files_new"] == 1
    gold = load_gold("articles.yaml")["files"]["004_2346e4344e25976a.txt"]["articles"]
    with duckdb.connect(str(tmp_path / "wh.duckdb"), read_only=True) as con:
        rows = con.execute("SELECT title, source, publish_date::VARCHAR, metadata_origin->>'source' "
                           "FROM articles ORDER BY seq").fetchall()
        assert [r[0] for r in rows] == [a["title"] for a in gold]
        assert all(r[1] == "工人日报" and r[2] == "2023-08-18" and r[3] == "manifest" for r in rows)
        # the earlier quarantine rows of 004 were superseded, not duplicated
        assert con.execute("SELECT count(*) FROM quarantine WHERE record_kind = 'article'").fetchone()[0] == 0
        stations = con.execute("SELECT region, value FROM facts WHERE metric = 'outdoor_worker_stations'").fetchall()
        assert ("山西", 5813.0) in stations


def test_bad_files_are_quarantined_and_the_run_goes_on(tmp_path):
    inp = tmp_path / "in"
    inp.mkdir()
    shutil.copy(SAMPLES / "000_7e7ea642b88fe6f6.txt", inp)
    (inp / "empty.txt").write_bytes(b"")
    (inp / "picture.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(256))
    (inp / "copy of 000.txt").write_bytes((SAMPLES / "000_7e7ea642b88fe6f6.txt").read_bytes())
    summary = run(tmp_path, inp)
    assert summary["status"] == "completed"
    assert summary["files_seen"] == 4
    assert summary["files_loaded"] == 1 and summary["files_quarantined"] == 3
    with duckdb.connect(str(tmp_path / "wh.duckdb"), read_only=True) as con:
        reasons = {r[0]: r[1] for r in con.execute(
            "SELECT source_file, reasons FROM quarantine WHERE record_kind = 'file'").fetchall()}
    assert "empty_file" in reasons["empty.txt"]
    assert "binary_content" in reasons["picture.txt"]
    assert "duplicate_file_hash" in reasons["copy of 000.txt"]


def test_a_copy_in_a_later_batch_is_held_back_and_its_first_copy_loads(tmp_path):
    """Discovery streams, so copies are recognised across batches: the later path is quarantined as
    duplicate_file_hash even when the first copy went in an earlier batch."""
    from gonghui.flows.pipeline import pipeline

    inp = tmp_path / "in"
    inp.mkdir()
    shutil.copy(SAMPLES / "000_7e7ea642b88fe6f6.txt", inp / "a.txt")
    shutil.copy(SAMPLES / "001_ef19e07390bc0016.txt", inp / "b.txt")
    shutil.copy(SAMPLES / "000_7e7ea642b88fe6f6.txt", inp / "c copy of a.txt")
    summary = pipeline(input_dir=str(inp), db_path=str(tmp_path / "wh.duckdb"), report_dir=str(tmp_path / "r"),
                       show_progress=False, batch_size=1)
    assert summary["files_seen"] == 3 and summary["files_loaded"] == 2 and summary["files_quarantined"] == 1
    with duckdb.connect(str(tmp_path / "wh.duckdb"), read_only=True) as con:
        reasons = dict(con.execute("SELECT source_file, reasons FROM quarantine WHERE record_kind = 'file'").fetchall())
        assert con.execute("SELECT count(DISTINCT batch) FROM dq_results").fetchone()[0] == 3
    assert reasons == {"c copy of a.txt": ["duplicate_file_hash"]}


def test_discovery_streams_chunk_by_chunk(tmp_path, monkeypatch):
    """A run never lists the whole input before it starts: drawing the first file classifies one chunk."""
    from gonghui.flows import tasks

    inp = tmp_path / "in"
    inp.mkdir()
    for i, name in enumerate(sorted(p.name for p in SAMPLES.glob("*.txt"))):
        shutil.copy(SAMPLES / name, inp / f"{i}.txt")
    monkeypatch.setattr(tasks, "DISCOVER_CHUNK", 2)
    tally = tasks.Tally()
    found = tasks.discover(str(inp), str(tmp_path / "wh.duckdb"), None, tally)
    first = next(found)
    assert first.rel_path == "0.txt" and tally.files_seen == 1
    rest = list(found)
    assert [it.rel_path for it in rest] == ["1.txt", "2.txt", "3.txt", "4.txt"]
    assert tally.files_seen == tally.files_new == 5 and tally.files_skipped == 0
    assert tasks.count_files(str(inp)) == 5
