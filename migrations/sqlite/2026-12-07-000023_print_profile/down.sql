ALTER TABLE suppliers DROP COLUMN zpl_dpi;
ALTER TABLE suppliers DROP COLUMN label_file_template;
ALTER TABLE suppliers DROP COLUMN page_size;
ALTER TABLE suppliers DROP COLUMN print_sort;
