-- SFTP logins of suppliers' factory systems (password and/or public keys), and every file
-- uploaded to an inbox with what processing it did.
CREATE TABLE sftp_logins (
    id INTEGER PRIMARY KEY NOT NULL,
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    supplier_id BIGINT NOT NULL REFERENCES suppliers(id) ON DELETE CASCADE,
    username TEXT NOT NULL,
    password_hash TEXT,
    allowed_networks TEXT NOT NULL DEFAULT '',
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    last_login_at TIMESTAMP
);
CREATE UNIQUE INDEX sftp_logins_username_key ON sftp_logins (username);
CREATE INDEX sftp_logins_supplier_idx ON sftp_logins (supplier_id);

CREATE TABLE sftp_keys (
    id INTEGER PRIMARY KEY NOT NULL,
    login_id BIGINT NOT NULL REFERENCES sftp_logins(id) ON DELETE CASCADE,
    public_key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    comment TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX sftp_keys_login_fp_key ON sftp_keys (login_id, fingerprint);

CREATE TABLE sftp_uploads (
    id INTEGER PRIMARY KEY NOT NULL,
    supplier_id BIGINT NOT NULL REFERENCES suppliers(id) ON DELETE CASCADE,
    login TEXT NOT NULL,
    name TEXT NOT NULL,
    bytes BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    outcome TEXT NOT NULL,
    result_name TEXT NOT NULL,
    result TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX sftp_uploads_supplier_idx ON sftp_uploads (supplier_id, id);
