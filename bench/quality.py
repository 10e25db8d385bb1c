#!/usr/bin/env python3
"""Score what the pipeline made of a generated corpus against its ground truth (bench/gen_corpus.py).

Figures (all shares in 0..1):

* article_recall     expected articles found (loaded or quarantined), matched within their file by
                     exact title, else by position (seq)
* field accuracy     title / source / publish_date / region / authors equal to the truth, over matched
                     articles (authors: the same names in the same order)
* fact_recall        key facts (value + unit) found among the matched article's facts; metric accuracy
                     over the found key facts that have a tracked metric
* cleaned shares     per artifact class, the share of files that carried it and whose output holds none
                     of its markers (the clean-stage expectations' own regexes); files with no output at
                     all count as not cleaned. column_break_rejoined: breaks whose two halves are joined
                     again in a body; mojibake_repaired_exact: spans whose original text is back
* quarantine         expected share (multi-article pages name no date and no source) vs the actual
                     share, and the share of matched articles whose state (loaded / quarantined) is right

    /tmp/v1/bin/python bench/quality.py --db WAREHOUSE --truth OUT/truth.jsonl [--truth MORE.jsonl]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

FIELDS = ("title", "source", "publish_date", "region", "authors")
CLASSES = ("traditional", "pinyin", "mojibake", "boilerplate")
# Values are compared in the base unit; float noise from 184.35 * 1e4 is far below this.
VALUE_REL_TOL = 1e-6
# Files per group when learning repeated lines in found_from_transforms, as the flow does per batch.
BATCH_FILES = 200


@dataclass
class FoundArticle:
    seq: int
    title: str | None
    source: str | None
    publish_date: str | None
    region: str | None
    authors: tuple[str, ...]
    body: str
    state: str  # loaded | quarantined
    facts: list[tuple[float, str, str | None]] = field(default_factory=list)  # value, unit, metric
    kicker: str | None = None


@dataclass
class FoundFile:
    articles: list[FoundArticle] = field(default_factory=list)
    doc_texts: list[str] = field(default_factory=list)  # documents held back whole (clean stage)


# --- what was found: from a warehouse, or straight from the transforms ---------------------------------------
def found_from_warehouse(db_path: str | Path) -> dict[str, FoundFile]:
    """Articles (loaded and quarantined, with their facts) and held-back documents, per source file."""
    import duckdb

    con = duckdb.connect(str(db_path), read_only=True)
    try:
        out: dict[str, FoundFile] = {}
        facts: dict[str, list[tuple[float, str, str | None]]] = {}
        for aid, value, unit, metric in con.execute("SELECT article_id, value, unit, metric FROM facts").fetchall():
            facts.setdefault(aid, []).append((float(value), unit, metric))
        rows = con.execute(
            "SELECT article_id, source_file, seq, title, source, CAST(publish_date AS VARCHAR), region, authors, "
            "body, kicker FROM articles").fetchall()
        for aid, path, seq, title, source, date, region, authors, body, kicker in rows:
            out.setdefault(path, FoundFile()).articles.append(FoundArticle(
                seq, title, source, date, region, tuple(authors or ()), body or "", "loaded", facts.get(aid, []),
                kicker))
        loaded = {(path, a.seq) for path, f in out.items() for a in f.articles}
        q = con.execute("SELECT source_file, record_kind, payload FROM quarantine "
                        "WHERE record_kind IN ('article', 'document') ORDER BY created_at").fetchall()
        latest: dict[tuple[str, int], dict[str, Any]] = {}
        for path, kind, payload in q:
            p = json.loads(payload) if isinstance(payload, str) else (payload or {})
            if kind == "document":
                out.setdefault(path or "", FoundFile()).doc_texts.append(str(p.get("text") or ""))
            elif (path, int(p.get("seq") or 0)) not in loaded:
                latest[(path, int(p.get("seq") or 0))] = p
        for (path, _seq), p in latest.items():
            out.setdefault(path, FoundFile()).articles.append(_from_payload(p))
        return out
    finally:
        con.close()


def _from_payload(p: dict[str, Any]) -> FoundArticle:
    return FoundArticle(int(p.get("seq") or 0), p.get("title"), p.get("source"), p.get("publish_date"),
                        p.get("region"), tuple(p.get("authors") or ()), str(p.get("body") or ""), "quarantined",
                        [(float(f["value"]), f["unit"], f.get("metric")) for f in p.get("facts") or []],
                        p.get("kicker"))


def _left(cls: str, text: str) -> bool:
    """Is an artifact of class `cls` left in the text? Mojibake: a span with evidence of damage, not the 〓
    the repair put where it could not restore (handled: listed in text_issues, the article flagged)."""
    if not _marker_res()[cls].search(text):
        return False
    if cls == "mojibake":
        from gonghui.transforms.mojibake import MOJIBAKE_MARKER, damage_left_spans

        return any(text[s:e] != MOJIBAKE_MARKER for s, e in damage_left_spans(text))
    return True


def clean_failures(text: str) -> list[str]:
    """The clean-stage expectations' marker checks (expectations/suites.py) on one cleaned text."""
    return [name for name in _marker_res() if _left(name, text)]


_MARKERS: dict[str, re.Pattern[str]] = {}


def _marker_res() -> dict[str, re.Pattern[str]]:
    if not _MARKERS:
        from gonghui.transforms.boilerplate import BOILERPLATE_MARKERS_REGEX
        from gonghui.transforms.chinese import TRADITIONAL_ONLY_REGEX
        from gonghui.transforms.mojibake import DAMAGE_LEFT_REGEX
        from gonghui.transforms.pinyin import INLINE_PINYIN_REGEX

        _MARKERS.update({
            "pinyin": re.compile(INLINE_PINYIN_REGEX),
            "traditional": re.compile(TRADITIONAL_ONLY_REGEX),
            "mojibake": re.compile(DAMAGE_LEFT_REGEX),
            "boilerplate": re.compile(BOILERPLATE_MARKERS_REGEX, re.MULTILINE),
        })
    return _MARKERS


def found_from_transforms(corpus_dir: str | Path, files: Iterable[str], *, facts: bool = True) -> dict[str, FoundFile]:
    """Run decode -> clean -> segment (-> extract_facts) on the files, no Prefect, no GX, no DuckDB.

    Held-back decisions mirror the suites: a cleaned text with a marker left is held back whole; an
    article without title, date or source is quarantined."""
    from gonghui.transforms.clean import clean_document, learn_repeated_lines
    from gonghui.transforms.decode import decode_bytes
    from gonghui.transforms.facts import extract_facts
    from gonghui.transforms.segment import segment_document

    paths = list(files)
    out: dict[str, FoundFile] = {}
    for b in range(0, len(paths), BATCH_FILES):
        group = paths[b:b + BATCH_FILES]
        raw = {p: (Path(corpus_dir) / p).read_bytes() for p in group}
        texts = {p: decode_bytes(data).text or "" for p, data in raw.items()}
        repeated = learn_repeated_lines(list(texts.values()))
        for p in group:
            ff = out.setdefault(p, FoundFile())
            doc = clean_document(hashlib.sha256(raw[p]).hexdigest(), p, texts[p], repeated_lines=repeated)
            if clean_failures(doc.text):
                ff.doc_texts.append(doc.text)
                continue
            for a in segment_document(doc):
                state = "loaded" if a.title and a.publish_date and a.source and a.body else "quarantined"
                fs = [(f.value, f.unit, f.metric) for f in extract_facts(a)] if facts else []
                ff.articles.append(FoundArticle(a.seq, a.title, a.source, a.publish_date, a.region,
                                                tuple(a.authors), a.body, state, fs, a.kicker))
    return out


# --- scoring --------------------------------------------------------------------------------------------------
def _match(expected: Sequence[dict[str, Any]], found: Sequence[FoundArticle]) -> list[tuple[dict[str, Any], FoundArticle]]:
    pairs: list[tuple[dict[str, Any], FoundArticle]] = []
    free = list(found)
    rest = []
    for t in expected:
        hit = next((f for f in free if f.title == t["title"]), None)
        if hit is None:
            rest.append(t)
            continue
        free.remove(hit)
        pairs.append((t, hit))
    for t in rest:
        hit = next((f for f in free if f.seq == t["seq"]), None)
        if hit is not None:
            free.remove(hit)
            pairs.append((t, hit))
    return pairs


def _same(field_: str, want: Any, got: Any) -> bool:
    if field_ == "authors":
        return tuple(want or ()) == tuple(got or ())
    return (want or None) == (got or None)


def _fact_hits(want: list[dict[str, Any]], got: list[tuple[float, str, str | None]]) -> tuple[int, int, int]:
    """(key facts found, found ones with a tracked metric, of those with the right metric)."""
    free = list(got)
    found = with_metric = metric_ok = 0
    for f in want:
        v = float(f["value"])
        hit = next((g for g in free if g[1] == f["unit"] and abs(g[0] - v) <= VALUE_REL_TOL * max(1.0, abs(v))), None)
        if hit is None:
            continue
        free.remove(hit)
        found += 1
        if f.get("metric"):
            with_metric += 1
            metric_ok += hit[2] == f["metric"]
    return found, with_metric, metric_ok


def _share(a: float, b: float) -> float | None:
    return round(a / b, 4) if b else None


def evaluate(truth: Sequence[dict[str, Any]], found: dict[str, FoundFile]) -> dict[str, Any]:
    """Quality figures of `found` against the truth records (see the module docstring)."""
    n_expected = n_matched = n_found = 0
    field_ok = dict.fromkeys(FIELDS, 0)
    facts_expected = facts_found = metric_expected = metric_ok = 0
    cls_files = dict.fromkeys(CLASSES, 0)
    cls_clean = dict.fromkeys(CLASSES, 0)
    breaks = breaks_ok = moji_spans = moji_exact = 0
    exp_q = found_q = state_ok = false_q = missed_q = 0
    by_format: dict[str, list[int]] = {}
    for t in truth:
        ff = found.get(t["file"], FoundFile())
        arts = t["articles"]
        n_expected += len(arts)
        n_found += len(ff.articles)
        exp_q += sum(a["expect"] == "quarantined" for a in arts)
        found_q += sum(a.state == "quarantined" for a in ff.articles)
        pairs = _match(arts, ff.articles)
        n_matched += len(pairs)
        fmt = by_format.setdefault(t["format"], [0, 0])
        fmt[0] += len(arts)
        fmt[1] += len(pairs)
        for want, got in pairs:
            for f in FIELDS:
                field_ok[f] += _same(f, want.get(f), getattr(got, f))
            fh, fm, fmo = _fact_hits(want["facts"], got.facts)
            facts_expected += len(want["facts"])
            facts_found += fh
            metric_expected += fm
            metric_ok += fmo
            state_ok += want["expect"] == got.state
            false_q += want["expect"] == "loaded" and got.state == "quarantined"
            missed_q += want["expect"] == "quarantined" and got.state == "loaded"
        texts = [x for a in ff.articles for x in (a.title or "", a.kicker or "", a.body)] + ff.doc_texts
        art = t["artifacts"]
        applied = {"traditional": art["traditional"], "pinyin": art["pinyin"] > 0,
                   "mojibake": bool(art["mojibake"]), "boilerplate": bool(art["boilerplate"])}
        has_output = bool(texts)
        for cls in CLASSES:
            if not applied[cls]:
                continue
            cls_files[cls] += 1
            clean = has_output and not any(_left(cls, x) for x in texts)
            if cls == "mojibake":
                clean = clean and not any(s["raw"] in x for s in art["mojibake"] for x in texts)
            if cls == "boilerplate" and t.get("original_id"):
                clean = clean and not any(t["original_id"] in x for x in texts)
            cls_clean[cls] += clean
        bodies = [a.body for a in ff.articles]
        for cb in art["column_breaks"]:
            breaks += 1
            breaks_ok += any(cb["joined"] in b for b in bodies)
        for s in art["mojibake"]:
            moji_spans += 1
            moji_exact += any(s["expect_simplified"] in b for b in bodies)
    q: dict[str, Any] = {
        "files": len(truth),
        "articles_expected": n_expected,
        "articles_found": n_found,
        "articles_matched": n_matched,
        "article_recall": _share(n_matched, n_expected),
        "extra_articles": n_found - n_matched,
        "field_accuracy": {f: _share(field_ok[f], n_matched) for f in FIELDS},
        "facts_expected": facts_expected,
        "fact_recall": _share(facts_found, facts_expected),
        "metric_accuracy": _share(metric_ok, metric_expected),
        "cleaned": {c: _share(cls_clean[c], cls_files[c]) for c in CLASSES},
        "cleaned_files": {c: [cls_clean[c], cls_files[c]] for c in CLASSES},
        "column_break_rejoined": _share(breaks_ok, breaks),
        "mojibake_repaired_exact": _share(moji_exact, moji_spans),
        "quarantine_expected": _share(exp_q, n_expected),
        "quarantine_actual": _share(found_q, n_found),
        "state_correct": _share(state_ok, n_matched),
        "wrongly_quarantined": false_q,
        "wrongly_loaded": missed_q,
        "recall_by_format": {k: _share(v[1], v[0]) for k, v in sorted(by_format.items())},
    }
    return q


def read_truth(paths: Iterable[str | Path]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for p in paths:
        with Path(p).open(encoding="utf-8") as fh:
            rows += [json.loads(line) for line in fh if line.strip()]
    return rows


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.1f}%"


def table(q: dict[str, Any]) -> str:
    """The figures as a markdown table."""
    rows = [
        ("files / expected articles", f"{q['files']} / {q['articles_expected']}"),
        ("article recall (found / expected)", f"{_pct(q['article_recall'])} ({q['articles_matched']} / "
                                              f"{q['articles_expected']}; {q['extra_articles']} extra)"),
        *[(f"{f} accuracy", _pct(q["field_accuracy"][f])) for f in FIELDS],
        ("key fact recall (value + unit)", f"{_pct(q['fact_recall'])} of {q['facts_expected']}"),
        ("metric accuracy (found key facts)", _pct(q["metric_accuracy"])),
        *[(f"{c} cleaned (files)", f"{_pct(q['cleaned'][c])} ({q['cleaned_files'][c][0]} / "
                                   f"{q['cleaned_files'][c][1]})") for c in CLASSES],
        ("column breaks rejoined", _pct(q["column_break_rejoined"])),
        ("mojibake spans repaired exactly", _pct(q["mojibake_repaired_exact"])),
        ("quarantined: expected / actual", f"{_pct(q['quarantine_expected'])} / {_pct(q['quarantine_actual'])}"),
        ("state right (loaded vs quarantined)", f"{_pct(q['state_correct'])} ({q['wrongly_quarantined']} wrongly "
                                                f"quarantined, {q['wrongly_loaded']} wrongly loaded)"),
        ("recall by format", ", ".join(f"{k} {_pct(v)}" for k, v in q["recall_by_format"].items())),
    ]
    return "\n".join(["| quality | value |", "|---|---|", *[f"| {a} | {b} |" for a, b in rows]])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", help="warehouse built from the corpus")
    ap.add_argument("--corpus", help="score the transforms directly on this corpus folder instead of a --db")
    ap.add_argument("--truth", action="append", required=True, help="truth.jsonl (repeatable)")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON too")
    a = ap.parse_args(argv)
    truth = read_truth(a.truth)
    if a.db:
        found = found_from_warehouse(a.db)
    elif a.corpus:
        found = found_from_transforms(a.corpus, [t["file"] for t in truth])
    else:
        ap.error("give --db or --corpus")
    q = evaluate(truth, found)
    print(table(q))
    if a.json:
        print(json.dumps(q, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
