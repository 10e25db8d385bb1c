"""Benchmark fact extraction: articles/s and MB/s of extract_facts on cleaned, segmented articles.

The articles are the bundled samples plus, when ../shared/realtext/hkcnews/ is there, the Hong Kong
real-text set (read at run time, never copied). Cleaning and segmenting happen once, untimed; only
extraction is timed, over `--rounds` passes (each pass sees every article once, as a run would).

    .venv/bin/python bench/bench_extract.py              # 5 rounds
    .venv/bin/python bench/bench_extract.py --rounds 2

A segmenter for subjects (issue 14 point 3), measured on these 907 articles (3.84 MB) on the 2-core
machine under load ~5 (session 6): jieba 0.42.1 (pure Python, dictionary in the package; `pip download
jieba` works) loads in 1.3-2.4 s per process even with its cache file (jieba.dt.tmp_dir), and every
Prefect worker process would pay that; jieba.lcut costs 7-10 ms per article and jieba.posseg 143-168 ms
per article, against ~1.3 ms per article for the whole of extract_facts. Hand rules took the real-text
gold's subject from 50.4 % to 75.8 % at about the old speed (main 3add85b: 1.10-1.18 s per cold round,
this: 1.24-2.00 s, noisy), so jieba was not adopted: its per-article cost alone is 5-100x extraction's.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from gonghui.transforms.clean import clean_document
from gonghui.transforms.facts import extract_facts
from gonghui.transforms.records import Article
from gonghui.transforms.segment import segment_document

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"
REALTEXT = ROOT.parent / "shared" / "realtext" / "hkcnews"


def load_articles() -> list[Article]:
    paths = sorted(SAMPLES.glob("*.txt")) + (sorted(REALTEXT.glob("hk_*.txt")) if REALTEXT.is_dir() else [])
    out: list[Article] = []
    for p in paths:
        doc = clean_document(p.name, p.name, p.read_text(encoding="utf-8"))
        out.extend(segment_document(doc))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=5, help="passes over the articles (default 5)")
    args = ap.parse_args(argv)
    articles = load_articles()
    mb = sum(len(a.body.encode("utf-8")) for a in articles) / 1e6
    extract_facts(articles[0])  # imports and lazy tables out of the timing
    t0 = time.perf_counter()
    facts = 0
    for _ in range(args.rounds):
        for a in articles:
            facts += len(extract_facts(a))
    dt = time.perf_counter() - t0
    n = len(articles) * args.rounds
    print(f"extract_facts: {len(articles)} articles ({mb:.2f} MB of body) x {args.rounds} rounds")
    print(f"  {dt:.2f} s  {n / dt:,.0f} articles/s  {mb * args.rounds / dt:.2f} MB/s  "
          f"{facts // args.rounds:,} facts per round  {facts / dt:,.0f} facts/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
