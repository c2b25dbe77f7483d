-- The keys every podgate node on this database must share (cookie key, token key, SFTP host
-- keys), as fingerprints the first node recorded: a node started with another key refuses to
-- start instead of signing people out, failing to read stored tokens, or showing factories'
-- SFTP clients a changed host key. Fingerprints only: a key is never stored here.
CREATE TABLE deployment_keys (
    name TEXT PRIMARY KEY NOT NULL,
    fingerprint TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TIMESTAMP NOT NULL
);
