"""The `pipeline` flow: stage → clean → segment → extract → load, batch by batch, then the report."""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import os
import secrets
import shutil
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from prefect import flow
from prefect.runtime import flow_run

from gonghui import bundled_samples
from gonghui.flows import tasks as t
from gonghui.flows.inputs import manifest_in
from gonghui.stopping import RunStopped, check_stop, stop_on_signals, stopping
from gonghui.transforms import PIPELINE_VERSION
from gonghui.warehouse import load as wh

# Files per task run. Prefect costs ~10 ms per task run and a GX validation ~0.2 s per suite (measured on
# a 1,000-file batch: 1.2 s for the five suites, ~0.7 ms per article), so a
# batch must be large enough to amortise both, and small enough that memory stays flat.
DEFAULT_BATCH_SIZE = 2000
# Batches submitted to Dask and not yet loaded, at most (per run, see _parallel_batches): two per worker
# keeps every worker busy while the loader writes; an existing cluster of unknown size gets more.
DEFAULT_IN_FLIGHT = 4
REMOTE_IN_FLIGHT = 16
T = TypeVar("T")
MODES = ("incremental", "reprocess", "full_refresh")


class StageClock:
    """Wall time spent in each stage's task calls (Prefect overhead included), for runs.stage_seconds."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    def __call__(self, stage: str, fn: Callable[..., T], *args: Any) -> T:
        check_stop()  # a stop signal whose RunStopped a library swallowed (gonghui.stopping.check_stop)
        t0 = time.perf_counter()
        try:
            return fn(*args)
        finally:
            self.seconds[stage] = self.seconds.get(stage, 0.0) + time.perf_counter() - t0
            check_stop()

    def iter(self, stage: str, items: Iterable[T]) -> Iterator[T]:
        """`items`, timing the work of producing each one (a streaming stage such as discovery)."""
        it = iter(items)
        while True:
            t0 = time.perf_counter()
            try:
                x = next(it)
            except StopIteration:
                return
            finally:
                self.seconds[stage] = self.seconds.get(stage, 0.0) + time.perf_counter() - t0
            yield x


def new_run_id() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(3)


def _stderr(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


@flow(name="pipeline", log_prints=False)
def pipeline(input_dir: str = bundled_samples(), db_path: str = "warehouse/gonghui.duckdb",
             manifest_path: str | None = None, report_dir: str = "reports",
             batch_size: int = DEFAULT_BATCH_SIZE, data_docs: bool = True,
             show_progress: bool = True, parallel: bool = False, mode: str = "incremental",
             in_flight: int = DEFAULT_IN_FLIGHT, quiet: bool = True, columns: str | None = None,
             prune: bool = False) -> dict[str, Any]:
    """Stage → clean → segment → extract → load, batch by batch; then the data-quality report.

    parallel=False: each stage is its own task run, batches one after another in this process.
    parallel=True (the flow was given a DaskTaskRunner, see run_pipeline): each batch's transforms run
    as one task on a Dask worker, which writes a Parquet shard; this process loads the shards in input
    order, one transaction each, so the warehouse equals the sequential run's. At most `in_flight`
    batches are submitted and not yet loaded at any time, so memory does not grow with the corpus.

    mode="incremental": new or changed files only. mode="reprocess": every staged file again, from the
    text the warehouse kept (the input folder is not read), reporting articles/facts added, removed,
    altered. mode="full_refresh": forget all derived rows, then process the input folder from scratch.

    Paths the warehouse knows in this input folder and the run did not find are marked missing;
    prune=True retires their rows as a revision does.

    SIGINT/SIGTERM stop the run (gonghui.stopping, in place of Prefect's SIGTERM handler): the batch in
    flight rolls back, the run is recorded as `interrupted` and the flow returns with that status and
    the signal's number (`stopped_by`); no report is written.
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}")
    say = _stderr if show_progress else (lambda _m: None)
    with stop_on_signals(quiet), wh.run_lock(db_path):
        return _run(input_dir, db_path, manifest_path, report_dir, batch_size, data_docs, say, parallel, mode,
                    in_flight, columns, prune)


def _run(input_dir: str, db_path: str, manifest_path: str | None, report_dir: str, batch_size: int,
         data_docs: bool, say: Callable[[str], None], parallel: bool, mode: str,
         in_flight: int = DEFAULT_IN_FLIGHT, columns: str | None = None,
         prune: bool = False) -> dict[str, Any]:
    run_id = new_run_id()
    # Workers validate in memory (one GX project cannot take writes from many processes): a parallel
    # run's results are in dq_results and the report, not in the GX Data Docs.
    gx_dir = str(Path(report_dir) / "gx") if data_docs and not parallel else None
    wh.start_run(db_path, run_id, str(flow_run.get_id() or ""), input_dir, PIPELINE_VERSION, mode)
    counts: dict[str, int] = {"articles_loaded": 0, "articles_quarantined": 0, "facts_loaded": 0,
                              "people_loaded": 0, "files_loaded": 0, "files_quarantined": 0,
                              "expectations_failed": 0, "files_revised": 0, "files_missing": 0, "files_pruned": 0}
    status = "failed"
    stopped: RunStopped | None = None
    clock = StageClock()
    before = wh.snapshot(db_path) if mode != "incremental" else {}
    if mode == "full_refresh":
        wh.full_refresh(db_path)
    try:
        # Discovery streams: files are found chunk by chunk as batches are drawn, inside loading() so
        # its warehouse lookups share the loader's connection; the totals are complete at the end.
        tally = t.Tally()
        kept: str | None = None
        skipped = t.Skipped()
        with wh.loading(db_path):
            if mode == "reprocess":
                total = wh.count_staged(db_path)
                found = t.discover_staged(db_path, tally)
            else:
                # gonghui's own outputs (warehouse, lock, report folder) inside the input are not input
                own = t.own_outputs(db_path, report_dir)
                total = t.count_files(input_dir, skipped, own)
                kept = manifest_in(input_dir)
                manifest_path = manifest_path or kept
                found = t.discover(input_dir, db_path, manifest_path, tally, own)
            say(f"gonghui run {run_id}: {total} files in {'the warehouse' if mode == 'reprocess' else input_dir}")
            if mode != "reprocess" and (line := skipped.line()):
                say(f"  not read: {line}")
            if mode != "reprocess" and kept is not None:
                say(f"  manifest: {Path(kept).name} in the input folder "
                    + ("is used as the manifest" if manifest_path == kept else f"is ignored (--manifest {manifest_path} given)"))
            todo = t.batches(clock.iter("discover", found), batch_size)
            loads = _parallel_batches(todo, run_id, db_path, clock, in_flight, columns) if parallel else \
                _sequential_batches(todo, run_id, db_path, gx_dir, clock, columns)
            done = 0
            for n, (n_files, loaded) in enumerate(loads):
                for k, v in loaded.items():
                    counts[k] = counts.get(k, 0) + v
                done += n_files
                say(f"  batch {n + 1}: {n_files} files → {loaded['articles_loaded']} articles loaded, "
                    f"{loaded['articles_quarantined']} quarantined, {loaded['facts_loaded']} facts "
                    f"({done + tally.files_skipped}/{total} files)")
        counts.update(files_seen=tally.files_seen, files_new=tally.files_new, files_skipped=tally.files_skipped)
        if tally.files_skipped:
            say(f"  {tally.files_skipped} files unchanged since they were loaded: skipped")
        if mode != "reprocess":
            counts.update(_paths_accounting(db_path, run_id, input_dir, tally, prune, say))
        if mode != "reprocess" and manifest_path:
            _say_unmatched(say, manifest_path, tally)
        # Accounting: every file seen ends in exactly one state.
        accounted = counts["files_loaded"] + counts["files_quarantined"] + counts["files_skipped"]
        if accounted != tally.files_seen:
            raise RuntimeError(f"accounting mismatch: {tally.files_seen} files seen, {accounted} accounted for")
        status = "completed"
    except RunStopped as exc:
        status, stopped = "interrupted", exc
        # A signal that came between batches (this flow's loop body, the generator suspended at its
        # yield) never reached the generator's kill: the workers were still busy with the batches in
        # flight, and closing the task runner's cluster then waited for them (1.5 s of a 2.0 s stop,
        # traced on 2 cores; CI measured a 2.9 s stop). Killed here, every stop path ends them at once.
        kill_local_workers()
    except Exception:
        # The signal's RunStopped can surface wrapped: raised inside a library callback that catches
        # everything (pydantic-core turned it into a PydanticSerializationError while Prefect serialised
        # a task's parameters; the run was recorded failed, exit 1). A stop signal received is a stop.
        if (signum := stopping()) is None:
            raise
        status, stopped = "interrupted", RunStopped(signum)
        kill_local_workers()  # (as above)
    finally:
        wh.finish_run(db_path, run_id, status, counts, None, clock.seconds)
    if stopped is not None:  # no report: the next run's report covers this one
        return {"run_id": run_id, "status": status, "report": None, "db": db_path, "mode": mode,
                "changes": None, "stage_seconds": dict(clock.seconds), "stopped_by": stopped.signum, **counts}
    changes = None
    if mode != "incremental":
        changes = wh.diff_snapshots(before, wh.snapshot(db_path))
        wh.record_changes(db_path, run_id, {"mode": mode, **changes})
        for table, c in sorted(changes.items()):
            say(f"  {table}: {c['added']} added, {c['removed']} removed, {c['altered']} altered, "
                f"{c['unchanged']} unchanged")
    report_path = clock("report", t.report, db_path, report_dir, run_id, gx_dir)
    wh.finish_run(db_path, run_id, status, counts, report_path, clock.seconds)
    return {"run_id": run_id, "status": status, "report": report_path, "db": db_path, "mode": mode,
            "changes": changes, "stage_seconds": dict(clock.seconds), **counts}


def _paths_accounting(db_path: str, run_id: str, input_dir: str, tally: t.Tally, prune: bool,
                      say: Callable[[str], None]) -> dict[str, int]:
    """Revised and missing files of a complete run over the input folder (see wh.mark_missing), said
    in one line each."""
    gone = wh.mark_missing(db_path, run_id, input_dir, tally.seen, prune)
    with wh.connect(db_path, read_only=True) as con:
        revised = wh.revisions_of_run(con, run_id)
    for r in revised:
        f = r["facts"]
        say(f"  revised: {r['path']} (facts: {f['added']} added, {f['removed']} removed, {f['altered']} altered)")
    if gone["missing"]:
        say(f"  {gone['missing']} files no longer in the input: "
            + (f"{gone['pruned']} pruned (their rows retired)" if gone["pruned"] else
               "marked missing, rows kept (gonghui run --prune retires them)"))
    return {"files_missing": gone["missing"], "files_pruned": gone["pruned"]}
def _say_unmatched(say: Callable[[str], None], manifest_path: str, tally: t.Tally) -> None:
    """One line for the manifest rows that named no file of the input (a typo, a file not copied)."""
    from gonghui.transforms.manifest import unmatched_rows

    mp = Path(manifest_path)
    rows = list(t._manifest_rows(manifest_path, mp.stat().st_mtime_ns))
    missing = unmatched_rows(rows, tally.manifest_rows_used)
    if missing:
        shown = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
        say(f"  manifest: {len(missing)} row{'s' if len(missing) != 1 else ''} of {mp.name} "
            f"name{'s' if len(missing) == 1 else ''} no file in the input: {shown}")


def _manifests(items: list[t.FileItem]) -> dict[str, Any]:
    return {it.file_id: it.manifest for it in items if it.file_id and it.manifest is not None}


def _sequential_batches(todo: Iterable[list[t.FileItem]], run_id: str, db_path: str, gx_dir: str | None,
                        clock: StageClock, columns: str | None = None) -> Iterator[tuple[int, dict[str, int]]]:
    for n, items in enumerate(todo):
        staged = clock("stage", t.stage, t.quoted(items), run_id, gx_dir, columns)
        cleaned = clock("clean", t.clean, t.quoted(staged.passed), run_id, gx_dir)
        segmented = clock("segment", t.segment, t.quoted(cleaned.passed), _manifests(items), run_id, gx_dir)
        extracted = clock("extract", t.extract, t.quoted(segmented.passed), t.quoted(segmented.held), run_id, gx_dir)
        packed = clock("package", t.package, run_id, n, items, staged, cleaned, segmented, extracted)
        yield len(items), clock("load", t.load, db_path, packed)


def _parallel_batches(todo: Iterable[list[t.FileItem]], run_id: str, db_path: str, clock: StageClock,
                      in_flight: int = DEFAULT_IN_FLIGHT,
                      columns: str | None = None) -> Iterator[tuple[int, dict[str, int]]]:
    shard_dir = shard_root(db_path) / run_id
    _ACTIVE_SHARD_DIRS.add(shard_dir)
    futures: deque[tuple[int, Any]] = deque()
    pending = iter(enumerate(todo))

    def submit_next() -> None:
        nxt = next(pending, None)
        if nxt is not None:
            n, items = nxt
            # not quoted(): over Dask the worker would receive the quote itself, not the list
            futures.append((len(items), t.transform_batch.submit(n, items, _manifests(items), run_id,
                                                                  str(shard_dir), columns)))

    # A window of batches in flight, not the whole corpus: submitted batches' inputs live in the Dask
    # scheduler (this process) until they finish, and submitting all 34 batches of 100k articles up
    # front held them all from the start.
    try:
        for _ in range(max(1, in_flight)):
            submit_next()  # the first starts the local cluster (prefect_dask creates it on first use)
        while futures:
            n_files, fut = futures.popleft()
            path = clock("wait_for_workers", _result, fut)
            submit_next()  # keep the workers busy while this batch loads
            for stage, secs in json.loads((Path(path) / "meta.json").read_text()).get("seconds", {}).items():
                clock.seconds[f"{stage} (workers)"] = clock.seconds.get(f"{stage} (workers)", 0.0) + secs
            loaded = clock("load", t.load, db_path, path)
            shutil.rmtree(path, ignore_errors=True)  # loaded: the shard has served its purpose
            yield n_files, loaded
    except BaseException:
        # The batches in flight are abandoned (a stop, a failed load): their workers are killed now,
        # before the shard folder goes, so none writes a shard after it
        kill_local_workers()
        raise
    finally:
        shutil.rmtree(shard_dir, ignore_errors=True)
        _ACTIVE_SHARD_DIRS.discard(shard_dir)


# Shard folders of runs whose batches are in flight. A stop can leave this generator suspended at its
# yield and the process then ends through os._exit (gonghui.cli), so its finally never runs: the stop
# path's kill_local_workers removes them, after the workers that write into them are dead.
_ACTIVE_SHARD_DIRS: set[Path] = set()
KILL_WAIT_S = 0.5


def kill_local_workers() -> None:
    """Kill the worker processes of this process's local Dask clusters, at once.

    Closing a cluster asks each worker to finish and waits up to 4 s (Nanny.close: 0.8 x its 5 s
    timeout) before killing it; a worker busy in a batch's transforms (CPU-bound Python) never finishes
    in time, so a Ctrl-C under load took 4.8-5.5 s to end the run (1.3 s idle). A stop while the
    cluster was still starting (the first batch's submit starts it) was worse: 10-11 s, the exit waiting
    for the forkserver to finish importing the workers' modules so that it could stop them. Their work
    is abandoned anyway: each nanny is told not to restart its worker, then the forkserver and every
    worker it forked get SIGKILL, and the cluster's close finds them gone. A remote cluster's workers
    are not ours to kill (no local cluster and no forkserver of ours: nothing done)."""
    if "distributed" not in sys.modules:  # a sequential run: no cluster, and no 1 s import to find that out
        return
    import signal
    from multiprocessing import forkserver

    import psutil
    from distributed import LocalCluster
    from distributed.deploy.spec import SpecCluster

    local = [c for c in list(SpecCluster._instances) if isinstance(c, LocalCluster)]
    for cluster in local:
        for nanny in list(cluster.workers.values()):
            if hasattr(nanny, "close_gracefully"):
                nanny.close_gracefully(reason="gonghui-run-abandoned")  # not restarted when it dies
    pids = [n.pid for c in local for n in list(c.workers.values()) if getattr(n, "pid", None)]
    # the forkserver _start_forkserver started (a stop before the cluster exists leaves it importing)
    fs = forkserver._forkserver  # noqa: SLF001 - no public accessor
    server = getattr(fs, "_forkserver_pid", None) if getattr(fs, "_preload_modules", None) == WORKER_PRELOAD else None
    if server:
        with contextlib.suppress(psutil.Error):
            pids += [server] + [p.pid for p in psutil.Process(server).children(recursive=True)]
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    # dead (gone, or a zombie: their parent, the forkserver, is killed too) before their shard folders go,
    # so none writes a shard after that; SIGKILL lands within milliseconds, the bound is for a loaded box
    deadline = time.monotonic() + KILL_WAIT_S
    for pid in pids:
        with contextlib.suppress(psutil.Error):
            proc = psutil.Process(pid)
            while proc.status() != psutil.STATUS_ZOMBIE and time.monotonic() < deadline:
                time.sleep(0.01)
    for shard_dir in list(_ACTIVE_SHARD_DIRS):
        shutil.rmtree(shard_dir, ignore_errors=True)


# How often waiting for a batch looks for a stop signal whose RunStopped was swallowed (check_stop).
STOP_POLL_S = 0.1


def _result(fut: Any) -> Any:
    """The batch's result, looking for a stop every STOP_POLL_S while the workers compute it."""
    wrapped = getattr(fut, "wrapped_future", None)
    while wrapped is not None and not wrapped.done():
        check_stop()
        time.sleep(STOP_POLL_S)
    return fut.result()


def shard_root(db_path: str) -> Path:
    """Where workers write Parquet shards: beside the warehouse (GONGHUI_SHARD_DIR overrides it; on
    a multi-machine cluster it must be storage every worker and the loader can reach)."""
    override = os.environ.get("GONGHUI_SHARD_DIR")
    return Path(override) if override else Path(str(db_path) + ".shards")


# A local cluster's workers fork from one process that imported what they need (gonghui.workerpreload,
# multiprocessing "forkserver") instead of each starting a fresh interpreter ("spawn", Dask's default)
# and importing Prefect, pandas and GX for ~5 s. Measured at 10k articles, 2 workers: the run 27.0 ->
# 20.0 s; summed PSS 1,887 -> 1,441 MiB with the loader changes of the same release.
WORKER_PRELOAD = ["gonghui.workerpreload"]
DASK_SETTINGS: dict[str, Any] = {
    # Dask keeps each comm's last 1,000 messages for debugging, a batch's task (its 2,000 FileItems)
    # among them: the flow process held every batch it had submitted (48,000 FileItems after 21
    # batches of 100k articles; ~2 MB a batch). Nothing here reads those logs.
    "distributed.admin.low-level-log-length": 0,
}


@contextlib.contextmanager
def _dask_config(local: bool) -> Iterator[None]:
    import dask

    fork = local and "forkserver" in multiprocessing.get_all_start_methods()
    settings = {**DASK_SETTINGS, **({"distributed.worker.multiprocessing-method": "forkserver"} if fork else {})}
    with dask.config.set(settings):
        if fork:
            from distributed.utils import get_mp_context

            # get_mp_context sets Dask's own preload list once; ours replaces it before the server starts
            # (a server already running, from an earlier run in this process, keeps what it loaded)
            get_mp_context().set_forkserver_preload(WORKER_PRELOAD)
            _start_forkserver()
        yield


def _start_forkserver() -> None:
    """Start the forkserver now, with SIGINT ignored, so it inherits that (an ignored signal stays
    ignored across exec): a terminal's Ctrl-C reaches the whole foreground group, and a forkserver still
    starting up (its interpreter, then the preload: 2-10 s on a busy machine) died of it with a 40-line
    KeyboardInterrupt traceback before the run's one line. This process ignores SIGINT only while the
    forkserver is spawned (a few milliseconds); the preload then imports while the flow starts."""
    import signal
    import threading
    from multiprocessing import forkserver

    if threading.current_thread() is not threading.main_thread():  # signal dispositions: main thread only
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        forkserver.ensure_running()
    finally:
        signal.signal(signal.SIGINT, previous)


def run_pipeline(workers: int | None = None, dask_address: str | None = None, **kwargs: Any) -> dict[str, Any]:
    """Run the flow sequentially, or on Dask: a local cluster of `workers` processes, or an existing
    cluster at `dask_address` (tcp://host:8786)."""
    if not workers and not dask_address:
        return pipeline(**kwargs)
    from prefect.settings import PREFECT_API_URL, temporary_settings
    from prefect_dask import DaskTaskRunner

    if dask_address:
        runner = DaskTaskRunner(address=dask_address)
    else:
        # one thread per worker process: the transforms are CPU-bound Python (the GIL)
        runner = DaskTaskRunner(cluster_kwargs={"n_workers": workers, "threads_per_worker": 1,
                                                "processes": True, "dashboard_address": None})
    flow = pipeline.with_options(task_runner=runner)  # type: ignore[arg-type]
    kwargs.setdefault("in_flight", max(DEFAULT_IN_FLIGHT, 2 * workers) if workers else REMOTE_IN_FLIGHT)
    with _dask_config(local=not dask_address):
        if PREFECT_API_URL.value():
            return flow(parallel=True, **kwargs)
        # No API configured: start Prefect's local server once, here, and hand its address to the Dask
        # workers through the environment; otherwise every worker process starts an ephemeral API of its
        # own. (`gonghui run` starts it before importing Prefect; this is for callers of run_pipeline.)
        from gonghui.apiserver import LocalAPI

        api = LocalAPI(quiet=bool(kwargs.get("quiet"))).start()  # also sets PREFECT_API_URL in the environment the workers inherit
        try:
            api.wait_ready()
            with temporary_settings({PREFECT_API_URL: api.url}):
                return flow(parallel=True, **kwargs)
        finally:
            api.stop()
