"""Benchmark Traditional->Simplified: chars/s and MB/s of to_simplified on a large Traditional corpus, peak RSS.

The corpus repeats the two Traditional samples (001, 003) as separate documents up to --mb megabytes of
UTF-8. Also times the reference path (opencc-python-reimplemented's engine with the same dictionaries) on a
slice, checks both give the same text there, and times to_simplified on the Simplified samples (detection
only: nothing to convert).

    /tmp/v1/bin/python bench/bench_opencc.py            # 20 MB
    /tmp/v1/bin/python bench/bench_opencc.py --mb 5
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

from gonghui.transforms.chinese import convert_reference, to_simplified

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"
TRADITIONAL = ("001_ef19e07390bc0016.txt", "003_21340ad4f150d7d2.txt")
SIMPLIFIED = ("000_7e7ea642b88fe6f6.txt", "002_bdbddf47cf01ef19.txt", "004_2346e4344e25976a.txt")
REFERENCE_DOCS = 200  # the reference engine is ~10x slower; a slice is enough for its rate


def corpus(names: tuple[str, ...], mb: float) -> list[str]:
    samples = [(SAMPLES / n).read_text(encoding="utf-8") for n in names]
    docs: list[str] = []
    size = 0
    while size < mb * 1_000_000:
        doc = samples[len(docs) % len(samples)]
        docs.append(doc)
        size += len(doc.encode("utf-8"))
    return docs


def rate(label: str, docs: list[str], seconds: float) -> None:
    chars = sum(len(d) for d in docs)
    mb = sum(len(d.encode("utf-8")) for d in docs) / 1e6
    print(
        f"{label:<40} {len(docs):>6} docs {mb:7.1f} MB {seconds:7.2f} s "
        f"{chars / seconds / 1e6:6.2f} M chars/s {mb / seconds:6.2f} MB/s {seconds / len(docs) * 1e3:6.3f} ms/doc"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=20.0)
    args = parser.parse_args()
    docs = corpus(TRADITIONAL, args.mb)
    to_simplified(docs[0])  # load and compile the dictionaries outside the timing

    t0 = time.perf_counter()
    fast = [to_simplified(d)[0] for d in docs]
    rate("to_simplified (Traditional docs)", docs, time.perf_counter() - t0)

    ref_docs = docs[:REFERENCE_DOCS]
    t0 = time.perf_counter()
    ref = [convert_reference(d, "t2s") for d in ref_docs]
    rate("reference engine (same dictionaries)", ref_docs, time.perf_counter() - t0)
    assert ref == fast[: len(ref)], "fast path differs from the reference"

    simplified = corpus(SIMPLIFIED, args.mb / 4)
    t0 = time.perf_counter()
    for d in simplified:
        to_simplified(d)
    rate("to_simplified (Simplified docs)", simplified, time.perf_counter() - t0)
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
