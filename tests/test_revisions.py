"""Revisions, deletions and copies over real runs of the real flow (issue 16 points 1-2, issue 20
classes 4 and 8): a corrected sample is what the views show, its old facts stay as history; a deleted
sample is marked missing and --prune retires it; a copy under a new name is recorded as a copy."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path
from typing import Any

import duckdb
import pytest

from tests.conftest import SAMPLES

pytestmark = pytest.mark.slow

EDITED = "000_7e7ea642b88fe6f6.txt"
DELETED = "002_bdbddf47cf01ef19.txt"
COPIED = "001_ef19e07390bc0016.txt"
COPY_PATH = "copies/001-again.txt"


@pytest.fixture(scope="module", autouse=True)
def prefect_api():
    from tests.test_views import prefect_api as harness

    with harness():
        yield


def _sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def _snapshot(db: Path, to: Path) -> Path:
    """A copy of the warehouse as it is now (the flow closed its connections: the file is complete)."""
    shutil.copy2(db, to)
    return to


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Five runs over one input folder: the samples 000-002; then 000 corrected in place keeping its
    size and modification time (as `cp -p` or `rsync -a` leave it), 002 deleted and 001 copied under a
    new name; then the same with --prune; then 002 put back; then --reprocess."""
    from gonghui.flows.pipeline import pipeline

    tmp = tmp_path_factory.mktemp("revisions")
    inp = tmp / "in"
    inp.mkdir()
    for name in (EDITED, COPIED, DELETED):
        shutil.copy2(SAMPLES / name, inp / name)
    db = tmp / "wh.duckdb"

    def run(**kw: Any) -> dict[str, Any]:
        return pipeline(input_dir=str(inp), db_path=str(db), report_dir=str(tmp / "reports"),
                        show_progress=False, **kw)

    out: dict[str, Any] = {"tmp": tmp, "db": db, "old_id": _sha(inp / EDITED), "deleted_id": _sha(inp / DELETED),
                           "copied_id": _sha(inp / COPIED)}
    out["first"] = run()

    target = inp / EDITED
    st = target.stat()
    text = target.read_text(encoding="utf-8")
    assert text.count("10017个") == 1
    target.write_text(text.replace("10017个", "20017个"), encoding="utf-8")
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert target.stat().st_size == st.st_size and target.stat().st_mtime_ns == st.st_mtime_ns
    out["new_id"] = _sha(target)
    (inp / DELETED).unlink()
    (inp / "copies").mkdir()
    shutil.copy2(inp / COPIED, inp / COPY_PATH)
    out["second"] = run()
    out["after_second"] = _snapshot(db, tmp / "after-second.duckdb")

    out["third"] = run(prune=True)
    out["after_third"] = _snapshot(db, tmp / "after-third.duckdb")

    shutil.copy2(SAMPLES / DELETED, inp / DELETED)
    out["fourth"] = run()
    out["after_fourth"] = _snapshot(db, tmp / "after-fourth.duckdb")
    out["fifth"] = run(mode="reprocess")
    return out


def _q(db: Path, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def test_first_run_records_every_path(runs):
    first = runs["first"]
    assert first["status"] == "completed" and first["files_seen"] == 3
    assert first["files_revised"] == 0 and first["files_missing"] == 0
    paths = _q(runs["after_second"], "SELECT path, file_id FROM file_paths WHERE first_run_id = ? ORDER BY path",
               [first["run_id"]])
    assert paths == sorted([(EDITED, runs["old_id"]), (COPIED, runs["copied_id"]), (DELETED, runs["deleted_id"])])


def test_a_correction_keeping_size_and_mtime_is_read_and_is_a_revision(runs):
    second = runs["second"]
    assert runs["new_id"] != runs["old_id"]
    assert second["status"] == "completed"
    # 000 (new bytes, same size and mtime) is processed; 001 unchanged; the copy is held as a copy
    assert second["files_seen"] == 3 and second["files_skipped"] == 1 and second["files_new"] == 2
    assert second["files_revised"] == 1 and second["files_missing"] == 1
    db = runs["after_second"]
    assert _q(db, "SELECT files_revised, files_missing, files_pruned FROM runs WHERE run_id = ?",
              [second["run_id"]]) == [(1, 1, 0)]
    versions = _q(db, "SELECT file_id, state, valid_to IS NULL, retired_run_id FROM file_paths WHERE path = ? "
                      "ORDER BY valid_from", [EDITED])
    assert versions == [(runs["old_id"], "revised", False, second["run_id"]), (runs["new_id"], "present", True, None)]
    assert _q(db, "SELECT state, retired_run_id FROM raw_files WHERE file_id = ?", [runs["old_id"]]) == [
        ("revised", second["run_id"])]


def test_views_show_the_corrected_value_and_history_keeps_the_old_one(runs):
    db = runs["after_second"]
    by_region = _q(db, "SELECT value FROM metric_by_region WHERE region = '贵州' AND metric = 'outdoor_worker_stations'")
    assert by_region == [(20017.0,)]
    timeline = [v for (v,) in _q(db, "SELECT value FROM metric_timeline WHERE region = '贵州' "
                                     "AND metric = 'outdoor_worker_stations'")]
    assert 20017.0 in timeline and 10017.0 not in timeline
    # history: the old fact is kept, retired by the second run, with its validity interval
    old = _q(db, "SELECT f.file_id, f.retired_run_id, f.valid_from < f.valid_to FROM facts f "
                 "WHERE f.metric = 'outdoor_worker_stations' AND f.value = 10017")
    assert old == [(runs["old_id"], runs["second"]["run_id"], True)]
    # every article, fact and person of the old content is retired, none of the new one is
    for table in ("articles", "facts", "people"):
        retired = dict(_q(db, f"SELECT file_id, bool_and(valid_to IS NOT NULL) FROM {table} "
                              f"WHERE file_id IN (?, ?) GROUP BY file_id", [runs["old_id"], runs["new_id"]]))
        if table == "people":  # 000 names no one with posts: nothing to retire
            assert all(v == (fid == runs["old_id"]) for fid, v in retired.items())
        else:
            assert retired == {runs["old_id"]: True, runs["new_id"]: False}, table
    # the corrected article is not a copy of its own older version
    assert _q(db, "SELECT count(*) FROM articles WHERE file_id = ? AND duplicate_of IS NOT NULL",
              [runs["new_id"]]) == [(0,)]
    assert _q(db, "SELECT count(*) FROM facts_enriched WHERE file_id = ?", [runs["old_id"]]) == [(0,)]
    current = _q(db, "SELECT count(*) FROM articles WHERE valid_to IS NULL")[0][0]
    assert _q(db, "SELECT sum(articles) FROM articles_by_source_month")[0][0] == current


def test_the_report_lists_the_revision_with_what_changed(runs):
    page = Path(runs["second"]["report"]).read_text(encoding="utf-8")
    revised = page[page.index('<table id="revised">'):]
    revised = revised[:revised.index("</table>")]
    assert EDITED in revised
    # one fact altered (10017 -> 20017), none added or removed
    cells = [c.split("</td>")[0] for c in revised.split("<td class=n>")[1:]]
    assert cells[:3] == ["0", "0", "1"]
    missing = page[page.index('<table id="missing">'):]
    assert DELETED in missing[:missing.index("</table>")]


def test_a_copy_under_a_new_name_is_recorded_as_a_copy(runs):
    db = runs["after_second"]
    assert _q(db, "SELECT file_id, state FROM file_paths WHERE path = ?", [COPY_PATH]) == [
        (runs["copied_id"], "present")]
    # held back as a copy of the loaded file, nothing loaded twice
    assert _q(db, "SELECT reasons FROM quarantine WHERE source_file = ?", [COPY_PATH]) == [(["duplicate_file_hash"],)]
    assert _q(db, "SELECT count(DISTINCT source_file) FROM articles WHERE file_id = ?", [runs["copied_id"]]) == [(1,)]
    assert runs["third"]["files_skipped"] == 3  # the next run knows the copy's path: unchanged


def test_a_deleted_file_is_marked_missing_and_its_rows_stay(runs):
    db = runs["after_second"]
    run2 = runs["second"]["run_id"]
    assert _q(db, "SELECT state, missing_run_id FROM raw_files WHERE file_id = ?", [runs["deleted_id"]]) == [
        ("missing", run2)]
    assert _q(db, "SELECT state, missing_run_id, valid_to IS NULL FROM file_paths WHERE path = ?", [DELETED]) == [
        ("missing", run2, True)]
    kept = _q(db, "SELECT count(*), count(*) FILTER (WHERE valid_to IS NULL) FROM articles WHERE file_id = ?",
              [runs["deleted_id"]])[0]
    assert kept[0] > 0 and kept[0] == kept[1]
    assert _q(db, "SELECT count(*) FROM facts_enriched WHERE file_id = ?", [runs["deleted_id"]])[0][0] > 0


def test_prune_retires_the_missing_file(runs):
    third = runs["third"]
    assert third["status"] == "completed"
    assert third["files_missing"] == 1 and third["files_pruned"] == 1 and third["files_revised"] == 0
    db = runs["after_third"]
    arts = _q(db, "SELECT count(*), count(*) FILTER (WHERE retired_run_id = ?) FROM articles WHERE file_id = ?",
              [third["run_id"], runs["deleted_id"]])[0]
    assert arts[0] > 0 and arts[0] == arts[1]
    assert _q(db, "SELECT count(*) FROM facts_enriched WHERE file_id = ?", [runs["deleted_id"]]) == [(0,)]
    assert _q(db, "SELECT state, retired_run_id FROM raw_files WHERE file_id = ?", [runs["deleted_id"]]) == [
        ("missing", third["run_id"])]
    assert _q(db, "SELECT retired_run_id FROM file_paths WHERE path = ?", [DELETED]) == [(third["run_id"],)]
    # the other files are untouched by the prune
    assert _q(db, "SELECT count(*) FROM articles WHERE retired_run_id = ? AND file_id <> ?",
              [third["run_id"], runs["deleted_id"]]) == [(0,)]


def test_a_file_put_back_is_loaded_again(runs):
    fourth = runs["fourth"]
    assert fourth["status"] == "completed" and fourth["files_missing"] == 0
    db = runs["after_fourth"]
    assert _q(db, "SELECT state, valid_to IS NULL FROM raw_files WHERE file_id = ?", [runs["deleted_id"]]) == [
        ("loaded", True)]
    assert _q(db, "SELECT count(*) FROM articles WHERE file_id = ? AND valid_to IS NULL",
              [runs["deleted_id"]])[0][0] > 0
    assert _q(db, "SELECT state FROM file_paths WHERE path = ? AND valid_to IS NULL", [DELETED]) == [("present",)]
    assert _q(db, "SELECT value FROM metric_by_region WHERE region = '贵州' "
                  "AND metric = 'outdoor_worker_stations'") == [(20017.0,)]


def test_reprocess_rebuilds_the_current_versions_and_leaves_history_alone(runs):
    fifth = runs["fifth"]
    assert fifth["status"] == "completed" and fifth["files_seen"] == 3  # 000 (new), 001, 002: not the old 000
    assert fifth["changes"]["facts"]["added"] == fifth["changes"]["facts"]["removed"] == 0
    db = runs["db"]
    assert _q(db, "SELECT value FROM metric_by_region WHERE region = '贵州' "
                  "AND metric = 'outdoor_worker_stations'") == [(20017.0,)]
    assert _q(db, "SELECT retired_run_id FROM facts WHERE metric = 'outdoor_worker_stations' AND value = 10017") == [
        (runs["second"]["run_id"],)]


def test_a_file_changed_after_it_was_hashed_is_held_back(tmp_path):
    """The bytes processed are the bytes hashed: a file rewritten between discovery and staging (a
    crawler still writing it) is held back as changed_during_run and its path is not recorded, so the
    next run reads what it holds then."""
    from gonghui.flows import tasks as t

    inp = tmp_path / "in"
    inp.mkdir()
    shutil.copy2(SAMPLES / EDITED, inp / EDITED)
    shutil.copy2(SAMPLES / COPIED, inp / COPIED)
    found = t.discover_chunk.fn([(str(inp / EDITED), None), (str(inp / COPIED), None)], str(inp),
                                str(tmp_path / "none.duckdb"), None, look_up=False)
    (inp / EDITED).write_text((SAMPLES / EDITED).read_text(encoding="utf-8").replace("10017个", "20017个"),
                              encoding="utf-8")
    res = t.stage.fn(found.items, "test-run", None)
    assert [f.path for f in res.passed] == [COPIED]
    (rej,) = res.rejections
    assert rej.reasons == ("changed_during_run",) and rej.source_file == EDITED
    assert rej.payload["sha256_listed"] == found.items[0].file_id == _sha(SAMPLES / EDITED)
    assert rej.payload["sha256_read"] == _sha(inp / EDITED)
    assert [p for p, _, _ in t._paths_seen(found.items, res.rejections)] == [COPIED]


def test_run_accepts_prune():
    from gonghui.cli import build_parser

    assert build_parser().parse_args(["run", "--prune"]).prune is True
    assert build_parser().parse_args(["run"]).prune is False
