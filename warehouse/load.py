"""The only writer of the warehouse: DDL, run bookkeeping and transactional batch loads."""

from __future__ import annotations

import functools
import json
import os
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from gonghui.transforms.records import Article, Fact, Person, Rejection, StagedFile, TextIssue, to_dict

SQL_DIR = Path(__file__).resolve().parent
# DuckDB allows one writing process. A second writer waits this long for the lock, then gives up
# with a clear message (a run holds the lock only while it loads: at most LOAD_HOLD_SECONDS at a time).
LOCK_WAIT_SECONDS = 60.0


class WarehouseBusy(RuntimeError):
    """Another process holds the DuckDB write lock."""


class RunInProgress(RuntimeError):
    """Another `gonghui run` is working on this warehouse."""


def lock_path(db_path: str | Path) -> Path:
    return Path(str(db_path) + ".run.lock")


@contextmanager
def run_lock(db_path: str | Path) -> Iterator[None]:
    """One run per warehouse at a time (an OS file lock: released even when the process is killed)."""
    import fcntl

    path = lock_path(db_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fh = path.open("a+")
    try:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            holder = fh.read().strip() or "another process"
            raise RunInProgress(
                f"another gonghui run is already working on {db_path} ({holder}); "
                f"wait for it to finish and run again") from None
        fh.seek(0)
        fh.truncate()
        fh.write(f"pid {os.getpid()}")
        fh.flush()
        yield
    finally:
        fh.close()


def ddl_files() -> list[Path]:
    """DDL applied in order: numbered files first, then views."""
    numbered = sorted(p for p in SQL_DIR.glob("[0-9][0-9][0-9]_*.sql"))
    views = SQL_DIR / "views.sql"
    return numbered + ([views] if views.exists() else [])


def _is_lock_error(exc: Exception) -> bool:
    msg = str(exc).lower()
    return "lock" in msg or "conflicting" in msg


def open_connection(db_path: str | Path, *, read_only: bool = False, wait_seconds: float = LOCK_WAIT_SECONDS,
                    config: dict[str, Any] | None = None) -> duckdb.DuckDBPyConnection:
    """Open the warehouse, waiting for another process's write lock up to `wait_seconds`."""
    db_path = Path(db_path)
    if not read_only:
        db_path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + wait_seconds
    delay = 0.1
    while True:
        try:
            return duckdb.connect(str(db_path), read_only=read_only, config=config or {})
        except duckdb.IOException as exc:
            if not _is_lock_error(exc) or time.monotonic() >= deadline:
                if _is_lock_error(exc):
                    raise WarehouseBusy(
                        f"{db_path} is locked by another gonghui process (a run is loading). "
                        f"Retry in a few seconds; runs release the lock at least every "
                        f"{LOAD_HOLD_SECONDS:.0f} s while loading."
                    ) from exc
                raise
            time.sleep(delay)
            delay = min(delay * 2, 2.0)


@contextmanager
def connect(db_path: str | Path, *, read_only: bool = False,
            wait_seconds: float = LOCK_WAIT_SECONDS) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the warehouse for one piece of work (see open_connection), closing it afterwards."""
    con = open_connection(db_path, read_only=read_only, wait_seconds=wait_seconds)
    try:
        yield con
    finally:
        con.close()


# Inside `loading()`, a run's batch loads share one writer connection for up to this long. Closing a
# DuckDB connection checkpoints (writes the WAL into the file), and a checkpoint after every batch cost
# a third of the load at 100k articles (34 batches: 36 s with a connection per batch, 24 s with one).
# Readers (`gonghui sql`) wait for the lock; they get in at the next release, at most this long plus
# one batch later.
LOAD_HOLD_SECONDS = 10.0
# Within a hold, DuckDB's own 16 MB auto-checkpoint would fire after every batch (~30 MB of WAL each
# at 2,000 files), which cost a third of the load. Until a checkpoint, DuckDB keeps the rows written in
# memory (~42 MB per batch): with 1 GB the loader held up to 430 MB of them; 128 MB checkpoints every
# ~4 batches and holds at most ~250 MB, for the same load time (22.0 s vs 22.2 s for 34 batches of 100k).
LOAD_CHECKPOINT_THRESHOLD = "128MB"
# DuckDB's buffer pool defaults to 80% of RAM and keeps what it read (signatures for duplicate
# candidates, table blocks) cached: a run's loader grows with the warehouse up to this cap (DuckDB
# spills to a temp file beyond it). At 100k articles the loader's DuckDB held ~320 MB of a 512 MB cap.
# 256 MB needs quarantine payloads capped (PAYLOAD_TEXT_MAX): casting a 10 MB text to JSON asked for a
# 256 MB block (tests/badinputs.py one-line.txt). GONGHUI_DUCKDB_MEMORY overrides it.
LOAD_MEMORY_LIMIT = os.environ.get("GONGHUI_DUCKDB_MEMORY", "256MB")
# Text fields of a quarantine payload (a rejected document's text, a rejected article's body) keep
# their first this many characters, and lists (a rejected article's facts) their first this many
# items; `truncated` records the full lengths. The whole raw text stays in raw_files.text. News pages
# are a few thousand characters with a few dozen facts; the largest e-paper page dumps we have seen
# are under 1 MB (~330k characters), so ordinary rejects are stored whole. (tests/badinputs.py's 10 MB
# line made one article of 180,000 facts: a 65 MB payload.)
PAYLOAD_TEXT_MAX = 400_000
PAYLOAD_LIST_MAX = 2_000


@dataclass
class _Held:
    con: duckdb.DuckDBPyConnection | None = None
    opened: float = 0.0
    reader: duckdb.DuckDBPyConnection | None = None  # read-only, for lookups before the first load


_HELD: dict[str, _Held] = {}


def _held_key(db_path: str | Path) -> str:
    return str(Path(db_path).resolve())


@contextmanager
def loading(db_path: str | Path) -> Iterator[None]:
    """Batch loads inside this block share one connection, released at least every LOAD_HOLD_SECONDS
    and at the end (the block must not read the warehouse through other connections meanwhile)."""
    key = _held_key(db_path)
    _HELD[key] = _Held()
    try:
        yield
    finally:
        held = _HELD.pop(key)
        for con in (held.con, held.reader):
            if con is not None:
                con.close()


@contextmanager
def _writer(db_path: str | Path) -> Iterator[duckdb.DuckDBPyConnection]:
    held = _HELD.get(_held_key(db_path))
    if held is None:  # not inside loading(): a connection for this load only
        with connect(db_path) as con:
            yield con
        return
    if held.reader is not None:  # one process cannot hold a read-only and a read-write connection
        held.reader.close()
        held.reader = None
    if held.con is not None and time.monotonic() - held.opened > LOAD_HOLD_SECONDS:
        held.con.close()  # checkpoint, and let waiting readers in
        held.con = None
    if held.con is None:
        held.con = open_connection(db_path)
        held.con.execute(f"SET checkpoint_threshold = '{LOAD_CHECKPOINT_THRESHOLD}'")
        held.con.execute(f"SET memory_limit = '{LOAD_MEMORY_LIMIT}'")
        held.opened = time.monotonic()
    try:
        yield held.con
    except BaseException:
        # a failed load leaves nothing behind (rolled back); start the next one on a fresh connection
        held.con.close()
        held.con = None
        raise


def ensure_schema(db_path: str | Path, say: Callable[[str], None] | None = None) -> None:
    """Create every table and view, or bring an older warehouse to SCHEMA_VERSION (see migrate), and
    write the metrics table from the lexicon."""
    migrate(db_path, say)
    with connect(db_path) as con:
        write_metrics(con)


# ---- schema versions and migrations (issue 16) ------------------------------------------------------
# Version 1 is the warehouse the numbered DDL files above make (gonghui before issue 16: no
# schema_version table). warehouse/migrations/NNN_<what>.sql brings a warehouse to version NNN; a new
# warehouse is made by the version-1 DDL and every migration in order, so new and upgraded warehouses
# cannot differ.
MIGRATIONS_DIR = SQL_DIR / "migrations"


def migrations() -> list[tuple[int, Path]]:
    """(version, file) of every migration, in version order."""
    found = sorted((int(p.name[:3]), p) for p in MIGRATIONS_DIR.glob("[0-9][0-9][0-9]_*.sql"))
    versions = [v for v, _ in found]
    if versions != list(range(2, len(versions) + 2)):
        raise RuntimeError(f"warehouse/migrations: versions must run 002, 003, … without gaps: {versions}")
    return found


def latest_schema_version() -> int:
    return 1 + len(migrations())


class WarehouseTooNew(RuntimeError):
    """The warehouse was made or upgraded by a newer gonghui than this one."""


def _table_names(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {r[0] for r in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()").fetchall()}


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    """The warehouse's schema version: 0 when it has none of gonghui's tables yet, 1 when it predates
    the schema_version table."""
    tables = _table_names(con)
    if "schema_version" in tables:
        row = _first(con, "SELECT max(version) FROM schema_version")
        if row and row[0] is not None:
            return int(row[0])
    return 1 if "raw_files" in tables else 0


def check_schema(db_path: str | Path) -> int:
    """The schema version of an existing warehouse (0: none yet), read-only; WarehouseTooNew when a
    newer gonghui wrote it."""
    if not Path(db_path).is_file():
        return 0
    with connect(db_path, read_only=True) as con:
        found = schema_version(con)
    if found > latest_schema_version():
        raise WarehouseTooNew(_too_new(db_path, found))
    return found


def _too_new(db_path: str | Path, found: int) -> str:
    from gonghui.transforms import PIPELINE_VERSION

    return (f"{db_path} has warehouse schema version {found}, written by a newer gonghui; this one "
            f"({PIPELINE_VERSION}) knows versions up to {latest_schema_version()}. Upgrade gonghui, or "
            f"point --db at another file")


def backup_path(db_path: str | Path, version: int) -> Path:
    """Where the file is copied before a migration from `version`."""
    return Path(f"{db_path}.pre-migration-v{version}")


def migrate(db_path: str | Path, say: Callable[[str], None] | None = None) -> tuple[int, int]:
    """Bring the warehouse to the latest schema version; (version found, version now).

    A new file gets the version-1 DDL and every migration. An older warehouse is first copied aside
    (backup_path: checkpointed, so the copy is the whole warehouse), then migrated in one transaction:
    all of it or, on any error, none of it (the file is as it was). A warehouse newer than this release
    is refused (WarehouseTooNew) before anything is written. The DDL files and views are applied on
    every open (idempotent), inside the same transaction."""
    from gonghui.transforms import PIPELINE_VERSION

    latest = latest_schema_version()
    with connect(db_path) as con:
        found = schema_version(con)
        if found > latest:
            raise WarehouseTooNew(_too_new(db_path, found))
        if 0 < found < latest:
            con.execute("CHECKPOINT")  # the copy must hold everything (nothing left in the WAL)
    if 0 < found < latest:
        import shutil

        backup = backup_path(db_path, found)
        shutil.copy2(db_path, backup)
    numbered = [f for f in ddl_files() if f.name != "views.sql"]
    views = [f for f in ddl_files() if f.name == "views.sql"]
    with connect(db_path) as con:
        con.execute("BEGIN TRANSACTION")
        try:
            for f in numbered:
                con.execute(f.read_text(encoding="utf-8"))
            now = datetime.now(UTC).replace(tzinfo=None)
            for version, f in migrations():
                if version > max(found, 1):
                    con.execute(f.read_text(encoding="utf-8"))
                    con.execute("INSERT INTO schema_version VALUES (?, ?, ?, ?)",
                                [version, now, PIPELINE_VERSION, None if found == 0 else f.name])
            for f in views:
                con.execute(f.read_text(encoding="utf-8"))
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    if 0 < found < latest:
        (say or _say)(f"warehouse {db_path}: upgraded from schema version {found} to {latest} "
                      f"(the old file is kept as {backup_path(db_path, found)})")
    return found, latest


def _say(msg: str) -> None:
    import sys

    print(msg, file=sys.stderr, flush=True)


def write_metrics(con: duckdb.DuckDBPyConnection) -> None:
    """The metrics table as the running lexicon defines it (transforms/data/metrics.yaml), in one transaction."""
    from gonghui.transforms.metrics import lexicon_rows

    rows = lexicon_rows()
    con.execute("BEGIN")
    try:
        con.execute("DELETE FROM metrics")
        con.executemany(
            "INSERT INTO metrics (metric, name_zh, definition, measure_kind, headline_metric, units, synonyms, traps) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(r["metric"], r["name_zh"], r["definition"], r["measure_kind"], r["headline_metric"], r["units"],
              r["synonyms"], r["traps"]) for r in rows])
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


def _first(con: duckdb.DuckDBPyConnection, sql: str) -> tuple[Any, ...] | None:
    """The first row of a query, its result consumed: DuckDB refuses further work (register …) on a
    connection with an unfinished result, and fetchone() leaves it unfinished."""
    rows = con.execute(sql).fetchall()
    return rows[0] if rows else None


@contextmanager
def _reader(db_path: str | Path) -> Iterator[duckdb.DuckDBPyConnection | None]:
    """A connection for a lookup: inside loading(), the run's writer if it holds one open (a second
    connection would keep the file locked past the writer's release), else a read-only one kept until
    the first load (opening the writer early would lock `gonghui sql` out while the first batches
    transform; opening a connection per lookup cost ~75 ms each: 2.5 s of an unchanged 100k re-run).
    Outside loading(), a read-only connection for this lookup. None when there is no warehouse yet."""
    held = _HELD.get(_held_key(db_path))
    if held is not None and held.con is not None:
        with _writer(db_path) as con:
            yield con
        return
    if not Path(db_path).exists():
        yield None
        return
    if held is not None:
        if held.reader is None:
            held.reader = open_connection(db_path, read_only=True)
        yield held.reader
        return
    with connect(db_path, read_only=True) as con:
        yield con


def _lookup(db_path: str | Path, sql: str, keys: Sequence[str]) -> list[tuple[Any, ...]]:
    """Rows of `sql` joined to `keys` (registered as in_keys(k)); [] without a warehouse or its tables."""
    if not keys:
        return []
    with _reader(db_path) as con:
        if con is None:
            return []
        con.register("in_keys", pa.table({"k": pa.array(list(keys), S)}))
        try:
            return con.execute(sql).fetchall()
        except duckdb.CatalogException:  # a warehouse file without our tables
            return []
        finally:
            con.unregister("in_keys")


def has_files(db_path: str | Path) -> bool:
    """Whether the warehouse holds any staged file (a first run need not look anything up)."""
    with _reader(db_path) as con:
        if con is None:
            return False
        try:
            return _first(con, "SELECT 1 FROM raw_files LIMIT 1") is not None
        except duckdb.CatalogException:
            return False


def known_files(db_path: str | Path, file_ids: Sequence[str]) -> dict[str, tuple[str | None, str, bool]]:
    """file_id -> (manifest_fingerprint, pipeline_version, current) of those of `file_ids` already
    processed; current is False when a revision or --prune retired the content's rows."""
    # an export file is known by its rows (parent_file_id): it has no raw_files row of its own
    rows = _lookup(db_path, """SELECT file_id, manifest_fingerprint, pipeline_version, valid_to IS NULL FROM raw_files
                               WHERE file_id IN (SELECT k FROM in_keys)
                               UNION ALL
                               SELECT parent_file_id, any_value(manifest_fingerprint), any_value(pipeline_version),
                                      bool_or(valid_to IS NULL)
                               FROM raw_files WHERE parent_file_id IN (SELECT k FROM in_keys)
                               GROUP BY parent_file_id""", file_ids)
    return {r[0]: (r[1], r[2], bool(r[3])) for r in rows}


def current_paths(db_path: str | Path, input_dir: str, paths: Sequence[str]) -> dict[str, tuple[str, str]]:
    """path -> (file_id, state) of the content each of `paths` of the folder `input_dir` (absolute)
    held when last seen (file_paths rows with valid_to NULL): the same bytes at the same path are
    unchanged, other bytes a revision. Rows recorded before schema version 2 (no folder) match any."""
    rows = _lookup(db_path, f"""SELECT path, file_id, state FROM file_paths
                                WHERE valid_to IS NULL AND (input_dir = '{_sql_str(input_dir)}' OR input_dir IS NULL)
                                  AND path IN (SELECT k FROM in_keys)""", paths)
    return {r[0]: (r[1], r[2]) for r in rows}


def _sql_str(v: str) -> str:
    return v.replace("'", "''")


def staged_files(db_path: str | Path, after: tuple[str, str] | None = None, limit: int | None = None,
                 ) -> list[tuple[str, str, int, str | None, str, dict[str, Any] | None, tuple[Any, Any, Any]]]:
    """(file_id, path, size, encoding, text, manifest row, (parent_file_id, row_number, supplied)) of
    current staged files that have text (a version a revision or --prune retired stays as it was), in (path,
    file_id) order: the first `limit` after `after` (a page; all of them without a limit)."""
    path, fid = after or ("", "")
    with _reader(db_path) as con:
        if con is None:
            return []
        rows = con.execute(f"""SELECT file_id, path, size_bytes, encoding, text, manifest, parent_file_id,
                                      row_number, supplied FROM raw_files
                               WHERE text IS NOT NULL AND valid_to IS NULL
                                 AND (path > ? OR (path = ? AND file_id > ?))
                               ORDER BY path, file_id {'LIMIT ' + str(int(limit)) if limit else ''}""",
                           [path, path, fid]).fetchall()
    return [(r[0], r[1], int(r[2]), r[3], r[4], json.loads(r[5]) if r[5] else None,
             (r[6], r[7], tuple(tuple(x) for x in json.loads(r[8])) if r[8] else ())) for r in rows]


def count_staged(db_path: str | Path) -> int:
    """How many current staged files have text (what --reprocess goes through)."""
    with _reader(db_path) as con:
        row = _first(con, "SELECT count(*) FROM raw_files WHERE text IS NOT NULL AND valid_to IS NULL") if con else None
    return int(row[0]) if row else 0


# What --reprocess compares: the data of each row, not which run or version wrote it.
SNAPSHOT_IGNORE = {"run_id", "pipeline_version", "first_run_id", "last_run_id", "created_at", "valid_from"}


def snapshot(db_path: str | Path) -> dict[str, dict[str, str]]:
    """{"articles": {article_id: row digest}, "facts": {fact_id: row digest}} for change reports."""
    out: dict[str, dict[str, str]] = {}
    with connect(db_path, read_only=True) as con:
        for table, key in (("articles", "article_id"), ("facts", "fact_id")):
            cols = [r[0] for r in con.execute(
                "SELECT column_name FROM duckdb_columns() WHERE table_name = ? ORDER BY column_index",
                [table]).fetchall() if r[0] not in SNAPSHOT_IGNORE]
            body = " || '\x1f' || ".join(f"coalesce(\"{c}\"::VARCHAR, '\x00')" for c in cols)
            out[table] = dict(con.execute(f"SELECT {key}, md5({body}) FROM {table}").fetchall())
    return out


def diff_snapshots(before: dict[str, dict[str, str]], after: dict[str, dict[str, str]]) -> dict[str, dict[str, int]]:
    """Per table: rows added, removed, altered (same id, different data), unchanged."""
    report = {}
    for table in before.keys() | after.keys():
        b, a = before.get(table, {}), after.get(table, {})
        report[table] = {
            "added": len(a.keys() - b.keys()), "removed": len(b.keys() - a.keys()),
            "altered": sum(1 for k in a.keys() & b.keys() if a[k] != b[k]),
            "unchanged": sum(1 for k in a.keys() & b.keys() if a[k] == b[k]),
        }
    return report


def full_refresh(db_path: str | Path) -> None:
    """Forget everything derived from the inputs (runs and dq_results, the history, stay)."""
    if not Path(db_path).exists():
        return
    ensure_schema(db_path)
    with _writer(db_path) as con:
        con.execute("BEGIN TRANSACTION")
        for table in ("facts", "people", "article_signatures", "articles", "text_issues", "quarantine",
                      "raw_files", "file_paths"):
            con.execute(f"DELETE FROM {table}")
        con.execute("COMMIT")


def record_changes(db_path: str | Path, run_id: str, changes: dict[str, Any]) -> None:
    with connect(db_path) as con:
        con.execute("UPDATE runs SET changes = ?::JSON WHERE run_id = ?", [_json(changes), run_id])


def start_run(db_path: str | Path, run_id: str, prefect_flow_run_id: str | None, input_dir: str,
              version: str, mode: str = "incremental") -> None:
    """Record a new run. Call under run_lock: any run still marked running was killed, so it is marked
    crashed (its unfinished batch was rolled back by DuckDB; its files are processed again)."""
    ensure_schema(db_path)
    with connect(db_path) as con:
        con.execute("UPDATE runs SET status = 'crashed' WHERE status = 'running'")
        con.execute(
            "INSERT INTO runs (run_id, prefect_flow_run_id, started_at, status, input_dir, pipeline_version, mode) "
            "VALUES (?, ?, ?, 'running', ?, ?, ?)",
            [run_id, prefect_flow_run_id, datetime.now(UTC).replace(tzinfo=None), input_dir, version, mode],
        )


def finish_run(db_path: str | Path, run_id: str, status: str, counts: dict[str, int],
               report_path: str | None, stage_seconds: dict[str, float] | None = None) -> None:
    cols = ["files_seen", "files_new", "files_skipped", "files_loaded", "files_quarantined",
            "articles_loaded", "articles_quarantined", "facts_loaded", "people_loaded", "expectations_failed",
            "files_revised", "files_missing", "files_pruned"]
    sets = ", ".join(f"{c} = ?" for c in cols)
    with connect(db_path) as con:
        con.execute(
            f"UPDATE runs SET finished_at = ?, status = ?, report_path = ?, stage_seconds = ?::JSON, {sets} "
            "WHERE run_id = ?",
            [datetime.now(UTC).replace(tzinfo=None), status, report_path, _json(stage_seconds or {}),
             *[int(counts.get(c, 0)) for c in cols], run_id],
        )


@dataclass
class FileOutcome:
    """What one processed file leaves in the warehouse."""

    staged: StagedFile
    manifest_fingerprint: str | None
    state: str  # loaded | quarantined
    manifest: dict[str, Any] | None = None  # the manifest row applied (kept for --reprocess)
    script: str | None = None  # what cleaning converted from: simplified | t2s | hk2s | tw2s
    removed_counts: dict[str, int] | None = None  # boilerplate removed, per kind
    mtime_ns: int | None = None  # modification time of the input file when it was staged


@dataclass
class BatchResult:
    """Everything one batch writes, loaded in one transaction."""

    run_id: str
    batch: int
    version: str
    files: list[FileOutcome] = field(default_factory=list)
    articles: list[Article] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    issues: list[tuple[str, str, TextIssue]] = field(default_factory=list)  # (file_id, source_file, issue)
    rejections: list[Rejection] = field(default_factory=list)
    rejection_file_ids: list[str | None] = field(default_factory=list)  # parallel to rejections
    dq_rows: list[dict[str, Any]] = field(default_factory=list)
    file_states: dict[str, str] = field(default_factory=dict)  # input path -> loaded | quarantined
    signatures: list[tuple[str, str, tuple[int, ...], list[int]]] = field(default_factory=list)
    paths: list[tuple[str, str, str]] = field(default_factory=list)  # (path, file_id, input_dir) seen


def _json(v: Any) -> str:
    return json.dumps(v, ensure_ascii=False, default=str)


def _table(rows: Sequence[dict[str, Any]], schema: pa.Schema) -> pa.Table:
    return pa.Table.from_pylist(list(rows), schema=schema)


S, INT, F, B = pa.string(), pa.int64(), pa.float64(), pa.bool_()
LS = pa.list_(pa.string())

RAW_SCHEMA = pa.schema([("file_id", S), ("path", S), ("size_bytes", INT), ("encoding", S),
                        ("run_id", S), ("state", S), ("manifest_fingerprint", S),
                        ("pipeline_version", S), ("text", S), ("manifest", S), ("script", S),
                        ("removed_counts", S), ("mtime_ns", INT), ("parent_file_id", S),
                        ("row_number", INT), ("supplied", S)])
ARTICLE_SCHEMA = pa.schema([
    ("article_id", S), ("file_id", S), ("source_file", S), ("seq", INT), ("title", S), ("kicker", S),
    ("subtitle", S), ("authors", LS), ("correspondents", LS), ("photographers", LS), ("editors", LS),
    ("publish_date", pa.date32()), ("publish_time", S), ("source", S), ("page", S), ("channel", S),
    ("region", S), ("url", S), ("body", S), ("captions", LS), ("summary", S), ("section_headings", LS),
    ("section_banner", S), ("format", S), ("original_id", S), ("metadata_origin", S), ("flags", LS),
    ("run_id", S), ("pipeline_version", S), ("duplicate_of", S), ("page_name", S)])
FACT_SCHEMA = pa.schema([
    ("fact_id", S), ("article_id", S), ("file_id", S), ("evidence", S), ("char_start", INT), ("char_end", INT),
    ("field", S), ("subject", S), ("verb", S), ("metric", S), ("measure", S), ("value", F), ("unit", S),
    ("number_text", S), ("qualifier", S), ("region", S), ("as_of", pa.date32()), ("as_of_text", S),
    ("run_id", S), ("pipeline_version", S), ("currency", S), ("base_text", S)])
PEOPLE_SCHEMA = pa.schema([
    ("article_id", S), ("name", S), ("titles", LS), ("org", S), ("char_start", INT), ("char_end", INT),
    ("evidence", S), ("file_id", S), ("run_id", S), ("pipeline_version", S)])
ISSUE_SCHEMA = pa.schema([("file_id", S), ("source_file", S), ("kind", S), ("offset", INT), ("raw", S),
                          ("repaired", S), ("marker_offset", INT), ("run_id", S)])
QUARANTINE_SCHEMA = pa.schema([("run_id", S), ("stage", S), ("record_kind", S), ("record_id", S),
                               ("file_id", S), ("source_file", S), ("reasons", LS), ("payload", S)])
SIG_SCHEMA = pa.schema([("article_id", S), ("file_id", S), ("signature", pa.list_(pa.uint64())),
                        ("bands", pa.list_(pa.int64())), ("run_id", S), ("pipeline_version", S)])
# The tables of a packed batch (and the Parquet files of a shard), in load order.
TABLES = ("raw", "articles", "signatures", "facts", "people", "issues", "quarantine", "dq", "paths")
PATHS_SCHEMA = pa.schema([("path", S), ("file_id", S), ("input_dir", S), ("run_id", S)])
DQ_SCHEMA = pa.schema([("run_id", S), ("stage", S), ("suite", S), ("expectation", S), ("batch", INT),
                       ("success", B), ("element_count", INT), ("unexpected_count", INT), ("details", S)])


@functools.lru_cache(maxsize=4096)  # a batch's articles and facts share a few hundred dates
def _date(v: str | None) -> Any:
    """An ISO date string as a date (None when absent or not a date). strptime looks up the locale
    on every call: it was a third of packing a batch (0.55 s per 2,000 files) before the cache."""
    if not v:
        return None
    try:
        return datetime.strptime(v, "%Y-%m-%d").date()
    except ValueError:
        return None


def _capped(payload: dict[str, Any]) -> dict[str, Any]:
    """The payload with text fields over PAYLOAD_TEXT_MAX characters and lists over PAYLOAD_LIST_MAX
    items cut, their full lengths under `truncated`."""
    cap: dict[type, int] = {str: PAYLOAD_TEXT_MAX, list: PAYLOAD_LIST_MAX}
    long = {k: len(v) for k, v in payload.items() if type(v) in cap and len(v) > cap[type(v)]}
    if not long:
        return payload
    return {**{k: (v[:cap[type(v)]] if k in long else v) for k, v in payload.items()}, "truncated": long}


def _frames(b: BatchResult) -> dict[str, pa.Table]:
    article_file = {a.article_id: a.file_id for a in b.articles}
    raw = [dict(file_id=f.staged.file_id, path=f.staged.path, size_bytes=f.staged.size_bytes,
                encoding=f.staged.encoding, run_id=b.run_id, state=f.state,
                manifest_fingerprint=f.manifest_fingerprint, pipeline_version=b.version, text=f.staged.text,
                manifest=_json(f.manifest) if f.manifest is not None else None, script=f.script,
                removed_counts=_json(f.removed_counts) if f.removed_counts is not None else None,
                mtime_ns=f.mtime_ns, parent_file_id=f.staged.parent_id, row_number=f.staged.row,
                supplied=_json([list(x) for x in f.staged.supplied]) if f.staged.supplied else None)
           for f in b.files]
    arts = []
    for a in b.articles:
        d = to_dict(a)
        d["publish_date"] = _date(a.publish_date)
        d["metadata_origin"] = _json(a.metadata_origin)
        d.update(run_id=b.run_id, pipeline_version=b.version, duplicate_of=None)
        arts.append(d)
    facts = []
    for fa in b.facts:
        d = to_dict(fa)
        d["as_of"] = _date(fa.as_of)
        d.update(file_id=article_file.get(fa.article_id, ""), run_id=b.run_id, pipeline_version=b.version)
        facts.append(d)
    people = [dict(to_dict(p), file_id=article_file.get(p.article_id, ""), run_id=b.run_id,
                   pipeline_version=b.version) for p in b.people]
    issues = [dict(to_dict(i), file_id=fid, source_file=src, run_id=b.run_id) for fid, src, i in b.issues]
    quarantine = [dict(run_id=b.run_id, stage=r.stage, record_kind=r.record_kind, record_id=r.record_id,
                       file_id=fid, source_file=r.source_file, reasons=list(r.reasons),
                       payload=_json(_capped(r.payload)))
                  for r, fid in zip(b.rejections, b.rejection_file_ids, strict=True)]
    dq = [dict(d, run_id=b.run_id, batch=b.batch, details=_json(d.get("details"))) for d in b.dq_rows]
    sigs = [dict(article_id=aid, file_id=fid, signature=list(sig), bands=list(bands), run_id=b.run_id,
                 pipeline_version=b.version) for aid, fid, sig, bands in b.signatures]
    return {
        "raw": _table(raw, RAW_SCHEMA), "articles": _table(arts, ARTICLE_SCHEMA),
        "facts": _table(facts, FACT_SCHEMA), "people": _table(people, PEOPLE_SCHEMA),
        "issues": _table(issues, ISSUE_SCHEMA), "quarantine": _table(quarantine, QUARANTINE_SCHEMA),
        "dq": _table(dq, DQ_SCHEMA), "signatures": _table(sigs, SIG_SCHEMA),
        "paths": _table([dict(path=pth, file_id=fid, input_dir=root, run_id=b.run_id)
                         for pth, fid, root in b.paths], PATHS_SCHEMA),
    }


@dataclass
class Packed:
    """One batch as Arrow tables (what a worker writes as a Parquet shard) and its accounting.

    A batch read back from a shard has no tables in memory: `shard` names the folder and the loader
    reads its Parquet files with DuckDB (read_shard)."""

    tables: dict[str, pa.Table]
    file_ids: list[str]
    counts: dict[str, int]
    seconds: dict[str, float] = field(default_factory=dict)  # per-stage wall time on the worker
    shard: Path | None = None


def pack(b: BatchResult) -> Packed:
    """Turn a batch into the tables the loader writes (signatures of the articles included)."""
    counts = {
        "articles_loaded": len(b.articles), "facts_loaded": len(b.facts), "people_loaded": len(b.people),
        "articles_quarantined": sum(1 for r in b.rejections if r.record_kind == "article"),
        "files_loaded": sum(1 for s in b.file_states.values() if s == "loaded"),
        "files_quarantined": sum(1 for s in b.file_states.values() if s == "quarantined"),
        "expectations_failed": sum(1 for r in b.dq_rows if not r["success"]),
    }
    return Packed(_frames(b), [f.staged.file_id for f in b.files], counts)


def write_shard(p: Packed, directory: str | Path) -> Path:
    """Write a packed batch as Parquet files (one per table) plus its accounting, atomically."""
    import pyarrow.parquet as pq

    final = Path(directory)
    tmp = final.with_name(final.name + ".tmp")
    tmp.mkdir(parents=True, exist_ok=True)
    for name, tbl in p.tables.items():
        pq.write_table(tbl, tmp / f"{name}.parquet")
    (tmp / "meta.json").write_text(json.dumps({"file_ids": p.file_ids, "counts": p.counts,
                                               "seconds": p.seconds}), encoding="utf-8")
    if final.exists():
        import shutil

        shutil.rmtree(final)
    tmp.rename(final)  # a shard is complete or absent
    return final


def read_shard(directory: str | Path) -> Packed:
    """A shard's accounting; its tables stay on disk for DuckDB to read while loading. Reading them
    into Arrow first cost the loader ~180 MB of RSS per 34 MB batch (pyarrow's Parquet reader and its
    pool) on top of DuckDB's own copy; DuckDB's reader streams them under its memory limit."""
    d = Path(directory)
    meta = json.loads((d / "meta.json").read_text(encoding="utf-8"))
    missing = [n for n in TABLES if not (d / f"{n}.parquet").is_file()]
    if missing:
        raise FileNotFoundError(f"shard {d} is incomplete: no {', '.join(n + '.parquet' for n in missing)}")
    return Packed({}, meta["file_ids"], meta["counts"], meta.get("seconds", {}), shard=d)


def _bind(con: duckdb.DuckDBPyConnection, p: Packed) -> None:
    """Make the batch's tables visible to the load's SQL as in_<name>: Arrow tables registered, or the
    shard's Parquet files as views."""
    for name in TABLES:
        if p.shard is None:
            con.register(f"in_{name}", p.tables[name])
        else:
            path = str(p.shard / f"{name}.parquet").replace("'", "''")
            con.execute(f"CREATE OR REPLACE TEMP VIEW in_{name} AS SELECT * FROM read_parquet('{path}')")


def _unbind(con: duckdb.DuckDBPyConnection, p: Packed) -> None:
    for name in TABLES:
        if p.shard is None:
            con.unregister(f"in_{name}")
        else:
            con.execute(f"DROP VIEW IF EXISTS in_{name}")


def _link_duplicates(con: duckdb.DuckDBPyConnection, file_ids: list[str], version: str) -> None:
    """Decide articles.duplicate_of for the batch's articles (copies of articles already loaded or
    earlier in the batch) into the temporary table in_dups(article_id, duplicate_of).

    Runs in the load transaction, batch after batch in input order, so the result does not depend
    on how many workers transformed the batches."""
    from gonghui.transforms.dedup import DEFAULT_THRESHOLD, find_duplicates, min_shared_bands

    new = [(aid, tuple(sig)) for aid, sig in con.execute(
        "SELECT article_id, signature FROM in_signatures").fetchall()]
    found: dict[str, str] = {}
    if new:
        # Candidates share enough LSH bands with an article of the batch to possibly reach the threshold
        # (a hash join on unnested band keys, counted: see min_shared_bands); DuckDB then compares their
        # signatures and only the loaded articles that reach the threshold with some new one come back
        # to Python. Fetching every band-sharing candidate made the loader quadratic on a repetitive
        # corpus (36k candidates per batch at 100k articles); comparing every pair sharing one band cost
        # 0.6 s a batch.
        rows = con.execute("""
            WITH nb AS (SELECT article_id AS new_id, unnest(bands) AS band FROM in_signatures),
            eb AS (SELECT article_id AS old_id, unnest(bands) AS band FROM article_signatures
                   WHERE pipeline_version = ? AND file_id NOT IN (SELECT file_id FROM in_files)),
            pairs AS (SELECT new_id, old_id FROM nb JOIN eb USING (band) GROUP BY ALL HAVING count(*) >= ?),
            close AS (
                SELECT DISTINCT p.old_id FROM pairs p
                JOIN in_signatures n ON n.article_id = p.new_id
                JOIN article_signatures o ON o.article_id = p.old_id
                WHERE len(list_filter(range(1, len(n.signature) + 1), lambda i: n.signature[i] = o.signature[i]))
                      >= ? * len(n.signature))
            SELECT s.article_id, s.signature FROM close c JOIN article_signatures s ON s.article_id = c.old_id
            JOIN articles a USING (article_id)
            WHERE a.duplicate_of IS NULL AND a.valid_to IS NULL
            ORDER BY a.publish_date NULLS LAST, s.article_id""",
            [version, min_shared_bands(DEFAULT_THRESHOLD), DEFAULT_THRESHOLD]).fetchall()
        existing = [(r[0], tuple(int(x) for x in r[1])) for r in rows]
        found = find_duplicates(new, existing, DEFAULT_THRESHOLD)
    con.register("in_dups", pa.table({"article_id": pa.array(list(found), S),
                                      "duplicate_of": pa.array(list(found.values()), S)}))


# Tables whose ids the loader checks for uniqueness before writing (see _check_unique).
UNIQUE_KEYS = {"articles": ("in_articles", "article_id"), "facts": ("in_facts", "fact_id"),
               "article_signatures": ("in_signatures", "article_id"),
               "people": ("in_people", "article_id, name, char_start"),
               "text_issues": ("in_issues", 'file_id, kind, "offset"')}


class DuplicateKey(ValueError):
    """A batch would write a row whose key is already in the warehouse or twice in the batch."""


def _check_unique(con: duckdb.DuckDBPyConnection) -> None:
    """Keys stay unique without PRIMARY KEY indexes. Each id hashes its file's id (articles: file and
    position; facts: article, field and span) and a file's rows are deleted before it is loaded again,
    so a clash means a bug or a 64-bit hash collision: the batch fails, with the key, before writing.

    DuckDB keeps a PRIMARY KEY's ART index in memory: at 100k articles the five indexes held 38 MB and
    grew by ~0.4 MB per 1,000 articles (ART_INDEX in duckdb_memory()); the loader's memory must not grow
    with the warehouse. Probing a batch's keys against the table scans one column (a few ms at 600k facts).
    """
    for table, (source, key) in UNIQUE_KEYS.items():
        clash = _first(con, f"""
            SELECT * FROM (SELECT {key} FROM {source} GROUP BY ALL HAVING count(*) > 1
                           UNION ALL
                           SELECT {key} FROM {source} SEMI JOIN {table} USING ({key})) LIMIT 1""")
        if clash is not None:
            raise DuplicateKey(f"{table}: key ({key}) = {clash} would be written twice; nothing of this "
                               f"batch was loaded")


def load_batch(db_path: str | Path, b: BatchResult,
               midway: Callable[[], None] | None = None) -> dict[str, int]:
    """Pack a batch and load it (see load_packed)."""
    return load_packed(db_path, pack(b), midway)


def load_packed(db_path: str | Path, p: Packed, midway: Callable[[], None] | None = None) -> dict[str, int]:
    """Write one batch in a single transaction: all of it or none of it.

    Files in the batch are replaced wholesale: their earlier derived rows (articles, facts, people,
    signatures, text issues, quarantine) are deleted first, so reprocessing a file never duplicates
    anything. Near-duplicate links are decided here, against what is already loaded.
    """
    file_ids = p.file_ids
    with _writer(db_path) as con:
        con.execute("BEGIN TRANSACTION")
        try:
            con.register("in_files", pa.table({"file_id": pa.array(file_ids, S)}))
            _bind(con, p)
            seen = _first(con, "SELECT count(*) FROM raw_files WHERE file_id IN (SELECT file_id FROM in_files)")
            if seen and seen[0]:
                # copies of a reprocessed file's articles lose their link before those articles go
                con.execute("""UPDATE articles SET duplicate_of = NULL WHERE duplicate_of IN
                               (SELECT article_id FROM articles WHERE file_id IN (SELECT file_id FROM in_files))
                               AND file_id NOT IN (SELECT file_id FROM in_files)""")
                for table in ("facts", "people", "article_signatures", "articles", "text_issues"):
                    con.execute(f"DELETE FROM {table} WHERE file_id IN (SELECT file_id FROM in_files)")
            # quarantine rows can exist for a file that never reached raw_files (file_too_large …)
            con.execute("DELETE FROM quarantine WHERE file_id IN (SELECT file_id FROM in_files)")
            # ... or that was never even hashed (unsupported_file_type, a link outside the input): such a
            # file is held back again by every run, and its row is replaced, not added once per run
            con.execute("""DELETE FROM quarantine q WHERE q.file_id IS NULL AND EXISTS (
                               SELECT 1 FROM in_quarantine i WHERE i.file_id IS NULL AND i.stage = q.stage
                               AND i.record_kind = q.record_kind AND i.record_id = q.record_id)""")
            now = datetime.now(UTC).replace(tzinfo=None)
            revised = _apply_revisions(con, now)
            _check_unique(con)
            row = _first(con, "SELECT pipeline_version FROM in_raw LIMIT 1")
            _link_duplicates(con, file_ids, row[0] if row else "")
            con.execute("""
                INSERT INTO raw_files (file_id, path, size_bytes, encoding, first_run_id, last_run_id, state,
                                       manifest_fingerprint, pipeline_version, text, manifest, script,
                                       removed_counts, mtime_ns, parent_file_id, row_number, supplied)
                SELECT file_id, path, size_bytes, encoding, run_id, run_id, state, manifest_fingerprint,
                       pipeline_version, text, manifest::JSON, script, removed_counts::JSON, mtime_ns,
                       parent_file_id, row_number, supplied::JSON
                FROM in_raw
                ON CONFLICT (file_id) DO UPDATE SET last_run_id = excluded.last_run_id, state = excluded.state,
                    manifest_fingerprint = excluded.manifest_fingerprint, manifest = excluded.manifest,
                    pipeline_version = excluded.pipeline_version, encoding = excluded.encoding,
                    script = excluded.script, removed_counts = excluded.removed_counts,
                    mtime_ns = coalesce(excluded.mtime_ns, raw_files.mtime_ns),
                    valid_to = NULL, retired_run_id = NULL, missing_run_id = NULL
            """)
            con.execute("""INSERT INTO articles BY NAME
                           SELECT a.* REPLACE (d.duplicate_of AS duplicate_of), ?::TIMESTAMP AS valid_from
                           FROM in_articles a LEFT JOIN in_dups d USING (article_id)""", [now])
            if midway is not None:
                midway()  # crash-safety tests kill the process here, mid-transaction
            con.execute("INSERT INTO article_signatures BY NAME SELECT * FROM in_signatures")
            con.execute("INSERT INTO facts BY NAME SELECT *, ?::TIMESTAMP AS valid_from FROM in_facts", [now])
            con.execute("INSERT INTO people BY NAME SELECT *, ?::TIMESTAMP AS valid_from FROM in_people", [now])
            con.execute('INSERT INTO text_issues BY NAME SELECT * FROM in_issues')
            con.execute("INSERT INTO quarantine BY NAME SELECT * REPLACE (payload::JSON AS payload) FROM in_quarantine")
            con.execute("INSERT INTO dq_results BY NAME SELECT * REPLACE (details::JSON AS details) FROM in_dq")
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        finally:
            _unbind(con, p)
            for name in ("in_files", "in_dups"):
                try:
                    con.unregister(name)
                except duckdb.Error:
                    pass
    return {**p.counts, "files_revised": revised}


# ---- revisions and deletions (issue 16) -------------------------------------------------------------
# A file is known by its path as well as its content (file_paths). New bytes at a known path are a
# revision: the path's older content is retired when no other path still holds it, its articles, facts
# and people kept with valid_to and the run that retired them; the curated views show current rows
# only. A path gone from the input is marked missing; --prune retires it as a revision would.


def _apply_revisions(con: duckdb.DuckDBPyConnection, now: datetime) -> int:
    """Inside a batch's load transaction, before duplicates are linked: record the batch's paths
    (in_paths) in file_paths, and retire the content each revised path held when no current path
    holds it any more. Returns the number of paths revised."""
    row = _first(con, "SELECT any_value(run_id), count(*) FROM in_paths")
    if not row or not row[1]:
        return 0
    run_id = row[0]
    con.execute("""CREATE OR REPLACE TEMP TABLE rev_old AS
                   SELECT DISTINCT fp.path, fp.file_id, fp.input_dir FROM file_paths fp JOIN in_paths i
                       ON fp.path = i.path AND (fp.input_dir = i.input_dir OR fp.input_dir IS NULL)
                   WHERE fp.valid_to IS NULL AND fp.file_id <> i.file_id""")
    try:
        con.execute("""UPDATE file_paths SET valid_to = ?, retired_run_id = ?, state = 'revised'
                       WHERE valid_to IS NULL AND EXISTS (SELECT 1 FROM rev_old r WHERE r.path = file_paths.path
                                                          AND r.file_id = file_paths.file_id
                                                          AND r.input_dir IS NOT DISTINCT FROM file_paths.input_dir)""",
                    [now, run_id])
        # a path seen again after it went missing is present again
        # (a path recorded before schema version 2, without its folder, is claimed by the folder seen)
        con.execute("""UPDATE file_paths SET state = 'present', missing_run_id = NULL,
                           input_dir = coalesce(file_paths.input_dir, i.input_dir)
                       FROM in_paths i
                       WHERE file_paths.valid_to IS NULL AND i.path = file_paths.path
                         AND i.file_id = file_paths.file_id
                         AND (file_paths.input_dir = i.input_dir OR file_paths.input_dir IS NULL)""")
        con.execute("""INSERT INTO file_paths (path, file_id, input_dir, state, first_run_id, valid_from)
                       SELECT path, any_value(file_id), input_dir, 'present', any_value(run_id), ?
                       FROM in_paths i
                       WHERE NOT EXISTS (SELECT 1 FROM file_paths fp WHERE fp.valid_to IS NULL AND fp.path = i.path
                                         AND (fp.input_dir = i.input_dir OR fp.input_dir IS NULL))
                       GROUP BY path, input_dir""", [now])
        # contents no current path holds any more (and not loaded again by this batch) are retired
        con.execute("""CREATE OR REPLACE TEMP TABLE rev_gone AS
                       SELECT DISTINCT r.file_id FROM rev_old r
                       WHERE NOT EXISTS (SELECT 1 FROM file_paths fp WHERE fp.valid_to IS NULL
                                         AND fp.file_id = r.file_id)
                         AND r.file_id NOT IN (SELECT file_id FROM in_files)""")
        _retire_contents(con, "rev_gone", run_id, now, "revised")
        n = _first(con, "SELECT count(DISTINCT path) FROM rev_old")
        return int(n[0]) if n else 0
    finally:
        con.execute("DROP TABLE IF EXISTS rev_old")
        con.execute("DROP TABLE IF EXISTS rev_gone")


def _retire_contents(con: duckdb.DuckDBPyConnection, ids_table: str, run_id: str, now: datetime,
                     state: str) -> None:
    """Retire the derived rows of the contents listed in `ids_table` (file_id), an export file's rows
    with it. Copies of their articles lose their link: they carry the story now."""
    ids = f"""(SELECT file_id FROM {ids_table}
               UNION ALL SELECT file_id FROM raw_files WHERE parent_file_id IN (SELECT file_id FROM {ids_table}))"""
    con.execute(f"""UPDATE articles SET duplicate_of = NULL WHERE duplicate_of IN
                    (SELECT article_id FROM articles WHERE file_id IN {ids}) AND file_id NOT IN {ids}""")
    for table in ("articles", "facts", "people"):
        con.execute(f"UPDATE {table} SET valid_to = ?, retired_run_id = ? "
                    f"WHERE valid_to IS NULL AND file_id IN {ids}", [now, run_id])
    con.execute(f"UPDATE raw_files SET valid_to = ?, retired_run_id = ?, "
                f"state = CASE WHEN state = 'missing' THEN state ELSE ? END "
                f"WHERE valid_to IS NULL AND file_id IN {ids}", [now, run_id, state])


def path_key(path: str) -> bytes:
    """16 bytes identifying a relative path: what a run keeps of each path it saw (~75 bytes in a set,
    7 MB per 100k files, instead of the paths themselves)."""
    import hashlib

    return hashlib.sha256(path.encode("utf-8", "surrogateescape")).digest()[:16]


class AccountingError(RuntimeError):
    """The warehouse's paths and what a run saw do not add up."""


def mark_missing(db_path: str | Path, run_id: str, input_dir: str, seen: set[bytes],
                 prune: bool = False) -> dict[str, int]:
    """After a complete run over `input_dir`: its known paths the run did not see (`seen`: path_key of
    every path listed) are marked missing, noticed by this run, and their content too (raw_files.state)
    when no present path holds it; their rows stay. With prune, every missing path of the folder is
    retired, and the content no current path holds any more, as a revision retires it. Paths recorded
    before schema version 2 (input_dir NULL) belong to whichever folder a run is given.

    Returns {"missing": paths of the folder missing now (pruned ones included), "pruned": paths retired
    by this run}, after
    checking that every current path of the folder was seen or is missing (AccountingError)."""
    root = os.path.realpath(input_dir)
    now = datetime.now(UTC).replace(tzinfo=None)
    pruned = 0
    with connect(db_path) as con:
        rows = con.execute("""SELECT path, file_id, input_dir FROM file_paths
                              WHERE valid_to IS NULL AND (input_dir = ? OR input_dir IS NULL)""", [root]).fetchall()
        gone = [(p, fid) for p, fid, _ in rows if path_key(p) not in seen]
        gone_keys = {path_key(p) for p, _ in gone}
        con.register("in_gone", pa.table({"path": pa.array([g[0] for g in gone], S),
                                          "file_id": pa.array([g[1] for g in gone], S)}))
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute("""UPDATE file_paths SET state = 'missing', missing_run_id = ?
                           WHERE valid_to IS NULL AND state <> 'missing' AND (input_dir = ? OR input_dir IS NULL)
                             AND path IN (SELECT path FROM in_gone)""", [run_id, root])
            con.execute("""UPDATE raw_files SET state = 'missing', missing_run_id = ?
                           WHERE state <> 'missing' AND (file_id IN (SELECT file_id FROM in_gone)
                                 OR parent_file_id IN (SELECT file_id FROM in_gone))
                             AND NOT EXISTS (SELECT 1 FROM file_paths fp WHERE fp.valid_to IS NULL
                                 AND fp.state = 'present'
                                 AND fp.file_id = coalesce(raw_files.parent_file_id, raw_files.file_id))""",
                        [run_id])
            # paths recorded before schema version 2 that this run saw belong to its folder from now on
            seen_null = [p for p, fid, folder in rows if folder is None and path_key(p) not in gone_keys]
            if seen_null:
                con.register("in_claimed", pa.table({"path": pa.array(seen_null, S)}))
                con.execute("""UPDATE file_paths SET input_dir = ? WHERE valid_to IS NULL AND input_dir IS NULL
                               AND path IN (SELECT path FROM in_claimed)""", [root])
                con.unregister("in_claimed")
            if prune and gone:
                con.execute("""UPDATE file_paths SET valid_to = ?, retired_run_id = ?
                               WHERE valid_to IS NULL AND (input_dir = ? OR input_dir IS NULL)
                                 AND path IN (SELECT path FROM in_gone)""", [now, run_id, root])
                con.execute("""CREATE OR REPLACE TEMP TABLE prune_gone AS
                               SELECT DISTINCT g.file_id FROM in_gone g WHERE NOT EXISTS (
                                   SELECT 1 FROM file_paths fp WHERE fp.valid_to IS NULL AND fp.file_id = g.file_id)""")
                _retire_contents(con, "prune_gone", run_id, now, "missing")
                con.execute("DROP TABLE prune_gone")
                pruned = len(gone)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        finally:
            con.unregister("in_gone")
        # accounting: every current path of the folder was seen by this run or is marked missing
        after = con.execute("""SELECT path, state FROM file_paths
                               WHERE valid_to IS NULL AND (input_dir = ? OR input_dir IS NULL)""", [root]).fetchall()
    unaccounted = [p for p, state in after if state != "missing" and path_key(p) not in seen]
    if unaccounted:
        raise AccountingError(f"accounting mismatch: {len(unaccounted)} known paths neither seen nor marked "
                              f"missing (first: {unaccounted[0]})")
    return {"missing": sum(1 for _, state in after if state == "missing") + pruned, "pruned": pruned}


def revision_changes(con: duckdb.DuckDBPyConnection, old_id: str, new_id: str) -> dict[str, int]:
    """What a revision changed in the facts. Fact ids hash the content's id, so the old content's facts
    are matched to the new one's by article position, field, subject, unit, metric and measure (the
    n-th fact of each such key to the n-th); a matched pair with another value, number or date is
    altered, an unmatched old one removed, an unmatched new one added."""
    def facts_of(fid: str) -> dict[tuple[Any, ...], list[tuple[Any, ...]]]:
        rows = con.execute("""SELECT a.seq, f.field, f.subject, f.unit, f.metric, f.measure,
                                     f.value, f.number_text, f.as_of
                              FROM facts f JOIN articles a USING (article_id)
                              WHERE f.file_id IN (SELECT ? UNION ALL SELECT file_id FROM raw_files
                                                  WHERE parent_file_id = ?)
                              ORDER BY a.seq, f.field, f.char_start""", [fid, fid]).fetchall()
        out: dict[tuple[Any, ...], list[tuple[Any, ...]]] = {}
        for r in rows:
            out.setdefault(tuple(r[:6]), []).append(tuple(r[6:]))
        return out

    old, new = facts_of(old_id), facts_of(new_id)
    c = {"added": 0, "removed": 0, "altered": 0, "unchanged": 0}
    for key in old.keys() | new.keys():
        a, b = old.get(key, []), new.get(key, [])
        for x, y in zip(a, b, strict=False):
            c["altered" if x != y else "unchanged"] += 1
        c["removed"] += max(0, len(a) - len(b))
        c["added"] += max(0, len(b) - len(a))
    return c


def revisions_of_run(con: duckdb.DuckDBPyConnection, run_id: str) -> list[dict[str, Any]]:
    """The paths a run revised: path, old and new file_id, and what changed in their facts."""
    rows = con.execute("""SELECT o.path, o.file_id, n.file_id FROM file_paths o
                          JOIN file_paths n ON n.path = o.path AND n.valid_to IS NULL
                               AND coalesce(n.input_dir, '') = coalesce(o.input_dir, n.input_dir, '')
                          WHERE o.retired_run_id = ? AND o.state = 'revised'
                          ORDER BY o.path""", [run_id]).fetchall()
    return [{"path": p, "old_file_id": old, "new_file_id": new, "facts": revision_changes(con, old, new)}
            for p, old, new in rows]
