-- Artwork pre-flight (see domain/artwork): whether the workspace checks every artwork file
-- before a label is bought, the host names whose private or loopback addresses its artwork may
-- come from (comma-separated; '' = public addresses only), and the print area of each product
-- type's placement (one "product code, placement, WxH, minimum dpi" per line).
ALTER TABLE workspaces ADD COLUMN artwork_check BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE workspaces ADD COLUMN artwork_private_hosts TEXT NOT NULL DEFAULT '';
ALTER TABLE workspaces ADD COLUMN print_areas TEXT NOT NULL DEFAULT '';
-- Whether a supplier gets artwork as links in the manifest ('links') or as files in the batch
-- zip too ('files', once per file, named by checksum).
ALTER TABLE suppliers ADD COLUMN artwork_delivery TEXT NOT NULL DEFAULT 'links';
-- What fetching an artwork URL found, once per workspace and URL: the file's checksum, size
-- and pixels ('ok'), or why it could not be used ('failed'; fetched again at the next check).
CREATE TABLE artwork_checks (
    id INTEGER PRIMARY KEY NOT NULL,
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    url TEXT NOT NULL,
    status TEXT NOT NULL,
    sha256 TEXT NOT NULL DEFAULT '',
    bytes BIGINT NOT NULL DEFAULT 0,
    format TEXT NOT NULL DEFAULT '',
    width_px BIGINT NOT NULL DEFAULT 0,
    height_px BIGINT NOT NULL DEFAULT 0,
    error TEXT NOT NULL DEFAULT '',
    checked_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX artwork_checks_url ON artwork_checks (workspace_id, url);
