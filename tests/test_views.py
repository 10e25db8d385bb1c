"""Analyst views on a real warehouse built by the real Prefect flow from the samples plus a Traditional
people.com.cn reprint of sample 000; each view is checked against an independent computation from the
base tables."""

from __future__ import annotations

import shutil
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pytest

from tests.conftest import SAMPLES
from tests.test_dedup import ORIGINAL_SAMPLE, PEOPLE_SAMPLE, _reprint

pytestmark = pytest.mark.slow

VIEWS = ("facts_enriched", "metric_by_region", "articles_by_source_month", "quarantine_summary", "dq_trend")
REPRINT_NAME = "zz_people_reprint_of_000.txt"


@contextmanager
def prefect_api() -> Iterator[None]:
    """Prefect's test harness (a real temporary API), unless one is already up in this session
    (tests/test_pipeline.py starts one for the whole session)."""
    from gonghui.cli import quiet_environment

    quiet_environment()
    import prefect.settings
    from prefect.testing.utilities import prefect_test_harness

    if prefect.settings.PREFECT_API_URL.value():
        yield
        return
    with prefect_test_harness(server_startup_timeout=120):
        yield


def run_flow(tmp: Path, input_dir: Path, manifest: Path | None = None) -> dict[str, Any]:
    from gonghui.flows.pipeline import pipeline

    return pipeline(input_dir=str(input_dir), db_path=str(tmp / "wh.duckdb"),
                    manifest_path=str(manifest) if manifest else None, report_dir=str(tmp / "reports"),
                    show_progress=False)


def write_reprint(inp: Path) -> None:
    """A Traditional people.com.cn copy of sample 000, built from the real samples (tests/test_dedup.py)."""
    from gonghui.transforms.clean import clean_document
    from gonghui.transforms.segment import segment_document

    raw = (SAMPLES / ORIGINAL_SAMPLE).read_text(encoding="utf-8")
    original = segment_document(clean_document("0" * 64, ORIGINAL_SAMPLE, raw))[0]
    people_raw = (SAMPLES / PEOPLE_SAMPLE).read_text(encoding="utf-8")
    (inp / REPRINT_NAME).write_text(_reprint(original, people_raw), encoding="utf-8")


def q(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict[str, Any]]:
    cur = con.execute(sql)
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Iterator[Path]:  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("views")
    inp = tmp / "in"
    inp.mkdir()
    for p in sorted(SAMPLES.glob("*.txt")):
        shutil.copy(p, inp / p.name)
    write_reprint(inp)
    with prefect_api():
        summary = run_flow(tmp, inp)
    assert summary["status"] == "completed"
    yield tmp / "wh.duckdb"


def test_every_view_states_its_grain_and_documents_every_column(warehouse):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        views = dict(con.execute("SELECT view_name, comment FROM duckdb_views() WHERE NOT internal").fetchall())
        for v in VIEWS:
            assert v in views and views[v] and views[v].startswith("One row per"), v
            cols = con.execute("SELECT column_name, comment FROM duckdb_columns() WHERE table_name = ?",
                               [v]).fetchall()
            assert cols
            assert [c for c, comment in cols if not comment] == [], v
    text = (Path(__file__).parents[1] / "warehouse" / "views.sql").read_text(encoding="utf-8")
    for v in VIEWS:  # each view is headed by its grain comment
        head = text.split(f"CREATE OR REPLACE VIEW {v} AS")[0].rstrip().splitlines()[-1]
        assert head.startswith("-- grain:"), v


def test_facts_enriched_is_facts_with_their_article(warehouse):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM facts_enriched").fetchone() == \
            con.execute("SELECT count(*) FROM facts").fetchone()
        bad = con.execute("""
            SELECT count(*) FROM facts_enriched fe JOIN articles a USING (article_id) JOIN facts f USING (fact_id)
            WHERE fe.title IS DISTINCT FROM a.title OR fe.source IS DISTINCT FROM a.source
               OR fe.publish_date IS DISTINCT FROM a.publish_date OR fe.evidence <> f.evidence
               OR fe.value <> f.value""").fetchone()[0]
        assert bad == 0


def _latest_claims(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], tuple[list[dict[str, Any]], dict[str, Any]]]:
    """Independent of the views: per (region, metric), the claims counted once and the latest one."""
    facts = q(con, """SELECT f.fact_id, f.metric, f.measure, f.value, coalesce(f.region, a.region) AS region,
                             coalesce(f.as_of, a.publish_date) AS eff, a.publish_date, a.duplicate_of, f.article_id
                      FROM facts f JOIN articles a USING (article_id)""")
    groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for f in facts:
        if f["metric"] and f["measure"] != "restatement" and f["duplicate_of"] is None and f["region"]:
            groups[(f["region"], f["metric"])].append(f)
    out = {}
    for key, fs in groups.items():
        latest = sorted(fs, key=lambda f: (f["eff"], f["publish_date"], f["value"], "".join(
            chr(0x10FFFF - ord(c)) for c in f["fact_id"])))[-1]
        out[key] = (fs, latest)
    return out


def test_metric_by_region_counts_each_claim_once(warehouse):
    # The reprint repeats 贵州's figures; the flow linked it to the original while loading it.
    from gonghui.transforms.dedup import find_duplicates, signature

    with duckdb.connect(str(warehouse), read_only=True) as con:
        reprint_articles = [r[0] for r in con.execute(
            "SELECT article_id FROM articles WHERE source_file = ?", [REPRINT_NAME]).fetchall()]
        originals = [r[0] for r in con.execute(
            "SELECT article_id FROM articles WHERE source_file = ?", [ORIGINAL_SAMPLE]).fetchall()]
        flow_links = dict(con.execute(
            "SELECT article_id, duplicate_of FROM articles WHERE duplicate_of IS NOT NULL").fetchall())
        bodies = con.execute("SELECT article_id, body FROM articles ORDER BY source_file, seq").fetchall()
        stations = q(con, """SELECT counted FROM facts_enriched
                             WHERE region = '贵州' AND metric = 'outdoor_worker_stations'""")
    assert len(reprint_articles) == 1 and len(originals) == 1
    assert flow_links == {reprint_articles[0]: originals[0]}
    # the same links, computed independently from the loaded bodies
    assert find_duplicates([(aid, signature(body)) for aid, body in bodies], []) == flow_links
    # both copies state 10017 stations; only the first copy's claim is counted
    assert sorted(r["counted"] for r in stations) == [False, True]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = q(con, "SELECT * FROM metric_by_region")
        expected = _latest_claims(con)
        restatements = con.execute("SELECT fact_id FROM facts WHERE measure = 'restatement'").fetchall()
    view = {(r["region"], r["metric"]): r for r in rows}
    assert len(view) == len(rows)  # one row per (region, metric)
    assert set(view) == set(expected)
    for key, (claims, latest) in expected.items():
        assert view[key]["claims"] == len(claims), key
        assert view[key]["fact_id"] == latest["fact_id"], key
        assert view[key]["value"] == latest["value"], key
    # the samples restate a tracked figure (001: 2911 stations twice): the restatement is never shown
    assert restatements
    assert not {r[0] for r in restatements} & {r["fact_id"] for r in rows}
    g = view[("贵州", "outdoor_worker_stations")]
    assert g["claims"] == 1 and g["article_id"] == originals[0]
    assert g["value"] == 10017 and g["source"] == "贵州日报" and g["evidence"] and g["title"]
    assert str(g["as_of"]) == "2022-10-17"


def test_articles_by_source_month_adds_up(warehouse):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = q(con, "SELECT * FROM articles_by_source_month")
        arts = q(con, "SELECT source, date_trunc('month', publish_date)::DATE AS month, duplicate_of FROM articles")
        n_facts = con.execute("SELECT count(*) FROM facts").fetchone()[0]
    expected = Counter((a["source"], a["month"]) for a in arts)
    assert {(r["source"], r["month"]): r["articles"] for r in rows} == dict(expected)
    assert sum(r["facts"] for r in rows) == n_facts
    # the 贵州日报 story and its people.com.cn reprint (which names 贵州日报 as its source): one is a copy
    guizhou = next(r for r in rows if r["source"] == "贵州日报")
    assert (guizhou["articles"], guizhou["duplicates"], guizhou["distinct_articles"]) == (2, 1, 1)
    for r in rows:
        assert r["distinct_articles"] + r["duplicates"] == r["articles"]
        assert r["first_date"] <= r["last_date"]


def test_quarantine_summary_counts_every_reason(warehouse):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = q(con, "SELECT * FROM quarantine_summary")
        qrows = q(con, "SELECT run_id, stage, reasons FROM quarantine")
    expected = Counter((r["run_id"], r["stage"], reason) for r in qrows for reason in r["reasons"])
    assert {(r["run_id"], r["stage"], r["reason"]): r["records"] for r in rows} == dict(expected)
    # 004's seven articles name no date and no paper
    by_reason = {r["reason"]: r for r in rows}
    assert by_reason["missing_publish_date"]["records"] == 7
    assert by_reason["missing_publish_date"]["record_kinds"] == ["article"]
    assert by_reason["missing_publish_date"]["files"] == 1


def test_dq_trend_pass_rates(warehouse):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = q(con, "SELECT * FROM dq_trend")
        n_keys = con.execute("SELECT count(*) FROM (SELECT DISTINCT run_id, stage, suite, expectation "
                             "FROM dq_results)").fetchone()[0]
    assert len(rows) == n_keys
    for r in rows:
        assert r["checked"] > 0 and 0.0 <= r["pass_rate"] <= 1.0
        assert r["pass_rate"] == pytest.approx(1 - r["failed"] / r["checked"])
        assert r["success"] == (r["failed"] == 0)
    missing = next(r for r in rows if r["expectation"] == "missing_publish_date")
    assert missing["failed"] == 7 and missing["pass_rate"] < 1.0
