-- A factory API token may do only what it was made for (read batches, download files,
-- acknowledge), and may expire. Tokens made before keep every scope and never expire.
ALTER TABLE api_tokens ADD COLUMN scopes TEXT NOT NULL DEFAULT 'read download acknowledge';
ALTER TABLE api_tokens ADD COLUMN expires_at TIMESTAMP;
