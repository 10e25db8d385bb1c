-- Raw layer: what came in, and every run that looked at it.
-- Applied in file-name order by warehouse/load.py; every statement is idempotent (IF NOT EXISTS).

-- one row per distinct raw file content (sha256), whatever path it was seen under
CREATE TABLE IF NOT EXISTS raw_files (
    file_id              VARCHAR PRIMARY KEY,
    path                 VARCHAR NOT NULL,
    size_bytes           BIGINT NOT NULL,
    encoding             VARCHAR,
    first_run_id         VARCHAR NOT NULL,
    last_run_id          VARCHAR NOT NULL,
    state                VARCHAR NOT NULL,
    manifest_fingerprint VARCHAR,
    pipeline_version     VARCHAR NOT NULL,
    text                 VARCHAR
);
COMMENT ON TABLE raw_files IS 'One row per distinct raw file content; the staged text is kept so derived tables can be rebuilt without the input folder.';
COMMENT ON COLUMN raw_files.file_id IS 'sha256 of the raw bytes (hex); identifies the file across paths and runs';
COMMENT ON COLUMN raw_files.path IS 'path relative to the input folder where the content was first seen (every path it was seen at: file_paths)';
COMMENT ON COLUMN raw_files.size_bytes IS 'size of the raw file in bytes';
COMMENT ON COLUMN raw_files.encoding IS 'detected text encoding (utf-8, gb18030, big5, utf-16 ...); NULL when undecodable';
COMMENT ON COLUMN raw_files.first_run_id IS 'runs.run_id of the run that first staged this content';
COMMENT ON COLUMN raw_files.last_run_id IS 'runs.run_id of the run that last (re)processed this content';
COMMENT ON COLUMN raw_files.state IS 'loaded (at least one article loaded) | quarantined (nothing loaded) | revised (no path holds this content any more: a newer content replaced it) | missing (its paths are gone from the input; rows kept until --prune)';
COMMENT ON COLUMN raw_files.manifest_fingerprint IS 'sha256 of the manifest row applied to this file (NULL: none); a changed row reprocesses the file';
COMMENT ON COLUMN raw_files.pipeline_version IS 'gonghui transforms version that produced the derived rows of this file';
COMMENT ON COLUMN raw_files.text IS 'the decoded raw text (before cleaning); NULL when undecodable';
ALTER TABLE raw_files ADD COLUMN IF NOT EXISTS manifest JSON;
ALTER TABLE raw_files ADD COLUMN IF NOT EXISTS script VARCHAR;
ALTER TABLE raw_files ADD COLUMN IF NOT EXISTS removed_counts JSON;
ALTER TABLE raw_files ADD COLUMN IF NOT EXISTS mtime_ns BIGINT;
COMMENT ON COLUMN raw_files.mtime_ns IS 'modification time (ns) of the file when staged (informational: content identity is always the sha256 of the bytes)';
COMMENT ON COLUMN raw_files.manifest IS 'the manifest row applied to this file (kept so --reprocess needs no manifest file)';
COMMENT ON COLUMN raw_files.script IS 'script cleaning converted from: simplified (nothing converted) | t2s | hk2s | tw2s';
COMMENT ON COLUMN raw_files.removed_counts IS 'what decoding and cleaning removed, per kind: boilerplate pieces (breadcrumb, dateline, masthead, cms_trailer, editor_line, seo_footer, reading_tip, repeated_line, author_box, html_markup, front_matter, script_block, style_block), characters (invisible_format_chars, control_chars, stray_combining_marks, nul_padding, undecodable_bytes: bytes now U+FFFD), html_entities decoded, misleading_bom';

-- one row per pipeline run (a flow run of `pipeline`)
CREATE TABLE IF NOT EXISTS runs (
    run_id               VARCHAR PRIMARY KEY,
    prefect_flow_run_id  VARCHAR,
    started_at           TIMESTAMP NOT NULL,
    finished_at          TIMESTAMP,
    status               VARCHAR NOT NULL,
    input_dir            VARCHAR,
    pipeline_version     VARCHAR,
    files_seen           INTEGER DEFAULT 0,
    files_new            INTEGER DEFAULT 0,
    files_skipped        INTEGER DEFAULT 0,
    files_loaded         INTEGER DEFAULT 0,
    files_quarantined    INTEGER DEFAULT 0,
    articles_loaded      INTEGER DEFAULT 0,
    articles_quarantined INTEGER DEFAULT 0,
    facts_loaded         INTEGER DEFAULT 0,
    people_loaded        INTEGER DEFAULT 0,
    expectations_failed  INTEGER DEFAULT 0,
    report_path          VARCHAR
);
COMMENT ON TABLE runs IS 'One row per pipeline run; files_seen = files_loaded + files_quarantined + files_skipped.';
COMMENT ON COLUMN runs.run_id IS 'gonghui run id (UTC timestamp + random suffix), also the GX run name';
COMMENT ON COLUMN runs.prefect_flow_run_id IS 'id of the Prefect flow run that executed this run';
COMMENT ON COLUMN runs.started_at IS 'UTC start time';
COMMENT ON COLUMN runs.finished_at IS 'UTC end time; NULL while running or after a crash';
COMMENT ON COLUMN runs.status IS 'running | completed | failed | crashed (killed: found still running by the next run)';
COMMENT ON COLUMN runs.input_dir IS 'input folder the run read';
COMMENT ON COLUMN runs.pipeline_version IS 'gonghui transforms version of the run';
COMMENT ON COLUMN runs.files_seen IS 'input files found under the input folder';
COMMENT ON COLUMN runs.files_new IS 'files processed in this run (new content, or a changed manifest row)';
COMMENT ON COLUMN runs.files_skipped IS 'files skipped as unchanged (content and manifest row already processed)';
COMMENT ON COLUMN runs.files_loaded IS 'processed files with at least one article loaded';
COMMENT ON COLUMN runs.files_quarantined IS 'processed files with nothing loaded (the file or all its articles quarantined)';
COMMENT ON COLUMN runs.articles_loaded IS 'articles written to articles in this run';
COMMENT ON COLUMN runs.articles_quarantined IS 'articles written to quarantine in this run';
COMMENT ON COLUMN runs.facts_loaded IS 'facts written to facts in this run';
COMMENT ON COLUMN runs.people_loaded IS 'people written to people in this run';
COMMENT ON COLUMN runs.expectations_failed IS 'expectation evaluations (suite x batch) that failed in this run';
COMMENT ON COLUMN runs.report_path IS 'path of the data-quality summary page written for this run';
ALTER TABLE runs ADD COLUMN IF NOT EXISTS stage_seconds JSON;
ALTER TABLE runs ADD COLUMN IF NOT EXISTS mode VARCHAR;
ALTER TABLE runs ADD COLUMN IF NOT EXISTS changes JSON;
COMMENT ON COLUMN runs.mode IS 'incremental (default) | reprocess (from the staged text) | full_refresh';
COMMENT ON COLUMN runs.changes IS 'for reprocess and full_refresh runs: articles and facts added, removed, altered, unchanged';
COMMENT ON COLUMN runs.stage_seconds IS 'wall seconds spent per stage (discover, stage, clean, segment, dedup, extract, load, report)';
