"""Imported once by the process Dask's local workers fork from: everything a transform worker needs."""
# ruff: noqa: E402 - SIGINT is ignored before the imports (see below)

import atexit
import gc
import logging
import os
import signal

# A terminal's Ctrl-C reaches every process of the foreground group, these workers included: they
# ignore it (the forkserver hands this process's SIGINT disposition to every worker it forks), and
# `gonghui run` stops the cluster itself once the run is recorded as interrupted. Before, each worker
# died with a KeyboardInterrupt of its own while the run was still using it.
# This comes first, before the imports below (2-5 s on a busy machine, the forkserver's own SIGINT guard
# is set only after them): a Ctrl-C during those imports printed a 40-line KeyboardInterrupt traceback
# from the forkserver before the run's one line.
signal.signal(signal.SIGINT, signal.SIG_IGN)

import distributed  # noqa: F401
import great_expectations  # noqa: F401
import pandas  # noqa: F401
import prefect  # noqa: F401
import prefect_dask  # noqa: F401
import pyarrow.parquet  # noqa: F401

import gonghui.flows.tasks  # noqa: F401
import gonghui.transforms.clean  # noqa: F401
import gonghui.transforms.decode  # noqa: F401
import gonghui.transforms.dedup  # noqa: F401
import gonghui.transforms.facts  # noqa: F401
import gonghui.transforms.people  # noqa: F401
import gonghui.transforms.segment  # noqa: F401

# GX sets this logger to INFO when imported: each worker's first validation printed "Created temporary
# directory … for ephemeral docs site". Only under -v (gonghui.cli.quiet_environment sets the variable).
if not os.environ.get("GONGHUI_VERBOSE"):
    logging.getLogger("great_expectations.data_context.types.base").setLevel(logging.WARNING)

# Objects loaded so far live as long as the process: keep the cyclic collector from visiting them, so
# forked workers do not copy every page it would touch.
gc.freeze()

# The frozen objects above (DuckDB's types and functions among them) are never freed, so the
# interpreter's teardown of this process listed them as nanobind "leaked" instances and functions at
# the end of `--workers` runs. The forkserver ends when the run does: after its exit handlers it
# ends without that teardown (forked workers always end with os._exit, see multiprocessing.popen_fork).
atexit.register(os._exit, 0)
