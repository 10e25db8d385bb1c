-- Schema version 2 (issue 16): files are known by path as well as content; a new content at a known
-- path is a revision that retires the older version's rows (kept, with valid_from / valid_to), and a
-- path no longer in the input is marked missing. Applied once, in the upgrade's transaction
-- (warehouse/load.py ensure_schema), after the version-1 DDL files.

CREATE TABLE IF NOT EXISTS schema_version (
    version          INTEGER NOT NULL,
    applied_at       TIMESTAMP NOT NULL,
    gonghui_version  VARCHAR,
    migration        VARCHAR
);
COMMENT ON TABLE schema_version IS 'One row per schema version this warehouse was brought to (created or migrated); the highest is its version. A warehouse without this table is version 1.';
COMMENT ON COLUMN schema_version.version IS 'schema version (warehouse/migrations/NNN_*.sql brings a warehouse to version NNN)';
COMMENT ON COLUMN schema_version.applied_at IS 'UTC time the version was applied';
COMMENT ON COLUMN schema_version.gonghui_version IS 'gonghui release that applied it';
COMMENT ON COLUMN schema_version.migration IS 'file that applied it (NULL: created at this version)';

-- one row per (path, content) version: which content each path of the input held, and when
CREATE TABLE IF NOT EXISTS file_paths (
    path            VARCHAR NOT NULL,
    file_id         VARCHAR NOT NULL,
    input_dir       VARCHAR,
    state           VARCHAR NOT NULL,
    first_run_id    VARCHAR,
    valid_from      TIMESTAMP,
    valid_to        TIMESTAMP,
    retired_run_id  VARCHAR,
    missing_run_id  VARCHAR
    -- at most one row per path has valid_to NULL (warehouse/load.py _apply_revisions)
);
COMMENT ON TABLE file_paths IS 'One row per path of the input and the content it held: the current one (valid_to NULL) and the versions a revision or --prune retired. A copy of a file under another path has a row of its own with the same file_id.';
COMMENT ON COLUMN file_paths.path IS 'path relative to the input folder';
COMMENT ON COLUMN file_paths.file_id IS 'raw_files.file_id (sha256) of the content at this path (for a crawler export: of the export file, raw_files.parent_file_id of its rows)';
COMMENT ON COLUMN file_paths.input_dir IS 'absolute input folder the path was seen under (NULL: recorded before schema version 2); only the runs over that folder mark it missing';
COMMENT ON COLUMN file_paths.state IS 'present (seen by the last run over its input folder) | missing (not in the input any more; missing_run_id noticed it) | revised (a newer content at this path replaced it)';
COMMENT ON COLUMN file_paths.first_run_id IS 'run that first saw this content at this path';
COMMENT ON COLUMN file_paths.valid_from IS 'UTC time this content was first seen at this path';
COMMENT ON COLUMN file_paths.valid_to IS 'UTC time it stopped being the current content of the path (a revision, or --prune of a missing file); NULL while current';
COMMENT ON COLUMN file_paths.retired_run_id IS 'run that retired it (revision or --prune)';
COMMENT ON COLUMN file_paths.missing_run_id IS 'run that first found the path gone from the input folder';

ALTER TABLE raw_files ADD COLUMN IF NOT EXISTS valid_to TIMESTAMP;
ALTER TABLE raw_files ADD COLUMN IF NOT EXISTS retired_run_id VARCHAR;
ALTER TABLE raw_files ADD COLUMN IF NOT EXISTS missing_run_id VARCHAR;
COMMENT ON COLUMN raw_files.state IS 'loaded (at least one article loaded) | quarantined (nothing loaded) | revised (no path holds this content any more: a newer content replaced it) | missing (its paths are gone from the input; rows kept until --prune)';
COMMENT ON COLUMN raw_files.path IS 'path relative to the input folder where the content was first seen (every path it was seen at: file_paths)';
COMMENT ON COLUMN raw_files.valid_to IS 'UTC time its derived rows were retired (revision or --prune); NULL while current';
COMMENT ON COLUMN raw_files.retired_run_id IS 'run that retired its derived rows';
COMMENT ON COLUMN raw_files.missing_run_id IS 'run that found every path of this content gone from the input';
COMMENT ON COLUMN raw_files.mtime_ns IS 'modification time (ns) of the file when staged (informational: content identity is always the sha256 of the bytes)';

ALTER TABLE articles ADD COLUMN IF NOT EXISTS valid_from TIMESTAMP;
ALTER TABLE articles ADD COLUMN IF NOT EXISTS valid_to TIMESTAMP;
ALTER TABLE articles ADD COLUMN IF NOT EXISTS retired_run_id VARCHAR;
ALTER TABLE facts ADD COLUMN IF NOT EXISTS valid_from TIMESTAMP;
ALTER TABLE facts ADD COLUMN IF NOT EXISTS valid_to TIMESTAMP;
ALTER TABLE facts ADD COLUMN IF NOT EXISTS retired_run_id VARCHAR;
ALTER TABLE people ADD COLUMN IF NOT EXISTS valid_from TIMESTAMP;
ALTER TABLE people ADD COLUMN IF NOT EXISTS valid_to TIMESTAMP;
ALTER TABLE people ADD COLUMN IF NOT EXISTS retired_run_id VARCHAR;
COMMENT ON COLUMN articles.valid_from IS 'UTC time the row was loaded';
COMMENT ON COLUMN articles.valid_to IS 'UTC time a revision of its file (or --prune of a missing file) retired it; NULL while current. The curated views show current rows only.';
COMMENT ON COLUMN articles.retired_run_id IS 'run that retired it';
COMMENT ON COLUMN facts.valid_from IS 'UTC time the row was loaded';
COMMENT ON COLUMN facts.valid_to IS 'UTC time a revision of its file (or --prune of a missing file) retired it; NULL while current';
COMMENT ON COLUMN facts.retired_run_id IS 'run that retired it';
COMMENT ON COLUMN people.valid_from IS 'UTC time the row was loaded';
COMMENT ON COLUMN people.valid_to IS 'UTC time a revision of its file (or --prune of a missing file) retired it; NULL while current';
COMMENT ON COLUMN people.retired_run_id IS 'run that retired it';

ALTER TABLE runs ADD COLUMN IF NOT EXISTS files_revised INTEGER DEFAULT 0;
ALTER TABLE runs ADD COLUMN IF NOT EXISTS files_missing INTEGER DEFAULT 0;
ALTER TABLE runs ADD COLUMN IF NOT EXISTS files_pruned INTEGER DEFAULT 0;
COMMENT ON COLUMN runs.files_revised IS 'paths whose content this run replaced with a new one (the older version''s rows retired)';
COMMENT ON COLUMN runs.files_missing IS 'paths of its input folder the warehouse knows and this run did not find (state missing)';
COMMENT ON COLUMN runs.files_pruned IS 'missing paths whose rows this run retired (gonghui run --prune)';

-- What version 1 holds, carried over: every row loaded is current since its run started, and each
-- content is at the path it was first seen at (an export file's rows name it as path#row=n).
UPDATE articles SET valid_from = r.started_at FROM runs r WHERE r.run_id = articles.run_id AND articles.valid_from IS NULL;
UPDATE facts SET valid_from = r.started_at FROM runs r WHERE r.run_id = facts.run_id AND facts.valid_from IS NULL;
UPDATE people SET valid_from = r.started_at FROM runs r WHERE r.run_id = people.run_id AND people.valid_from IS NULL;
INSERT INTO file_paths (path, file_id, input_dir, state, first_run_id, valid_from)
SELECT f.path, f.file_id, NULL, 'present', f.first_run_id, r.started_at
FROM raw_files f LEFT JOIN runs r ON r.run_id = f.first_run_id
WHERE f.parent_file_id IS NULL
UNION ALL
SELECT split_part(any_value(f.path), '#row=', 1), f.parent_file_id, NULL, 'present', min(f.first_run_id),
       min(r.started_at)
FROM raw_files f LEFT JOIN runs r ON r.run_id = f.first_run_id
WHERE f.parent_file_id IS NOT NULL
GROUP BY f.parent_file_id;
