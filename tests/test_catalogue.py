"""The warehouse catalogue (issue 19 point 2): docs/warehouse.md is what `gonghui docs` makes from the DDL
now, and it describes every table, view and column the DDL creates."""

from __future__ import annotations

from pathlib import Path

import pytest

from gonghui import catalogue
from gonghui.cli import main

ROOT = Path(__file__).resolve().parents[1]
COMMITTED = ROOT / "docs" / "warehouse.md"


def test_committed_catalogue_is_current() -> None:
    """CI fails here when a DDL file, a view or the metrics lexicon changed and docs/warehouse.md did not."""
    fresh = catalogue.render_markdown(catalogue.build())
    assert COMMITTED.read_text(encoding="utf-8") == fresh, "docs/warehouse.md is stale: run `gonghui docs`"


def test_every_relation_and_column_is_documented() -> None:
    cat = catalogue.build()
    con = catalogue.schema_connection()
    try:
        expected = {(t, c, typ) for t, c, typ in con.execute(
            "SELECT table_name, column_name, data_type FROM duckdb_columns() WHERE schema_name = 'main' AND NOT internal").fetchall()}
        tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' AND NOT internal").fetchall()}
    finally:
        con.close()
    got = {(r.name, c.name, c.type) for r in cat.relations for c in r.columns}
    assert got == expected
    # every column carries its comment and every relation a grain
    assert all(c.comment for r in cat.relations for c in r.columns)
    assert all(r.grain.lower().startswith("one row per") for r in cat.relations), \
        [(r.name, r.grain) for r in cat.relations if not r.grain.lower().startswith("one row per")]
    # lineage: every table has a writing stage; every view names what it reads
    assert set(catalogue.LINEAGE) == tables
    views = {r.name: r for r in cat.relations if r.kind == "view"}
    assert views["metric_timeline"].reads == ["facts_enriched", "metrics"]
    assert all(r.reads for r in views.values())
    text = catalogue.render_markdown(cat)
    for table, column, typ in expected:
        assert f"| `{column}` | {typ} |" in text, (table, column)


def test_glossary_is_the_lexicon() -> None:
    from gonghui.transforms.metrics import lexicon_rows

    cat = catalogue.build()
    assert [m["metric"] for m in cat.metrics] == sorted(r["metric"] for r in lexicon_rows())
    text = catalogue.render_markdown(cat)
    for row in lexicon_rows():
        assert f"| `{row['metric']}` | {row['name_zh']} |" in text


def test_docs_check_fails_on_a_stale_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "warehouse.md"
    assert main(["docs", "--out", str(out)]) == 0
    assert main(["docs", "--out", str(out), "--check"]) == 0
    out.write_text(out.read_text(encoding="utf-8").replace("| `facts_loaded` |", "| `facts_written` |"),
                   encoding="utf-8")
    assert main(["docs", "--out", str(out), "--check"]) == 1
    assert "out of date" in capsys.readouterr().err
