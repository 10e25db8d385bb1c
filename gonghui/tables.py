"""Query results as the terminal shows them (aligned table, CSV, JSON): shared by `gonghui sql` and
`gonghui status`, below both so neither imports the other."""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from typing import Any


def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def _cell(v: Any, limit: int = 60) -> str:
    s = "NULL" if v is None else (json.dumps(v, ensure_ascii=False) if isinstance(v, list | dict) else str(v))
    s = s.replace("\n", "⏎")
    return s if len(s) <= limit else s[: limit - 1] + "…"


def _csv_cell(v: Any) -> Any:
    return "" if v is None else (json.dumps(v, ensure_ascii=False, default=str) if isinstance(v, list | dict) else v)


def format_rows(cols: list[str], rows: list[tuple[Any, ...]], fmt: str) -> str:
    if fmt == "json":
        return json.dumps([dict(zip(cols, r, strict=True)) for r in rows], ensure_ascii=False, default=str,
                          indent=1)
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(cols)
        for r in rows:
            w.writerow([_csv_cell(v) for v in r])
        return buf.getvalue().rstrip("\n")
    cells = [[_cell(v) for v in r] for r in rows]
    widths = [max([_width(c), *(_width(r[i]) for r in cells)]) for i, c in enumerate(cols)]

    def line(vals: list[str]) -> str:
        return " │ ".join(v + " " * (w - _width(v)) for v, w in zip(vals, widths, strict=True)).rstrip()

    out = [line(cols), "─┼─".join("─" * w for w in widths)] + [line(r) for r in cells]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out)
