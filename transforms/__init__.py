"""Pure transforms: text in, records out (no I/O, no Prefect, no DuckDB)."""

# Bump when a change to any transform changes its output: every derived row records the version
# that made it, and a run reprocesses files whose rows came from another version.
PIPELINE_VERSION = "0.3.0"  # 0.3.0: facts of mainland text (subjects, regions, as_of, per-head amounts), page line rules, web-page chrome; 0.2.0: real-text headlines, severities, facts (currency, measure), pages, archives
