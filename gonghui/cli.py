"""The `gonghui` command: run the pipeline, query the warehouse read-only, rebuild the report."""

from __future__ import annotations

import argparse
import csv
import errno
import json
import os
import re
import sys
import time
from pathlib import Path
from typing import Any

from gonghui import bundled_samples
from gonghui.tables import _csv_cell, format_rows

# The bundled samples (data/samples in a checkout, gonghui/samples when installed): `gonghui run` works from
# any folder.
DEFAULT_INPUT = bundled_samples()
DEFAULT_DB = "warehouse/gonghui.duckdb"
DEFAULT_REPORTS = "reports"
# A run holds DuckDB's write lock for at most warehouse.load.LOAD_HOLD_SECONDS (10 s) plus one batch at a
# time; a query waits this long for it before giving up.
SQL_WAIT_SECONDS = 30.0
# A query from the terminal is stopped after this long unless --timeout says otherwise: a scheduled run
# waiting for the warehouse should not wait behind a query someone forgot (0 = no limit).
SQL_TIMEOUT_SECONDS = 60.0
# Rows printed to the terminal unless --all or --max-rows: a screenful of answers, not 10 million rows
# (227 MB of text and 5 GB of memory, measured). The query itself is capped, so memory stays bounded.
SQL_MAX_ROWS = 1000
# Rows fetched at a time when every row is asked for (--all): bounded memory however large the result.
SQL_FETCH_ROWS = 10_000


def quiet_environment(verbose: bool = False) -> None:
    """Embedded defaults: Prefect's local ephemeral API, no telemetry, no INFO chatter, no shutdown noise."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")  # its telemetry write races on SQLite
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO" if verbose else "WARNING")
    os.environ.setdefault("PREFECT_LOGGING_SERVER_LEVEL", "WARNING" if verbose else "ERROR")
    # A cold ephemeral API takes ~7 s here; give slow CI machines room before Prefect gives up.
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    os.environ.setdefault("TQDM_DISABLE", "1")
    # Dask's scheduler and nannies log every start and stop at INFO (and a worker's exit as "killed").
    os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "warning" if verbose else "error")
    os.environ.setdefault("DASK_DISTRIBUTED__LOGGING__DISTRIBUTED", "warning" if verbose else "error")
    if verbose:
        os.environ["GONGHUI_VERBOSE"] = "1"  # Dask workers: GX's INFO lines too (gonghui.workerpreload)
    else:
        # multiprocessing's resource tracker (a process of its own, started for Dask's workers) warned
        # about "leaked semaphore objects" when a stopped run's cluster went down with its workers
        os.environ.setdefault("PYTHONWARNINGS", "ignore::UserWarning:multiprocessing.resource_tracker")


def cmd_sql(args: argparse.Namespace) -> int:
    import duckdb

    db = Path(args.db)
    if not db.exists():
        print(f"error: no warehouse at {db}; run `gonghui run` first", file=sys.stderr)
        return 2
    from gonghui.warehouse.load import WarehouseBusy, open_connection

    # read_only: DuckDB refuses every write; external access off: no COPY TO / ATTACH / file writes.
    config = {"enable_external_access": False}
    try:
        try:
            con = open_connection(db, read_only=True, wait_seconds=0, config=config)
        except WarehouseBusy:
            # a run is loading: it releases the lock at least every few seconds
            print(f"waiting up to {args.wait:.0f} s for a gonghui run to release {db} …", file=sys.stderr)
            con = open_connection(db, read_only=True, wait_seconds=args.wait, config=config)
    except WarehouseBusy:
        print(f"error: {db} is being written by a gonghui run right now (DuckDB allows one writer) and was "
              f"not released within {args.wait:.0f} s; retry, or pass --wait with more seconds.", file=sys.stderr)
        return 3
    import signal
    import threading

    stopped: list[str] = []

    def stop(why: str) -> None:
        stopped.append(why)
        con.interrupt()

    timer = threading.Timer(args.timeout, stop, ["timeout"]) if args.timeout > 0 else None
    previous = signal.signal(signal.SIGINT, lambda *_: stop("interrupt"))
    try:
        con.execute("SET lock_configuration = true")
        if timer is not None:
            timer.start()
        limit = None if args.all else args.max_rows
        cur = _execute_capped(con, args.query, limit)
        if cur.description is None:
            return 0
        cols = [d[0] for d in cur.description]
        if limit is None and args.format != "table":
            _stream_rows(cur, cols, args.format)
            return 0
        rows = cur.fetchall() if limit is None else cur.fetchmany(limit + 1)
        more = limit is not None and len(rows) > limit
        print(format_rows(cols, rows[:limit] if more else rows, args.format))
        if more:
            print(f"(only the first {limit} rows are shown: --max-rows N for more, --all for every row)",
                  file=sys.stderr)
        return 0
    except (duckdb.Error, KeyboardInterrupt) as exc:
        if stopped == ["timeout"]:
            print(f"error: the query was stopped after {args.timeout:g} s (--timeout SECONDS to allow more, "
                  f"0 for no limit)", file=sys.stderr)
            return 1
        if stopped or isinstance(exc, KeyboardInterrupt):
            print("query interrupted", file=sys.stderr)
            return 130
        msg = str(exc)
        if "read-only" in msg or "read only" in msg:
            print(f"error: gonghui sql opens the warehouse read-only; it cannot change it.\n  ({msg})",
                  file=sys.stderr)
        elif "external access" in msg.lower():
            print(f"error: gonghui sql cannot read or write files outside the warehouse.\n  ({msg})",
                  file=sys.stderr)
        else:
            print(f"error: {msg}", file=sys.stderr)
        return 1
    finally:
        if timer is not None:
            timer.cancel()
        signal.signal(signal.SIGINT, previous)
        con.close()


_QUERY_START_RE = re.compile(r"^\s*(?:--[^\n]*\n\s*)*\(*\s*(?:select|with|from|values|table)\b", re.IGNORECASE)


def _execute_capped(con: Any, query: str, limit: int | None) -> Any:
    """Run the query; a SELECT-like one with a limit as `SELECT * FROM (query) LIMIT limit + 1`, so DuckDB
    stops producing rows there (PRAGMA, SHOW, DESCRIBE … run as given; their results are small)."""
    import duckdb

    if limit is not None and _QUERY_START_RE.match(query):
        try:
            return con.execute(f"SELECT * FROM ({query.strip().rstrip(';')}\n) AS q LIMIT {limit + 1}")
        except duckdb.ParserException:
            pass  # e.g. a ";" followed by a comment: the query as given (its own errors are the user's)
    return con.execute(query)


def _stream_rows(cur: Any, cols: list[str], fmt: str) -> None:
    """Every row, SQL_FETCH_ROWS at a time, as CSV or as the JSON array format_rows prints: memory stays
    bounded."""
    writer = csv.writer(sys.stdout, lineterminator="\n") if fmt == "csv" else None
    if writer is not None:
        writer.writerow(cols)
    else:
        sys.stdout.write("[")
    first = True
    while rows := cur.fetchmany(SQL_FETCH_ROWS):
        if writer is not None:
            writer.writerows([[_csv_cell(v) for v in r] for r in rows])
            continue
        for r in rows:
            sys.stdout.write(("\n " if first else ",\n ")
                             + json.dumps(dict(zip(cols, r, strict=True)), ensure_ascii=False, default=str))
            first = False
    if writer is None:
        sys.stdout.write("\n]\n" if not first else "]\n")


# Exit codes (README, "The command line"): 0 done; 1 the run failed or held back a batch (see the report);
# 2 bad arguments or input setup (nothing was started); 3 the warehouse is busy (another run, a long
# query); 4 storage (read-only file system, full disk, a folder gonghui may not write); 130/143 stopped by
# SIGINT (Ctrl-C) / SIGTERM (gonghui.stopping).
EXIT_FAILED, EXIT_USAGE, EXIT_BUSY, EXIT_STORAGE = 1, 2, 3, 4
# errno values that mean "the storage cannot take this write", whatever the file: exit 4, one line
STORAGE_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EFBIG, errno.EACCES, errno.EPERM, errno.EIO}
# ... and how DuckDB words the same errors (its IOException carries the OS's text, not an errno)
STORAGE_MESSAGES = ("no space left", "read-only file system", "file too large", "disk quota",
                    "permission denied", "could not write", "could not truncate", "input/output error")


class UsageError(Exception):
    """A run that cannot start: one line for the terminal and the exit code."""

    def __init__(self, message: str, code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.code = code


def _nearest_existing(path: Path) -> Path:
    p = path.absolute()
    while not p.exists() and p.parent != p:
        p = p.parent
    return p


def _check_writable(path: Path, what: str, way_out: str) -> None:
    """Exit 4 before anything starts when `path` (or the folder it will be made in) cannot be written."""
    base = _nearest_existing(path)
    if os.access(base, os.W_OK):
        return
    try:
        read_only = bool(os.statvfs(base).f_flag & os.ST_RDONLY)
    except OSError:
        read_only = False
    why = "the file system is read-only" if read_only else "permission denied"
    raise UsageError(f"cannot write {what} {path} ({why} at {base}); {way_out}", EXIT_STORAGE)


def prefect_home() -> Path:
    return Path(os.environ.get("PREFECT_HOME") or Path.home() / ".prefect").expanduser()


def check_warehouse_file(db: Path, full_refresh: bool = False) -> None:
    """A --db that is there must be a gonghui warehouse DuckDB can open: a damaged file (cut short by a
    full disk or a copy) or someone else's database gets one line and exit 2, not a traceback through
    Prefect. With --full-refresh a damaged file is moved aside and the warehouse rebuilt."""
    import duckdb

    if not db.is_file() or db.stat().st_size == 0:
        return
    try:
        con = duckdb.connect(str(db), read_only=True)
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            return  # held by another process: the run's own lock handling says so (exit 3)
        problem = str(exc).splitlines()[0]
    except duckdb.Error as exc:
        problem = str(exc).splitlines()[0]
    else:
        try:
            tables = {r[0] for r in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE NOT internal").fetchall()}
            if tables and "runs" not in tables:
                raise UsageError(f"{db} is a DuckDB database but not a gonghui warehouse (it has no runs "
                                 f"table; tables: {', '.join(sorted(tables)[:5])}); give --db a new file name")
            if "runs" in tables:
                con.execute("SELECT count(*) FROM runs").fetchall()
            return
        except duckdb.Error as exc:
            problem = str(exc).splitlines()[0]
        finally:
            con.close()
    if full_refresh:
        aside = db.with_name(db.name + ".damaged-" + time.strftime("%Y%m%dT%H%M%S"))
        os.replace(db, aside)
        wal = Path(str(db) + ".wal")
        if wal.exists():
            os.replace(wal, Path(str(aside) + ".wal"))
        print(f"warehouse {db} could not be opened ({problem[:160]}); moved aside to {aside.name}, "
              f"rebuilding from the input (--full-refresh)", file=sys.stderr)
        return
    # the copy a migration kept (warehouse.load.backup_path), newest version first: the way back named
    kept = sorted(db.parent.glob(db.name + ".pre-migration-v*"), key=lambda p: p.stat().st_mtime, reverse=True)
    restore = (f"restore {kept[0]}, the copy kept before the last migration" if kept
               else "restore a copy of it")
    raise UsageError(f"{db} is damaged or not a DuckDB warehouse ({problem[:160]}); rebuild it from the "
                     f"input with `gonghui run --full-refresh` (the damaged file is kept beside it), "
                     f"or {restore}")


def check_run_args(args: argparse.Namespace) -> None:
    """Everything a run can be refused for, before anything starts (no Prefect, no row in `runs`)."""
    if args.batch_size < 1:
        raise UsageError(f"--batch-size must be at least 1 (files per batch), not {args.batch_size}")
    if args.workers is not None and args.workers < 1:
        raise UsageError(f"--workers must be at least 1 (Dask worker processes), not {args.workers}")
    inp = Path(args.input)
    if not args.reprocess:
        if not inp.exists():
            raise UsageError(f"input folder {inp} does not exist; --input names the folder holding the files")
        if not inp.is_dir():
            raise UsageError(f"input {inp} is a file, not a folder; --input names the folder holding the files")
        if not os.access(inp, os.R_OK | os.X_OK):
            raise UsageError(f"cannot open input folder {inp} (permission denied)")
    db = Path(args.db)
    if db.is_dir():
        raise UsageError(f"--db {db} is a folder; give the warehouse's file name, e.g. {db / 'gonghui.duckdb'}")
    parent = _nearest_existing(db.parent)
    if not parent.is_dir():
        raise UsageError(f"--db {db}: {parent} is a file, not a folder")
    rep = Path(args.report_dir)
    if rep.exists() and not rep.is_dir():
        raise UsageError(f"--report-dir {rep} is a file; give a folder for the report pages")
    if not _nearest_existing(rep).is_dir():
        raise UsageError(f"--report-dir {rep}: {_nearest_existing(rep)} is a file, not a folder")
    if args.columns:
        from gonghui.transforms.readers import parse_columns_override

        try:
            parse_columns_override(args.columns)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    manifest = args.manifest
    if manifest:
        if not Path(manifest).is_file():
            raise UsageError(f"manifest {manifest} not found (--manifest names a CSV, TSV or JSON Lines file)")
    elif not args.reprocess:
        from gonghui.flows.inputs import manifest_in  # the lookup discovery makes (no Prefect import)

        manifest = manifest_in(inp)
    if manifest:
        from gonghui.transforms.manifest import ManifestError, read_manifest

        try:
            read_manifest(Path(manifest).read_bytes(), Path(manifest).name)
        except ManifestError as exc:
            raise UsageError(f"manifest {exc}") from None
        except OSError as exc:
            raise UsageError(f"cannot read manifest {manifest}: {exc.strerror}") from None
    _check_writable(db, "the warehouse", "point --db at a folder you can write")
    _check_writable(rep, "the report folder", "point --report-dir at a folder you can write")
    if not os.environ.get("PREFECT_API_URL"):
        _check_writable(prefect_home(), "Prefect's home", "set PREFECT_HOME to a folder you can write "
                        "(Prefect keeps its settings and local database there)")
    check_warehouse_file(db, args.full_refresh)


def storage_problem(exc: BaseException) -> str | None:
    """The OS's words when `exc` (or what caused it) is the storage refusing a write, else None."""
    import duckdb

    seen = 0
    e: BaseException | None = exc
    while e is not None and seen < 10:
        if isinstance(e, OSError) and e.errno in STORAGE_ERRNOS:
            return f"{e.strerror}" + (f": {e.filename}" if e.filename else "")
        if isinstance(e, duckdb.Error):
            msg = str(e)
            if any(m in msg.lower() for m in STORAGE_MESSAGES):
                return msg.splitlines()[0][:200]
        e = e.__cause__ or e.__context__
        seen += 1
    return None


def _drain_prefect() -> None:
    """Send what Prefect's background services (logs, events) still hold while the API is up: once it
    is stopped they would print "Error logging to API" at exit."""
    if "prefect" not in sys.modules:
        return
    try:
        from prefect._internal.concurrency.services import QueueService

        QueueService.drain_all(timeout=5)
    except Exception:  # noqa: BLE001 - best effort at exit; nothing to report to the user
        pass


def cmd_run(args: argparse.Namespace) -> int:
    if not args.verbose:
        # A failing run is one line of ours (exit 1, -v for the traceback); Prefect's ERROR records of
        # the same failure were ~90 lines of tracebacks (a bad manifest) and ~100 on Ctrl-C.
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "CRITICAL")
    quiet_environment(args.verbose)
    from gonghui.stopping import RunStopped, ignore_signals, stop_on_signals

    with stop_on_signals(quiet=not args.verbose):
        try:
            return _cmd_run(args)
        except RunStopped as exc:
            ignore_signals()
            _kill_local_workers()
            print(f"gonghui run: stopped by {exc.name} before the run began; nothing was changed",
                  file=sys.stderr)
            return exc.exit_code
        except UsageError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return exc.code


def _kill_local_workers() -> None:
    """A stopped run's Dask workers and forkserver end now (see flows.pipeline.kill_local_workers);
    otherwise Dask's exit handler waited for a forkserver still importing (7-11 s after the line)."""
    pipeline = sys.modules.get("gonghui.flows.pipeline")
    if pipeline is not None:
        pipeline.kill_local_workers()


def _cmd_run(args: argparse.Namespace) -> int:
    check_run_args(args)
    inp = Path(args.input)
    from gonghui.apiserver import LocalAPI, LocalAPIError
    from gonghui.stopping import ignore_signals
    from gonghui.transforms.manifest import ManifestError
    from gonghui.warehouse.load import RunInProgress, WarehouseBusy, run_lock

    try:  # fail fast, before Prefect starts, when another run holds this warehouse
        with run_lock(args.db):
            pass
    except RunInProgress as exc:
        raise UsageError(str(exc), EXIT_BUSY) from None
    except OSError as exc:
        if (why := storage_problem(exc)) is not None:
            raise UsageError(f"cannot write beside the warehouse {args.db} ({why})", EXIT_STORAGE) from None
        raise
    from gonghui.warehouse.load import WarehouseTooNew, check_schema

    try:  # a warehouse written by a newer gonghui is refused before anything starts
        check_schema(args.db)
    except WarehouseTooNew as exc:
        raise UsageError(str(exc), EXIT_USAGE) from None

    t0 = time.monotonic()
    api = None
    if not os.environ.get("PREFECT_API_URL"):
        # Prefect's local API boots in its own process while this one imports Prefect and the flow.
        api = LocalAPI(quiet=not args.verbose).start()
    summary: dict[str, Any] | None = None
    try:
        from gonghui.flows.pipeline import run_pipeline

        if api is not None:
            api.wait_ready()
        mode = "reprocess" if args.reprocess else "full_refresh" if args.full_refresh else "incremental"
        summary = run_pipeline(workers=args.workers, dask_address=args.dask_address, input_dir=str(inp),
                               db_path=args.db, manifest_path=args.manifest, report_dir=args.report_dir,
                               batch_size=args.batch_size, mode=mode, columns=args.columns,
                               quiet=not args.verbose, prune=args.prune)
    except ManifestError as exc:
        raise UsageError(f"manifest: {exc}") from None
    except (WarehouseBusy, RunInProgress) as exc:
        raise UsageError(str(exc), EXIT_BUSY) from None
    except LocalAPIError as exc:
        raise UsageError(str(exc), EXIT_FAILED) from None
    except Exception as exc:
        if args.verbose:
            import traceback

            traceback.print_exc()
        if (why := storage_problem(exc)) is not None:
            raise UsageError(f"storage: a write failed ({why}); free space or point --db/--report-dir at "
                             f"other storage and run again: the batch in flight was rolled back, the run "
                             f"is recorded as failed if the warehouse could still be written",
                             EXIT_STORAGE) from None
        raise UsageError(f"the run failed: {type(exc).__name__}: {str(exc).splitlines()[0][:300] if str(exc) else ''}"
                         f"{'' if args.verbose else ' (run again with -v for the details)'}",
                         EXIT_FAILED) from None
    finally:
        if summary is not None and summary.get("stopped_by"):
            ignore_signals()  # the cleanup below is not to be cut short by a second Ctrl-C
            _kill_local_workers()  # whatever the flow could not reach (a cluster stopped while starting)
        _drain_prefect()
        if api is not None:
            api.stop()
    dt = time.monotonic() - t0
    if summary.get("stopped_by"):
        import signal

        from gonghui.stopping import EXIT_CODES

        sig = signal.Signals(summary["stopped_by"])
        print(f"gonghui run {summary['run_id']}: stopped by {sig.name} after {dt:.1f} s; the batch in flight "
              f"was rolled back, {summary['files_loaded']} files loaded before it stay, the run is recorded as "
              f"interrupted; run again to go on", file=sys.stderr)
        return EXIT_CODES.get(sig, 128 + sig.value)
    print(f"""
run {summary['run_id']} {summary['status']} in {dt:.1f} s
  files:        {summary['files_seen']} seen, {summary['files_new']} processed, {summary['files_skipped']} unchanged \
({summary['files_loaded']} loaded, {summary['files_quarantined']} quarantined)
  input:        {summary.get('files_revised', 0)} revised, {summary.get('files_missing', 0)} no longer there ({summary.get('files_pruned', 0)} pruned)
  articles:     {summary['articles_loaded']} loaded, {summary['articles_quarantined']} quarantined
  facts:        {summary['facts_loaded']} loaded; people: {summary['people_loaded']}
  expectations: {summary['expectations_failed']} failed (expectation × batch){_changes(summary)}
  warehouse:    {args.db}
  report:       {summary['report']}""")
    return 0 if summary["status"] == "completed" else 1


def _changes(summary: dict[str, Any]) -> str:
    if not summary.get("changes"):
        return ""
    return "".join(f"\n  {t + ':':13} {c['added']} added, {c['removed']} removed, {c['altered']} altered, "
                   f"{c['unchanged']} unchanged ({summary['mode']})" for t, c in sorted(summary["changes"].items()))


def cmd_report(args: argparse.Namespace) -> int:
    from gonghui.report import write_report

    if not Path(args.db).exists():
        print(f"error: no warehouse at {args.db}; run `gonghui run` first", file=sys.stderr)
        return 2
    rep = Path(args.report_dir)
    if rep.exists() and not rep.is_dir():
        print(f"error: --report-dir {rep} is a file; give a folder for the report pages", file=sys.stderr)
        return 2
    try:
        check_warehouse_file(Path(args.db))
        page = write_report(args.db, args.report_dir)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.code
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        if (why := storage_problem(exc)) is not None:
            print(f"error: cannot write the report in {rep} ({why})", file=sys.stderr)
            return EXIT_STORAGE
        raise
    print(f"report: {page}")
    print(f"index:  {Path(args.report_dir) / 'index.html'}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    quiet_environment(args.verbose)
    from gonghui.apiserver import LocalAPIError
    from gonghui.flows.serve import ServeBusy, ServeError, serve_pipeline

    try:
        serve_pipeline(args.cron, args.interval, args.input, args.db, args.report_dir, args.manifest,
                       args.limit, args.name, args.timezone, verbose=args.verbose)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except ServeBusy as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 3
    except (LocalAPIError, ServeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM before serving began; what was started is stopped
        print("gonghui serve: stopped", file=sys.stderr)
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from gonghui.status import status_text
    from gonghui.warehouse.load import WarehouseBusy

    try:
        print(status_text(args.db, args.name, args.wait))
    except WarehouseBusy as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 3
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from gonghui.export import export

    try:
        check_warehouse_file(Path(args.db))
        result = export(args.db, args.out, args.tables.split(",") if args.tables else None, history=args.history)
        paths, replaced = result.paths, result.removed
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.code
    except (FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        if (why := storage_problem(exc)) is not None:
            print(f"error: cannot write the export in {args.out} ({why})", file=sys.stderr)
            return EXIT_STORAGE
        raise
    for p in paths:
        print(p)
    if replaced:
        print(f"replaced the earlier export in {args.out}: {len(replaced)} file(s) of it not written this time "
              f"were removed ({', '.join(p.name for p in replaced[:5])})", file=sys.stderr)
    return 0


def cmd_docs(args: argparse.Namespace) -> int:
    """Write the warehouse catalogue (docs/warehouse.md) from the DDL; --check: only say whether it is current."""
    from gonghui.catalogue import build, render_markdown

    text = render_markdown(build())
    out = Path(args.out)
    if args.check:
        current = out.is_file() and out.read_text(encoding="utf-8") == text
        print(f"{out}: {'up to date' if current else 'out of date with the DDL; run `gonghui docs`'}",
              file=sys.stdout if current else sys.stderr)
        return 0 if current else 1
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        print(f"error: cannot write {out} ({exc.strerror or exc})", file=sys.stderr)
        return EXIT_STORAGE
    print(out)
    return 0


def cmd_browse(args: argparse.Namespace) -> int:
    """Serve the read-only workbench (gonghui/browse) until Ctrl-C."""
    from gonghui.browse.app import serve

    db = Path(args.db)
    if not db.is_file():
        print(f"error: no warehouse at {db}; run `gonghui run` first", file=sys.stderr)
        return 2
    return serve(db, host=args.host, port=args.port)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="gonghui", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)
    r = sub.add_parser("run", help="run the pipeline over an input folder")
    r.add_argument("--input", default=DEFAULT_INPUT, help=f"input folder (default {DEFAULT_INPUT})")
    r.add_argument("--db", default=DEFAULT_DB, help=f"DuckDB file (default {DEFAULT_DB})")
    r.add_argument("--manifest", default=None, help="CSV or JSON Lines with metadata a file lacks")
    r.add_argument("--report-dir", default=DEFAULT_REPORTS, help=f"report folder (default {DEFAULT_REPORTS})")
    r.add_argument("--batch-size", type=int, default=2000, help="files per task run (default 2000)")
    again = r.add_mutually_exclusive_group()
    again.add_argument("--reprocess", action="store_true", help="rebuild derived tables from the staged raw "
                       "text (the input folder is not read) and report what changed")
    again.add_argument("--full-refresh", action="store_true", help="forget every derived row and process the "
                       "input folder from scratch")
    r.add_argument("--prune", action="store_true", help="retire the rows of files no longer in the input "
                   "(without it they are marked missing and kept)")
    r.add_argument("--workers", type=int, default=None,
                   help="run the transforms on a local Dask cluster of N worker processes")
    r.add_argument("--dask-address", default=None, help="run the transforms on an existing Dask cluster "
                   "(tcp://host:8786); shards go to GONGHUI_SHARD_DIR, which every worker must reach")
    r.add_argument("--columns", default=None, help="crawler exports (CSV/TSV/JSON): which column holds a "
                   "field, e.g. title=标题,date=发布时间 (fields: see README)")
    r.add_argument("-v", "--verbose", action="store_true", help="show Prefect's own logs")
    r.set_defaults(func=cmd_run)
    s = sub.add_parser("sql", help="query the warehouse (read-only)")
    s.add_argument("query")
    s.add_argument("--db", default=DEFAULT_DB)
    s.add_argument("--format", choices=["table", "csv", "json"], default="table")
    s.add_argument("--wait", type=float, default=SQL_WAIT_SECONDS,
                   help="seconds to wait while a run holds the warehouse (default %(default)s)")
    s.add_argument("--timeout", type=float, default=SQL_TIMEOUT_SECONDS,
                   help="stop the query after this many seconds (default %(default)s; 0: no limit)")
    s.add_argument("--max-rows", type=int, default=SQL_MAX_ROWS,
                   help="rows to print at most (default %(default)s)")
    s.add_argument("--all", action="store_true", help="every row (csv/json are streamed)")
    s.set_defaults(func=cmd_sql)
    rep = sub.add_parser("report", help="rebuild the data-quality report from the warehouse")
    rep.add_argument("--db", default=DEFAULT_DB)
    rep.add_argument("--report-dir", default=DEFAULT_REPORTS)
    rep.set_defaults(func=cmd_report)
    sv = sub.add_parser("serve", help="run the pipeline on a schedule (a Prefect deployment)")
    when = sv.add_mutually_exclusive_group(required=True)
    when.add_argument("--cron", help='cron expression, e.g. "0 6 * * *" (UTC unless --timezone)')
    when.add_argument("--interval", type=float, help="seconds between runs")
    sv.add_argument("--timezone", default=None, help='time zone of --cron, e.g. "Asia/Shanghai"')
    sv.add_argument("--input", default=DEFAULT_INPUT)
    sv.add_argument("--db", default=DEFAULT_DB)
    sv.add_argument("--report-dir", default=DEFAULT_REPORTS)
    sv.add_argument("--manifest", default=None)
    sv.add_argument("--limit", type=int, default=None, help="concurrent runs (default 1)")
    sv.add_argument("--name", default="gonghui-scheduled", help="deployment name")
    sv.add_argument("-v", "--verbose", action="store_true")
    sv.set_defaults(func=cmd_serve)
    st = sub.add_parser("status", help="schedule, next run, run in progress and the last runs (starts nothing)")
    st.add_argument("--db", default=DEFAULT_DB)
    st.add_argument("--name", default=None, help="deployment name (default: the one gonghui serve registered)")
    st.add_argument("--wait", type=float, default=SQL_WAIT_SECONDS,
                    help="seconds to wait while a run holds the warehouse (default %(default)s)")
    st.set_defaults(func=cmd_status)
    ex = sub.add_parser("export", help="write the curated tables and views as Parquet files")
    ex.add_argument("--format", choices=["parquet"], default="parquet")
    ex.add_argument("out", help="output folder")
    ex.add_argument("--db", default=DEFAULT_DB)
    ex.add_argument("--tables", default=None, help="comma-separated names (default: curated tables and views)")
    ex.add_argument("--history", action="store_true",
                    help="also the rows a revision or --prune retired (valid_to set); default: current rows")
    ex.set_defaults(func=cmd_export)
    br = sub.add_parser("browse", help="browse the warehouse in a web browser (read-only, local)")
    br.add_argument("--db", default=DEFAULT_DB)
    br.add_argument("--host", default="127.0.0.1", help="address to listen on (default %(default)s: this machine only)")
    br.add_argument("--port", type=int, default=0, help="port (default 0: a free one, printed at start)")
    br.set_defaults(func=cmd_browse)
    dc = sub.add_parser("docs", help="write the warehouse catalogue (tables, columns, metrics, lineage) from the DDL")
    dc.add_argument("--out", default="docs/warehouse.md", help="file to write (default %(default)s)")
    dc.add_argument("--check", action="store_true", help="write nothing; exit 1 when the file is out of date")
    dc.set_defaults(func=cmd_docs)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    rc = int(args.func(args))
    if argv is None and args.func is cmd_run:
        _exit_now(rc)
    return rc


def _exit_now(rc: int) -> None:
    """End `gonghui run` here, without the interpreter's teardown of every imported module. By now all
    that the run opened is closed explicitly (warehouse connections, the API server, the Dask cluster,
    Prefect's log and event queues drained). The teardown of Prefect's, GX's and pandas' modules took
    1-5 s after the summary (5.4 s for `import flows.pipeline` alone on a loaded 2-core machine), kept a
    stopped run from ending within 2 s, and is where DuckDB's nanobind printed "leaked function" lines
    for objects the teardown reached in the wrong order."""
    import atexit

    atexit._run_exitfuncs()  # Prefect's, Dask's and multiprocessing's exit handlers (semaphores, logging)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(rc)


if __name__ == "__main__":
    sys.exit(main())
