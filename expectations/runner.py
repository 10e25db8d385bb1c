"""Run a stage's GX suite on a pandas batch of records; map failures back to the records they name."""

from __future__ import annotations

import datetime as dt
import html
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from gonghui.expectations.suites import SUITES, WARNING, SuiteSpec, severity_of

# How many failing record ids dq_results.details keeps per expectation (quarantine keeps all).
DETAIL_IDS = 20
# GX caps failing rows unless asked: COMPLETE returns every failing row id, which quarantine needs.
RESULT_FORMAT: dict[str, Any] = {"result_format": "COMPLETE", "return_unexpected_index_query": False}

log = logging.getLogger(__name__)


def _escape(v: str) -> str:
    return html.escape(v, quote=True)


@dataclass
class Outcome:
    """One suite over one batch: failing record ids with reasons (critical: held back; warning: flagged),
    and one dq row per expectation."""

    suite: str
    failed: dict[str, list[str]] = field(default_factory=dict)
    warned: dict[str, list[str]] = field(default_factory=dict)
    rows: list[dict[str, Any]] = field(default_factory=list)

    @property
    def expectations_failed(self) -> int:
        return sum(1 for r in self.rows if not r["success"])


class ExpectationRunner:
    """Holds one GX context (file-backed when `gx_dir` is given, so Data Docs can be built)."""

    def __init__(self, gx_dir: str | Path | None = None) -> None:
        os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
        import great_expectations as gx
        from great_expectations.data_context.types.base import ProgressBarsConfig

        for name in ("great_expectations", "great_expectations.core", "great_expectations.data_context"):
            logging.getLogger(name).setLevel(logging.ERROR)
        self.gx = gx
        self.ctx: Any
        if gx_dir is None:
            self.ctx = gx.get_context(mode="ephemeral")
        else:
            Path(gx_dir).mkdir(parents=True, exist_ok=True)
            self.ctx = gx.get_context(mode="file", project_root_dir=str(gx_dir))
        self.ctx.variables.progress_bars = ProgressBarsConfig(globally=False)
        if gx_dir is not None:
            self.ctx.variables.save()
        self.gx_dir = Path(gx_dir) if gx_dir is not None else None
        self.datasource = self.ctx.data_sources.add_or_update_pandas("gonghui")
        self._definitions: dict[str, Any] = {}

    def _definition(self, spec: SuiteSpec) -> Any:
        if spec.name in self._definitions:
            return self._definitions[spec.name]
        gx = self.gx
        try:
            asset = self.datasource.get_asset(spec.name)
        except LookupError:
            asset = self.datasource.add_dataframe_asset(spec.name)
        try:
            batch_def = asset.get_batch_definition("batch")
        except (KeyError, LookupError, ValueError):
            batch_def = asset.add_batch_definition_whole_dataframe("batch")
        suite = gx.ExpectationSuite(name=spec.name, expectations=spec.build(),
                                    meta={"stage": spec.stage, "record_kind": spec.record_kind})
        suite = self.ctx.suites.add_or_update(suite)
        vd = self.ctx.validation_definitions.add_or_update(
            gx.ValidationDefinition(name=f"{spec.name}_batch", data=batch_def, suite=suite))
        self._definitions[spec.name] = vd
        return vd

    def validate(self, suite_name: str, frame: pd.DataFrame, run_id: str) -> Outcome:
        spec = SUITES[suite_name]
        out = Outcome(suite=suite_name)
        if frame.empty:
            return out
        from great_expectations.core.run_identifier import RunIdentifier

        vd = self._definition(spec)
        # GX's Data Docs print the failing rows' ids into the page unescaped: a file named
        # "<script>alert(3)</script>.txt" ran in whoever opened the report. GX sees the ids HTML-escaped
        # (html.escape is undone exactly by html.unescape below, so records still map back).
        ids_shown = frame[spec.id_column].astype(str).map(_escape)
        if not ids_shown.equals(frame[spec.id_column].astype(str)):
            frame = frame.assign(**{spec.id_column: ids_shown})
        result = vd.run(
            batch_parameters={"dataframe": frame},
            result_format=dict(RESULT_FORMAT, unexpected_index_column_names=[spec.id_column]),
            run_id=RunIdentifier(run_name=run_id, run_time=dt.datetime.now(dt.UTC)),
        )
        for er in result.results:
            cfg = er.expectation_config
            name = (cfg.meta or {}).get("name") or cfg.type
            severity = severity_of(cfg)
            res = er.result or {}
            ids = [html.unescape(str(row[spec.id_column])) for row in (res.get("unexpected_index_list") or [])
                   if isinstance(row, dict) and spec.id_column in row]
            exc = (er.exception_info or {}).get("exception_message") if er.exception_info else None
            if exc and not er.success:
                # The expectation could not be evaluated: every record fails it, loudly.
                log.error("expectation %s in %s raised: %s", name, suite_name, exc)
                ids = [html.unescape(str(x)) for x in frame[spec.id_column]]
            target = out.warned if severity == WARNING else out.failed
            for rid in ids:
                reasons = target.setdefault(rid, [])
                if name not in reasons:
                    reasons.append(name)
            out.rows.append({
                "stage": spec.stage, "suite": suite_name, "expectation": name, "success": bool(er.success),
                "element_count": int(res.get("element_count") or len(frame)),
                "unexpected_count": int(res.get("unexpected_count") or (len(ids) if not er.success else 0)),
                "details": {"type": cfg.type, "kwargs": {k: v for k, v in cfg.kwargs.items()
                                                         if k not in {"batch_id", "value_set"}},
                            "description": cfg.description, "severity": severity,
                            "example_ids": ids[:DETAIL_IDS],
                            **({"exception": exc} if exc else {})},
            })
        return out

    def build_docs(self) -> Path | None:
        """Build GX Data Docs; returns the index page, or None for an ephemeral context."""
        if self.gx_dir is None:
            return None
        self.ctx.build_data_docs()
        index = self.gx_dir / "gx" / "uncommitted" / "data_docs" / "local_site" / "index.html"
        return index if index.exists() else None


_RUNNERS: dict[str, ExpectationRunner] = {}


def has_runner(gx_dir: str | Path | None) -> bool:
    return str(gx_dir) in _RUNNERS


def get_runner(gx_dir: str | Path | None) -> ExpectationRunner:
    """One runner per GX project directory per process (a GX context costs about a second)."""
    key = str(gx_dir)
    if key not in _RUNNERS:
        _RUNNERS[key] = ExpectationRunner(gx_dir)
    return _RUNNERS[key]
