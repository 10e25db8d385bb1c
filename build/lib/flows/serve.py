"""Scheduled runs: serve the `pipeline` flow as a Prefect deployment on a cron or interval schedule.

Prefect does the scheduling: `pipeline.serve(...)` registers a deployment with the Prefect API
(`PREFECT_API_URL`, e.g. a `prefect server start` with its UI), the server's scheduler creates the
flow runs, and the runner started here executes them, each in its own process, one at a time. Every
run lands in the warehouse's `runs` table with its `prefect_flow_run_id`. Stop with Ctrl-C (the
schedule is paused on shutdown, so no runs pile up while nothing serves them).
"""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

DEPLOYMENT_NAME = "gonghui-scheduled"
# One run at a time: a run holds the warehouse's run lock from start to end, so a second concurrent
# run could only wait and fail; a run that is due while another works starts when it is done.
DEFAULT_LIMIT = 1


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


def serve_pipeline(cron: str | None, interval: float | None, input_dir: str | Path, db_path: str | Path,
                   report_dir: str | Path, manifest_path: str | Path | None = None,
                   limit: int | None = None, name: str = DEPLOYMENT_NAME, timezone: str | None = None) -> None:
    """Serve `pipeline` on a schedule until interrupted: exactly one of `cron` ("0 6 * * *") or
    `interval` (seconds). `timezone` (IANA name, e.g. "Asia/Shanghai") applies to cron; default UTC.
    `limit` caps concurrent runs of this runner (default 1, see DEFAULT_LIMIT).

    Raises ValueError for a bad schedule or a missing input folder / manifest before anything is
    registered with Prefect.
    """
    if (cron is None) == (interval is None):
        raise ValueError("give exactly one of cron or interval")
    if cron is not None:
        _check_cron(cron, timezone)
    elif timezone is not None:
        raise ValueError("timezone applies to a cron schedule only")
    if interval is not None and interval <= 0:
        raise ValueError(f"interval must be a positive number of seconds, not {interval}")
    if not Path(input_dir).is_dir():
        raise ValueError(f"input folder {input_dir} does not exist or is not a folder")
    if manifest_path and not Path(manifest_path).is_file():
        raise ValueError(f"manifest {manifest_path} not found")
    if limit is not None and limit < 1:
        raise ValueError(f"limit must be at least 1, not {limit}")

    from prefect.schedules import Cron, Interval
    from prefect.types.entrypoint import EntrypointType

    from flows.pipeline import pipeline

    schedule = Cron(cron, timezone=timezone) if cron is not None else Interval(timedelta(seconds=interval or 0))
    pipeline.serve(
        name=name,
        schedule=schedule,
        parameters=deployment_parameters(input_dir, db_path, report_dir, manifest_path),
        description="gonghui ETL on a schedule: new or changed files under the input folder are processed",
        tags=["gonghui"],
        limit=limit or DEFAULT_LIMIT,
        pause_on_shutdown=True,
        # The repo is an installed package, so runs import `flows.pipeline` whatever their directory.
        entrypoint_type=EntrypointType.MODULE_PATH,
    )


if __name__ == "__main__":  # `python -m flows.serve ARGS` is `gonghui serve ARGS`
    from gonghui.cli import main

    sys.exit(main(["serve", *sys.argv[1:]]))
