-- Analyst layer: views over the curated and quality tables. Read these, not the raw tables.
-- Applied by warehouse/load.py after the numbered DDL files, on every run (CREATE OR REPLACE: idempotent).
-- articles.duplicate_of (copies of one story) comes from 004_dedup.sql.
-- Every view states its grain; every column is documented (SELECT * FROM duckdb_columns() WHERE
-- table_name = '<view>').

-- grain: one row per fact of a loaded article (facts joined with their article)
CREATE OR REPLACE VIEW facts_enriched AS
SELECT
    f.fact_id, f.article_id, f.file_id, a.source_file,
    a.title, a.source, a.publish_date, a.page, a.url,
    f.metric, f.measure, f.value, f.unit, f.currency, f.number_text, f.qualifier, f.base_text,
    f.subject, f.verb,
    coalesce(f.region, a.region) AS region,
    f.as_of, f.as_of_text,
    coalesce(f.as_of, a.publish_date) AS effective_date,
    f.evidence, f.field, f.char_start, f.char_end,
    a.duplicate_of,
    (f.metric IS NOT NULL AND coalesce(f.measure, '') <> 'restatement' AND a.duplicate_of IS NULL) AS counted,
    f.run_id, f.pipeline_version
FROM facts f
JOIN articles a USING (article_id)
WHERE f.valid_to IS NULL AND a.valid_to IS NULL;
COMMENT ON VIEW facts_enriched IS 'One row per current fact of a loaded article, with the article''s title, source and date beside it (facts retired by a revision of their file or by --prune are in facts, with valid_to set, not here).';
COMMENT ON COLUMN facts_enriched.fact_id IS 'facts.fact_id';
COMMENT ON COLUMN facts_enriched.article_id IS 'articles.article_id of the article stating it';
COMMENT ON COLUMN facts_enriched.file_id IS 'raw_files.file_id (sha256) of the source file';
COMMENT ON COLUMN facts_enriched.source_file IS 'path of the source file relative to the input folder';
COMMENT ON COLUMN facts_enriched.title IS 'articles.title: the headline of the article';
COMMENT ON COLUMN facts_enriched.source IS 'articles.source: paper or site that published it';
COMMENT ON COLUMN facts_enriched.publish_date IS 'articles.publish_date';
COMMENT ON COLUMN facts_enriched.page IS 'articles.page: newspaper page where known';
COMMENT ON COLUMN facts_enriched.url IS 'articles.url where known';
COMMENT ON COLUMN facts_enriched.metric IS 'facts.metric: tracked-metric key, NULL for untracked numbers and restatements';
COMMENT ON COLUMN facts_enriched.measure IS 'facts.measure: level | change | share | new | cumulative | restatement';
COMMENT ON COLUMN facts_enriched.currency IS 'facts.currency: ISO 4217 code of a money amount (CNY, HKD, USD …), NULL for non-money';
COMMENT ON COLUMN facts_enriched.base_text IS 'facts.base_text: what a change is measured against (去年同期) or the whole a share is of (医管局员工), as written';
COMMENT ON COLUMN facts_enriched.value IS 'facts.value: the number in the base unit';
COMMENT ON COLUMN facts_enriched.unit IS 'facts.unit: counting unit';
COMMENT ON COLUMN facts_enriched.number_text IS 'facts.number_text: the number as written';
COMMENT ON COLUMN facts_enriched.qualifier IS 'facts.qualifier: precision words (余 多 近 超过 以上 约)';
COMMENT ON COLUMN facts_enriched.subject IS 'facts.subject: what is counted';
COMMENT ON COLUMN facts_enriched.verb IS 'facts.verb: the verb of the claim';
COMMENT ON COLUMN facts_enriched.region IS 'region the fact is about: facts.region, else the article''s region';
COMMENT ON COLUMN facts_enriched.as_of IS 'facts.as_of: date the claim refers to, when the text dates it';
COMMENT ON COLUMN facts_enriched.as_of_text IS 'facts.as_of_text: the words that dated it';
COMMENT ON COLUMN facts_enriched.effective_date IS 'as_of, else the publish date: the date the figure was true by';
COMMENT ON COLUMN facts_enriched.evidence IS 'facts.evidence: the clause stating it, exactly as in the cleaned text';
COMMENT ON COLUMN facts_enriched.field IS 'facts.field: body or captions (what char_start/char_end index into)';
COMMENT ON COLUMN facts_enriched.char_start IS 'facts.char_start: 0-based start of the evidence';
COMMENT ON COLUMN facts_enriched.char_end IS 'facts.char_end: end (exclusive) of the evidence';
COMMENT ON COLUMN facts_enriched.duplicate_of IS 'articles.duplicate_of: set when the article is a copy of an earlier one';
COMMENT ON COLUMN facts_enriched.counted IS 'true when this row is a claim counted once: a tracked metric, not a restatement, not from a duplicate article';
COMMENT ON COLUMN facts_enriched.run_id IS 'run that loaded the fact';
COMMENT ON COLUMN facts_enriched.pipeline_version IS 'transforms version that produced the fact';


-- grain: one row per (region, metric): the latest claim, each claim counted once
CREATE OR REPLACE VIEW metric_by_region AS
WITH claims AS (
    SELECT *,
           count(*) OVER (PARTITION BY region, metric) AS claims,
           row_number() OVER (PARTITION BY region, metric
                              ORDER BY effective_date DESC NULLS LAST, publish_date DESC NULLS LAST,
                                       value DESC, fact_id) AS recency
    FROM facts_enriched
    WHERE counted AND region IS NOT NULL
)
SELECT region, metric, value, unit, qualifier, measure, as_of, as_of_text, effective_date,
       source, publish_date, title, evidence, article_id, fact_id, claims
FROM claims
WHERE recency = 1;
COMMENT ON VIEW metric_by_region IS 'One row per region and tracked metric: its latest value. Restatements and facts of duplicate articles are excluded, so each claim counts once.';
COMMENT ON COLUMN metric_by_region.region IS 'province-level short name (贵州, 四川 ...)';
COMMENT ON COLUMN metric_by_region.metric IS 'tracked-metric key (outdoor_worker_stations, union_members, grassroots_unions ...)';
COMMENT ON COLUMN metric_by_region.value IS 'latest value, in the base unit';
COMMENT ON COLUMN metric_by_region.unit IS 'counting unit of value';
COMMENT ON COLUMN metric_by_region.qualifier IS 'precision words of the latest claim (余 多 近 ...), NULL when exact';
COMMENT ON COLUMN metric_by_region.measure IS 'cumulative | new | NULL (not stated)';
COMMENT ON COLUMN metric_by_region.as_of IS 'date the text gives the figure for; NULL when it gives none';
COMMENT ON COLUMN metric_by_region.as_of_text IS 'the words that dated it (截至2023年6月)';
COMMENT ON COLUMN metric_by_region.effective_date IS 'as_of, else publish_date: what "latest" is ordered by (ties: later publish date, then larger value)';
COMMENT ON COLUMN metric_by_region.source IS 'paper or site that published the latest claim';
COMMENT ON COLUMN metric_by_region.publish_date IS 'publication date of the article stating it';
COMMENT ON COLUMN metric_by_region.title IS 'headline of the article stating it';
COMMENT ON COLUMN metric_by_region.evidence IS 'the clause stating it, exactly as in the cleaned text';
COMMENT ON COLUMN metric_by_region.article_id IS 'articles.article_id of the article stating it';
COMMENT ON COLUMN metric_by_region.fact_id IS 'facts.fact_id of the claim';
COMMENT ON COLUMN metric_by_region.claims IS 'distinct claims of this metric for this region in the warehouse (each counted once)';


-- grain: one row per counted claim of a tracked metric with a region (each claim once: no restatements,
-- no copies of an article), ordered per region and metric by the date it stands at
CREATE OR REPLACE VIEW metric_timeline AS
WITH claims AS (
    SELECT * FROM facts_enriched WHERE counted AND region IS NOT NULL
), dated AS (
    SELECT region, metric, as_of,
           count(DISTINCT value) AS values_at_date,
           count(DISTINCT coalesce(source, article_id)) AS sources_at_date,
           list_sort(list_distinct(list(value))) AS values_given
    FROM claims WHERE as_of IS NOT NULL
    GROUP BY ALL
)
SELECT c.region, c.metric, m.name_zh,
       row_number() OVER (PARTITION BY c.region, c.metric
                          ORDER BY c.effective_date, c.publish_date, c.fact_id) AS claim_no,
       c.effective_date, c.as_of, c.as_of_text, c.value, c.unit, c.currency, c.qualifier, c.measure,
       c.source, c.publish_date, c.title, c.evidence, c.article_id, c.fact_id,
       coalesce(d.values_at_date > 1 AND d.sources_at_date > 1, false) AS conflicting,
       CASE WHEN d.values_at_date > 1 AND d.sources_at_date > 1 THEN d.values_given END AS conflicting_values
FROM claims c
LEFT JOIN metrics m USING (metric)
LEFT JOIN dated d ON d.region = c.region AND d.metric = c.metric AND d.as_of = c.as_of;
COMMENT ON VIEW metric_timeline IS 'One row per counted claim of a tracked metric with a region, in date order per region and metric, with its source and evidence; conflicting flags two sources giving different values for the same as_of.';
COMMENT ON COLUMN metric_timeline.region IS 'province-level short name the claim is about (贵州, 香港 …)';
COMMENT ON COLUMN metric_timeline.metric IS 'tracked-metric key (metrics.metric)';
COMMENT ON COLUMN metric_timeline.name_zh IS 'metrics.name_zh: the metric''s Chinese name';
COMMENT ON COLUMN metric_timeline.claim_no IS '1, 2, … : the claim''s place in time for this region and metric (by effective_date, then publish date)';
COMMENT ON COLUMN metric_timeline.effective_date IS 'as_of, else the publish date: the date the figure stands at';
COMMENT ON COLUMN metric_timeline.as_of IS 'date the text gives the figure for; NULL when it gives none';
COMMENT ON COLUMN metric_timeline.as_of_text IS 'the words that dated it (截至2023年6月)';
COMMENT ON COLUMN metric_timeline.value IS 'the figure in the base unit';
COMMENT ON COLUMN metric_timeline.unit IS 'counting unit of value';
COMMENT ON COLUMN metric_timeline.currency IS 'ISO 4217 code when the metric is money, else NULL';
COMMENT ON COLUMN metric_timeline.qualifier IS 'precision words (余 多 近 超过 …), NULL when exact';
COMMENT ON COLUMN metric_timeline.measure IS 'level | new | cumulative (changes and shares are never a tracked metric)';
COMMENT ON COLUMN metric_timeline.source IS 'paper or site that published the claim';
COMMENT ON COLUMN metric_timeline.publish_date IS 'publication date of the article stating it';
COMMENT ON COLUMN metric_timeline.title IS 'headline of the article stating it';
COMMENT ON COLUMN metric_timeline.evidence IS 'the clause stating it, exactly as in the cleaned text';
COMMENT ON COLUMN metric_timeline.article_id IS 'articles.article_id of the article stating it';
COMMENT ON COLUMN metric_timeline.fact_id IS 'facts.fact_id of the claim';
COMMENT ON COLUMN metric_timeline.conflicting IS 'true when two or more sources give different values for this region, metric and as_of';
COMMENT ON COLUMN metric_timeline.conflicting_values IS 'the different values given for that as_of, ascending, when conflicting; else NULL';


-- grain: one row per (source, month of publication)
CREATE OR REPLACE VIEW articles_by_source_month AS
WITH fact_counts AS (
    SELECT article_id, count(*) AS facts, count(*) FILTER (WHERE metric IS NOT NULL) AS tracked
    FROM facts WHERE valid_to IS NULL GROUP BY article_id
)
SELECT a.source,
       date_trunc('month', a.publish_date)::DATE AS month,
       count(*) AS articles,
       count(*) FILTER (WHERE a.duplicate_of IS NOT NULL) AS duplicates,
       count(*) FILTER (WHERE a.duplicate_of IS NULL) AS distinct_articles,
       count(DISTINCT a.region) AS regions,
       coalesce(sum(fc.facts), 0)::BIGINT AS facts,
       coalesce(sum(fc.tracked), 0)::BIGINT AS tracked_facts,
       min(a.publish_date) AS first_date,
       max(a.publish_date) AS last_date
FROM articles a
LEFT JOIN fact_counts fc USING (article_id)
WHERE a.valid_to IS NULL
GROUP BY ALL;
COMMENT ON VIEW articles_by_source_month IS 'One row per source and month of publication: how many current articles (not retired by a revision or --prune), how many of them copies, how many facts.';
COMMENT ON COLUMN articles_by_source_month.source IS 'paper or site (articles.source)';
COMMENT ON COLUMN articles_by_source_month.month IS 'first day of the month of publication';
COMMENT ON COLUMN articles_by_source_month.articles IS 'loaded articles of this source published that month';
COMMENT ON COLUMN articles_by_source_month.duplicates IS 'of which copies of an earlier article (articles.duplicate_of set)';
COMMENT ON COLUMN articles_by_source_month.distinct_articles IS 'articles - duplicates';
COMMENT ON COLUMN articles_by_source_month.regions IS 'distinct regions the articles are about';
COMMENT ON COLUMN articles_by_source_month.facts IS 'numeric facts of these articles';
COMMENT ON COLUMN articles_by_source_month.tracked_facts IS 'of which tracked metrics (facts.metric set)';
COMMENT ON COLUMN articles_by_source_month.first_date IS 'earliest publish date in the group';
COMMENT ON COLUMN articles_by_source_month.last_date IS 'latest publish date in the group';


-- grain: one row per (run, stage, reason): how many records that reason held back
CREATE OR REPLACE VIEW quarantine_summary AS
WITH reasons AS (
    SELECT q.run_id, q.stage, unnest(q.reasons) AS reason, q.record_kind, q.record_id, q.file_id
    FROM quarantine q
)
SELECT r.run_id, ru.started_at, r.stage, r.reason,
       count(*) AS records,
       count(DISTINCT r.file_id) AS files,
       list_sort(list_distinct(list(r.record_kind))) AS record_kinds
FROM reasons r
LEFT JOIN runs ru USING (run_id)
GROUP BY ALL;
COMMENT ON VIEW quarantine_summary IS 'One row per run, stage and quarantine reason: how many records (and files) it held back. A record with two reasons counts under both.';
COMMENT ON COLUMN quarantine_summary.run_id IS 'runs.run_id of the run that quarantined them';
COMMENT ON COLUMN quarantine_summary.started_at IS 'when that run started (UTC)';
COMMENT ON COLUMN quarantine_summary.stage IS 'stage | clean | segment | extract';
COMMENT ON COLUMN quarantine_summary.reason IS 'stable reason (an expectation name, or unreadable_file, transform_error ...)';
COMMENT ON COLUMN quarantine_summary.records IS 'records held back with this reason';
COMMENT ON COLUMN quarantine_summary.files IS 'distinct source files of those records';
COMMENT ON COLUMN quarantine_summary.record_kinds IS 'kinds of record concerned (file, document, article, fact, person)';


-- grain: one row per (run, stage, suite, expectation): its pass rate over the run's batches
CREATE OR REPLACE VIEW dq_trend AS
SELECT d.run_id, ru.started_at, d.stage, d.suite, d.expectation,
       count(*) AS batches,
       count(*) FILTER (WHERE d.success) AS batches_passed,
       coalesce(sum(d.element_count), 0)::BIGINT AS checked,
       coalesce(sum(d.unexpected_count), 0)::BIGINT AS failed,
       CASE WHEN coalesce(sum(d.element_count), 0) = 0 THEN NULL
            ELSE 1 - coalesce(sum(d.unexpected_count), 0) / sum(d.element_count) END AS pass_rate,
       bool_and(d.success) AS success
FROM dq_results d
LEFT JOIN runs ru USING (run_id)
GROUP BY ALL;
COMMENT ON VIEW dq_trend IS 'One row per run and expectation: records checked, failed, and the pass rate, to follow each expectation across runs.';
COMMENT ON COLUMN dq_trend.run_id IS 'runs.run_id';
COMMENT ON COLUMN dq_trend.started_at IS 'when the run started (UTC): order runs by it';
COMMENT ON COLUMN dq_trend.stage IS 'stage | clean | segment | extract';
COMMENT ON COLUMN dq_trend.suite IS 'Great Expectations suite';
COMMENT ON COLUMN dq_trend.expectation IS 'stable expectation name (also the quarantine reason)';
COMMENT ON COLUMN dq_trend.batches IS 'batches it was evaluated on in the run';
COMMENT ON COLUMN dq_trend.batches_passed IS 'batches where every record met it';
COMMENT ON COLUMN dq_trend.checked IS 'records checked (sum of element_count)';
COMMENT ON COLUMN dq_trend.failed IS 'records that failed it (sum of unexpected_count)';
COMMENT ON COLUMN dq_trend.pass_rate IS '1 - failed / checked, in [0, 1]; NULL when nothing was checked';
COMMENT ON COLUMN dq_trend.success IS 'true when it passed on every batch of the run';


-- grain: one row per (path, content) the input held: the current version of each path and the older
-- ones, with what each left in the warehouse
CREATE OR REPLACE VIEW file_versions AS
WITH counts AS (
    SELECT coalesce(r.parent_file_id, a.file_id) AS file_id, count(DISTINCT a.article_id) AS articles,
           count(f.fact_id) AS facts
    FROM articles a LEFT JOIN facts f USING (article_id) LEFT JOIN raw_files r ON r.file_id = a.file_id
    GROUP BY 1
)
SELECT p.path, p.file_id, p.state, p.valid_to IS NULL AS current, p.valid_from, p.valid_to,
       p.first_run_id, p.retired_run_id, p.missing_run_id, p.input_dir,
       coalesce(c.articles, 0) AS articles, coalesce(c.facts, 0)::BIGINT AS facts
FROM file_paths p
LEFT JOIN counts c USING (file_id);
COMMENT ON VIEW file_versions IS 'One row per path of the input and content it held: current (the content the path holds now, or held when it went missing) or retired by a revision or --prune; a copy under another path is a row of its own with the same file_id.';
COMMENT ON COLUMN file_versions.path IS 'path relative to the input folder';
COMMENT ON COLUMN file_versions.file_id IS 'raw_files.file_id (sha256) of the content';
COMMENT ON COLUMN file_versions.state IS 'present | missing | revised (see file_paths.state)';
COMMENT ON COLUMN file_versions.current IS 'true for the content the path holds now (valid_to NULL)';
COMMENT ON COLUMN file_versions.valid_from IS 'UTC time the content was first seen at the path';
COMMENT ON COLUMN file_versions.valid_to IS 'UTC time a revision or --prune retired it; NULL while current';
COMMENT ON COLUMN file_versions.first_run_id IS 'run that first saw it there';
COMMENT ON COLUMN file_versions.retired_run_id IS 'run that retired it';
COMMENT ON COLUMN file_versions.missing_run_id IS 'run that found the path gone from the input';
COMMENT ON COLUMN file_versions.input_dir IS 'absolute input folder (NULL: recorded before schema version 2)';
COMMENT ON COLUMN file_versions.articles IS 'articles loaded from this content (current or retired)';
COMMENT ON COLUMN file_versions.facts IS 'facts of those articles';
