-- Archives as people keep them (issue 18): what an e-paper header line names besides the page number.
ALTER TABLE articles ADD COLUMN IF NOT EXISTS page_name VARCHAR;
COMMENT ON COLUMN articles.page_name IS 'name of the newspaper page (版名) an e-paper header prints after the page number: 第4版:要闻 -> 要闻';
-- A crawler export's rows are documents of their own (raw_files.path = 'export.csv#row=3'); these keep
-- where each came from.
ALTER TABLE raw_files ADD COLUMN IF NOT EXISTS parent_file_id VARCHAR;
ALTER TABLE raw_files ADD COLUMN IF NOT EXISTS row_number INTEGER;
ALTER TABLE raw_files ADD COLUMN IF NOT EXISTS supplied JSON;
COMMENT ON COLUMN raw_files.parent_file_id IS 'a crawler export row: sha256 of the export file it was read from (file_id is sha256(parent_file_id || '':row:'' || row_number)); NULL for a file of its own';
COMMENT ON COLUMN raw_files.row_number IS 'a crawler export row: its 1-based row number in the export (header excluded); NULL for a file of its own';
COMMENT ON COLUMN raw_files.supplied IS 'metadata an export row''s columns gave ([field, value, origin] triples), kept so --reprocess needs no input folder';
