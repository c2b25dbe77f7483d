-- The rest of a supplier's print profile (see domain/batches/print.rs): the order the batch
-- prints in ('ship_by', 'sku' or 'product': product type and placement runs, each group after a
-- separator page), the ticket's page size ('4x6', 'a6' or 'half_letter'), the labels' file
-- names inside the zip ('' = the default template) and thermal-printer ZPL (0 = none, 203, 300).
ALTER TABLE suppliers ADD COLUMN print_sort TEXT NOT NULL DEFAULT 'ship_by';
ALTER TABLE suppliers ADD COLUMN page_size TEXT NOT NULL DEFAULT '4x6';
ALTER TABLE suppliers ADD COLUMN label_file_template TEXT NOT NULL DEFAULT '';
ALTER TABLE suppliers ADD COLUMN zpl_dpi BIGINT NOT NULL DEFAULT 0;
