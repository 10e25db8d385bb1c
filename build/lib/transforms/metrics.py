"""Map a numeric fact's subject onto a tracked metric key, from the lexicon in data/metrics.yaml."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

LEXICON_PATH = Path(__file__).parent / "data" / "metrics.yaml"

MEASURE_NEW = "new"
MEASURE_CUMULATIVE = "cumulative"


@dataclass(frozen=True)
class Metric:
    key: str
    units: frozenset[str]
    subjects: tuple[str, ...]
    exclude: tuple[str, ...]
    new_key: str | None
    name_zh: str = ""
    definition: str = ""


def _load(path: Path) -> tuple[tuple[Metric, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    raw: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    metrics = tuple(
        Metric(
            key=key,
            units=frozenset(spec.get("units") or ()),
            subjects=tuple(spec.get("subjects") or ()),
            exclude=tuple(spec.get("exclude") or ()),
            new_key=spec.get("new_key"),
            name_zh=spec.get("name_zh") or "",
            definition=spec.get("definition") or spec.get("description") or "",
        )
        for key, spec in raw["metrics"].items()
    )
    measure = raw.get("measure") or {}
    return (
        metrics,
        tuple(raw.get("exclude_clause") or ()),
        tuple(measure.get("new") or ()),
        tuple(measure.get("cumulative") or ()),
    )


METRICS, EXCLUDE_CLAUSE, NEW_CUES, CUMULATIVE_CUES = _load(LEXICON_PATH)
METRIC_KEYS = frozenset(m.key for m in METRICS) | frozenset(m.new_key for m in METRICS if m.new_key)


def lexicon_rows() -> list[dict[str, Any]]:
    """One row per tracked metric key (a metric's new-count key too), for the warehouse's metrics table."""
    rows: list[dict[str, Any]] = []
    for m in METRICS:
        base = dict(name_zh=m.name_zh, definition=m.definition, units=sorted(m.units), synonyms=list(m.subjects),
                    traps=list(m.exclude) + list(EXCLUDE_CLAUSE))
        rows.append(dict(base, metric=m.key, measure_kind="stock", headline_metric=m.key))
        if m.new_key:
            rows.append(dict(base, metric=m.new_key, name_zh=f"{m.name_zh}(新增)",
                             definition=f"{m.definition}; only what was added in the period",
                             measure_kind="new", headline_metric=m.key))
    return rows


def _contains_any(words: tuple[str, ...]) -> Callable[[str], bool]:
    """A test "does the text contain one of `words`": one regex scan instead of a loop of `in`."""
    if not words:
        return lambda text: False
    rx = re.compile("|".join(re.escape(w) for w in words))
    return lambda text: rx.search(text) is not None


_HAS_NEW_CUE = _contains_any(NEW_CUES)
_HAS_CUMULATIVE_CUE = _contains_any(CUMULATIVE_CUES)
_HAS_EXCLUDED = _contains_any(EXCLUDE_CLAUSE)
# Subjects repeat (职工, 驿站, 基层工会): their metric is looked up once per (subject, unit). The
# bound keeps memory flat on a long run.
METRIC_CACHE_SIZE = 16384


def measure_of(clause: str) -> str | None:
    """"new" (新建319个), "cumulative" (累计建成1343个) or None, from the words of the clause."""
    if _HAS_NEW_CUE(clause):
        return MEASURE_NEW
    if _HAS_CUMULATIVE_CUE(clause):
        return MEASURE_CUMULATIVE
    return None


@lru_cache(maxsize=METRIC_CACHE_SIZE)
def _metric_for(subject: str, unit: str | None) -> Metric | None:
    """The first metric whose unit fits and whose subjects (and none of its exclusions) `subject` holds."""
    for metric in METRICS:
        if unit is not None and metric.units and unit not in metric.units:
            continue
        if not any(s in subject for s in metric.subjects):
            continue
        if any(x in subject for x in metric.exclude):
            continue
        return metric
    return None


def classify(subject: str, clause: str, unit: str | None = None,
             whole_clause: str | None = None) -> tuple[str | None, str | None]:
    """(metric key, measure) for a fact counting `subject`, stated in `clause`.

    The metric key is None when the subject matches no tracked metric, the unit does not fit it,
    or the clause is an award subset / a plan (exclude_clause). A *new* count gets the metric's
    new_key (e.g. outdoor_worker_stations_new), so the headline key only ever holds stock counts.
    The measure is returned even when there is no metric. `whole_clause` (default `clause`) is
    what the exclusions are looked for in: a fact's evidence may stop before the clause's 纳入.
    """
    measure = measure_of(clause)
    if not subject or _HAS_EXCLUDED(whole_clause if whole_clause is not None else clause):
        return None, measure
    metric = _metric_for(subject, unit)
    if metric is None:
        return None, measure
    if measure == MEASURE_NEW:
        return metric.new_key, measure
    return metric.key, measure
