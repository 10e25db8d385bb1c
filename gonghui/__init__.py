"""gonghui: 工会新闻 ETL into DuckDB."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import duckdb

__version__ = "0.1.0"


def bundled_samples() -> str:
    """The five sample files gonghui ships: `gonghui/samples` when installed, `data/samples` in a checkout.

    Said relative to the current folder when they lie under it (a checkout's `data/samples`), so what a run
    prints stays short; absolute otherwise, so `gonghui run` works from any folder.
    """
    here = Path(__file__).resolve().parent
    installed = here / "samples"
    path = installed if installed.is_dir() else here.parent / "data" / "samples"
    try:
        rel = path.relative_to(Path.cwd().resolve())
    except ValueError:
        return str(path)
    return str(rel) if str(rel) != "." else str(path)


# Where `gonghui run` writes unless --db says otherwise (the same default as gonghui.cli.DEFAULT_DB;
# tests/test_browse_connect.py keeps the two equal). GONGHUI_DB overrides it for notebooks.
DEFAULT_DB = "warehouse/gonghui.duckdb"


def connect(path: str | Path | None = None) -> duckdb.DuckDBPyConnection:
    """A read-only DuckDB connection to the warehouse, for notebooks and scripts.

    `path` defaults to $GONGHUI_DB, else warehouse/gonghui.duckdb. The analyst views (facts_enriched,
    metric_by_region, metric_timeline, …) live in the file, so they are there as soon as a run has made it.
    Read-only: DuckDB refuses every write through it. DuckDB lets one process write a file while no other
    process has it open, so close the connection (or use it in a `with` block) before the next
    `gonghui run` loads: a run waits up to 60 s for it, then stops with a clear message.
    """
    import os

    import duckdb

    db = Path(path if path is not None else os.environ.get("GONGHUI_DB") or DEFAULT_DB)
    if not db.is_file():
        raise FileNotFoundError(f"no warehouse at {db}; run `gonghui run --db {db}` first, or pass its path")
    return duckdb.connect(str(db), read_only=True)
