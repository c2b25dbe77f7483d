-- The language each person reads the supplier portal and their mail in ('' = their browser's),
-- and the language a supplier's contacts without an account and its SFTP result files get.
ALTER TABLE users ADD COLUMN language TEXT NOT NULL DEFAULT '';
ALTER TABLE suppliers ADD COLUMN language TEXT NOT NULL DEFAULT 'en';
