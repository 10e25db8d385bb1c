-- grain: one row per tracked-metric key (a metric's "new" key has its own row), from
-- transforms/data/metrics.yaml; warehouse/load.py rewrites the rows on every schema check, so the table
-- always says what the running lexicon means by each facts.metric.
CREATE TABLE IF NOT EXISTS metrics (
    metric          VARCHAR NOT NULL,
    name_zh         VARCHAR NOT NULL,
    definition      VARCHAR NOT NULL,
    measure_kind    VARCHAR NOT NULL,
    headline_metric VARCHAR NOT NULL,
    units           VARCHAR[],
    synonyms        VARCHAR[],
    traps           VARCHAR[]
);
COMMENT ON TABLE metrics IS 'One row per tracked-metric key: what facts.metric means (the lexicon in transforms/data/metrics.yaml).';
COMMENT ON COLUMN metrics.metric IS 'tracked-metric key, as in facts.metric (unique)';
COMMENT ON COLUMN metrics.name_zh IS 'Chinese name of the metric (户外劳动者服务站点, 最低工资 …)';
COMMENT ON COLUMN metrics.definition IS 'what is counted, and what is not';
COMMENT ON COLUMN metrics.measure_kind IS 'stock (the level or running total) | new (only what was added in the period)';
COMMENT ON COLUMN metrics.headline_metric IS 'the stock key this key belongs to (itself for a stock key): compare a stock with its new key, never mix them';
COMMENT ON COLUMN metrics.units IS 'units a fact of this metric may have (个, 人, 元, %)';
COMMENT ON COLUMN metrics.synonyms IS 'words a fact''s subject must contain to be this metric';
COMMENT ON COLUMN metrics.traps IS 'words that rule the metric out: in the subject (工会会员数据) or anywhere in the clause (计划, 目标, 最美)';
