-- Handoff batches: a supplier's sealed, numbered set of labels, what the supplier answered for
-- each package (with the full history), every download, factory API tokens, and the durable
-- mail outbox.
CREATE TABLE batches (
    id INTEGER PRIMARY KEY NOT NULL,
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    supplier_id BIGINT NOT NULL REFERENCES suppliers(id) ON DELETE CASCADE,
    seq BIGINT NOT NULL,
    status TEXT NOT NULL,
    cutoff_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL,
    sealed_at TIMESTAMP,
    ack_due_at TIMESTAMP,
    package_count BIGINT NOT NULL,
    zip_sha256 TEXT,
    zip_bytes BIGINT,
    labels_pdf_bytes BIGINT,
    first_downloaded_at TIMESTAMP,
    overdue_notified_at TIMESTAMP
);
CREATE UNIQUE INDEX batches_seq_key ON batches (supplier_id, seq);
CREATE UNIQUE INDEX batches_cutoff_key ON batches (supplier_id, cutoff_at);
CREATE INDEX batches_workspace_idx ON batches (workspace_id, id);

CREATE TABLE batch_packages (
    id INTEGER PRIMARY KEY NOT NULL,
    batch_id BIGINT NOT NULL REFERENCES batches(id) ON DELETE CASCADE,
    package_id BIGINT NOT NULL REFERENCES packages(id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    ack_status TEXT NOT NULL,
    ack_reason TEXT,
    ack_expected_date TEXT,
    ack_by TEXT,
    ack_channel TEXT,
    ack_at TIMESTAMP,
    pull_requested_at TIMESTAMP
);
CREATE UNIQUE INDEX batch_packages_position_key ON batch_packages (batch_id, position);
CREATE UNIQUE INDEX batch_packages_active_key ON batch_packages (package_id) WHERE active;
CREATE INDEX batch_packages_package_idx ON batch_packages (package_id);

CREATE TABLE ack_events (
    id INTEGER PRIMARY KEY NOT NULL,
    batch_package_id BIGINT NOT NULL REFERENCES batch_packages(id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    previous_status TEXT NOT NULL,
    reason TEXT,
    expected_date TEXT,
    actor TEXT NOT NULL,
    channel TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX ack_events_package_idx ON ack_events (batch_package_id, id);

CREATE TABLE batch_downloads (
    id INTEGER PRIMARY KEY NOT NULL,
    batch_id BIGINT NOT NULL REFERENCES batches(id) ON DELETE CASCADE,
    file TEXT NOT NULL,
    actor TEXT NOT NULL,
    channel TEXT NOT NULL,
    first_byte BIGINT NOT NULL,
    bytes BIGINT NOT NULL,
    complete BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX batch_downloads_batch_idx ON batch_downloads (batch_id, id);

CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY NOT NULL,
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    supplier_id BIGINT NOT NULL REFERENCES suppliers(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    revoked_at TIMESTAMP
);
CREATE UNIQUE INDEX api_tokens_hash_key ON api_tokens (token_hash);
CREATE INDEX api_tokens_supplier_idx ON api_tokens (supplier_id);

CREATE TABLE mail_outbox (
    id INTEGER PRIMARY KEY NOT NULL,
    workspace_id BIGINT REFERENCES workspaces(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    to_addr TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP
);
CREATE INDEX mail_outbox_due_idx ON mail_outbox (status, next_attempt_at);
CREATE INDEX mail_outbox_workspace_idx ON mail_outbox (workspace_id, id);

CREATE TABLE password_resets (
    id INTEGER PRIMARY KEY NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
CREATE UNIQUE INDEX password_resets_token_key ON password_resets (token_hash);
