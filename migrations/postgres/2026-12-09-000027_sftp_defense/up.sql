-- The SFTP defender's scores and bans, shared by every node (an attacker spread over nodes
-- meets one threshold, and a ban holds on every node). One row per key: `ip:<address>`,
-- `ipuser:<address>|<name>` (scored and banned) or `name:<user name>` (scored, only slowed).
CREATE TABLE sftp_defense (
    key TEXT PRIMARY KEY NOT NULL,
    score BIGINT NOT NULL DEFAULT 0,
    since TIMESTAMP,
    banned_until TIMESTAMP,
    bans BIGINT NOT NULL DEFAULT 0
);
