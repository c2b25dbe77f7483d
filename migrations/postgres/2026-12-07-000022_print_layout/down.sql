ALTER TABLE suppliers DROP COLUMN print_layout;
