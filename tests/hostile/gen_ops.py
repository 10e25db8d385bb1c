"""Operational and hostile cases for `gonghui run`, generated into real folders: what a data team's
archive, cron job and colleagues leave on disk. Each builder names the phenomenon it produces.

The article texts are the repository's own samples (data/samples), so every "good" file is one the
pipeline is known to load; no text of the dev set is copied here.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import ROOT, SAMPLES

SAMPLE = sorted(SAMPLES.glob("*.txt"))  # 000..003 load, 004 is held back (see tests/gold)


def env_for(tmp: Path, **extra: str) -> dict[str, str]:
    """The environment of a user's shell: no Prefect settings but a home of this test's own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "GONGHUI_"))}
    env["PREFECT_HOME"] = str(tmp / "prefect-home")
    env.update(extra)
    return env


def gonghui(args: list[str], tmp: Path, timeout: float = 600, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "gonghui.cli", *args], capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT, env=env_for(tmp, **extra))


def build_accounting_tree(root: Path, outside: Path) -> dict[str, str]:
    """One input folder holding every walking case beside good pages. Returns case -> what it is.

    - good: a page at the top (sample 000).
    - hidden: `.draft.txt` and a folder `.cache/` (editor and tool leftovers): skipped by rule, counted.
    - vcs: a `.git/` folder with objects and a hook (40 rows of git internals before).
    - own outputs: the warehouse, its lock and the report folder inside the input (69 rows on the
      second run before); the run is pointed at them by the test.
    - linked folder: `elsewhere/` links to a folder on "another disk" (outside the input) holding
      sample 002: followed, its page loaded.
    - loop: `linked/back` links to the input's own root: reported as `symlink_loop`, not walked.
    - twice: `again/` links to `elsewhere`'s target a second time: `folder_already_listed`.
    - bad name: `bad\\xff.txt` (a byte that is not UTF-8 in the name; crashed the whole run) holds
      sample 001; `a\\b\\xfe.txt` holds 003 (a backslash beside the bad byte: escaped losslessly).
    """
    root.mkdir(parents=True)
    shutil.copy(SAMPLE[0], root / "good.txt")
    (root / ".draft.txt").write_text("草稿", encoding="utf-8")
    (root / ".cache").mkdir()
    (root / ".cache" / "page.txt").write_bytes(SAMPLE[3].read_bytes())
    git = root / ".git"
    (git / "objects" / "ab").mkdir(parents=True)
    (git / "objects" / "ab" / "cdef").write_bytes(b"x\x9c\x01\x02binary")
    (git / "hooks").mkdir()
    (git / "hooks" / "pre-commit.sample").write_text("#!/bin/sh\nexit 0\n")
    (git / "HEAD").write_text("ref: refs/heads/main\n")
    (root / "reports").mkdir()
    (root / "reports" / "index.html").write_text("<html>an earlier report</html>")
    outside.mkdir(parents=True)
    shutil.copy(SAMPLE[2], outside / "far.txt")
    (root / "elsewhere").symlink_to(outside, target_is_directory=True)
    (root / "linked").mkdir()
    (root / "linked" / "back").symlink_to(root, target_is_directory=True)
    (root / "zz_again").symlink_to(outside, target_is_directory=True)
    with open(os.path.join(os.fsencode(root), b"bad\xff.txt"), "wb") as fh:
        fh.write(SAMPLE[1].read_bytes())
    with open(os.path.join(os.fsencode(root), b"a\\b\xfe.txt"), "wb") as fh:
        fh.write(SAMPLE[3].read_bytes())
    return {"good": "good.txt", "bad_name": "bad\\xff.txt", "backslash_name": "a\\x5cb\\xfe.txt",
            "linked": "elsewhere/far.txt", "loop": "linked/back", "twice": "zz_again"}


def write_manifest(root: Path, rows: list[str], encoding: str, sep: str = ",") -> Path:
    """A manifest as a spreadsheet saves it: `encoding` "utf-8-sig" (Excel's CSV UTF-8), "gb18030"
    (CSV on a Chinese Windows), "utf-16" (Unicode Text: BOM, tabs)."""
    p = root / ("manifest.tsv" if sep == "\t" else "manifest.csv")
    p.write_bytes(("\r\n".join(line.replace(",", sep) for line in rows) + "\r\n").encode(encoding))
    return p


def processes_of(pid: int) -> list[str]:
    """Live processes a `gonghui run` with this pid started (its process group, and the API server in
    a session of its own that names its parent's pid), zombies left out (already ended)."""
    out = []
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            stat = (d / "stat").read_text()
            cmd = (d / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        state, pgid = fields[0], int(fields[2])
        if state == "Z" or int(d.name) == pid:
            continue
        if pgid == pid or ("gonghui.apiserver" in cmd and cmd.endswith(f" {pid}")):
            out.append(f"{d.name} {cmd[:120]}")
    return out


def stop_run(tmp: Path, sig: signal.Signals, inp: Path, group: bool) -> dict[str, object]:
    """Start `gonghui run`, hold it inside its load transaction (GONGHUI_FAULT pause:load), send `sig`
    (to the whole process group when `group`, as a terminal's Ctrl-C does), and measure."""
    marker = tmp / "marker"
    env = env_for(tmp, GONGHUI_FAULT="pause:load:120", GONGHUI_FAULT_MARKER=str(marker))
    proc = subprocess.Popen([sys.executable, "-m", "gonghui.cli", "run", "--input", str(inp), "--db",
                             str(tmp / "wh.duckdb"), "--report-dir", str(tmp / "reports")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env,
                            start_new_session=True)
    deadline = time.monotonic() + 300
    while not marker.exists() and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    started = time.monotonic()
    if group:
        os.killpg(proc.pid, sig)
    else:
        proc.send_signal(sig)
    try:
        out, err = proc.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
    seconds = time.monotonic() - started
    time.sleep(0.5)
    return {"code": proc.returncode, "seconds": seconds, "stdout": out, "stderr": err,
            "left": processes_of(proc.pid), "reached": marker.exists()}


def busy_corpus(out: Path, articles: int = 2500) -> Path:
    """A corpus big enough to keep two Dask workers busy for many batches (bench/gen_corpus.py: about
    two files per three articles, each with the artifact classes of the samples). Returns --input."""
    subprocess.run([sys.executable, str(ROOT / "bench" / "gen_corpus.py"), "--n", str(articles), "--seed", "3",
                    "--out", str(out), "--workers", "1"], check=True, capture_output=True, timeout=300)
    return out / "corpus"


def stop_busy_run(tmp: Path, inp: Path, workers: int = 2, batch_size: int = 200) -> dict[str, object]:
    """Start `gonghui run --workers N` with small batches, wait until the first batch is loaded (the
    workers are then busy transforming the batches in flight), send SIGINT to the whole process group
    as a terminal's Ctrl-C does, and measure from the signal to the process's exit. No fault injection:
    the workers are doing real work when the signal comes."""
    import threading

    proc = subprocess.Popen([sys.executable, "-m", "gonghui.cli", "run", "--input", str(inp), "--db",
                             str(tmp / "wh.duckdb"), "--report-dir", str(tmp / "reports"), "--workers",
                             str(workers), "--batch-size", str(batch_size)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                            env=env_for(tmp), start_new_session=True)
    lines: list[tuple[float, str]] = []
    first_batch = threading.Event()

    def read() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            lines.append((time.monotonic(), line.rstrip("\n")))
            if line.startswith("  batch 1:"):
                first_batch.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    first_batch.wait(600)
    started = time.monotonic()
    os.killpg(proc.pid, signal.SIGINT)
    try:
        proc.wait(timeout=120)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    seconds = time.monotonic() - started
    reader.join(10)
    time.sleep(0.5)  # the forkserver and resource tracker end when their parent's pipes close
    return {"code": proc.returncode, "seconds": seconds, "reached": first_batch.is_set(),
            "before": [ln for t, ln in lines if t < started], "after": [ln for t, ln in lines if t >= started],
            "stdout": proc.stdout.read() if proc.stdout else "", "left": processes_of(proc.pid)}
