"""Prefect tasks: thin batch wrappers that call transforms, expectations and the warehouse loader."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
import re
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar, cast

from prefect import task
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

from gonghui.expectations import frames
from gonghui.expectations.runner import Outcome, get_runner, has_runner
from gonghui.expectations.suites import finding_issues
from gonghui.faults import inject
from gonghui.transforms import PIPELINE_VERSION
from gonghui.transforms.dedup import band_keys, signature
from gonghui.transforms.manifest import MANIFEST_NAMES
from gonghui.transforms.records import (
    Article,
    CleanDoc,
    Fact,
    Person,
    Rejection,
    StagedFile,
    TextIssue,
    to_dict,
)
from gonghui.warehouse import load as wh

T = TypeVar("T")
# Read files in chunks when hashing, so a 200 MB file never sits in memory twice.
HASH_CHUNK = 1 << 20
# Files larger than this are quarantined unread: a news page is kilobytes and the largest e-paper page
# dumps we have seen are under 1 MB, so 32 MB is ample headroom while keeping memory per batch bounded.
MAX_FILE_BYTES = 32 << 20
# Text files gonghui reads; everything else under the input folder is still accounted for.
TEXT_SUFFIXES = {".txt", ".text", ".htm", ".html", ".md", ""}
# Crawler exports (transforms.readers): one article per row.
EXPORT_SUFFIXES = {".csv", ".tsv", ".jsonl", ".ndjson", ".json"}
# Discovery streams: files are listed, hashed and looked up in the warehouse this many at a time, so a
# run never holds the whole corpus's file list (the plan of a 100k-article corpus, 66,824 files, held
# as a list took 84 MB in the flow process; a chunk of 10,000 takes ~12 MB). Each chunk is one task
# run and two warehouse queries: discovery of an unchanged 100k re-run takes 0.9 s (one listing up
# front took 0.8 s; chunks of 2,000, before their entries were quoted(), 3.9 s).
DISCOVER_CHUNK = 10_000
# A file whose bytes changed between discovery (hashed) and staging (read): held back, read next run.
REASON_CHANGED = "changed_during_run"


@dataclass(frozen=True)
class FileItem:
    """One input file the run must account for."""

    abs_path: str
    rel_path: str
    file_id: str | None  # None when it could not even be read
    size_bytes: int
    manifest: Any = None  # transforms.manifest.ManifestRow
    manifest_fingerprint: str | None = None
    problem: str | None = None  # stable reason when it cannot be staged (unreadable_file, file_too_large …)
    staged_text: str | None = None  # --reprocess: the text staged earlier, read from the warehouse
    encoding: str | None = None
    mtime_ns: int | None = None
    is_copy: bool = False  # same bytes as a file this run took earlier, or as a current file of the
    # warehouse seen at another path (held back as duplicate_file_hash; its path is recorded)
    export_row: tuple[Any, Any, Any] | None = None  # --reprocess: (parent_file_id, row, supplied) of an export row


@dataclass
class Found:
    """A chunk of discovery: its files, and for each whether the warehouse holds it unchanged. (One
    object, not a list of pairs: Prefect links every direct element of a task's result to its state
    for the rest of the flow run, so a list would leave one entry per file behind.)"""

    items: list[FileItem]
    unchanged: list[bool]


@dataclass
class Tally:
    """Running totals of a streaming discovery: complete once its items are exhausted."""

    files_seen: int = 0
    files_new: int = 0  # handed on to be processed (copies and unreadable files included)
    files_skipped: int = 0  # unchanged since the warehouse took them
    seen: set[bytes] = field(default_factory=set)  # wh.path_key of every path listed (missing files)
    manifest_rows_used: set[Any] = field(default_factory=set)  # rows some file matched (the rest: unmatched)


@dataclass
class StepResult:
    """One stage over one batch: what passed, what was held back and why, and the dq rows."""

    passed: list[Any] = field(default_factory=list)
    held: list[tuple[Any, list[str]]] = field(default_factory=list)  # (record, reasons)
    rejections: list[Rejection] = field(default_factory=list)
    dq_rows: list[dict[str, Any]] = field(default_factory=list)
    issues: list[tuple[str, str, TextIssue]] = field(default_factory=list)


def _fingerprint(row: Any) -> str | None:
    if row is None:
        return None
    return hashlib.sha256(json.dumps(to_dict(row), sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _sha256_file(path: Path, buf: bytearray | None = None) -> str:
    """sha256 of a file's bytes, read into `buf` (reused across the files of a chunk). fh.read(1 MB)
    allocated a 1 MB bytes object per call, twice per file: on the 10k-article corpus (6,591 files,
    34 MB) hashing took 0.53-0.93 s that way and 0.31 s into one reused buffer (listing and stat alone:
    0.11 s; 2 CPUs at load average 8)."""
    buf = buf if buf is not None else bytearray(HASH_CHUNK)
    view = memoryview(buf)
    h = hashlib.sha256()
    with path.open("rb", buffering=0) as fh:
        while n := fh.readinto(buf):
            h.update(view[:n])
    return h.hexdigest()


# Folders of version control kept inside an archive: their files are the tool's internals, never
# articles (a .git/ in an archive made 40 rows of git objects and hooks).
VCS_DIRS = frozenset({".git", ".svn", ".hg", ".bzr", "CVS"})


def safe_name(path: str) -> str:
    """A path as it is stored and shown: the name itself when it is valid UTF-8; otherwise each byte
    that is not UTF-8 as `\\xNN` and each backslash as `\\x5c` (a name that is not UTF-8 cannot be
    stored as text; `bad\\xff.txt` crashed the whole run). Lossless: restore_name() gives the bytes
    back. Names that are valid UTF-8 are unchanged."""
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        raw = os.fsencode(path)
        return raw.replace(b"\\", b"\\x5c").decode("utf-8", "backslashreplace")


_ESCAPED_BYTE_RE = re.compile(r"\\x([0-9a-f]{2})")


def restore_name(stored: str) -> bytes:
    """The file name's bytes from safe_name()'s form (for a name that needed escaping)."""
    parts = _ESCAPED_BYTE_RE.split(stored)
    return b"".join(bytes([int(p, 16)]) if i % 2 else p.encode("utf-8") for i, p in enumerate(parts))


@dataclass
class Skipped:
    """What a listing passed over by rule, for the one summary line (nothing is left out silently)."""

    hidden_files: int = 0
    hidden_folders: int = 0
    vcs: list[str] = field(default_factory=list)  # relative paths of version-control folders
    own: list[str] = field(default_factory=list)  # gonghui's own outputs inside the input

    def line(self) -> str | None:
        parts = []
        if self.hidden_files or self.hidden_folders:
            parts.append(f"{self.hidden_files} hidden file{'s' if self.hidden_files != 1 else ''} and "
                         f"{self.hidden_folders} hidden folder{'s' if self.hidden_folders != 1 else ''} "
                         f"(names starting with '.') skipped")
        if self.vcs:
            parts.append(f"version-control folder{'s' if len(self.vcs) > 1 else ''} "
                         f"{', '.join(self.vcs[:5])}{' …' if len(self.vcs) > 5 else ''} excluded")
        if self.own:
            parts.append(f"gonghui's own output{'s' if len(self.own) > 1 else ''} "
                         f"{', '.join(self.own[:5])}{' …' if len(self.own) > 5 else ''} excluded")
        return "; ".join(parts) if parts else None


def own_outputs(db_path: str | None, report_dir: str | None) -> frozenset[str]:
    """Real paths of what gonghui writes, excluded from an input folder that holds them: the warehouse
    and everything named after it (.wal, .run.lock, .shards/, .prefect/), and the report folder."""
    out = set()
    if db_path:
        db = os.path.realpath(db_path)
        out.add(db)
        out.add(db + ".*")  # a prefix marker: names that start with the warehouse's name and a dot
    if report_dir:
        out.add(os.path.realpath(report_dir))
    return frozenset(out)


def _is_own(real: str, own: frozenset[str]) -> bool:
    if real in own:
        return True
    return any(o.endswith(".*") and real.startswith(o[:-1]) for o in own)


def _walk(root: Path, skipped: Skipped | None = None,
          own: frozenset[str] = frozenset()) -> Iterable[tuple[str, str | None]]:
    """Every regular file under root, in sorted (= dated-folder) order.

    Yields (path, problem): a folder's files by name, then its subfolders by name. Every entry is
    yielded or counted in `skipped`: hidden files and folders (a leading dot), version-control
    folders and gonghui's own outputs (`own`, see own_outputs) are passed over by rule; a folder that
    cannot be opened is yielded with `unreadable_folder`. A linked folder is followed wherever it
    points (an archive on another disk), each real folder once: a link back to a folder already
    listed is yielded as `symlink_loop` (an ancestor) or `folder_already_listed`. File links are
    followed only when they resolve inside root (`link_outside_input` otherwise). Only links are
    resolved: an ordinary entry of a folder is inside it (resolving every path cost 9 lstat calls per
    file: 3.5 s of a 100k-article re-run).
    """
    root_real = str(root.resolve())
    inside = root_real + os.sep
    seen_dirs: set[str] = set()
    sk = skipped if skipped is not None else Skipped()
    rel0 = len(str(root)) + 1
    # names an own output can have: a string test per entry before joining its path (a 100k-file walk)
    own_heads = tuple({os.path.basename(o[:-2] if o.endswith(".*") else o) for o in own})

    def visit(dirpath: str, real: str, ancestors: tuple[str, ...]) -> Iterator[tuple[str, str | None]]:
        seen_dirs.add(real)
        try:
            with os.scandir(dirpath) as it:
                entries = list(it)
        except OSError:
            yield dirpath, "unreadable_folder"
            return
        dirs: list[os.DirEntry[str]] = []
        files: list[os.DirEntry[str]] = []
        for e in entries:
            try:
                is_dir = e.is_dir()  # follows links, like os.walk(followlinks=True)
            except OSError:
                is_dir = False
            if own and e.name.startswith(own_heads) and _is_own(os.path.join(real, e.name), own):
                sk.own.append(safe_name(e.path[rel0:]) + ("/" if is_dir else ""))
                continue
            if e.name in VCS_DIRS and is_dir:
                sk.vcs.append(safe_name(e.path[rel0:]) + "/")
                continue
            if e.name.startswith("."):
                if is_dir:
                    sk.hidden_folders += 1
                else:
                    sk.hidden_files += 1
                continue
            (dirs if is_dir else files).append(e)
        for e in sorted(files, key=lambda x: x.name):
            if e.is_symlink():
                target = os.path.realpath(e.path)
                if not target.startswith(inside) and not any(target.startswith(a + os.sep) for a in ancestors):
                    yield e.path, "link_outside_input"
                elif not os.path.isfile(target):
                    yield e.path, "not_a_regular_file"
                else:
                    yield e.path, None
            elif e.is_file(follow_symlinks=False):
                yield e.path, None
            else:
                yield e.path, "not_a_regular_file"
        for d in sorted(dirs, key=lambda x: x.name):
            sub = os.path.realpath(d.path) if d.is_symlink() else os.path.join(real, d.name)
            if sub in ancestors or sub == real or root_real.startswith(sub + os.sep):
                yield d.path, "symlink_loop"
            elif sub in seen_dirs:
                yield d.path, "folder_already_listed"
            else:
                yield from visit(d.path, sub, (*ancestors, real))

    yield from visit(str(root), root_real, ())


def _suffix(name: str) -> str:
    """pathlib's suffix of a file name ("" for "a." and ".bashrc"), without building a Path."""
    i = name.rfind(".")
    return name[i:] if 0 < i < len(name) - 1 else ""


def quoted(value: T) -> T:
    """`value` wrapped in prefect's quote(): passed to a task as it is. Prefect otherwise walks every
    element of a task's arguments looking for futures (and rebuilds the lists), for each call: a batch
    is thousands of records. Typed as the value, which is what the task receives."""
    return cast(T, quote(value))


def _chunks(it: Iterable[T], size: int) -> Iterator[list[T]]:
    chunk: list[T] = []
    for x in it:
        chunk.append(x)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


@functools.lru_cache(maxsize=4)
def _manifest_rows(manifest_path: str | None, mtime_ns: int) -> tuple[Any, ...]:
    from gonghui.transforms.manifest import read_manifest

    if not manifest_path:
        return ()
    mp = Path(manifest_path)
    return tuple(read_manifest(mp.read_bytes(), mp.name))


def _listing(input_dir: str, skipped: Skipped | None = None,
             own: frozenset[str] = frozenset()) -> Iterator[tuple[str, str | None]]:
    """_walk, without the manifest files at the top of the folder (they describe the input, they are
    not part of it)."""
    skip = {os.path.join(input_dir, n) for n in MANIFEST_NAMES}
    return (e for e in _walk(Path(input_dir), skipped, own) if e[0] not in skip)


def count_files(input_dir: str, skipped: Skipped | None = None, own: frozenset[str] = frozenset()) -> int:
    """How many files discovery will see (a listing, nothing read): the denominator of the progress.
    `skipped` receives what the listing passed over by rule (hidden, version control, own outputs)."""
    return sum(1 for _ in _listing(input_dir, skipped, own))


@task(name="discover", retries=2, retry_delay_seconds=1, cache_policy=NO_CACHE)
def discover_chunk(entries: list[tuple[str, str | None]], input_dir: str, db_path: str,
                   manifest_path: str | None, look_up: bool = True) -> Found:
    """Stat and hash a chunk of listed files: (item, unchanged) each, unchanged when the warehouse
    already holds these bytes with the same manifest row (look_up=False: it held no file when the run
    began, so nothing is; this run's own files are recognised as copies, never as unchanged)."""
    from gonghui.transforms.manifest import match_manifest

    rows = list(_manifest_rows(manifest_path, Path(manifest_path).stat().st_mtime_ns if manifest_path else 0))
    prefix = len(str(Path(input_dir))) + 1
    # Content identity is the sha256 of the bytes, always: a correction that keeps size and mtime
    # (cp -p, rsync -a, an archive unpacked with its dates) must be read. Trusting path, size and mtime
    # instead saved ~0.2 s per 34 MB (10k-article corpus, _sha256_file) and lost such corrections.
    root = os.path.realpath(input_dir)
    at_path = wh.current_paths(db_path, root, [safe_name(path[prefix:]) for path, _ in entries]) if look_up else {}
    items: list[FileItem] = []
    buf = bytearray(HASH_CHUNK)
    for path, problem in entries:
        sfx = _suffix(os.path.basename(path)).lower()
        if sfx not in TEXT_SUFFIXES and sfx not in EXPORT_SUFFIXES and problem is None:
            problem = "unsupported_file_type"
        rel = safe_name(path[prefix:])
        size = 0
        fid = None
        mtime = None
        if problem is None:
            try:
                st = os.stat(path)
                size, mtime = st.st_size, st.st_mtime_ns
                if size > MAX_FILE_BYTES:
                    problem = "file_too_large"
                else:
                    fid = _sha256_file(Path(path), buf)
            except OSError:
                problem = "unreadable_file"
        if problem is not None or fid is None:
            items.append(FileItem(path, rel, None, size, problem=problem or "unreadable_file"))
            continue
        row = match_manifest(rows, fid, rel) if rows else None
        items.append(FileItem(path, rel, fid, size, row, _fingerprint(row), mtime_ns=mtime))
    known = wh.known_files(db_path, [it.file_id for it in items if it.file_id]) if look_up else {}
    unchanged = []
    for n, it in enumerate(items):
        k = known.get(it.file_id or "")
        current = k is not None and k[2]
        # the same bytes, processed with the same manifest row, still current, at a path that held them
        unchanged.append(current and k is not None and k[0] == it.manifest_fingerprint
                         and at_path.get(it.rel_path) == (it.file_id, "present"))
        if current and not unchanged[-1] and at_path.get(it.rel_path, ("",))[0] != it.file_id:
            # bytes the warehouse holds from another path: a copy, recorded under its own path
            items[n] = dataclasses.replace(it, is_copy=True)
    return Found(items, unchanged)


def discover(input_dir: str, db_path: str, manifest_path: str | None, tally: Tally,
             own: frozenset[str] = frozenset()) -> Iterator[FileItem]:
    """The files of the input folder this run must process, in listing (= dated-folder) order, found
    chunk by chunk as the batches are drawn. Files the warehouse holds unchanged are counted in
    `tally` and skipped; a later copy of bytes this run already takes is marked `is_copy` (the staged
    files suite holds it back as duplicate_file_hash, its first copy loads).
    """
    # The one thing a run keeps per file: 16 bytes of each new file's hash (~75 bytes in a set), to
    # recognise copies anywhere later in the listing (7 MB per 100k files).
    taken: set[bytes] = set()
    # A first run (no file in the warehouse when it began) looks nothing up: nothing can be unchanged.
    look_up = wh.has_files(db_path)
    for entries in _chunks(_listing(input_dir, None, own), DISCOVER_CHUNK):
        found = discover_chunk(quoted(entries), input_dir, db_path, manifest_path, look_up)
        prefix = len(str(Path(input_dir))) + 1
        tally.seen.update(wh.path_key(safe_name(path[prefix:])) for path, _ in entries)
        for item, unchanged in zip(found.items, found.unchanged, strict=True):
            tally.files_seen += 1
            if item.manifest is not None:
                tally.manifest_rows_used.add(item.manifest)
            if item.file_id is not None and not item.is_copy:
                key = bytes.fromhex(item.file_id[:32])
                if key in taken:
                    item = dataclasses.replace(item, is_copy=True)
                elif unchanged:
                    tally.files_skipped += 1
                    continue
                else:
                    taken.add(key)
            tally.files_new += 1
            yield item


@task(name="discover_staged", retries=2, retry_delay_seconds=1, cache_policy=NO_CACHE)
def discover_staged_chunk(db_path: str, after: tuple[str, str] | None, limit: int) -> Found:
    """--reprocess: the next `limit` staged files with text after (path, file_id), from the warehouse."""
    from gonghui.transforms.manifest import ManifestRow

    out = []
    for fid, path, size, enc, text, manifest, export_row in wh.staged_files(db_path, after, limit):
        row = ManifestRow(**{**manifest, "authors": tuple(manifest.get("authors") or ())}) if manifest else None
        out.append(FileItem(path, path, fid, size, row, _fingerprint(row), staged_text=text, encoding=enc,
                            export_row=export_row if export_row[0] else None))
    return Found(out, [False] * len(out))


def discover_staged(db_path: str, tally: Tally) -> Iterator[FileItem]:
    """--reprocess: every file the warehouse staged with text, page by page, without reading the input
    folder."""
    after: tuple[str, str] | None = None
    while page := discover_staged_chunk(db_path, after, DISCOVER_CHUNK).items:
        for item in page:
            tally.files_seen += 1
            tally.files_new += 1
            yield item
        after = (page[-1].rel_path, page[-1].file_id or "")


def batches(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Cut a stream of items into batches of `size` (the last one shorter)."""
    return _chunks(items, size)


def _check(suite: str, frame: Any, run_id: str, gx_dir: str | None) -> Outcome:
    return get_runner(gx_dir).validate(suite, frame, run_id)


def _error_reason(exc: BaseException) -> dict[str, str]:
    return {"error": f"{type(exc).__name__}: {exc}", "where": traceback.format_exc(limit=3)[-2000:]}


def _sort_out(res: StepResult, records: Sequence[Any], out: Outcome, key: Callable[[Any], str],
              reject: Callable[[Any, tuple[str, ...]], Rejection] | None) -> None:
    """Records that failed a critical expectation are held back (with a rejection); the rest pass on, those
    that failed a warning one with its name added to their `flags`."""
    for r in records:
        reasons = out.failed.get(key(r))
        if reasons:
            res.held.append((r, reasons))
            if reject is not None:
                res.rejections.append(reject(r, tuple(reasons)))
            continue
        warnings = out.warned.get(key(r))
        if warnings and hasattr(r, "flags"):
            r = dataclasses.replace(r, flags=(*r.flags, *(w for w in warnings if w not in r.flags)))
        res.passed.append(r)


@task(name="stage", retries=2, retry_delay_seconds=1, cache_policy=NO_CACHE)
def stage(items: list[FileItem], run_id: str, gx_dir: str | None, columns: str | None = None) -> StepResult:
    """Read and decode a batch of files; check them with the staged-files suite. `columns`: the
    crawler-export column override (--columns title=标题,date=发布时间)."""
    inject("stage")
    from gonghui.transforms.decode import decode_bytes
    from gonghui.transforms.readers import parse_columns_override

    override = parse_columns_override(columns) if columns else None

    res = StepResult()
    staged: list[StagedFile] = []
    for it in items:
        if it.problem is not None or it.file_id is None:
            res.rejections.append(Rejection("stage", "file", it.file_id or it.rel_path, it.rel_path,
                                            (it.problem or "unreadable_file",), {"path": it.rel_path}))
            continue
        if it.staged_text is not None:  # reprocessing: the warehouse kept the decoded text
            parent, row_no, supplied = it.export_row or (None, None, ())
            staged.append(StagedFile(it.file_id, it.rel_path, it.size_bytes, it.encoding, it.staged_text,
                                     supplied=supplied, parent_id=parent, row=row_no))
            continue
        try:
            data = Path(it.abs_path).read_bytes()
        except OSError as exc:
            res.rejections.append(Rejection("stage", "file", it.file_id, it.rel_path, ("unreadable_file",),
                                            {"path": it.rel_path, "error": str(exc)}))
            continue
        if (changed := _changed_since_hashed(it, data)) is not None:
            res.rejections.append(changed)
            continue
        d = decode_bytes(data)
        if _suffix(it.rel_path).lower() in EXPORT_SUFFIXES and d.text is not None and not it.is_copy:
            staged.extend(_export_rows(it, d.text, d.encoding, res, override))
            continue
        staged.append(StagedFile(it.file_id, it.rel_path, len(data), d.encoding, d.text, d.reason, it.is_copy,
                                 decode_issues=d.issues, decode_removed=d.removed))
    out = _check("staged_files", frames.staged_frame(staged), run_id, gx_dir)
    res.dq_rows = out.rows
    _sort_out(res, staged, out, lambda f: f.path, lambda f, reasons: Rejection(
        "stage", "file", f.file_id, f.path, reasons,
        {"path": f.path, "size_bytes": f.size_bytes, "encoding": f.encoding}))
    return res


# Stage reasons after which a file's path is not recorded: the bytes hashed at discovery were not read.
PATH_NOT_READ = {"unreadable_file", REASON_CHANGED}


def _changed_since_hashed(it: FileItem, data: bytes) -> Rejection | None:
    """The bytes processed must be the bytes hashed: a file written between discovery and staging
    (a crawler still writing it) would be stored under an id that is not its text's. It is held back
    for this run; the next run sees its new content."""
    now = hashlib.sha256(data).hexdigest()
    if now == it.file_id:
        return None
    return Rejection("stage", "file", it.file_id or "", it.rel_path, (REASON_CHANGED,),
                     {"path": it.rel_path, "sha256_listed": it.file_id, "sha256_read": now,
                      "size_bytes": len(data)})


def _export_rows(it: FileItem, text: str, encoding: str | None, res: StepResult,
                 override: dict[str, str] | None = None) -> list[StagedFile]:
    """A crawler export's rows as documents: each its own id, sha256(file hash + ":row:" + n), and its
    path `file#row=n`; parent_id and row keep the provenance. A table that names no articles is one
    rejection naming the columns it lacked."""
    from gonghui.transforms.readers import read_export

    assert it.file_id is not None
    ex = read_export(text, _suffix(it.rel_path).lower(), override)
    if ex.problem is not None and not ex.rows:
        res.rejections.append(Rejection("stage", "file", it.file_id, it.rel_path, (ex.problem,),
                                        {"path": it.rel_path, **ex.detail}))
        return []
    if ex.problem is not None:  # a broken tail: the rows before it are read, the break is reported
        res.rejections.append(Rejection("stage", "document", it.file_id, it.rel_path, (ex.problem,),
                                        {"path": it.rel_path, **ex.detail}))
    out = []
    for r in ex.rows:
        rid = hashlib.sha256(f"{it.file_id}:row:{r.row}".encode()).hexdigest()
        out.append(StagedFile(rid, f"{it.rel_path}#row={r.row}", len(r.text.encode()), encoding, r.text,
                              None if r.text.strip() else "empty_file", supplied=r.supplied,
                              parent_id=it.file_id, row=r.row))
    return out


@task(name="clean", cache_policy=NO_CACHE)
def clean(files: list[StagedFile], run_id: str, gx_dir: str | None) -> StepResult:
    """Repair, strip, convert and normalise each text; check with the clean-documents suite."""
    inject("clean")
    from gonghui.transforms.clean import clean_document, learn_boilerplate

    res = StepResult()
    learned = learn_boilerplate([f.text or "" for f in files])
    docs: list[CleanDoc] = []
    for i, f in enumerate(files):
        try:
            # a line other pages quote from this file's article is furniture there, not here
            doc = clean_document(f.file_id, f.path, f.text or "", repeated_lines=learned.for_document(i))
            if f.supplied or f.parent_id:  # an export row's columns (before what the page's <meta> said)
                doc = dataclasses.replace(doc, supplied=(*f.supplied, *doc.supplied), parent_id=f.parent_id)
            if f.decode_removed:  # what decoding trimmed or could not read counts with what cleaning removed
                doc = dataclasses.replace(doc, removed_counts={**f.decode_removed, **doc.removed_counts})
        except Exception as exc:  # one bad file never stops the run: it is quarantined with the error
            res.rejections.append(Rejection("clean", "document", f.file_id, f.path, ("transform_error",),
                                            _error_reason(exc)))
            continue
        docs.append(doc)
        res.issues.extend((f.file_id, f.path, i) for i in (*f.decode_issues, *doc.issues))
    out = _check("clean_documents", frames.clean_frame(docs), run_id, gx_dir)
    res.dq_rows = out.rows
    for d in docs:  # what a warning found stays visible: its spans in text_issues
        for reason in out.warned.get(d.file_id, ()):
            res.issues.extend((d.file_id, d.source_file, i) for i in finding_issues(reason, d.text))
    _sort_out(res, docs, out, lambda d: d.file_id, lambda d, reasons: Rejection(
        "clean", "document", d.file_id, d.source_file, reasons,
        {"text": d.text, "removed_counts": d.removed_counts}))
    return res


@task(name="segment", cache_policy=NO_CACHE)
def segment(docs: list[CleanDoc], manifests: dict[str, Any], run_id: str, gx_dir: str | None) -> StepResult:
    """Split documents into articles with metadata; check with the articles suite."""
    inject("segment")
    from gonghui.transforms.segment import segment_document

    res = StepResult()
    arts: list[Article] = []
    for d in docs:
        try:
            found = segment_document(d, manifests.get(d.file_id) or manifests.get(d.parent_id or ""))
        except Exception as exc:
            res.rejections.append(Rejection("segment", "document", d.file_id, d.source_file,
                                            ("transform_error",), _error_reason(exc)))
            continue
        if not found:
            res.rejections.append(Rejection("segment", "document", d.file_id, d.source_file,
                                            ("no_articles_found",), {"text": d.text[:2000]}))
        arts.extend(found)
    out = _check("articles", frames.article_frame(arts), run_id, gx_dir)
    res.dq_rows = out.rows
    # a held article's rejection is written after extract, carrying its facts
    _sort_out(res, arts, out, lambda a: a.article_id, None)
    return res


@dataclass
class Extracted:
    facts: list[Fact]
    people: list[Person]
    rejections: list[Rejection]
    dq_rows: list[dict[str, Any]]


def _extract_one(a: Article) -> tuple[list[Fact], list[Person]]:
    from gonghui.transforms.facts import extract_facts
    from gonghui.transforms.people import extract_people

    return extract_facts(a), extract_people(a)


@task(name="extract", cache_policy=NO_CACHE)
def extract(passed: list[Article], held: list[tuple[Article, list[str]]], run_id: str,
            gx_dir: str | None) -> Extracted:
    """Extract facts and people; check them with the facts and people suites.

    Facts of a quarantined article stay with it: they go into its quarantine payload, not `facts`.
    """
    inject("extract")
    facts: list[Fact] = []
    people: list[Person] = []
    rejections: list[Rejection] = []
    by_id = {a.article_id: a for a in passed}
    for a in passed:
        try:
            f, p = _extract_one(a)
        except Exception as exc:
            rejections.append(Rejection("extract", "article", a.article_id, a.source_file,
                                        ("transform_error",), _error_reason(exc)))
            continue
        facts.extend(f)
        people.extend(p)
    for a, reasons in held:
        try:
            f, p = _extract_one(a)
        except Exception:
            f, p = [], []
        payload = to_dict(a)
        payload["facts"] = [to_dict(x) for x in f]
        payload["people"] = [to_dict(x) for x in p]
        rejections.append(Rejection("segment", "article", a.article_id, a.source_file, tuple(reasons), payload))
    fo = _check("facts", frames.fact_frame(facts, by_id), run_id, gx_dir)
    po = _check("people", frames.people_frame(people, by_id), run_id, gx_dir)
    good_facts = []
    for fact in facts:
        r = fo.failed.get(fact.fact_id)
        if r:
            rejections.append(Rejection("extract", "fact", fact.fact_id, by_id[fact.article_id].source_file,
                                        tuple(r), to_dict(fact)))
        else:
            good_facts.append(fact)
    good_people = []
    for person in people:
        r = po.failed.get(frames.person_key(person))
        if r:
            rejections.append(Rejection("extract", "person", frames.person_key(person),
                                        by_id[person.article_id].source_file, tuple(r), to_dict(person)))
        else:
            good_people.append(person)
    return Extracted(good_facts, good_people, rejections, fo.rows + po.rows)


def assemble(run_id: str, batch_no: int, items: list[FileItem], staged: StepResult, cleaned: StepResult,
             segmented: StepResult, extracted: Extracted) -> wh.BatchResult:
    """Gather one batch's outcome: every file gets exactly one state."""
    b = wh.BatchResult(run_id=run_id, batch=batch_no, version=PIPELINE_VERSION)
    fp = {it.file_id: it.manifest_fingerprint for it in items if it.file_id}
    loaded_files = {a.file_id for a in segmented.passed}
    # an export is loaded when one of its rows is (its rows are documents of their own)
    loaded_files |= {f.parent_id for f in staged.passed if f.parent_id and f.file_id in loaded_files}
    staged_all: dict[str, StagedFile] = {}
    for f in staged.passed:
        staged_all.setdefault(f.file_id, f)
    for f, reasons in staged.held:
        if "duplicate_file_hash" not in reasons:  # a later copy: its first copy carries the content
            staged_all.setdefault(f.file_id, f)
    manifest_of = {it.file_id: it.manifest for it in items if it.file_id}
    manifest_of.update({f.file_id: manifest_of.get(f.parent_id) for f in staged_all.values() if f.parent_id})
    fp.update({f.file_id: fp.get(f.parent_id) for f in staged_all.values() if f.parent_id})
    mtime_of = {it.rel_path: it.mtime_ns for it in items}
    docs = {d.file_id: d for d in [*cleaned.passed, *(d for d, _ in cleaned.held)]}
    for fid, f in staged_all.items():
        state = "loaded" if fid in loaded_files else "quarantined"
        row = manifest_of.get(fid)
        doc = docs.get(fid)
        b.files.append(wh.FileOutcome(f, fp.get(fid), state, to_dict(row) if row is not None else None,
                                      doc.script if doc else None, dict(doc.removed_counts) if doc else None,
                                      mtime_of.get(f.path)))
    first_path = {f.file_id: f.path for f in staged.passed}
    first_path.update({f.parent_id: f.path.rsplit("#row=", 1)[0] for f in staged.passed if f.parent_id})
    # Every input path ends in exactly one state: loaded (its content's articles loaded, and it is the
    # copy that was staged) or quarantined (the file, its document or all its articles were held back).
    b.file_states = {it.rel_path: ("loaded" if it.file_id in loaded_files
                                   and first_path.get(it.file_id) == it.rel_path else "quarantined")
                     for it in items}
    b.articles = list(segmented.passed)
    # MinHash signatures of loaded articles: the loader links copies of the same story with them
    b.signatures = [(a.article_id, a.file_id, sig, band_keys(sig))
                    for a in segmented.passed for sig in [signature(a.body)]]
    b.facts = extracted.facts
    b.people = extracted.people
    b.issues = cleaned.issues
    all_rej = [*staged.rejections, *cleaned.rejections, *segmented.rejections, *extracted.rejections]
    b.rejections = all_rej
    art_file = {a.article_id: a.file_id for a in segmented.passed}
    art_file.update({a.article_id: a.file_id for a, _ in segmented.held})
    path_file = {it.rel_path: it.file_id for it in items}

    def file_of(r: Rejection) -> str | None:
        if r.record_kind in {"file", "document"}:
            return path_file.get(r.source_file or "") or (r.record_id if len(r.record_id) == 64 else None)
        if r.record_kind == "article":
            return art_file.get(r.record_id)
        return art_file.get(str(r.payload.get("article_id", "")))

    b.rejection_file_ids = [file_of(r) for r in all_rej]
    b.dq_rows = [*staged.dq_rows, *cleaned.dq_rows, *segmented.dq_rows, *extracted.dq_rows]
    b.paths = _paths_seen(items, staged.rejections)
    return b


def _paths_seen(items: list[FileItem], rejections: list[Rejection]) -> list[tuple[str, str, str]]:
    """(path, file_id, input folder) of each input file of the batch whose bytes were read as hashed
    (copies included): what the loader records in file_paths. --reprocess reads no input: none."""
    not_read = {r.source_file for r in rejections
                if r.stage == "stage" and r.record_kind == "file" and PATH_NOT_READ & set(r.reasons)}
    roots: dict[str, str] = {}
    out = []
    for it in items:
        if it.file_id is None or it.staged_text is not None or it.rel_path in not_read:
            continue
        # the listed name, not its stored escaped form (safe_name), is what abs_path ends with
        root = it.abs_path[: len(it.abs_path) - len(os.fsdecode(restore_name(it.rel_path))) - 1]
        if root not in roots:
            roots[root] = os.path.realpath(root)
        out.append((it.rel_path, it.file_id, roots[root]))
    return out


@task(name="load", retries=2, retry_delay_seconds=2, cache_policy=NO_CACHE)
def load(db_path: str, batch: wh.Packed | str) -> dict[str, int]:
    """Write a batch (in memory, or a Parquet shard written by a worker) to DuckDB in one transaction,
    holding the write lock only meanwhile."""
    packed = wh.read_shard(batch) if isinstance(batch, str) else batch
    return wh.load_packed(db_path, packed, midway=lambda: inject("load"))


@task(name="transform_batch", retries=1, retry_delay_seconds=1, cache_policy=NO_CACHE)
def transform_batch(batch_no: int, items: list[FileItem], manifests: dict[str, Any], run_id: str,
                    shard_dir: str, columns: str | None = None) -> str:
    """On a worker: every transform stage of one batch, written as a Parquet shard; returns its path.

    The stages are the same task functions the sequential flow calls one by one. Workers validate
    with an in-memory GX context (many processes must not write one GX project at once); every
    result still lands in dq_results through the shard.
    """
    seconds: dict[str, float] = {}

    def timed(name: str, fn: Callable[..., T], *args: Any) -> T:
        t0 = time.perf_counter()
        try:
            return fn(*args)
        finally:
            seconds[name] = time.perf_counter() - t0

    staged = timed("stage", stage.fn, items, run_id, None, columns)
    cleaned = timed("clean", clean.fn, staged.passed, run_id, None)
    segmented = timed("segment", segment.fn, cleaned.passed, manifests, run_id, None)
    extracted = timed("extract", extract.fn, segmented.passed, segmented.held, run_id, None)
    packed = timed("package", package, run_id, batch_no, items, staged, cleaned, segmented, extracted)
    packed.seconds = seconds
    del staged, cleaned, segmented, extracted
    try:
        return str(wh.write_shard(packed, Path(shard_dir) / f"batch-{batch_no:06d}"))
    finally:
        del packed
        release_memory()


def release_memory() -> None:
    """Hand a finished batch's memory back to the system: Arrow's pool and glibc keep freed pages for
    reuse, and a worker idled at ~730 MB after a 2,000-file batch (580 MB after this; ~10 ms)."""
    import gc

    import pyarrow as pa

    gc.collect()
    pa.default_memory_pool().release_unused()
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc (macOS, musl): nothing to trim
        pass


def package(run_id: str, batch_no: int, items: list[FileItem], staged: StepResult, cleaned: StepResult,
            segmented: StepResult, extracted: Extracted) -> wh.Packed:
    """One batch's outcome as the loader's Arrow tables."""
    return wh.pack(assemble(run_id, batch_no, items, staged, cleaned, segmented, extracted))


@task(name="report", cache_policy=NO_CACHE)
def report(db_path: str, report_dir: str, run_id: str, gx_dir: str | None) -> str:
    """Build GX Data Docs and the one-page data-quality summary; return the summary's path."""
    from gonghui.report import write_report

    # Data Docs are rebuilt only when this process validated something (an unchanged re-run never
    # opens a GX context: it costs seconds).
    docs = get_runner(gx_dir).build_docs() if gx_dir and has_runner(gx_dir) else None
    return str(write_report(db_path, report_dir, run_id=run_id, data_docs=docs))

