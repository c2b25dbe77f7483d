ALTER TABLE batches DROP COLUMN file_stem;
