-- The extension stays: other schemas in the database may use it.
DROP INDEX orders_recipient_trgm_idx;
