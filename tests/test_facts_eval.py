"""bench/facts_eval.py: matching and per-field scoring on small real DuckDB warehouses, and the real-text gold."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import duckdb
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import facts_eval  # noqa: E402
from facts_eval import GoldFact, qualifier_classes, score, subject_right, value_equal  # noqa: E402

from gonghui.warehouse.load import ensure_schema  # noqa: E402

REALTEXT = ROOT.parent / "shared" / "realtext" / "hkcnews"
GOLD = ROOT / "tests" / "gold" / "realtext_facts.yaml"

BODY = "工会有会员3,400人,其中约三成是护士。去年筹款120万元。"


def _warehouse(path: Path, files: dict[str, str], facts: list[dict[str, Any]], extra_cols: tuple[str, ...] = ()) -> Path:
    """A warehouse made with the real DDL: one loaded article per file, and the given facts."""
    ensure_schema(path)
    con = duckdb.connect(str(path))
    for col in extra_cols:
        con.execute(f"ALTER TABLE facts ADD COLUMN IF NOT EXISTS {col} VARCHAR")  # currency is in the DDL since issue 14
    for i, (name, body) in enumerate(files.items()):
        con.execute("INSERT INTO raw_files (file_id, path, size_bytes, first_run_id, last_run_id, state, pipeline_version)"
                    " VALUES (?, ?, 1, 'r', 'r', 'loaded', 'v')", [f"f{i}", name])
        con.execute("INSERT INTO articles (article_id, file_id, source_file, seq, body, run_id, pipeline_version)"
                    " VALUES (?, ?, ?, 1, ?, 'r', 'v')", [f"a{i}", f"f{i}", name, body])
    for k, f in enumerate(facts):
        body = files[f["file"]]
        start = body.index(f["evidence"])
        cols = {"fact_id": f"x{k}", "article_id": f"a{list(files).index(f['file'])}", "file_id": "f0",
                "evidence": f["evidence"], "char_start": start, "char_end": start + len(f["evidence"]),
                "field": "body", "value": f["value"], "unit": f["unit"], "run_id": "r", "pipeline_version": "v",
                **{c: f[c] for c in ("subject", "qualifier", "region", "as_of", "measure", *extra_cols) if c in f}}
        con.execute(f"INSERT INTO facts ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})", list(cols.values()))
    con.close()
    return path


def _gold(path: Path, facts: list[dict[str, Any]], files: list[str] | None) -> Path:
    doc: dict[str, Any] = {"facts": facts}
    if files is not None:
        doc["files"] = files
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return path


GOLD_FACTS = [
    {"file": "a.txt", "evidence": "工会有会员3,400人", "value": 3400, "unit": "人", "currency": None, "subject": "会员",
     "qualifier": None, "measure": "level", "region": "香港", "as_of": None},
    {"file": "a.txt", "evidence": "约三成是护士", "value": 30, "unit": "%", "currency": None, "subject": "护士",
     "qualifier": "约", "measure": "share", "region": "香港", "as_of": None},
    {"file": "a.txt", "evidence": "去年筹款120万元", "value": 1200000, "unit": "元", "currency": "HKD",
     "subject": "筹款", "qualifier": None, "measure": "level", "region": "香港", "as_of": "2019-12-31"},
    {"file": "q.txt", "evidence": "裁员40人", "value": 40, "unit": "人", "currency": None, "subject": "员工",
     "qualifier": None, "measure": "new", "region": "香港", "as_of": None},
]
EXTRACTED = [
    # right value, unit, subject within the margin (工会有 + 会员), qualifier, region, measure
    {"file": "a.txt", "evidence": "会员3,400人", "value": 3400.0, "unit": "人", "subject": "工会有会员",
     "region": "香港", "measure": "level", "currency": "HKD"},
    # right value and unit; subject drags the clause in; region wrong
    {"file": "a.txt", "evidence": "其中约三成是护士", "value": 30.0, "unit": "%", "subject": "其中约三成是护士的人员们",
     "qualifier": "约", "region": "湖北"},
    # right value, wrong unit
    {"file": "a.txt", "evidence": "筹款120万元", "value": 1200000.0, "unit": "个", "region": "香港",
     "as_of": "2019-12-31", "currency": "HKD"},
    # not a claim: a date read as a number
    {"file": "a.txt", "evidence": "去年", "value": 2019.0, "unit": "年", "region": "香港"},
]


def test_score_counts_recall_precision_and_fields_exactly(tmp_path: Path) -> None:
    db = _warehouse(tmp_path / "w.duckdb", {"a.txt": BODY}, EXTRACTED)
    gold = _gold(tmp_path / "g.yaml", GOLD_FACTS, ["a.txt", "q.txt"])
    r = score(db, gold)
    assert r["kind"] == "exhaustive"
    assert (r["gold_files"], r["files_loaded"], r["files_unloaded"]) == (2, 1, ["q.txt"])
    assert (r["gold_facts"], r["gold_facts_unloaded"], r["gold_facts_scored"]) == (4, 1, 3)
    assert (r["extracted"], r["matched"], r["found"]) == (4, 3, 2)
    assert r["recall"] == round(2 / 3, 4)
    assert r["recall_all"] == 0.5
    assert r["recall_value"] == 1.0
    assert r["precision"] == 0.5
    f = r["fields"]
    assert f["unit"] == {"right": 2, "of": 3, "accuracy": round(2 / 3, 4)}
    assert f["subject"] == {"right": 1, "of": 3, "accuracy": round(1 / 3, 4)}  # 工会有会员 yes; clause, NULL no
    assert f["qualifier"] == {"right": 3, "of": 3, "accuracy": 1.0}
    assert f["region"] == {"right": 2, "of": 3, "accuracy": round(2 / 3, 4)}
    assert f["as_of"] == {"right": 3, "of": 3, "accuracy": 1.0}
    assert f["measure"] == {"right": 1, "of": 3, "accuracy": round(1 / 3, 4)}
    # the DDL has a currency column (issue 14); these facts leave it NULL, and the gold names HKD for 120万元
    assert f["currency"] == {"right": 0, "of": 1, "accuracy": 0.0}
    assert f["metric"] == "n/a"  # the gold never states a metric
    assert r["evidence_not_located"] == 0
    assert [m["evidence"] for m in r["details"]["unmatched_extracted"]] == ["去年"]
    table = facts_eval.format_table(r)
    assert "precision (value+unit)" in table and "50.0 %" in table and "currency" in table


def test_currency_is_scored_where_either_side_names_one(tmp_path: Path) -> None:
    db = _warehouse(tmp_path / "w.duckdb", {"a.txt": BODY}, EXTRACTED, extra_cols=("currency",))
    r = score(db, _gold(tmp_path / "g.yaml", GOLD_FACTS, ["a.txt"]))
    # 3400 人 with HKD: wrong; 120万元 HKD: right; 三成 NULL/NULL: not scored.
    assert r["fields"]["currency"] == {"right": 1, "of": 2, "accuracy": 0.5}


def test_equal_values_in_one_sentence_pair_by_position(tmp_path: Path) -> None:
    body = "甲厂裁员30人,乙厂裁员30人。"
    gold = [{"file": "b.txt", "evidence": "甲厂裁员30人", "value": 30, "unit": "人", "subject": "甲厂"},
            {"file": "b.txt", "evidence": "乙厂裁员30人", "value": 30, "unit": "人", "subject": "乙厂"}]
    extracted = [{"file": "b.txt", "evidence": "乙厂裁员30人", "value": 30.0, "unit": "人", "subject": "乙厂"},
                 {"file": "b.txt", "evidence": "甲厂裁员30人", "value": 30.0, "unit": "人", "subject": "甲厂"}]
    db = _warehouse(tmp_path / "w.duckdb", {"b.txt": body}, extracted)
    r = score(db, _gold(tmp_path / "g.yaml", gold, ["b.txt"]))
    assert (r["matched"], r["found"], r["precision"]) == (2, 2, 1.0)
    assert r["fields"]["subject"] == {"right": 2, "of": 2, "accuracy": 1.0}


def test_recall_set_has_no_precision_and_falls_back_to_text_overlap(tmp_path: Path) -> None:
    # The gold evidence is not in the loaded body (written before a cleaning change): text containment decides.
    gold = [{"file": "a.txt", "evidence": "会员3,400人以上", "value": 3400, "unit": "人", "region": "香港"}]
    db = _warehouse(tmp_path / "w.duckdb", {"a.txt": BODY}, EXTRACTED)
    r = score(db, _gold(tmp_path / "g.yaml", gold, None))
    assert r["kind"] == "recall_set"
    assert (r["precision"], r["extracted"]) == (None, None)
    assert (r["evidence_not_located"], r["matched"], r["found"], r["recall"]) == (1, 1, 1, 1.0)
    assert r["fields"]["subject"] == "n/a" and r["fields"]["region"]["right"] == 1


def test_value_rounding_subject_margin_and_qualifier_classes() -> None:
    def g(value: Any) -> GoldFact:
        return GoldFact("f", "e", float(value), "%", {}, 0, facts_eval._decimals(value))

    assert value_equal(g(66.7), 200 / 3) and value_equal(g(66.7), 66.67) and not value_equal(g(66.7), 66.8)
    assert value_equal(g(3400), 3400.4) and not value_equal(g(3400), 3401)
    assert value_equal(g(15532000), 1553.2 * 1e4)
    assert subject_right("医护人员", "全港医护人员") and subject_right("驻港员工", "驻港员工")
    assert not subject_right("医护人员", "指自己未来会继续游说") and not subject_right("医护人员", "医护")
    assert not subject_right("资产限额", "至69岁而未有供款人士的资产限额")
    assert subject_right(None, None) and not subject_right("会员", None)
    assert qualifier_classes("逾") == qualifier_classes("超过") == qualifier_classes("以上")
    assert qualifier_classes("约") != qualifier_classes("近")
    assert qualifier_classes("多+余") == qualifier_classes("余") and qualifier_classes(None) == frozenset()


def test_cli_prints_the_table_and_refuses_a_missing_warehouse(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = _warehouse(tmp_path / "w.duckdb", {"a.txt": BODY}, EXTRACTED)
    gold = _gold(tmp_path / "g.yaml", GOLD_FACTS, ["a.txt"])
    assert facts_eval.main(["--db", str(db), "--gold", str(gold), "--show", "2"]) == 0
    out = capsys.readouterr().out
    assert "recall (value+unit)" in out and "66.7 %" in out and "extracted, not in gold (first 2 of 1)" in out
    assert facts_eval.main(["--db", str(tmp_path / "none.duckdb"), "--gold", str(gold)]) == 2
    assert "no warehouse" in capsys.readouterr().err


# --- the real-text gold itself ------------------------------------------------------------------------------
KEYS = ("file", "evidence", "value", "unit", "currency", "subject", "qualifier", "measure", "region", "as_of")
MEASURES = {"level", "change", "share", "new", "cumulative"}


def _assert_rows_well_formed(doc: dict, files: set[str]) -> None:  # type: ignore[type-arg]
    for f in doc["facts"]:
        assert tuple(f) == KEYS, f
        assert f["file"] in files and len(f["evidence"]) <= 30 and f["value"] > 0
        assert f["measure"] in MEASURES
        assert (f["currency"] is not None) == (f["unit"] == "元"), f
        assert f["qualifier"] is None or f["qualifier"] in facts_eval.QUALIFIER_CLASSES, f


def test_realtext_gold_is_well_formed() -> None:
    doc = yaml.safe_load(GOLD.read_text(encoding="utf-8"))
    files = set(doc["files"])
    assert len(doc["facts"]) >= 200
    _assert_rows_well_formed(doc, files)


@pytest.mark.skipif(not REALTEXT.is_dir(), reason="../shared/realtext is not present")
def test_realtext_gold_files_follow_the_rule_and_evidence_is_in_the_cleaned_text() -> None:
    from gonghui.transforms.clean import clean_document

    doc = yaml.safe_load(GOLD.read_text(encoding="utf-8"))
    chosen = facts_eval.select_gold_files(REALTEXT)
    assert len(chosen) == 40 and set(doc["files"]) <= set(chosen)
    texts = {}
    for name in doc["files"]:
        raw = (REALTEXT / name).read_text(encoding="utf-8")
        # The whole cleaned text: a file whose headline and body share a line (hk_34215) has its body there.
        texts[name] = clean_document("x", name, raw).text
    missing = [(f["file"], f["evidence"]) for f in doc["facts"] if f["evidence"] not in texts[f["file"]]]
    assert missing == []


# --- held_reasons: articles held back only for what the page does not state (tests/gold/pages_facts.yaml) ---
def test_held_reasons_score_an_article_held_for_metadata_from_its_payload(tmp_path: Path) -> None:
    import json

    db = _warehouse(tmp_path / "w.duckdb", {"a.txt": BODY}, [])
    held_body = "全省十万余工人中,现已有三万余人加入工会。"
    start = held_body.index("三万余人")
    facts = [{"field": "body", "char_start": start, "char_end": start + 4, "evidence": "三万余人", "value": 30000.0,
              "unit": "人", "subject": "加入工会", "qualifier": "余", "measure": "level", "region": "广西",
              "as_of": None, "currency": None}]
    con = duckdb.connect(str(db))
    for rid, name, reasons in (("h1", "p.txt", ["missing_source"]), ("h2", "r.txt", ["missing_source", "no_body"])):
        payload = {"article_id": rid, "body": held_body, "captions": [], "facts": facts}
        con.execute("INSERT INTO quarantine (run_id, stage, record_kind, record_id, source_file, reasons, payload)"
                    " VALUES ('r', 'extract', 'article', ?, ?, ?, ?)", [rid, name, reasons, json.dumps(payload)])
    con.close()
    gold_facts = [{"file": n, "evidence": "现已有三万余人加入工会", "value": 30000, "unit": "人", "currency": None,
                   "subject": "加入工会", "qualifier": "余", "measure": "level", "region": "广西", "as_of": "1950-06-04"}
                  for n in ("p.txt", "r.txt")]
    path = _gold(tmp_path / "g.yaml", gold_facts, ["p.txt", "r.txt"])
    assert score(db, path)["files_loaded"] == 0  # without held_reasons a held article is out of scope
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    doc["held_reasons"] = ["missing_source", "missing_publish_date"]
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    r = score(db, path)
    # p.txt's article is held for its source alone: scored; r.txt's also for a defect of its own: not
    assert (r["files_loaded"], r["files_unloaded"], r["found"], r["extracted"]) == (1, ["r.txt"], 1, 1)
    assert r["fields"]["subject"]["accuracy"] == 1.0 and r["fields"]["as_of"]["accuracy"] == 0.0


PAGES_GOLD = ROOT / "tests" / "gold" / "pages_facts.yaml"


def test_pages_gold_is_well_formed_and_its_evidence_is_in_the_pages_text() -> None:
    """Every evidence of the mainland page gold stands in the page as gonghui gets it (cleaned as a document)."""
    from eval_pages import HELDOUT, HELDOUT2, REALPAGES, _realpages_module

    from gonghui.transforms.clean import clean_document

    doc = yaml.safe_load(PAGES_GOLD.read_text(encoding="utf-8"))
    files = set(doc["files"])
    texts = {}
    for folder in (REALPAGES, HELDOUT, HELDOUT2):
        mod = _realpages_module(folder)
        for name, spec in mod.truth().items():
            texts[name] = clean_document("x", name, mod.page_input(name, spec)).text
    assert files == set(texts)  # every page of the three corpora, none other
    assert len(doc["facts"]) >= 120 and set(doc["held_reasons"]) == {"missing_source", "missing_publish_date"}
    _assert_rows_well_formed(doc, files)
    missing = [(f["file"], f["evidence"]) for f in doc["facts"] if f["evidence"] not in texts[f["file"]]]
    assert missing == []
