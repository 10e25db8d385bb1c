"""Export the curated tables and analyst views as Parquet files (DuckDB COPY, read-only warehouse)."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from gonghui.warehouse.load import connect

# What an analyst takes away: the curated layer, the quality layer they need to judge it, and the views.
CURATED_TABLES = ("articles", "facts", "people", "raw_files", "quarantine", "runs")
VIEWS = ("facts_enriched", "metric_by_region", "metric_timeline", "articles_by_source_month", "quarantine_summary", "dq_trend")
DEFAULT_TABLES = CURATED_TABLES + VIEWS
# Columns left out of the export, per table: the staged raw text is the input itself (large, and
# possibly not ours to redistribute); its sha256 and path stay, so every row remains traceable.
EXCLUDED_COLUMNS = {"raw_files": ("text",)}


# Written beside the Parquet files: which files this export wrote, and when. A later export into the
# same folder removes the files of the earlier one it does not write again (a table dropped from
# --tables, a view renamed): before, they stayed and looked as current as the rest.
MARKER = "gonghui-export.json"


@dataclass
class ExportResult:
    paths: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)  # stale files of the earlier export


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sql_string(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def export_parquet(db_path: str | Path, out_dir: str | Path,
                   tables: Sequence[str] | None = None, *, history: bool = False) -> list[Path]:
    """export(), the paths written."""
    return export(db_path, out_dir, tables, history=history).paths


def _earlier_export(out: Path) -> list[str]:
    """The files an earlier export wrote into `out` ([] for a new or empty folder); a folder holding
    Parquet files that no gonghui export wrote is refused (they would be mixed with this export's)."""
    if out.exists() and not out.is_dir():
        raise ValueError(f"{out} is a file; give a folder for the Parquet files")
    if not out.is_dir():
        return []
    marker = out / MARKER
    if marker.is_file():
        try:
            return [str(f) for f in json.loads(marker.read_text(encoding="utf-8")).get("files", [])]
        except (ValueError, AttributeError):
            raise ValueError(f"{marker} is not readable; remove it or choose another folder") from None
    foreign = sorted(p.name for p in out.glob("*.parquet"))
    if foreign:
        raise ValueError(f"{out} already holds Parquet files that no gonghui export wrote "
                         f"({', '.join(foreign[:3])}{' …' if len(foreign) > 3 else ''}); choose an empty "
                         f"folder, or remove them")
    return []


def export(db_path: str | Path, out_dir: str | Path, tables: Sequence[str] | None = None, *,
           history: bool = False) -> ExportResult:
    """Write one `<name>.parquet` per table or view into out_dir; return the paths written.

    Tables with a `valid_to` column (raw_files, articles, facts, people) keep the rows a revision of
    their file or --prune retired: the current rows are exported (valid_to NULL), as the views show
    them; `history=True` exports every row, retired ones with their valid_to.

    The warehouse is opened read-only, so an export never changes it and can run beside readers.
    With `tables=None` every default table and view present is exported (an older warehouse may
    lack some views); a name given explicitly that is neither a table nor a view is an error.
    Each file is written to a temporary name and renamed, so a reader never sees half a file.
    """
    db = Path(db_path)
    if not db.exists():
        raise FileNotFoundError(f"no warehouse at {db}; run `gonghui run` first")
    out = Path(out_dir)
    earlier = _earlier_export(out)
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
            current = "" if history or "valid_to" not in cols else " WHERE valid_to IS NULL"
            con.execute(f"COPY (SELECT {keep} FROM {_quote(name)}{current}) TO {_sql_string(str(tmp))} "
                        f"(FORMAT parquet, COMPRESSION zstd)")
            os.replace(tmp, target)
            written.append(target)
    written_names = {p.name for p in written}
    removed: list[Path] = []
    for name in earlier:
        stale = out / Path(name).name
        if name not in written_names and stale.is_file():
            stale.unlink()
            removed.append(stale)
    (out / MARKER).write_text(json.dumps({"written_at": datetime.now(UTC).isoformat(timespec="seconds"),
                                          "warehouse": str(db), "files": sorted(written_names)}, ensure_ascii=False),
                              encoding="utf-8")
    return ExportResult(written, removed)
