"""Same story, counted once: near-duplicate articles by character shingles, MinHash and LSH banding."""

from __future__ import annotations

import functools
import hashlib
import math
import re
import unicodedata
from collections.abc import Sequence

import numpy as np

Signature = tuple[int, ...]

# Characters per shingle. Chinese has no word breaks, so shingles are runs of characters. Two
# unrelated union stories share plenty of 2-3 character stock words (工会, 职工群众, 全省各级); five
# characters make a shingle specific to its sentence, while one differing character (a Traditional
# round trip, a corrected typo) still costs only five shingles out of thousands.
SHINGLE_CHARS = 5
# Hash functions per signature. The similarity estimate's standard error is sqrt(J(1-J)/n):
# 0.035 at J = 0.8 with 128, small enough to tell a copy (>0.9) from a related story (<0.3).
NUM_PERM = 128
# Below this many letters (after dropping punctuation and spaces) a text is too short to say it tells
# the same story as another rather than sharing a stock phrase ("图片新闻"); it gets the empty signature
# and is never called a duplicate. Forty characters is about two sentences of news prose.
MIN_CHARS = 40
# Default similarity above which an article is a copy: edited reprints (a new headline, a trimmed
# paragraph, a Traditional round trip) score 0.85-1.0; distinct stories on one topic stay under 0.3.
DEFAULT_THRESHOLD = 0.8
# LSH bands are chosen so that a pair exactly at the threshold becomes a candidate with at least this
# probability; candidates are then checked against the full signatures, so a low band threshold only
# costs a few extra comparisons, never a false link.
CANDIDATE_RECALL = 0.99

# Hash values are 32-bit (multiply-shift keeps the top half of a 64-bit product): this sentinel is
# larger than all of them, so an EMPTY signature (no shingles at all) never equals a real one.
_EMPTY_HASH = (1 << 61) - 1
EMPTY: Signature = (_EMPTY_HASH,) * NUM_PERM
# Fixed seed: signatures are stored in the warehouse and compared across runs, so the permutations
# must never change (changing NUM_PERM, SHINGLE_CHARS or this seed needs a new PIPELINE_VERSION).
_SEED = 20231018
_rng = np.random.default_rng(_SEED)
# 64-bit odd multipliers and 64-bit offsets for multiply-shift hashing (see signature()).
_A64 = (_rng.integers(0, 1 << 63, size=NUM_PERM, dtype=np.uint64) << np.uint64(1)) | np.uint64(1)
_B64 = _rng.integers(0, 1 << 63, size=NUM_PERM, dtype=np.uint64) << np.uint64(1)
# Mixing constants of splitmix64 (Steele et al.), used to spread the shingle hashes.
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_FNV = np.uint64(0x100000001B3)
# Shingles hashed per step: NUM_PERM x 16k uint64 = 16 MiB at most, whatever the text's length.
_CHUNK = 1 << 14

# Kept: CJK ideographs (BMP, extension A, compatibility, supplementary planes) and ASCII letters and
# digits; figures like 2911 are part of a story. Everything else (punctuation, spaces, line breaks)
# differs between copies for typographic reasons only.
_DROP = re.compile(r"[^0-9a-z\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]+")


def normalize(text: str) -> str:
    """The letters a signature is built from: NFKC, lower case, no punctuation or spaces."""
    # The quick check is a fraction of the cost of normalising, and most cleaned texts pass it.
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    return _DROP.sub("", text.lower())


def _shingle_hashes(letters: str) -> np.ndarray:
    """32-bit hashes of every SHINGLE_CHARS-character window (vectorised: no per-shingle Python).

    Repeated shingles are kept: a minimum does not care, and deduplicating cost more than it saved."""
    codes = np.frombuffer(letters.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    n = len(codes) - SHINGLE_CHARS + 1
    h = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):  # uint64 arithmetic wraps on purpose; in place: no temporaries
        for j in range(SHINGLE_CHARS):
            h ^= codes[j:j + n]
            h *= _FNV
        h ^= h >> np.uint64(30)
        h *= _MIX1
        h ^= h >> np.uint64(27)
        h *= _MIX2
        h ^= h >> np.uint64(31)
    return h >> np.uint64(32)


def signature(text: str) -> Signature:
    """MinHash signature (NUM_PERM ints) of the text's character shingles; EMPTY for short texts."""
    letters = normalize(text)
    if len(letters) < max(MIN_CHARS, SHINGLE_CHARS):
        return EMPTY
    x = _shingle_hashes(letters)
    # Multiply-shift hashing (Dietzfelbinger et al. 1997): (a*x + b) mod 2^64, top 32 bits. A
    # universal family like (a*x + b) mod p, without the division: the signature costs a third.
    # Taking the top bits is monotone, so it is applied to the minimum only. Shingles go through in
    # chunks: a 10 MB text must not become a NUM_PERM x 10M matrix.
    low = np.full(NUM_PERM, np.iinfo(np.uint64).max, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for i in range(0, len(x), _CHUNK):
            m = np.multiply.outer(_A64, x[i:i + _CHUNK])
            m += _B64[:, None]
            np.minimum(low, m.min(axis=1), out=low)
    return tuple((low >> np.uint64(32)).tolist())


def is_empty(sig: Sequence[int]) -> bool:
    return tuple(sig) == EMPTY


def similarity(sig_a: Sequence[int], sig_b: Sequence[int]) -> float:
    """Estimated Jaccard similarity of the two texts' shingle sets (0.0 when either is EMPTY)."""
    if len(sig_a) != len(sig_b):
        raise ValueError(f"signatures of different lengths ({len(sig_a)} vs {len(sig_b)}): "
                         f"computed with different settings")
    if not sig_a or is_empty(sig_a) or is_empty(sig_b):
        return 0.0
    return sum(1 for a, b in zip(sig_a, sig_b, strict=True) if a == b) / len(sig_a)


@functools.lru_cache(maxsize=64)  # asked once per signature, with one or two distinct thresholds
def bands_for(threshold: float, num_perm: int = NUM_PERM) -> tuple[int, int]:
    """(bands, rows per band): the most selective banding that still finds a pair at `threshold`
    with probability CANDIDATE_RECALL (P = 1 - (1 - t^rows)^bands)."""
    t = min(max(threshold, 0.0), 1.0)
    for rows in sorted((r for r in range(1, num_perm + 1) if num_perm % r == 0), reverse=True):
        bands = num_perm // rows
        if 1 - (1 - t ** rows) ** bands >= CANDIDATE_RECALL:
            return bands, rows
    return num_perm, 1


def min_shared_bands(threshold: float = DEFAULT_THRESHOLD, num_perm: int = NUM_PERM) -> int:
    """The fewest LSH bands two signatures of similarity >= threshold can agree on (exact, not a guess).

    similarity >= t means at least ceil(t * num_perm) equal positions (the same float product the
    warehouse's check computes), so at most num_perm - that many differ; each differing position spoils at
    most one band. The loader only compares pairs sharing this many band keys: at 0.8 that is 7 of 32, which
    cut the candidate pairs of a repetitive batch from 183k to 5k with no pair at the threshold lost."""
    bands, _rows = bands_for(threshold, num_perm)
    differing = num_perm - math.ceil(threshold * num_perm)
    return max(1, bands - differing)


def band_keys(sig: Sequence[int], threshold: float = DEFAULT_THRESHOLD) -> list[int]:
    """One signed 64-bit key per LSH band (the band number is hashed in, so keys of different bands
    never collide by position). Two signatures share a key exactly when they agree on a whole band:
    the warehouse stores these keys and asks `list_has_any(bands, <keys of the batch>)` for candidates,
    then passes only those to find_duplicates. EMPTY signatures have no keys."""
    if is_empty(sig):
        return []
    bands, rows = bands_for(threshold, len(sig))
    keys = []
    for band in range(bands):
        chunk = ",".join(map(str, sig[band * rows:(band + 1) * rows]))
        digest = hashlib.blake2b(f"{band}:{chunk}".encode(), digest_size=8).digest()
        keys.append(int.from_bytes(digest, "big", signed=True))
    return keys


def find_duplicates(new: Sequence[tuple[str, Sequence[int]]], existing: Sequence[tuple[str, Sequence[int]]],
                    threshold: float = DEFAULT_THRESHOLD) -> dict[str, str]:
    """Link each new article that repeats an earlier one: {article_id: duplicate_of_article_id}.

    `existing` are articles already in the warehouse (the first copies); `new` are in processing
    order, so a later new article may also repeat an earlier new one. A copy of a copy points at the
    first copy. Among several matches the most similar wins (ties: an existing article, then the
    earliest). Candidates come from LSH buckets (each band of rows hashes to one bucket), so the cost
    grows with the number of near pairs, not with the square of the collection. An article never
    matches its own id, and EMPTY signatures match nothing.
    """
    bands, rows = bands_for(threshold)
    buckets: dict[tuple[int, tuple[int, ...]], list[str]] = {}
    sigs: dict[str, tuple[int, ...]] = {}
    rank: dict[str, tuple[int, int]] = {}  # id -> (0 existing | 1 new, position): tie-break order
    found: dict[str, str] = {}

    def keys(sig: tuple[int, ...]) -> list[tuple[int, tuple[int, ...]]]:
        if len(sig) == bands * rows:  # the rows of each band in one C-level pass (zip over one iterator)
            return list(enumerate(zip(*[iter(sig)] * rows, strict=True)))
        return [(band, sig[band * rows:(band + 1) * rows]) for band in range(bands)]

    def add(aid: str, sig: tuple[int, ...], sig_keys: list[tuple[int, tuple[int, ...]]] | None = None) -> None:
        sigs[aid] = sig
        for key in sig_keys if sig_keys is not None else keys(sig):
            buckets.setdefault(key, []).append(aid)

    for pos, (aid, sig) in enumerate(existing):
        s = tuple(sig)
        if aid not in sigs and not is_empty(s):
            rank[aid] = (0, pos)
            add(aid, s)
    for pos, (aid, sig) in enumerate(new):
        s = tuple(sig)
        if is_empty(s):
            continue
        candidates: set[str] = set()
        s_keys = keys(s)
        for key in s_keys:
            candidates.update(buckets.get(key, ()))
        candidates.discard(aid)
        best: tuple[float, tuple[int, int], str] | None = None
        for c in candidates:
            sim = similarity(s, sigs[c])
            if sim >= threshold:
                score = (sim, (-rank[c][0], -rank[c][1]), c)
                if best is None or score[:2] > best[:2]:
                    best = score
        if best is not None:
            target = best[2]
            found[aid] = found.get(target, target)
        if aid not in sigs:
            rank[aid] = (1, pos)
            add(aid, s, s_keys)
    return found
