"""Imported once by the process Dask's local workers fork from: everything a transform worker needs."""

import gc

import distributed  # noqa: F401
import great_expectations  # noqa: F401
import pandas  # noqa: F401
import prefect  # noqa: F401
import prefect_dask  # noqa: F401
import pyarrow.parquet  # noqa: F401

import flows.tasks  # noqa: F401
import transforms.clean  # noqa: F401
import transforms.decode  # noqa: F401
import transforms.dedup  # noqa: F401
import transforms.facts  # noqa: F401
import transforms.people  # noqa: F401
import transforms.segment  # noqa: F401

# Objects loaded so far live as long as the process: keep the cyclic collector from visiting them, so
# forked workers do not copy every page it would touch.
gc.freeze()
