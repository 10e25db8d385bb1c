"""The `pipeline` flow: stage → clean → segment → extract → load, batch by batch, then the report."""

from __future__ import annotations

import secrets
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from prefect import flow
from prefect.runtime import flow_run

from flows import tasks as t
from transforms import PIPELINE_VERSION
from warehouse import load as wh

# Files per task run. Prefect costs ~10 ms per task run and a GX validation ~50 ms per suite, so a
# batch must be large enough to amortise both, and small enough that memory stays flat.
DEFAULT_BATCH_SIZE = 200
T = TypeVar("T")


class StageClock:
    """Wall time spent in each stage's task calls (Prefect overhead included), for runs.stage_seconds."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    def __call__(self, stage: str, fn: Callable[..., T], *args: Any) -> T:
        t0 = time.perf_counter()
        try:
            return fn(*args)
        finally:
            self.seconds[stage] = self.seconds.get(stage, 0.0) + time.perf_counter() - t0


def new_run_id() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(3)


def _stderr(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


@flow(name="pipeline", log_prints=False)
def pipeline(input_dir: str = "data/samples", db_path: str = "warehouse/gonghui.duckdb",
             manifest_path: str | None = None, report_dir: str = "reports",
             batch_size: int = DEFAULT_BATCH_SIZE, data_docs: bool = True,
             show_progress: bool = True) -> dict[str, Any]:
    say = _stderr if show_progress else (lambda _m: None)
    with wh.run_lock(db_path):
        return _run(input_dir, db_path, manifest_path, report_dir, batch_size, data_docs, say)


def _run(input_dir: str, db_path: str, manifest_path: str | None, report_dir: str, batch_size: int,
         data_docs: bool, say: Callable[[str], None]) -> dict[str, Any]:
    run_id = new_run_id()
    gx_dir = str(Path(report_dir) / "gx") if data_docs else None
    wh.start_run(db_path, run_id, str(flow_run.get_id() or ""), input_dir, PIPELINE_VERSION)
    counts: dict[str, int] = {"articles_loaded": 0, "articles_quarantined": 0, "facts_loaded": 0,
                              "people_loaded": 0, "files_loaded": 0, "files_quarantined": 0,
                              "expectations_failed": 0}
    status = "failed"
    clock = StageClock()
    discover_s = 0.0
    try:
        t0 = time.perf_counter()
        plan = t.discover(input_dir, db_path, manifest_path)
        discover_s = time.perf_counter() - t0
        todo = t.batches(plan.todo, batch_size)
        n_new = sum(len(b) for b in todo)
        say(f"gonghui run {run_id}: {plan.files_seen} files seen, {n_new} to process, "
            f"{len(plan.skipped)} unchanged")
        for n, items in enumerate(todo):
            manifests = {it.file_id: it.manifest for it in items if it.file_id and it.manifest is not None}
            staged = clock("stage", t.stage, items, run_id, gx_dir)
            cleaned = clock("clean", t.clean, staged.passed, run_id, gx_dir)
            segmented = clock("segment", t.segment, cleaned.passed, manifests, run_id, gx_dir)
            deduped = clock("dedup", t.dedup, segmented.passed, db_path)
            extracted = clock("extract", t.extract, segmented.passed, segmented.held, run_id, gx_dir)
            batch = t.assemble(run_id, n, items, staged, cleaned, segmented, deduped, extracted)
            loaded = clock("load", t.load, db_path, batch)
            for k, v in loaded.items():
                counts[k] += v
            counts["expectations_failed"] += sum(1 for r in batch.dq_rows if not r["success"])
            say(f"  batch {n + 1}/{len(todo)}: {len(items)} files → {loaded['articles_loaded']} articles "
                f"loaded, {loaded['articles_quarantined']} quarantined, {loaded['facts_loaded']} facts")
        counts.update(files_seen=plan.files_seen, files_new=n_new, files_skipped=len(plan.skipped))
        # Accounting: every file seen ends in exactly one state.
        accounted = counts["files_loaded"] + counts["files_quarantined"] + counts["files_skipped"]
        if accounted != plan.files_seen:
            raise RuntimeError(f"accounting mismatch: {plan.files_seen} files seen, {accounted} accounted for")
        status = "completed"
    finally:
        wh.finish_run(db_path, run_id, status, counts, None)
    clock.seconds["discover"] = discover_s
    report_path = clock("report", t.report, db_path, report_dir, run_id, gx_dir)
    wh.finish_run(db_path, run_id, status, counts, report_path, clock.seconds)
    return {"run_id": run_id, "status": status, "report": report_path, "db": db_path,
            "stage_seconds": dict(clock.seconds), **counts}
