ALTER TABLE suppliers DROP COLUMN language;
ALTER TABLE users DROP COLUMN language;
