"""Scheduled runs: serve the `pipeline` flow as a Prefect deployment on a cron or interval schedule.

Prefect does the scheduling: the deployment is registered with a Prefect API whose scheduler creates
the flow runs, and the runner started here executes them, each in its own process, one at a time.
Without PREFECT_API_URL, `gonghui serve` starts and owns that API: a local Prefect server with its
scheduler services and UI (gonghui.apiserver.LocalAPI(home=...)), on 127.0.0.1, its state (SQLite
database: deployments, schedules, run history) in `<db>.prefect/` beside the warehouse, stopped when
serve stops. With PREFECT_API_URL it uses that server.

What runs when (docs/scheduling.md says the same, tests/test_serve.py shows it):
- Runs never overlap: this runner executes one at a time (DEFAULT_LIMIT), and a run holds the
  warehouse's run lock from start to end.
- Due runs that could not start — a run was still working, or serve was down (a killed serve leaves
  its pre-created runs behind) — are merged: at most one waits, and it starts as soon as the runner is
  free (merge_overdue). A data team wants the warehouse brought up to date once, not N identical
  catch-up runs: each run processes every new file anyway.
- On start, if the warehouse has had no run since the schedule's latest due time (or none at all),
  one run starts at once (a "catch-up" run), then the schedule goes on.
- On Ctrl-C / SIGTERM: a run in progress is cancelled (its open batch rolls back; the next run marks
  it crashed and does its files again), the schedule is paused so nothing piles up while nothing
  serves it, and the local server is stopped.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import json
import os
import signal
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

DEPLOYMENT_NAME = "gonghui-scheduled"
FLOW_NAME = "pipeline"
# One run at a time: a run holds the warehouse's run lock from start to end, so a second concurrent
# run could only wait and fail; a run that is due while another works starts when it is done.
DEFAULT_LIMIT = 1
# How often serve merges overdue runs and reports runs that started or ended. A run takes seconds to
# hours; two seconds keeps the terminal current without loading the API (one query each).
POLL_SECONDS = 2.0
# How long the runner may take to cancel a run in progress and pause the schedule (a second or two here);
# a runner stuck past this is cancelled so that serve still stops what it started.
STOP_SECONDS = 30.0
# The flow run tag of a catch-up run (created by serve at start, not by Prefect's scheduler).
CATCH_UP_TAG = "catch-up"
SERVE_FILE = "serve.json"
LOCK_FILE = "serve.lock"


class ServeBusy(RuntimeError):
    """Another `gonghui serve` is serving this warehouse."""


class ServeError(RuntimeError):
    """Serving stopped on its own: the Prefect runner or the local server failed."""


def state_dir(db_path: str | Path) -> Path:
    """Where serve keeps its Prefect server's state and its own record: beside the warehouse, named
    after it (like `<db>.shards` and `<db>.run.lock`), so each warehouse has its own schedule."""
    return Path(str(Path(db_path).resolve()) + ".prefect")


def read_serve_info(db_path: str | Path) -> dict[str, Any] | None:
    """serve.json of the last `gonghui serve` of this warehouse (None if it was never served)."""
    try:
        data = json.loads((state_dir(db_path) / SERVE_FILE).read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


@dataclass(frozen=True)
class ScheduleSpec:
    cron: str | None
    interval: float | None
    timezone: str | None = None

    def describe(self) -> str:
        if self.cron is not None:
            return f'cron "{self.cron}" ({self.timezone or "UTC"})'
        return f"every {_seconds(self.interval or 0)}"

    async def due_between(self, start: datetime, end: datetime, anchor: datetime | None = None) -> bool:
        """Whether a due time falls in [start, end]. Interval: due `interval` after the last run."""
        if self.cron is not None:
            from prefect.server.schemas.schedules import CronSchedule

            return bool(await CronSchedule(cron=self.cron, timezone=self.timezone).get_dates(
                n=1, start=start, end=end))
        return (end - start).total_seconds() >= (self.interval or 0)

    async def next_due(self, now: datetime, anchor: datetime) -> datetime:
        if self.cron is not None:
            from prefect.server.schemas.schedules import CronSchedule

            dates = await CronSchedule(cron=self.cron, timezone=self.timezone).get_dates(n=1, start=now)
            return dates[0].astimezone(UTC)
        step = timedelta(seconds=self.interval or 0)
        k = max(1, int((now - anchor) / step) + 1)
        return anchor + k * step


def _seconds(s: float) -> str:
    if s % 86400 == 0:
        return f"{int(s // 86400)} d"
    if s % 3600 == 0:
        return f"{int(s // 3600)} h"
    if s % 60 == 0 and s >= 60:
        return f"{int(s // 60)} min"
    return f"{s:g} s"


def _check_cron(cron: str, timezone: str | None) -> None:
    from prefect.client.schemas.schedules import CronSchedule

    try:
        CronSchedule(cron=cron, timezone=timezone)
    except ValueError as exc:
        raise ValueError(f"not a valid cron schedule: {cron!r}"
                         f"{f' in {timezone!r}' if timezone else ''} ({exc})") from None


def deployment_parameters(input_dir: str | Path, db_path: str | Path, report_dir: str | Path,
                          manifest_path: str | Path | None = None) -> dict[str, Any]:
    """The flow parameters every scheduled run gets: absolute paths (runs start in their own process)."""
    return {
        "input_dir": str(Path(input_dir).resolve()),
        "db_path": str(Path(db_path).resolve()),
        "report_dir": str(Path(report_dir).resolve()),
        "manifest_path": str(Path(manifest_path).resolve()) if manifest_path else None,
        "show_progress": False,
    }


def last_run_started(db_path: str | Path) -> datetime | None:
    """Start of the warehouse's latest run of any kind (scheduled or `gonghui run`; each processes
    every new file), UTC; None when the warehouse has none."""
    if not Path(db_path).exists():
        return None
    import duckdb

    from gonghui.warehouse.load import open_connection

    con = open_connection(db_path, read_only=True)
    try:
        row = con.execute("SELECT max(started_at) FROM runs").fetchone()
    except duckdb.CatalogException:  # a warehouse file without the runs table yet
        return None
    finally:
        con.close()
    return row[0].replace(tzinfo=UTC) if row and row[0] is not None else None


LOG_FILE = "serve.log"


@contextlib.contextmanager
def _terminal_for_gonghui_only(log: Path | None) -> Iterator[TextIO]:
    """Yield a stream to this process's stderr for gonghui's own lines, and send everything else
    written to stdout/stderr — Prefect's warnings, a failed run's traceback from its process (runs
    inherit these descriptors) — to `log` instead. log=None (-v): nothing is redirected."""
    if log is None:
        yield sys.stderr
        return
    sys.stdout.flush()
    sys.stderr.flush()
    saved = {fd: os.dup(fd) for fd in (1, 2)}
    terminal = os.fdopen(os.dup(2), "w", buffering=1, encoding="utf-8", errors="replace")
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as fh:
        for fd in (1, 2):
            os.dup2(fh.fileno(), fd)
    try:
        yield terminal
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        for fd, orig in saved.items():
            os.dup2(orig, fd)
            os.close(orig)
        terminal.close()


def _utc(dt: datetime | None) -> str:
    return "-" if dt is None else dt.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _validate(spec: ScheduleSpec, input_dir: str | Path, manifest_path: str | Path | None,
              limit: int | None) -> None:
    if (spec.cron is None) == (spec.interval is None):
        raise ValueError("give exactly one of cron or interval")
    if spec.cron is not None:
        _check_cron(spec.cron, spec.timezone)
    elif spec.timezone is not None:
        raise ValueError("timezone applies to a cron schedule only")
    if spec.interval is not None and spec.interval <= 0:
        raise ValueError(f"interval must be a positive number of seconds, not {spec.interval}")
    if not Path(input_dir).is_dir():
        raise ValueError(f"input folder {input_dir} does not exist or is not a folder")
    if manifest_path and not Path(manifest_path).is_file():
        raise ValueError(f"manifest {manifest_path} not found")
    if limit is not None and limit < 1:
        raise ValueError(f"limit must be at least 1, not {limit}")


@contextlib.contextmanager
def _serve_lock(state: Path) -> Iterator[None]:
    """One `gonghui serve` per warehouse (an OS file lock: released even when serve is killed)."""
    state.mkdir(parents=True, exist_ok=True)
    fh = (state / LOCK_FILE).open("a+")
    try:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            info = read_serve_info(state.with_suffix("")) or {}
            raise ServeBusy(f"another gonghui serve (pid {info.get('pid', '?')}) is already serving this "
                            f"warehouse; stop it first (Ctrl-C or kill {info.get('pid', 'PID')})") from None
        yield
    finally:
        fh.close()


@contextlib.contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """SIGTERM stops serve like Ctrl-C (KeyboardInterrupt), so the local server is always stopped;
    while stopping, further signals are ignored (a second Ctrl-C must not orphan the server)."""
    stopping = False

    def handler(signum: int, frame: Any) -> None:
        nonlocal stopping
        if not stopping:
            stopping = True
            raise KeyboardInterrupt

    old_term = signal.signal(signal.SIGTERM, handler)
    old_int = signal.signal(signal.SIGINT, handler)
    try:
        yield
    finally:
        stopping = True
        signal.signal(signal.SIGTERM, old_term)
        signal.signal(signal.SIGINT, old_int)


def serve_pipeline(cron: str | None, interval: float | None, input_dir: str | Path, db_path: str | Path,
                   report_dir: str | Path, manifest_path: str | Path | None = None,
                   limit: int | None = None, name: str = DEPLOYMENT_NAME, timezone: str | None = None,
                   verbose: bool = False) -> None:
    """Serve `pipeline` on a schedule until interrupted (Ctrl-C, SIGTERM): exactly one of `cron`
    ("0 6 * * *") or `interval` (seconds). `timezone` (IANA name, e.g. "Asia/Shanghai") applies to
    cron; default UTC. `limit` caps concurrent runs of this runner (default 1, see DEFAULT_LIMIT).

    Raises ValueError for a bad schedule or a missing input folder / manifest before anything is
    registered with Prefect, ServeBusy when another serve holds this warehouse, LocalAPIError when
    the local Prefect server does not start. Returns when stopped, everything it started stopped.

    gonghui's own progress lines go to stderr; Prefect's output and that of the runs' processes go to
    `<db>.prefect/serve.log` (verbose=True: to the terminal as well, nothing redirected).
    """
    spec = ScheduleSpec(cron, interval, timezone)
    _validate(spec, input_dir, manifest_path, limit)
    from gonghui.apiserver import LocalAPI

    state = state_dir(db_path)
    params = deployment_parameters(input_dir, db_path, report_dir, manifest_path)
    with _sigterm_as_interrupt(), _serve_lock(state), \
            _terminal_for_gonghui_only(None if verbose else state / LOG_FILE) as terminal:
        def say(msg: str) -> None:
            print(f"gonghui serve: {msg}", file=terminal, flush=True)

        api = None
        info: dict[str, Any] = {"pid": os.getpid(), "own_server": not os.environ.get("PREFECT_API_URL"),
                                "db": params["db_path"], "input_dir": params["input_dir"],
                                "deployment": f"{FLOW_NAME}/{name}", "schedule": spec.describe(),
                                "cron": spec.cron, "interval": spec.interval, "timezone": spec.timezone,
                                "started_at": datetime.now(UTC).isoformat()}
        if info["own_server"]:
            last = read_serve_info(db_path) or {}
            # the port of the last serve if it is free: the UI keeps its address across restarts
            api = LocalAPI(home=state, port=last.get("port")).start()
            info.update(port=api.port, api_url=api.url, ui_url=api.ui_url)
            say(f"starting a local Prefect server with its scheduler (state in {state})")
        else:
            info.update(api_url=os.environ["PREFECT_API_URL"], ui_url=None)
        try:
            from gonghui.flows.pipeline import pipeline  # imports Prefect while the server boots

            if api is not None:
                api.wait_ready()
                say(f"Prefect UI at {api.ui_url} (API {api.url})")
            else:
                say(f"using the Prefect server at {info['api_url']}")
            from prefect.settings import PREFECT_API_URL, temporary_settings

            # Prefect may have read its settings before PREFECT_API_URL was set (validating a cron
            # imports it): without this the runner would see no API and refuse to schedule.
            with temporary_settings(updates={PREFECT_API_URL: info["api_url"]}):
                asyncio.run(_serve(pipeline, spec, params, name, limit or DEFAULT_LIMIT, state, info, say, api))
        finally:
            # stopping: a second Ctrl-C or SIGTERM must not cut the server's stop short
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            info["stopped_at"] = datetime.now(UTC).isoformat()
            _write_info(state, info)
            if api is not None:
                api.stop()
                say("local Prefect server stopped")


def _write_info(state: Path, info: dict[str, Any]) -> None:
    tmp = state / (SERVE_FILE + ".tmp")
    tmp.write_text(json.dumps(info, indent=1))
    tmp.replace(state / SERVE_FILE)


async def merge_overdue(client: Any, deployment_id: Any) -> tuple[int, int]:
    """Merge this deployment's due runs that have not started: keep the earliest, delete the others.
    Returns (runs left waiting: 0 or 1, runs deleted).

    The earliest is the one the runner takes when it is free (it submits in due order), so a run it
    is about to start is never deleted under it.
    """
    from prefect.client.schemas.filters import (
        FlowRunFilter,
        FlowRunFilterDeploymentId,
        FlowRunFilterExpectedStartTime,
        FlowRunFilterState,
        FlowRunFilterStateType,
    )
    from prefect.client.schemas.objects import StateType
    from prefect.client.schemas.sorting import FlowRunSort
    from prefect.exceptions import ObjectNotFound

    overdue = await client.read_flow_runs(
        flow_run_filter=FlowRunFilter(
            deployment_id=FlowRunFilterDeploymentId(any_=[deployment_id]),
            state=FlowRunFilterState(type=FlowRunFilterStateType(any_=[StateType.SCHEDULED])),
            expected_start_time=FlowRunFilterExpectedStartTime(before_=datetime.now(UTC))),  # type: ignore[arg-type]  # pydantic takes a datetime
        sort=FlowRunSort.EXPECTED_START_TIME_ASC)
    # run_count 0: never started (a run waiting to be retried is not merged away)
    overdue = [r for r in overdue if not r.run_count]
    deleted = 0
    for run in overdue[1:]:
        with contextlib.suppress(ObjectNotFound):  # the runner took it meanwhile, or it was deleted
            await client.delete_flow_run(run.id)
            deleted += 1
    return min(1, len(overdue)), deleted


class _RunReporter:
    """One line when a run of the deployment starts and one when it ends (with the warehouse's counts)."""

    def __init__(self, deployment_id: Any, since: datetime, db_path: str, say: Callable[[str], None],
                 log: Path) -> None:
        self.deployment_id, self.since, self.db_path, self.say, self.log = deployment_id, since, db_path, say, log
        self.started: set[str] = set()
        self.ended: set[str] = set()
        self.completed = 0

    async def poll(self, client: Any) -> None:
        from prefect.client.schemas.filters import (
            FlowRunFilter,
            FlowRunFilterDeploymentId,
            FlowRunFilterStartTime,
            FlowRunFilterState,
            FlowRunFilterStateType,
        )
        from prefect.client.schemas.objects import StateType
        from prefect.client.schemas.sorting import FlowRunSort

        began = [StateType.RUNNING, StateType.COMPLETED, StateType.FAILED, StateType.CRASHED,
                 StateType.CANCELLED, StateType.CANCELLING]
        runs = await client.read_flow_runs(
            flow_run_filter=FlowRunFilter(deployment_id=FlowRunFilterDeploymentId(any_=[self.deployment_id]),
                                          start_time=FlowRunFilterStartTime(after_=self.since),  # type: ignore[arg-type]
                                          state=FlowRunFilterState(type=FlowRunFilterStateType(any_=began))),
            sort=FlowRunSort.START_TIME_ASC)
        for run in runs:
            rid = str(run.id)
            if rid in self.ended or run.state is None:
                continue
            kind = "catch-up run" if CATCH_UP_TAG in (run.tags or []) else "run"
            if rid not in self.started:
                self.started.add(rid)
                self.say(f"{_utc(run.start_time)} {kind} started (flow run {run.name})")
            if run.state.is_final():
                self.ended.add(rid)
                self.completed += run.state.is_completed()
                counts = self._counts(rid) if run.state.is_completed() else f"; its output is in {self.log}"
                self.say(f"{_utc(run.end_time)} {kind} {run.state.name.lower()} (flow run {run.name}){counts}")

    def _counts(self, flow_run_id: str) -> str:
        from gonghui.warehouse.load import open_connection

        try:
            # a second at most: the next run may be starting and waits for this read
            con = open_connection(self.db_path, read_only=True, wait_seconds=1)
        except Exception:  # busy (the next run is loading) or unreadable: the line goes without counts
            return ""
        try:
            row = con.execute("SELECT run_id, files_seen, files_new, articles_loaded, articles_quarantined, "
                              "facts_loaded, report_path FROM runs WHERE prefect_flow_run_id = ?",
                              [flow_run_id]).fetchone()
        except Exception:
            return ""
        finally:
            con.close()
        if row is None:
            return ""
        run_id, seen, new, loaded, held, facts, report = row
        return (f": {run_id}, {seen} files seen, {new} new; {loaded} articles loaded, {held} quarantined, "
                f"{facts} facts; report {report or '-'}")


async def _serve(flow: Any, spec: ScheduleSpec, params: dict[str, Any], name: str, limit: int, state: Path,
                 info: dict[str, Any], say: Callable[[str], None], api: Any = None) -> None:
    from prefect.client.orchestration import get_client
    from prefect.runner import Runner
    from prefect.schedules import Cron, Interval
    from prefect.states import Scheduled
    from prefect.types.entrypoint import EntrypointType

    loop = asyncio.get_running_loop()
    stop = asyncio.Event()

    def on_signal() -> None:
        if not stop.is_set():
            say("stopping …")
        stop.set()

    def catch_signals() -> None:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, on_signal)

    catch_signals()
    now = datetime.now(UTC)
    last = last_run_started(params["db_path"])
    behind = last is None or await spec.due_between(last, now)
    # Interval: due `interval` after the warehouse's last run (or after this catch-up run).
    anchor = now if behind or last is None else last
    schedule = (Cron(spec.cron, timezone=spec.timezone) if spec.cron is not None
                else Interval(timedelta(seconds=spec.interval or 0), anchor_date=anchor))
    runner = _runner(Runner, name, limit, lambda: loop.call_soon_threadsafe(on_signal))
    deployment_id = await runner.aadd_flow(
        flow, name=name, schedule=schedule, paused=False, parameters=params,
        description="gonghui ETL on a schedule: new or changed files under the input folder are processed",
        tags=["gonghui"],
        # The repo is an installed package, so runs import `gonghui.flows.pipeline` whatever their directory.
        entrypoint_type=EntrypointType.MODULE_PATH)
    info["deployment_id"] = str(deployment_id)
    _write_info(state, info)
    reporter = _RunReporter(deployment_id, now - timedelta(seconds=1), params["db_path"], say, state / LOG_FILE)
    async with get_client() as client:
        waiting, deleted = await merge_overdue(client, deployment_id)
        next_due = await spec.next_due(now, anchor)
        say(f"serving {info['deployment']} {spec.describe()}; next scheduled run {_utc(next_due)}")
        if deleted:
            say(f"{deleted + waiting} runs fell due while serve was down: merged into one, which starts now")
        elif waiting:
            say("a run that fell due while serve was down starts now")
        elif behind:
            since = f"since {_utc(last)}" if last else "yet"
            await client.create_flow_run_from_deployment(
                deployment_id, state=Scheduled(scheduled_time=now), tags=["gonghui", CATCH_UP_TAG])
            say(f"the warehouse has had no run {since}: one catch-up run starts now")
        runner_task = asyncio.create_task(runner.start())
        await asyncio.sleep(0)  # runner.start() sets Prefect's own SIGTERM handler first thing: replace it
        catch_signals()
        failure = None
        try:
            while not stop.is_set():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), POLL_SECONDS)
                if runner_task.done():
                    exc = None if runner_task.cancelled() else runner_task.exception()
                    failure = f"Prefect's runner stopped ({exc or 'no error given'}); see {state / LOG_FILE}"
                    break
                if api is not None and api.process is not None and api.process.poll() is not None:
                    failure = f"the local Prefect server exited (code {api.process.returncode}); " \
                              f"see {api.log_path}"
                    break
                with contextlib.suppress(Exception):  # the API busy for a moment: next poll
                    await merge_overdue(client, deployment_id)
                    await reporter.poll(client)
        finally:
            try:
                # A stop that came while the runner was still starting (a SIGTERM routed by _runner while
                # start() connects): let it finish starting (`started` is set last in its __aenter__),
                # then stop it as usual; astop() refuses a runner not started, and one left starting
                # would run on until the timeout below.
                end = loop.time() + STOP_SECONDS
                while not runner.started and not runner_task.done() and loop.time() < end:
                    await asyncio.sleep(0.05)
                if runner.started:
                    # cancels a run in progress; start() then pauses the schedule and returns
                    await asyncio.wait_for(runner.astop(), STOP_SECONDS)
                await asyncio.wait_for(asyncio.gather(runner_task, return_exceptions=True), STOP_SECONDS)
            except TimeoutError:
                runner_task.cancel()
                await asyncio.gather(runner_task, return_exceptions=True)
                say(f"Prefect's runner did not stop within {STOP_SECONDS:.0f} s; stopped it")
            with contextlib.suppress(Exception):
                await reporter.poll(client)
            paused = await _is_paused(client, deployment_id)
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.remove_signal_handler(sig)
    say(f"schedule {'paused' if paused else 'NOT paused (the API did not answer)'}; "
        f"{reporter.completed} run(s) completed while serving")
    if failure:
        raise ServeError(failure)


def _runner(runner_class: Any, name: str, limit: int, on_term: Callable[[], object]) -> Any:
    """Prefect's Runner, whose own SIGTERM handler stops serve as ours does. `Runner.start()` installs
    that handler (`signal.signal(SIGTERM, self.handle_sigterm)`, which calls `sys.exit(0)`) before its
    first await, and serve puts its loop handler back only after; a SIGTERM in between raised
    SystemExit inside the runner's task, and asyncio logged "Task exception was never retrieved" with
    a 40-line traceback after "stopping …" (once in CI, 2026-12-05). Routed here, that signal is the
    same stop as any other."""
    runner = runner_class(name=name, pause_on_shutdown=True, limit=limit)
    runner.handle_sigterm = lambda *_args, **_kwargs: on_term()
    return runner


async def _is_paused(client: Any, deployment_id: Any) -> bool:
    try:
        return bool((await client.read_deployment(deployment_id)).paused)
    except Exception:
        return False
