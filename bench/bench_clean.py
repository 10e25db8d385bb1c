"""Benchmark the cleaner: MB/s per cleaning step and for the whole clean_document, plus peak RSS.

Builds a corpus by repeating the sample files (each repetition is a separate document, as in a real
run) up to the requested size, then times each step on the inputs it sees in the pipeline.

    /tmp/v1/bin/python bench/bench_clean.py            # 50 MB
    /tmp/v1/bin/python bench/bench_clean.py --mb 10
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gonghui.transforms.boilerplate import remove_boilerplate
from gonghui.transforms.clean import clean_document, repair_mojibake, to_simplified
from gonghui.transforms.normalize import normalize_text
from gonghui.transforms.paragraphs import rejoin_paragraphs, split_paragraphs
from gonghui.transforms.pinyin import strip_pinyin_annotations

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"


def build_corpus(mb: float) -> list[str]:
    samples = [p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.txt"))]
    target = int(mb * 1_000_000)
    docs: list[str] = []
    size = 0
    i = 0
    while size < target:
        doc = samples[i % len(samples)]
        docs.append(doc)
        size += len(doc.encode("utf-8"))
        i += 1
    return docs


def timed(name: str, fn: Callable[[str], Any], inputs: list[str], mb: float) -> list[Any]:
    t0 = time.perf_counter()
    out = [fn(x) for x in inputs]
    dt = time.perf_counter() - t0
    print(f"{name:<28} {dt:8.2f} s  {mb / dt:8.1f} MB/s  {len(inputs) / dt:10.0f} docs/s")
    return out


def _nfc(text: str) -> str:
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", type=float, default=50.0, help="corpus size in MB of UTF-8 (default 50)")
    args = ap.parse_args(argv)

    docs = build_corpus(args.mb)
    mb = sum(len(d.encode("utf-8")) for d in docs) / 1_000_000
    print(f"corpus: {len(docs)} documents, {mb:.1f} MB (samples repeated)")
    print(f"{'step':<28} {'time':>10}  {'speed':>13}  {'rate':>15}")

    step1 = [t for t, _ in timed("1 repair_mojibake", repair_mojibake, docs, mb)]
    step2 = [t for t, _ in timed("2 strip_pinyin_annotations", strip_pinyin_annotations, step1, mb)]
    step3 = [t for t, _ in timed("3 to_simplified (+NFC)", lambda t: to_simplified(_nfc(t)), step2, mb)]
    step4 = timed("4 normalize_text", normalize_text, step3, mb)
    step5 = [r.text for r in timed("5 remove_boilerplate", remove_boilerplate, step4, mb)]
    timed("6 split+rejoin_paragraphs", lambda t: rejoin_paragraphs(split_paragraphs(t)), step5, mb)
    del step1, step2, step3, step4, step5

    t0 = time.perf_counter()
    for i, d in enumerate(docs):
        clean_document(str(i), "bench.txt", d)
    dt = time.perf_counter() - t0
    print(
        f"{'clean_document (all steps)':<28} {dt:8.2f} s  {mb / dt:8.1f} MB/s  {len(docs) / dt:10.0f} docs/s"
    )

    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    print(f"peak RSS: {peak_kb / 1024:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
