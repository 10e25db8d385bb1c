"""Quality-gate section `archives` (issue 18): archives as people keep them, without a --manifest.

The input is tests/fixtures/archives (invented text written from the phenomena: a date-named tree with
e-paper headers, crawler exports, saved web pages, editorial furniture above headlines) with its own
manifest.csv at the top; the truth is tests/gold/archives_truth.jsonl, one line per document (a file,
or an export's row `file#row=N`) with its shape, title, date and source, or `loads: false` for what
must be held back (a date after the run, a table that names no articles).

Figures per shape (dated, exports, pages, furniture) and overall:
  S.yield           documents that should load and gave exactly one loaded article
  S.headline_exact  that article's title equals the truth's
  S.date_right      its publish_date equals the truth's
  S.source_right    its source equals the truth's
  held_right        documents that must be held back and were (none loaded)

    python bench/eval.py --only archives
    python bench/eval_archives.py --root /path/to/an/older/checkout   # the same figures for older code
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from eval import CorpusResult, _query, run_gonghui  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "archives"
TRUTH = ROOT / "tests" / "gold" / "archives_truth.jsonl"


def figures(db: Path, truth: list[dict[str, Any]]) -> CorpusResult:
    res = CorpusResult("archives")
    arts: dict[str, list[tuple[Any, ...]]] = {}
    for row in _query(db, "SELECT source_file, title, CAST(publish_date AS VARCHAR), source FROM articles"):
        arts.setdefault(row[0], []).append(row)
    shapes = sorted({t["shape"] for t in truth})
    held_right = held_n = 0
    for shape in [*shapes, "all"]:
        docs = [t for t in truth if t["loads"] and (shape == "all" or t["shape"] == shape)]
        one = title = date = source = 0
        for t in docs:
            got = arts.get(t["doc"], [])
            a = got[0] if len(got) == 1 else None
            one += a is not None
            title += a is not None and a[1] == t["title"]
            date += a is not None and a[2] == t["publish_date"]
            source += a is not None and a[3] == t["source"]
        n = len(docs) or 1
        res.add(f"{shape}.yield", one / n, text=f"{one}/{len(docs)}")
        res.add(f"{shape}.headline_exact", title / n, text=f"{title}/{len(docs)}")
        res.add(f"{shape}.date_right", date / n, text=f"{date}/{len(docs)}")
        res.add(f"{shape}.source_right", source / n, text=f"{source}/{len(docs)}")
    for t in truth:
        if not t["loads"]:
            held_n += 1
            held_right += not arts.get(t["doc"])
    res.add("held_right", held_right / (held_n or 1), text=f"{held_right}/{held_n}")
    return res


def evaluate(work: Path) -> CorpusResult:
    truth = [json.loads(ln) for ln in TRUTH.read_text(encoding="utf-8").splitlines() if ln.strip()]
    inp = work / "input"
    shutil.copytree(FIXTURES, inp)
    return figures(run_gonghui(inp, work), truth)


def main() -> None:
    import argparse
    import os
    import subprocess
    import tempfile

    ap = argparse.ArgumentParser(description="the archives section, optionally for another checkout")
    ap.add_argument("--root", help="run gonghui from this checkout (before/after comparisons)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if not args.root:
            res = evaluate(work)
        else:
            truth = [json.loads(ln) for ln in TRUTH.read_text(encoding="utf-8").splitlines() if ln.strip()]
            shutil.copytree(FIXTURES, work / "input")
            env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
            env["PYTHONPATH"] = args.root
            subprocess.run([sys.executable, "-m", "gonghui.cli", "run", "--input", str(work / "input"),
                            "--db", str(work / "w.duckdb"), "--report-dir", str(work / "r")],
                           cwd=args.root, env=env, check=True, capture_output=True)
            res = figures(work / "w.duckdb", truth)
        for f in res.figures:
            print(f"{f.name:28s} {f.value:7.1%}  {f.text}")


if __name__ == "__main__":
    main()
