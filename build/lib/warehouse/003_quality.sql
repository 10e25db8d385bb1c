-- Quality layer: what failed, and every expectation result.

-- one row per record that failed an expectation (or could not be processed), with its reasons
CREATE TABLE IF NOT EXISTS quarantine (
    run_id      VARCHAR NOT NULL,
    stage       VARCHAR NOT NULL,
    record_kind VARCHAR NOT NULL,
    record_id   VARCHAR NOT NULL,
    file_id     VARCHAR,
    source_file VARCHAR,
    reasons     VARCHAR[] NOT NULL,
    payload     JSON,
    created_at  TIMESTAMP NOT NULL DEFAULT current_timestamp
);
COMMENT ON TABLE quarantine IS 'One row per record held back: the stage, the record, the stable reasons, and the record itself as JSON.';
COMMENT ON COLUMN quarantine.run_id IS 'run that quarantined it';
COMMENT ON COLUMN quarantine.stage IS 'stage whose expectations it failed: stage | clean | segment | extract';
COMMENT ON COLUMN quarantine.record_kind IS 'file | document | article | fact | person';
COMMENT ON COLUMN quarantine.record_id IS 'file_id, article_id or fact_id of the record';
COMMENT ON COLUMN quarantine.file_id IS 'raw_files.file_id of the source file, when known';
COMMENT ON COLUMN quarantine.source_file IS 'path of the source file relative to the input folder';
COMMENT ON COLUMN quarantine.reasons IS 'expectation names / stable snake_case reasons it failed';
COMMENT ON COLUMN quarantine.payload IS 'the record as JSON; an article carries its facts and people (they stay with it)';
COMMENT ON COLUMN quarantine.created_at IS 'when the row was written (UTC)';

-- one row per expectation evaluated on one batch of one stage in one run
CREATE TABLE IF NOT EXISTS dq_results (
    run_id           VARCHAR NOT NULL,
    stage            VARCHAR NOT NULL,
    suite            VARCHAR NOT NULL,
    expectation      VARCHAR NOT NULL,
    batch            INTEGER NOT NULL,
    success          BOOLEAN NOT NULL,
    element_count    INTEGER,
    unexpected_count INTEGER,
    details          JSON,
    evaluated_at     TIMESTAMP NOT NULL DEFAULT current_timestamp
);
COMMENT ON TABLE dq_results IS 'One row per expectation per batch per stage per run: the history behind the data-quality report.';
COMMENT ON COLUMN dq_results.run_id IS 'runs.run_id';
COMMENT ON COLUMN dq_results.stage IS 'stage | clean | segment | extract';
COMMENT ON COLUMN dq_results.suite IS 'Great Expectations suite name';
COMMENT ON COLUMN dq_results.expectation IS 'stable expectation name (also the quarantine reason)';
COMMENT ON COLUMN dq_results.batch IS '0-based batch number within the run';
COMMENT ON COLUMN dq_results.success IS 'true when every record of the batch met it';
COMMENT ON COLUMN dq_results.element_count IS 'records checked';
COMMENT ON COLUMN dq_results.unexpected_count IS 'records that failed it';
COMMENT ON COLUMN dq_results.details IS 'GX expectation type and kwargs, and up to 20 failing record ids';
COMMENT ON COLUMN dq_results.evaluated_at IS 'when it was evaluated (UTC)';
