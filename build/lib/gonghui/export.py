"""Export the curated tables and analyst views as Parquet files (DuckDB COPY, read-only warehouse)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from warehouse.load import connect

# What an analyst takes away: the curated layer, the quality layer they need to judge it, and the views.
CURATED_TABLES = ("articles", "facts", "people", "raw_files", "quarantine", "runs")
VIEWS = ("facts_enriched", "metric_by_region", "metric_timeline", "articles_by_source_month", "quarantine_summary", "dq_trend")
DEFAULT_TABLES = CURATED_TABLES + VIEWS
# Columns left out of the export, per table: the staged raw text is the input itself (large, and
# possibly not ours to redistribute); its sha256 and path stay, so every row remains traceable.
EXCLUDED_COLUMNS = {"raw_files": ("text",)}


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sql_string(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def export_parquet(db_path: str | Path, out_dir: str | Path,
                   tables: Sequence[str] | None = None) -> list[Path]:
    """Write one `<name>.parquet` per table or view into out_dir; return the paths written.

    The warehouse is opened read-only, so an export never changes it and can run beside readers.
    With `tables=None` every default table and view present is exported (an older warehouse may
    lack some views); a name given explicitly that is neither a table nor a view is an error.
    Each file is written to a temporary name and renamed, so a reader never sees half a file.
    """
    db = Path(db_path)
    if not db.exists():
        raise FileNotFoundError(f"no warehouse at {db}; run `gonghui run` first")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with connect(db, read_only=True) as con:
        present = {r[0] for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE NOT internal "
            "UNION SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}
        if tables is None:
            names = [t for t in DEFAULT_TABLES if t in present]
        else:
            unknown = [t for t in tables if t not in present]
            if unknown:
                raise ValueError(f"not a table or view of {db}: {', '.join(unknown)} "
                                 f"(known: {', '.join(sorted(present))})")
            names = list(dict.fromkeys(tables))
        for name in names:
            excluded = EXCLUDED_COLUMNS.get(name, ())
            cols = [r[0] for r in con.execute(
                "SELECT column_name FROM duckdb_columns() WHERE table_name = ? ORDER BY column_index",
                [name]).fetchall()]
            keep = ", ".join(_quote(c) for c in cols if c not in excluded)
            target = out / f"{name}.parquet"
            tmp = out / f".{name}.parquet.tmp"
            con.execute(f"COPY (SELECT {keep} FROM {_quote(name)}) TO {_sql_string(str(tmp))} "
                        f"(FORMAT parquet, COMPRESSION zstd)")
            os.replace(tmp, target)
            written.append(target)
    return written
