"""The warehouse's catalogue, made from its DDL (issue 19 point 2): every table and view with its grain, every
column with its type and comment, the metrics glossary, and which stage writes which table.

`gonghui docs` writes it as docs/warehouse.md; `gonghui browse` shows it; tests/test_catalogue.py fails when
the committed file differs from what the DDL says now. The schema is built in an in-memory DuckDB by the
same DDL files and migrations a new warehouse gets (warehouse/load.py migrate), so the catalogue cannot
describe a column the warehouse does not have.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from gonghui.warehouse import load

# Which stage of the pipeline writes each table (flows/pipeline.py sequences them; warehouse/load.py is the
# only writer). A table the DDL makes that is missing here fails tests/test_catalogue.py, so the lineage
# cannot silently fall behind the schema.
LINEAGE: dict[str, tuple[str, str]] = {
    "raw_files": ("stage", "every input file's bytes are hashed, decoded and staged (state, text, encoding)"),
    "file_paths": ("stage", "which content each input path holds; revisions and missing paths (run bookkeeping)"),
    "text_issues": ("clean", "mojibake repairs and the clean suite's warnings, per span"),
    "articles": ("segment", "one cleaned text cut into articles with their metadata; dedup sets duplicate_of"),
    "article_signatures": ("dedup", "MinHash signature of each loaded article's body"),
    "facts": ("extract", "numbers with units found in each article's clauses"),
    "people": ("extract", "people named with their posts"),
    "quarantine": ("every stage", "records an expectation held back (stage column names which)"),
    "dq_results": ("every stage", "each expectation's result per batch (GX validations)"),
    "runs": ("run", "one row per `gonghui run`, written at its start and end"),
    "metrics": ("schema check", "rewritten from transforms/data/metrics.yaml whenever a run opens the warehouse"),
    "schema_version": ("schema check", "one row per schema version applied (migrations)"),
}

_GRAIN_RE = re.compile(r"^--\s*(?:grain:\s*)?(one row per .*)$", re.IGNORECASE)
_CREATE_RE = re.compile(r"CREATE\s+(?:OR\s+REPLACE\s+)?(TABLE|VIEW)\s+(?:IF\s+NOT\s+EXISTS\s+)?(\w+)", re.IGNORECASE)
_FROM_RE = re.compile(r"\b(?:FROM|JOIN)\s+(\w+)", re.IGNORECASE)


@dataclass
class Column:
    name: str
    type: str
    comment: str


@dataclass
class Relation:
    name: str
    kind: str  # table | view
    grain: str
    comment: str
    source: str  # the DDL file that creates it
    columns: list[Column] = field(default_factory=list)
    reads: list[str] = field(default_factory=list)  # a view: the tables and views it selects from
    written_by: tuple[str, str] | None = None  # a table: (stage, what)


@dataclass
class Catalogue:
    relations: list[Relation]
    metrics: list[dict[str, Any]]


def _ddl_sources() -> list[Path]:
    numbered = [f for f in load.ddl_files() if f.name != "views.sql"]
    views = [f for f in load.ddl_files() if f.name == "views.sql"]
    return numbered + [f for _, f in load.migrations()] + views


def _grains_and_reads() -> tuple[dict[str, str], dict[str, str], dict[str, list[str]]]:
    """From the DDL text: the grain comment above each CREATE, the file making it, and what each view reads."""
    grains: dict[str, str] = {}
    files: dict[str, str] = {}
    reads: dict[str, list[str]] = {}
    for path in _ddl_sources():
        lines = path.read_text(encoding="utf-8").splitlines()
        for i, line in enumerate(lines):
            m = _CREATE_RE.search(line)
            if not m:
                continue
            kind, name = m.group(1).lower(), m.group(2)
            files.setdefault(name, f"warehouse/{path.relative_to(load.SQL_DIR).as_posix()}")
            j = i - 1  # the comment lines right above the CREATE; a grain may run over two lines
            block: list[str] = []
            while j >= 0 and lines[j].startswith("--"):
                block.insert(0, lines[j])
                j -= 1
            for k, b in enumerate(block):
                g = _GRAIN_RE.match(b.strip())
                if g:
                    rest = [x.lstrip("-").strip() for x in block[k + 1:]]
                    # the grain is the first clause; what follows a ";" is commentary (the DDL keeps it)
                    grains[name] = " ".join([g.group(1), *rest]).split("; ")[0].strip()
                    break
            if kind == "view":
                body: list[str] = []
                for x in lines[i:]:
                    body.append(x)
                    if x.rstrip().endswith(";"):
                        break
                reads[name] = list(dict.fromkeys(_FROM_RE.findall("\n".join(body))))
    return grains, files, reads


def schema_connection() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB holding the schema a new warehouse gets, and the metrics table."""
    con = duckdb.connect()
    for f in _ddl_sources():
        con.execute(f.read_text(encoding="utf-8"))
    load.write_metrics(con)
    return con


def build(con: duckdb.DuckDBPyConnection | None = None) -> Catalogue:
    """The catalogue of `con` (default: the schema the DDL makes now)."""
    own = con is None
    c = schema_connection() if con is None else con
    try:
        grains, files, reads = _grains_and_reads()
        rels = c.execute("""
            SELECT table_name, 'table', coalesce(comment, '') FROM duckdb_tables()
             WHERE database_name = current_database() AND schema_name = 'main'
            UNION ALL
            SELECT view_name, 'view', coalesce(comment, '') FROM duckdb_views()
             WHERE database_name = current_database() AND schema_name = 'main' AND NOT internal
        """).fetchall()
        cols: dict[str, list[Column]] = {}
        for table, name, typ, comment in c.execute("""
                SELECT table_name, column_name, data_type, coalesce(comment, '') FROM duckdb_columns()
                 WHERE database_name = current_database() AND schema_name = 'main'
                 ORDER BY table_name, column_index""").fetchall():
            cols.setdefault(table, []).append(Column(name, typ, comment))
        names = {r[0] for r in rels}
        out = []
        for name, kind, comment in rels:
            out.append(Relation(
                name=name, kind=kind, grain=grains.get(name) or _first_sentence(comment), comment=comment,
                source=files.get(name, ""), columns=cols.get(name, []),
                reads=[r for r in reads.get(name, []) if r in names and r != name],
                written_by=LINEAGE.get(name) if kind == "table" else None))
        # tables first (in the order the pipeline fills them), then views in DDL order
        order = {n: i for i, n in enumerate(LINEAGE)}
        view_order = {n: i for i, n in enumerate(reads)}
        out.sort(key=lambda r: (r.kind != "table", order.get(r.name, 99) if r.kind == "table"
                                else view_order.get(r.name, 99), r.name))
        metrics = [dict(zip(("metric", "name_zh", "definition", "measure_kind", "headline_metric", "units",
                             "synonyms", "traps"), row, strict=True))
                   for row in c.execute("SELECT metric, name_zh, definition, measure_kind, headline_metric, "
                                        "units, synonyms, traps FROM metrics ORDER BY metric").fetchall()]
        return Catalogue(out, metrics)
    finally:
        if own:
            c.close()


def _first_sentence(text: str) -> str:
    return text.split(". ")[0].split(": ")[0].rstrip(".") if text else ""


def _md(text: Any) -> str:
    """A table cell: pipes escaped, no line breaks."""
    return str(text if text is not None else "").replace("|", "\\|").replace("\n", " ")


def _list(v: Any) -> str:
    return "、".join(str(x) for x in v) if v else ""


def render_markdown(cat: Catalogue) -> str:
    tables = [r for r in cat.relations if r.kind == "table"]
    views = [r for r in cat.relations if r.kind == "view"]
    out = ["# The warehouse: tables, views, metrics", "",
           "Generated by `gonghui docs` from the DDL in `warehouse/` (numbered files, migrations, `views.sql`)",
           "and the lexicon in `transforms/data/metrics.yaml`; do not edit by hand. `tests/test_catalogue.py`",
           "fails when this file is out of date. Analysts read the views; the tables are what they are made of.",
           "", "## Contents", ""]
    for r in [*views, *tables]:
        out.append(f"- [{r.name}](#{r.name}) ({r.kind}): {r.grain}")
    out += ["- [Metrics glossary](#metrics-glossary)", "- [Lineage](#lineage)", ""]
    out += ["## Lineage", "", "Which stage writes each table (`warehouse/load.py` is the only writer), and what each",
            "view reads.", "", "| table | written by stage | what |", "|---|---|---|"]
    for r in tables:
        stage, what = r.written_by or ("", "")
        out.append(f"| [{r.name}](#{r.name}) | {_md(stage)} | {_md(what)} |")
    out += ["", "| view | reads |", "|---|---|"]
    for r in views:
        out.append(f"| [{r.name}](#{r.name}) | {', '.join(r.reads)} |")
    out.append("")
    for title, rels in (("Views", views), ("Tables", tables)):
        out += [f"## {title}", ""]
        for r in rels:
            out += [f"### {r.name}", "", f"*{r.kind}, made in `{r.source}`*", "", f"**Grain:** {r.grain}", ""]
            if r.comment:
                out += [r.comment, ""]
            if r.written_by:
                out += [f"**Written by:** {r.written_by[0]} ({r.written_by[1]})", ""]
            if r.reads:
                out += [f"**Reads:** {', '.join(f'[{x}](#{x})' for x in r.reads)}", ""]
            out += ["| column | type | meaning |", "|---|---|---|"]
            out += [f"| `{c.name}` | {_md(c.type)} | {_md(c.comment)} |" for c in r.columns]
            out.append("")
    out += ["## Metrics glossary", "",
            "The `metrics` table: what each `facts.metric` key means. A fact is this metric when its subject holds",
            "one of the synonyms and neither the subject nor the clause holds a trap.", "",
            "| metric | 中文 | definition | kind | headline | units | synonyms | traps |",
            "|---|---|---|---|---|---|---|---|"]
    for m in cat.metrics:
        out.append(f"| `{m['metric']}` | {_md(m['name_zh'])} | {_md(m['definition'])} | {m['measure_kind']} | "
                   f"{m['headline_metric']} | {_md(_list(m['units']))} | {_md(_list(m['synonyms']))} | "
                   f"{_md(_list(m['traps']))} |")
    out.append("")
    return "\n".join(out)


DOCS_PATH = Path("docs") / "warehouse.md"


def write(path: str | Path = DOCS_PATH) -> Path:
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(render_markdown(build()), encoding="utf-8")
    return p
