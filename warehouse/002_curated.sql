-- Curated layer: only records that passed their expectations.

-- one row per article that passed the article-level expectations
CREATE TABLE IF NOT EXISTS articles (
    article_id       VARCHAR NOT NULL,  -- unique (warehouse/load.py _check_unique)
    file_id          VARCHAR NOT NULL,
    source_file      VARCHAR NOT NULL,
    seq              INTEGER NOT NULL,
    title            VARCHAR,
    kicker           VARCHAR,
    subtitle         VARCHAR,
    authors          VARCHAR[],
    correspondents   VARCHAR[],
    photographers    VARCHAR[],
    editors          VARCHAR[],
    publish_date     DATE,
    publish_time     VARCHAR,
    source           VARCHAR,
    page             VARCHAR,
    channel          VARCHAR,
    region           VARCHAR,
    url              VARCHAR,
    body             VARCHAR NOT NULL,
    captions         VARCHAR[],
    summary          VARCHAR,
    section_headings VARCHAR[],
    section_banner   VARCHAR,
    format           VARCHAR,
    original_id      VARCHAR,
    metadata_origin  JSON,
    flags            VARCHAR[],
    run_id           VARCHAR NOT NULL,
    pipeline_version VARCHAR NOT NULL
);
COMMENT ON TABLE articles IS 'One row per article that passed its expectations (title, date, source present and valid).';
COMMENT ON COLUMN articles.article_id IS 'sha256(file_id:seq)[:16]; stable across runs';
COMMENT ON COLUMN articles.file_id IS 'raw_files.file_id (sha256) of the file the article came from';
COMMENT ON COLUMN articles.source_file IS 'path of that file relative to the input folder';
COMMENT ON COLUMN articles.seq IS '1-based position of the article within its file';
COMMENT ON COLUMN articles.title IS 'headline (主题), cleaned Simplified text';
COMMENT ON COLUMN articles.kicker IS 'line above the headline (引题), often ending in ——';
COMMENT ON COLUMN articles.subtitle IS 'line below the headline (副题), starting with ——';
COMMENT ON COLUMN articles.authors IS 'reporters / writers, in order of appearance';
COMMENT ON COLUMN articles.correspondents IS '通讯员, in order';
COMMENT ON COLUMN articles.photographers IS 'photographers (… 摄), in order';
COMMENT ON COLUMN articles.editors IS 'responsible editors (责编), in order';
COMMENT ON COLUMN articles.publish_date IS 'publication date; never a relative date, never in the future, never before 1872-04-30 (申报, the oldest Chinese daily)';
COMMENT ON COLUMN articles.publish_time IS 'publication time HH:MM where the page states it';
COMMENT ON COLUMN articles.source IS 'paper or site that published it (工人日报, 贵州日报 ...)';
COMMENT ON COLUMN articles.page IS 'newspaper page (版) where known';
COMMENT ON COLUMN articles.channel IS 'site channel from the breadcrumb (中国工会新闻)';
COMMENT ON COLUMN articles.region IS 'province-level unit the article is about, short name (贵州, 宁夏, 香港)';
COMMENT ON COLUMN articles.url IS 'original URL where known (manifest)';
COMMENT ON COLUMN articles.body IS 'cleaned body, paragraphs joined with a newline; facts and people spans index into it';
COMMENT ON COLUMN articles.captions IS 'photo captions, kept apart from the body';
COMMENT ON COLUMN articles.summary IS 'the 阅读提示 box, kept apart from the body';
COMMENT ON COLUMN articles.section_headings IS 'section headings inside the body, in order';
COMMENT ON COLUMN articles.section_banner IS 'page banner above the article (栏目)';
COMMENT ON COLUMN articles.format IS 'recognised file format: people_com_cn | epaper_trailer | multi_article_page | plain';
COMMENT ON COLUMN articles.original_id IS 'id of the article in the source CMS (content_74878.html)';
COMMENT ON COLUMN articles.metadata_origin IS 'for each metadata field, where it came from: text | header (e-paper header, dateline) | trailer (CMS trailer) | html_meta (the saved page''s <meta> tags) | export_column (a crawler export''s column) | path (a date in the file or folder name) | manifest; <field>_conflict names a lower-precedence origin that disagreed (origin:value)';
COMMENT ON COLUMN articles.flags IS 'processing flags (orphan_fragment, invalid_publish_date ...) and the warning expectations its text failed (mojibake_left, traditional_chars_left, inline_pinyin_left, boilerplate_left): loaded, but doubtful';
COMMENT ON COLUMN articles.run_id IS 'run that loaded this row';
COMMENT ON COLUMN articles.pipeline_version IS 'transforms version that produced this row';

-- one row per numeric fact (a number with a unit) of a loaded article
CREATE TABLE IF NOT EXISTS facts (
    fact_id          VARCHAR NOT NULL,  -- unique (warehouse/load.py _check_unique)
    article_id       VARCHAR NOT NULL,
    file_id          VARCHAR NOT NULL,
    evidence         VARCHAR NOT NULL,
    char_start       INTEGER NOT NULL,
    char_end         INTEGER NOT NULL,
    field            VARCHAR NOT NULL,
    subject          VARCHAR,
    verb             VARCHAR,
    metric           VARCHAR,
    measure          VARCHAR,
    value            DOUBLE NOT NULL,
    unit             VARCHAR NOT NULL,
    number_text      VARCHAR,
    qualifier        VARCHAR,
    region           VARCHAR,
    as_of            DATE,
    as_of_text       VARCHAR,
    run_id           VARCHAR NOT NULL,
    pipeline_version VARCHAR NOT NULL,
    currency         VARCHAR,
    base_text        VARCHAR
);
-- warehouses made before issue 14 get the new columns in place
ALTER TABLE facts ADD COLUMN IF NOT EXISTS currency VARCHAR;
ALTER TABLE facts ADD COLUMN IF NOT EXISTS base_text VARCHAR;
COMMENT ON TABLE facts IS 'One row per numeric fact of a loaded article; evidence = body[char_start:char_end] (0-based, end exclusive).';
COMMENT ON COLUMN facts.fact_id IS 'sha256(article_id:field:char_start:char_end)[:16]';
COMMENT ON COLUMN facts.article_id IS 'articles.article_id';
COMMENT ON COLUMN facts.file_id IS 'raw_files.file_id of the source file (traceability)';
COMMENT ON COLUMN facts.evidence IS 'the clause that states the fact, exactly as in the cleaned text';
COMMENT ON COLUMN facts.char_start IS 'start of the evidence in articles.body (or captions when field = captions), 0-based Python/character offset';
COMMENT ON COLUMN facts.char_end IS 'end (exclusive) of the evidence; substr(body, char_start + 1, char_end - char_start) = evidence';
COMMENT ON COLUMN facts.field IS 'body, or captions (offsets then index the captions joined with a newline)';
COMMENT ON COLUMN facts.subject IS 'what is counted: the noun phrase (户外劳动者服务站点)';
COMMENT ON COLUMN facts.verb IS 'the verb of the claim where one stands (建成, 筹集 ...)';
COMMENT ON COLUMN facts.metric IS 'tracked-metric key, metrics.metric (outdoor_worker_stations, union_members, minimum_wage …); NULL for untracked numbers';
COMMENT ON COLUMN facts.measure IS 'what kind of figure: level (a stock, amount, length or age) | change (against base_text) | share (a part or a rate) | new (added or happening in the period) | cumulative (a running total) | restatement (a tracked figure the article already stated)';
COMMENT ON COLUMN facts.value IS 'the number in the base unit (6922万元 -> 69220000)';
COMMENT ON COLUMN facts.unit IS 'counting unit (个, 人次, %, 公里, 天, 岁 …); every amount of money is in 元, its currency in facts.currency';
COMMENT ON COLUMN facts.number_text IS 'the number as written (6922万)';
COMMENT ON COLUMN facts.qualifier IS 'precision words: 余 多 近 超过 以上 至少 约 不足 (combined with +)';
COMMENT ON COLUMN facts.region IS 'province-level short name the fact is about';
COMMENT ON COLUMN facts.as_of IS 'date the claim refers to, resolved against the publish date; a comparison base (较2019年同月) never sets it';
COMMENT ON COLUMN facts.as_of_text IS 'the words that dated it (截至2023年6月)';
COMMENT ON COLUMN facts.currency IS 'ISO 4217 code of a money amount (unit 元): named by the text (港币, 港元, HK$, 美元, 人民币 …), else from the region (香港 HKD, 澳门 MOP, 台湾 TWD, elsewhere CNY); NULL for non-money';
COMMENT ON COLUMN facts.base_text IS 'for measure = change: what the change is measured against, as written (2019年同月, 去年同期, 按年); for measure = share: the whole it is a share of, when the text names it with 占 (医管局员工); NULL otherwise or when unstated';
COMMENT ON COLUMN facts.run_id IS 'run that loaded this row';
COMMENT ON COLUMN facts.pipeline_version IS 'transforms version that produced this row';

-- one row per person named with posts in a loaded article
CREATE TABLE IF NOT EXISTS people (
    article_id       VARCHAR NOT NULL,
    name             VARCHAR NOT NULL,
    titles           VARCHAR[],
    org              VARCHAR,
    char_start       INTEGER NOT NULL,
    char_end         INTEGER NOT NULL,
    evidence         VARCHAR,
    file_id          VARCHAR NOT NULL,
    run_id           VARCHAR NOT NULL,
    pipeline_version VARCHAR NOT NULL
    -- (article_id, name, char_start) is unique (warehouse/load.py _check_unique)
);
COMMENT ON TABLE people IS 'One row per mention of a person with posts in a loaded article.';
COMMENT ON COLUMN people.article_id IS 'articles.article_id';
COMMENT ON COLUMN people.name IS 'the person''s name as written';
COMMENT ON COLUMN people.titles IS 'posts in the order the text gives them';
COMMENT ON COLUMN people.org IS 'organisation of the first post, expanded (省总工会 -> 甘肃省总工会)';
COMMENT ON COLUMN people.char_start IS 'start of the evidence in articles.body (0-based)';
COMMENT ON COLUMN people.char_end IS 'end (exclusive) of the evidence in articles.body';
COMMENT ON COLUMN people.evidence IS 'body[char_start:char_end]';
COMMENT ON COLUMN people.file_id IS 'raw_files.file_id of the source file';
COMMENT ON COLUMN people.run_id IS 'run that loaded this row';
COMMENT ON COLUMN people.pipeline_version IS 'transforms version that produced this row';

-- one row per damaged span found while cleaning (mojibake, U+FFFD), repaired or marked
CREATE TABLE IF NOT EXISTS text_issues (
    file_id       VARCHAR NOT NULL,
    source_file   VARCHAR NOT NULL,
    kind          VARCHAR NOT NULL,
    "offset"      INTEGER NOT NULL,
    raw           VARCHAR NOT NULL,
    repaired      VARCHAR,
    marker_offset INTEGER,
    run_id        VARCHAR NOT NULL
    -- (file_id, kind, "offset") is unique (warehouse/load.py _check_unique)
);
COMMENT ON TABLE text_issues IS 'One row per damaged or doubtful span of a file: what it was, what it was repaired to, or NULL and a 〓 marker in the text; and the spans a clean-suite warning found.';
COMMENT ON COLUMN text_issues.file_id IS 'raw_files.file_id';
COMMENT ON COLUMN text_issues.source_file IS 'path of the file relative to the input folder';
COMMENT ON COLUMN text_issues.kind IS 'repairs: gbk_phase_shift | utf8_as_gbk | utf8_as_latin1 | replacement_chars; decoding: mixed_encoding (raw: the region as the main encoding reads it, repaired: [encoding] the region as decoded); warnings of the clean suite: mojibake_left | traditional_chars_left | inline_pinyin_left | boilerplate_left | private_use_chars';
COMMENT ON COLUMN text_issues."offset" IS 'character offset of the span: in the decoded raw text for repairs, in the cleaned text for warnings';
COMMENT ON COLUMN text_issues.raw IS 'the span as it stood';
COMMENT ON COLUMN text_issues.repaired IS 'repaired text; NULL when it could not be repaired (then marked 〓 in the text)';
COMMENT ON COLUMN text_issues.marker_offset IS 'where the marker stands in the cleaned text, when unrepaired';
COMMENT ON COLUMN text_issues.run_id IS 'run that found it';
