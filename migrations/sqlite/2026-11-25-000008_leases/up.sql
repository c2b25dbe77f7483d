-- Named leases: background work that must run in one process at a time (a shop's sync, a
-- batch's sealing) is taken by a guarded write and held by heartbeats; a crashed holder's lease
-- runs out and another process takes the work over.
CREATE TABLE leases (
    name TEXT PRIMARY KEY NOT NULL,
    holder TEXT NOT NULL,
    expires_at TIMESTAMP NOT NULL
);

-- API retries a package's purchase needed, and the last reason, shown on the job's page.
ALTER TABLE packages ADD COLUMN api_retries BIGINT NOT NULL DEFAULT 0;
ALTER TABLE packages ADD COLUMN last_retry TEXT;
