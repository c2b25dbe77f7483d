-- The orders list's search finds a recipient's name by any part of it ("smith" in "Jo
-- Smithers"): a substring, which no B-tree serves, so at 100,000 orders every search read every
-- order, for the page and again for its count (docs/performance.md). A pg_trgm GIN index on
-- the expression the search compares answers `lower(recipient_name) LIKE '%smith%'` for a text
-- of three characters or more. (SQLite's counterpart is an FTS5 trigram index.)
--
-- pg_trgm ships with PostgreSQL (contrib) and is a trusted extension: the database's owner may
-- create it. An extension belongs to the whole database, not to a schema's tables: it is put
-- in `public` unless it is already installed elsewhere, its operator class is named with the
-- schema it is in, and a lock keeps two schemas migrating at once from both creating it.
DO $$
DECLARE
    trgm_schema text;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('podgate: CREATE EXTENSION pg_trgm'));
    CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;
    SELECT n.nspname INTO trgm_schema
        FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
        WHERE e.extname = 'pg_trgm';
    EXECUTE format(
        'CREATE INDEX orders_recipient_trgm_idx ON orders USING gin (lower(recipient_name) %I.gin_trgm_ops)',
        trgm_schema
    );
END
$$;
