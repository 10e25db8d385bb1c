-- Near-duplicates: the same story in two places (a 工人日报 story reposted on people.com.cn) is
-- linked, kept, and counted once by the analyst views. ALTER … IF NOT EXISTS so existing warehouses
-- gain the column too.

ALTER TABLE articles ADD COLUMN IF NOT EXISTS duplicate_of VARCHAR;
COMMENT ON COLUMN articles.duplicate_of IS 'article_id of the earlier article telling the same story (near-duplicate text, transforms/dedup.py); NULL when it is the first copy';
-- one row per loaded article: its MinHash signature
CREATE TABLE IF NOT EXISTS article_signatures (
    article_id       VARCHAR NOT NULL,  -- unique (warehouse/load.py _check_unique)
    file_id          VARCHAR NOT NULL,
    signature        UBIGINT[] NOT NULL,
    bands            BIGINT[] NOT NULL,
    run_id           VARCHAR NOT NULL,
    pipeline_version VARCHAR NOT NULL
);
COMMENT ON TABLE article_signatures IS 'One row per loaded article: the MinHash signature of its cleaned body, compared with later articles to find copies of the same story.';
COMMENT ON COLUMN article_signatures.article_id IS 'articles.article_id';
COMMENT ON COLUMN article_signatures.file_id IS 'raw_files.file_id of the source file (rows are replaced with the file)';
COMMENT ON COLUMN article_signatures.signature IS 'transforms.dedup.signature(body): NUM_PERM minimum hashes of its character shingles';
COMMENT ON COLUMN article_signatures.bands IS 'transforms.dedup.band_keys(signature): one key per LSH band; candidates of a new article share at least one (list_has_any)';
COMMENT ON COLUMN article_signatures.run_id IS 'run that computed it';
COMMENT ON COLUMN article_signatures.pipeline_version IS 'transforms version that computed it (signatures of different versions are not compared)';
