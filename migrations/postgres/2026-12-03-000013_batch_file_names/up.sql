-- A batch's file names carry the seller and the supplier (a factory serving several sellers
-- never gets two batch-1.zip); fixed when the batch is sealed. Empty for older batches.
ALTER TABLE batches ADD COLUMN file_stem TEXT NOT NULL DEFAULT '';
