"""Benchmark saved-page extraction: MB/s and ms per page of transforms.html.extract_page (trafilatura +
the page's <meta>) against the hand-written tag stripper it replaced (transforms.html.strip_tags).

Pages: the saved-page fixtures (tests/fixtures/archives/pages, decoded as the pipeline decodes them),
plus `--pages` variants of them with the article repeated 1-8 times (pages of 2-15 KB, the size of a
news page). The first call (trafilatura's and htmldate's imports and set-up) is timed apart: a run
pays it once per process.

    .venv/bin/python bench/bench_html.py              # 200 pages, 3 rounds
"""

from __future__ import annotations

import argparse
import re
import time
from pathlib import Path

from gonghui.transforms.decode import decode_bytes
from gonghui.transforms.html import extract_page, strip_tags

ROOT = Path(__file__).resolve().parents[1]
PAGES = ROOT / "tests" / "fixtures" / "archives" / "pages"
_ARTICLE_RE = re.compile(r'(<div class="article">)(.*?)(</div>)', re.S)


def corpus(n: int) -> list[str]:
    base = [decode_bytes(p.read_bytes()).text or "" for p in sorted(PAGES.iterdir()) if p.is_file()]
    out = []
    for i in range(n):
        page = base[i % len(base)]
        k = 1 + i % 8
        out.append(_ARTICLE_RE.sub(lambda m, k=k: m.group(1) + m.group(2) * k + m.group(3), page))
    return out


def timed(fn, pages: list[str], rounds: int) -> float:  # type: ignore[no-untyped-def]
    best = float("inf")
    for _ in range(rounds):
        t0 = time.perf_counter()
        for p in pages:
            fn(p)
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=200)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    pages = corpus(args.pages)
    mb = sum(len(p.encode()) for p in pages) / 1e6
    t0 = time.perf_counter()
    extract_page(pages[0])
    first = time.perf_counter() - t0
    for name, fn in (("strip_tags (before)", strip_tags), ("extract_page (trafilatura)", extract_page)):
        s = timed(fn, pages, args.rounds)
        print(f"{name:28s} {len(pages)} pages, {mb:.2f} MB: {s:.3f} s  {mb / s:6.2f} MB/s  "
              f"{1000 * s / len(pages):6.2f} ms/page  {s / mb:6.2f} s/MB")
    print(f"first call (imports, set-up): {first:.2f} s")


if __name__ == "__main__":
    main()
