#!/usr/bin/env python3
"""Score a warehouse's facts against a hand-made fact gold, per field.

Two golds are scored the same way:

* tests/gold/realtext_facts.yaml — every numeric claim of 40 real Hong Kong articles (it has a
  ``files:`` list, so it is *exhaustive* for those files and precision is measured);
* tests/gold/facts.yaml — key facts of the bundled samples (no ``files:`` list: a *recall set*, so
  recall and field accuracy only).

Matching (one extracted fact to at most one gold fact, same file):

* **value**: equal within the rounding of the gold as written — half a unit of the gold's last
  decimal place (66.7 matches 66.67 and 66.666…; 3400 matches 3400.4), and at least 1e-9 relative
  (float noise of 184.35 * 1e4);
* **evidence**: the gold evidence is located in the cleaned text of the file's loaded articles (body,
  and the captions joined with a newline, as facts.char_start/char_end index them); an extracted fact
  overlaps when its [char_start, char_end) span shares at least one character with an occurrence in
  the same article and field. A gold evidence found nowhere in the loaded text (cleaning changed, or a
  gold error — counted as ``evidence_not_located``) falls back to text: one evidence contains the other.
* candidate pairs are taken greedily, largest character overlap first (ties: same unit first, then
  text order), so two equal values in one sentence pair up with their own spans.

Figures (shares in 0..1):

* ``recall``        gold facts found with the right value AND unit / gold facts in loaded files
* ``recall_all``    the same over all gold facts (facts of unloaded — quarantined — files count as missed)
* ``recall_value``  gold facts matched on value and evidence (unit not required) / gold facts in loaded files
* ``precision``     extracted facts that match a gold fact with the right value and unit / extracted facts
                    in the gold's loaded files (exhaustive gold only; None for a recall set)
* ``fields``        for every value-matched pair, whether each field is right: {right, of, accuracy},
                    or "n/a" when the warehouse has no such column or the gold never states the field.

Unloaded files: only loaded articles are scored (their text is what the facts index); the facts of a
quarantined article live in its quarantine payload and are not scored — the report says how many gold
files and facts sit in files with no loaded article, and ``recall_all`` counts them as missed.

Field rules:

* unit, region, measure, currency, metric: equal (NULL = NULL is right). Currency is scored over pairs
  where the gold or the extracted fact names one (a currency on a head count is wrong; two NULLs on a head
  count say nothing about currency handling).
* as_of: the same ISO date, or both NULL.
* qualifier: the same set of classes (QUALIFIER_CLASSES; a combined "多+余" is a set), NULL = NULL.
* subject (SUBJECT_MARGIN): the extracted subject equals the gold subject, or contains it and is at most
  SUBJECT_MARGIN characters longer, after removing spaces and punctuation. The gold subject is the
  shortest phrase naming what is counted; a few extra characters (全港, 该, 的, a measure word) still read
  as the same thing, a longer phrase drags clause words in (指自己未来会继续游说, 郭日朗摄「我死过).

    .venv/bin/python bench/facts_eval.py --db WAREHOUSE.duckdb --gold tests/gold/realtext_facts.yaml
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

# Fields scored on matched pairs, in report order. "metric" only where the gold states it (samples).
FIELDS = ("unit", "subject", "qualifier", "measure", "region", "as_of", "currency", "metric")
# An extracted subject may carry this many characters beyond the gold one (see module docstring). 4 is the
# length of the longest determiner-like additions seen in the gold's own text (全港的, 该公司); a
# clause fragment (她展示, 由2013年 + subject) is longer.
SUBJECT_MARGIN = 4
# Precision words by meaning: the text's word varies (逾 / 超过 / 以上), the claim does not.
QUALIFIER_CLASSES: dict[str, str] = {
    **dict.fromkeys(("余", "多", "逾", "超过", "超", "过", "以上", "多于", "几", "有余", "突破"), "above"),
    **dict.fromkeys(("近", "接近", "将近", "逼近", "差不多"), "near"),
    **dict.fromkeys(("约", "大约", "左右", "上下", "大概"), "about"),
    **dict.fromkeys(("至少", "最少", "不少于", "不低于"), "at_least"),
    **dict.fromkeys(("不足", "少于", "低于", "以下", "不到", "未满", "不够", "唔够"), "below"),
    # 内 / 以内 "within" (缩半成内: shrinking by up to half a 成) bounds from above like 不超过.
    **dict.fromkeys(("最多", "不超过", "至多", "以内", "内"), "at_most"),
}
# Files walked when choosing the real-text gold: every STEP-th labour file (497 labour files / 40 ≈ 12).
SELECT_STEP = 12
SELECT_COUNT = 40
_DIGIT_RE = re.compile(r"[0-9０-９]")
_PUNCT_RE = re.compile(r"[\s\W_]+", re.UNICODE)


# --- the gold ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class GoldFact:
    file: str
    evidence: str
    value: float
    unit: str
    fields: dict[str, Any]  # every other key the gold states (subject, qualifier, region, ...)
    index: int  # position in the gold file (stable id in reports)
    decimals: int  # decimals of the value as written (sets the matching tolerance)


@dataclass(frozen=True)
class Gold:
    path: str
    facts: list[GoldFact]
    files: list[str]  # the files the gold covers
    exhaustive: bool  # a `files:` list: every claim of those files is in the gold
    # Quarantine reasons that do not take an article out of the gold's scope (`held_reasons:`): an article
    # held back for these alone (a page that does not state its source) is scored from its quarantine
    # payload, which carries its text and facts as a loaded row would.
    held_reasons: frozenset[str] = frozenset()


def _decimals(value: Any) -> int:
    text = repr(value) if isinstance(value, float) else str(value)
    return len(text.split(".", 1)[1]) if "." in text and "e" not in text.lower() else 0


def load_gold(path: str | Path) -> Gold:
    """Read a fact gold YAML (tests/gold/realtext_facts.yaml or tests/gold/facts.yaml)."""
    import yaml

    doc = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    facts = []
    for i, row in enumerate(doc.get("facts") or []):
        extra = {k: v for k, v in row.items() if k not in ("file", "evidence", "value", "unit")}
        if extra.get("as_of") is not None:
            extra["as_of"] = str(extra["as_of"])  # YAML reads an unquoted ISO date as a date
        facts.append(GoldFact(file=row["file"], evidence=str(row["evidence"]), value=float(row["value"]),
                              unit=str(row["unit"]), fields=extra, index=i, decimals=_decimals(row["value"])))
    listed = doc.get("files")
    files = [str(f) for f in listed] if listed else sorted({f.file for f in facts})
    return Gold(path=str(path), facts=facts, files=files, exhaustive=bool(listed),
                held_reasons=frozenset(str(r) for r in doc.get("held_reasons") or ()))


def select_gold_files(realtext_dir: str | Path, step: int = SELECT_STEP, count: int = SELECT_COUNT) -> list[str]:
    """The rule that chose the real-text gold's files (documented in the gold's header)."""
    base = Path(realtext_dir)
    rows = [json.loads(line) for line in (base / "truth.jsonl").read_text(encoding="utf-8").splitlines() if line]
    labour = sorted((r["file"] for r in rows if r.get("labour")), key=lambda f: int(re.sub(r"\D", "", f)))
    chosen: list[str] = []
    for name in labour[::step]:
        text = (base / name).read_text(encoding="utf-8")
        after_headline = text.split("\n", 1)[1] if "\n" in text else ""
        if _DIGIT_RE.search(after_headline):
            chosen.append(name)
        if len(chosen) == count:
            break
    return chosen


# --- the warehouse -------------------------------------------------------------------------------------------
@dataclass
class Extracted:
    article_id: str
    field: str
    start: int
    end: int
    evidence: str
    value: float
    unit: str
    cols: dict[str, Any]


@dataclass
class FileFacts:
    texts: dict[tuple[str, str], str] = field(default_factory=dict)  # (article_id, field) -> text
    facts: list[Extracted] = field(default_factory=list)


def _name(path: str) -> str:
    return PurePosixPath(path.replace("\\", "/")).name


def read_warehouse(db_path: str | Path, files: Iterable[str],
                   held_reasons: frozenset[str] = frozenset()) -> tuple[dict[str, FileFacts], set[str]]:
    """Loaded articles' texts and facts of the given files (by file name), and the facts columns present;
    with `held_reasons`, also the articles held back for those reasons alone (from their payload)."""
    import duckdb

    wanted = set(files)
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        columns = {r[0] for r in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'facts'").fetchall()}
        out: dict[str, FileFacts] = {}
        for path, aid, body, captions in con.execute(
                "SELECT r.path, a.article_id, a.body, a.captions FROM articles a "
                "JOIN raw_files r ON r.file_id = a.file_id").fetchall():
            name = _name(path)
            if name not in wanted:
                continue
            ff = out.setdefault(name, FileFacts())
            ff.texts[(aid, "body")] = body or ""
            ff.texts[(aid, "captions")] = "\n".join(captions or [])
        extra = [c for c in FIELDS if c in columns and c != "unit"]
        select = ", ".join(f"f.{c}" for c in extra)
        rows = con.execute(
            "SELECT r.path, f.article_id, f.field, f.char_start, f.char_end, f.evidence, f.value, f.unit"
            + (f", {select}" if select else "")
            + " FROM facts f JOIN articles a ON a.article_id = f.article_id "
            "JOIN raw_files r ON r.file_id = a.file_id ORDER BY f.article_id, f.field, f.char_start").fetchall()
        held = con.execute("SELECT source_file, reasons, payload FROM quarantine WHERE record_kind = 'article'"
                           ).fetchall() if held_reasons else []
    finally:
        con.close()
    for path, reasons, payload in held:
        name = _name(path or "")
        if name not in wanted or not reasons or not set(reasons) <= held_reasons:
            continue
        art = json.loads(payload)
        ff = out.setdefault(name, FileFacts())
        aid = str(art.get("article_id"))
        ff.texts[(aid, "body")] = art.get("body") or ""
        ff.texts[(aid, "captions")] = "\n".join(art.get("captions") or [])
        for f in art.get("facts") or []:
            cols = {c: f.get(c) for c in extra}
            rows.append((path, aid, f.get("field") or "body", f["char_start"], f["char_end"], f.get("evidence"),
                         f["value"], f.get("unit"), *cols.values()))
    for row in rows:
        name = _name(row[0])
        if name not in out:
            continue
        cols = dict(zip(extra, row[8:], strict=True))
        if cols.get("as_of") is not None:
            cols["as_of"] = str(cols["as_of"])
        out[name].facts.append(Extracted(article_id=row[1], field=row[2], start=row[3], end=row[4],
                                         evidence=row[5], value=float(row[6]), unit=row[7], cols=cols))
    return out, columns


# --- matching ------------------------------------------------------------------------------------------------
def value_equal(gold: GoldFact, value: float) -> bool:
    tol = max(0.5 * 10 ** -gold.decimals, abs(gold.value) * 1e-9)
    return abs(value - gold.value) <= tol + 1e-12


def _spans(evidence: str, texts: dict[tuple[str, str], str]) -> list[tuple[str, str, int, int]]:
    out = []
    for (aid, fld), text in texts.items():
        start = text.find(evidence)
        while start != -1:
            out.append((aid, fld, start, start + len(evidence)))
            start = text.find(evidence, start + 1)
    return out


def _overlap(spans: Sequence[tuple[str, str, int, int]], e: Extracted) -> int:
    best = 0
    for aid, fld, s, t in spans:
        if aid == e.article_id and fld == e.field:
            best = max(best, min(t, e.end) - max(s, e.start))
    return best


def match_file(gold: Sequence[GoldFact], ff: FileFacts) -> tuple[list[tuple[GoldFact, Extracted]], int]:
    """One-to-one pairs of gold and extracted facts of one file, and how many gold evidences were not located."""
    candidates: list[tuple[int, int, int, int, int]] = []  # (-overlap, unit differs, gold i, extracted j, ...)
    not_located = 0
    for gi, g in enumerate(gold):
        spans = _spans(g.evidence, ff.texts)
        if not spans:
            not_located += 1
        for ej, e in enumerate(ff.facts):
            if not value_equal(g, e.value):
                continue
            if spans:
                ov = _overlap(spans, e)
            else:
                ov = min(len(g.evidence), len(e.evidence)) if (g.evidence in e.evidence or e.evidence in g.evidence) else 0
            if ov > 0:
                candidates.append((-ov, int(e.unit != g.unit), gi, ej, 0))
    candidates.sort()
    used_g: set[int] = set()
    used_e: set[int] = set()
    pairs = []
    for _, _, gi, ej, _ in candidates:
        if gi in used_g or ej in used_e:
            continue
        used_g.add(gi)
        used_e.add(ej)
        pairs.append((gold[gi], ff.facts[ej]))
    return pairs, not_located


# --- field rules ---------------------------------------------------------------------------------------------
def _norm(text: str | None) -> str:
    return _PUNCT_RE.sub("", unicodedata.normalize("NFKC", text or ""))


def subject_right(gold: str | None, extracted: str | None) -> bool:
    """The extracted subject names what the gold names (rule and margin in the module docstring)."""
    g, e = _norm(gold), _norm(extracted)
    if not g:
        return not e
    return g == e or (g in e and len(e) <= len(g) + SUBJECT_MARGIN)


def qualifier_classes(q: str | None) -> frozenset[str]:
    if not q:
        return frozenset()
    return frozenset(QUALIFIER_CLASSES.get(part.strip(), part.strip()) for part in re.split(r"[+,，、]", q)
                     if part.strip())


def field_right(name: str, gold: Any, extracted: Any) -> bool:
    if name == "subject":
        return subject_right(gold, extracted)
    if name == "qualifier":
        return qualifier_classes(gold) == qualifier_classes(extracted)
    if name == "as_of":
        return (str(gold) if gold is not None else None) == (str(extracted) if extracted is not None else None)
    return (gold or None) == (extracted or None)


# --- scoring -------------------------------------------------------------------------------------------------
def _share(n: int, d: int) -> float | None:
    return round(n / d, 4) if d else None


def score(db_path: str | Path, gold_path: str | Path) -> dict[str, Any]:
    """Score the warehouse at db_path against the gold at gold_path; a plain dict (shape: see README of bench)."""
    gold = load_gold(gold_path)
    found, columns = read_warehouse(db_path, gold.files, gold.held_reasons)
    by_file: dict[str, list[GoldFact]] = {}
    for g in gold.facts:
        by_file.setdefault(g.file, []).append(g)
    unloaded = [f for f in gold.files if f not in found]
    gold_unloaded = sum(len(by_file.get(f, [])) for f in unloaded)
    pairs: list[tuple[GoldFact, Extracted]] = []
    not_located = 0
    extracted_n = 0
    unmatched_extracted: list[dict[str, Any]] = []
    for name in gold.files:
        ff = found.get(name)
        if ff is None:
            continue
        p, nl = match_file(by_file.get(name, []), ff)
        pairs += p
        not_located += nl
        extracted_n += len(ff.facts)
        paired = {id(e) for _, e in p}
        unmatched_extracted += [{"file": name, "evidence": e.evidence, "value": e.value, "unit": e.unit}
                                for e in ff.facts if id(e) not in paired]
    scored_gold = len(gold.facts) - gold_unloaded
    found_vu = sum(1 for g, e in pairs if g.unit == e.unit)
    fields: dict[str, Any] = {}
    errors: dict[str, list[dict[str, Any]]] = {}
    for name in FIELDS:
        in_gold = name == "unit" or any(name in g.fields for g in gold.facts)
        in_wh = name == "unit" or name in columns
        if not (in_gold and in_wh):
            fields[name] = "n/a"
            continue
        right = of = 0
        for g, e in pairs:
            gv: Any
            ev: Any
            if name == "unit":
                gv, ev = g.unit, e.unit
            else:
                if name not in g.fields:
                    continue
                gv, ev = g.fields[name], e.cols.get(name)
            if name == "currency" and gv is None and ev is None:
                continue
            of += 1
            if field_right(name, gv, ev):
                right += 1
            else:
                errors.setdefault(name, []).append(
                    {"file": g.file, "evidence": g.evidence, "gold": gv, "extracted": ev})
        fields[name] = {"right": right, "of": of, "accuracy": _share(right, of)}
    matched_ids = {g.index for g, _ in pairs}
    return {
        "gold": str(gold_path),
        "kind": "exhaustive" if gold.exhaustive else "recall_set",
        "gold_files": len(gold.files),
        "files_loaded": len(gold.files) - len(unloaded),
        "files_unloaded": unloaded,
        "gold_facts": len(gold.facts),
        "gold_facts_unloaded": gold_unloaded,
        "gold_facts_scored": scored_gold,
        "evidence_not_located": not_located,
        "extracted": extracted_n if gold.exhaustive else None,
        "matched": len(pairs),
        "found": found_vu,
        "recall": _share(found_vu, scored_gold),
        "recall_all": _share(found_vu, len(gold.facts)),
        "recall_value": _share(len(pairs), scored_gold),
        "precision": _share(found_vu, extracted_n) if gold.exhaustive else None,
        "fields": fields,
        "details": {
            "missed": [{"file": g.file, "evidence": g.evidence, "value": g.value, "unit": g.unit}
                       for g in gold.facts if g.index not in matched_ids and g.file in found],
            "unmatched_extracted": unmatched_extracted if gold.exhaustive else [],
            "field_errors": errors,
        },
    }


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{100 * x:5.1f} %"


def format_table(result: dict[str, Any]) -> str:
    r = result
    lines = [
        f"fact gold {r['gold']} ({r['kind']})",
        f"  files: {r['gold_files']} in the gold, {r['files_loaded']} with a loaded article"
        + (f", {len(r['files_unloaded'])} unloaded ({r['gold_facts_unloaded']} gold facts not scored)"
           if r["files_unloaded"] else ""),
        f"  gold facts scored: {r['gold_facts_scored']}"
        + (f"; evidence not located in the loaded text: {r['evidence_not_located']}" if r["evidence_not_located"] else ""),
        f"  {'recall (value+unit)':<24}{_pct(r['recall']):>9}   ({r['found']} of {r['gold_facts_scored']})",
        f"  {'recall over all gold':<24}{_pct(r['recall_all']):>9}   ({r['found']} of {r['gold_facts']})",
        f"  {'recall (value only)':<24}{_pct(r['recall_value']):>9}   ({r['matched']} of {r['gold_facts_scored']})",
    ]
    if r["precision"] is not None:
        lines.append(f"  {'precision (value+unit)':<24}{_pct(r['precision']):>9}   ({r['found']} of {r['extracted']} extracted)")
    lines.append("  field accuracy on matched pairs:")
    for name, v in r["fields"].items():
        if v == "n/a":
            lines.append(f"    {name:<22}{'n/a':>9}")
        else:
            lines.append(f"    {name:<22}{_pct(v['accuracy']):>9}   ({v['right']} of {v['of']})")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", required=True, help="gonghui warehouse (DuckDB file), opened read-only")
    ap.add_argument("--gold", action="append", required=True, help="fact gold YAML (repeatable)")
    ap.add_argument("--json", action="store_true", help="print the result dicts as JSON instead of a table")
    ap.add_argument("--show", type=int, default=0, metavar="N", help="also list N misses / false positives / field errors")
    args = ap.parse_args(argv)
    if not Path(args.db).is_file():
        print(f"error: no warehouse at {args.db}", file=sys.stderr)
        return 2
    results = [score(args.db, g) for g in args.gold]
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=1, default=str))
        return 0
    for r in results:
        print(format_table(r))
        if args.show:
            d = r["details"]
            for title, rows in (("missed", d["missed"]), ("extracted, not in gold", d["unmatched_extracted"])):
                print(f"  {title} (first {args.show} of {len(rows)}):")
                for row in rows[: args.show]:
                    print(f"    {row['file']}  {row['value']:g} {row['unit']}  {row['evidence']}")
            for name, rows in d["field_errors"].items():
                print(f"  {name} wrong (first {args.show} of {len(rows)}):")
                for row in rows[: args.show]:
                    print(f"    {row['file']}  {row['evidence']}  gold={row['gold']!r} extracted={row['extracted']!r}")
        print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
