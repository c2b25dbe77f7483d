ALTER TABLE packages DROP COLUMN last_retry;
ALTER TABLE packages DROP COLUMN api_retries;
DROP TABLE leases;
