-- Label purchase: one row per package to buy (the intent, recorded before any call to TikTok),
-- grouped into jobs. intent_key makes a second row for the same units impossible.
CREATE TABLE label_jobs (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    created_by TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP
);
CREATE INDEX label_jobs_workspace_idx ON label_jobs (workspace_id, id);

CREATE TABLE packages (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    job_id BIGINT REFERENCES label_jobs(id) ON DELETE SET NULL,
    order_id BIGINT NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
    supplier_id BIGINT NOT NULL REFERENCES suppliers(id),
    intent_key TEXT NOT NULL,
    line_item_ids TEXT NOT NULL,
    weight_grams BIGINT NOT NULL,
    dimensions TEXT NOT NULL,
    service_id TEXT,
    status TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    claimed_until TIMESTAMP,
    tiktok_package_id TEXT,
    tracking_number TEXT,
    carrier TEXT,
    service_name TEXT,
    price TEXT,
    currency TEXT,
    label_sha256 TEXT,
    error_code BIGINT,
    error_message TEXT,
    reprints BIGINT NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX packages_intent_key ON packages (intent_key);
CREATE INDEX packages_job_idx ON packages (job_id, status);
CREATE INDEX packages_status_idx ON packages (status, claimed_until);
CREATE INDEX packages_order_idx ON packages (order_id);
