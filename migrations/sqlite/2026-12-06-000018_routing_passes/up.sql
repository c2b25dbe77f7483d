-- A catalog change routes the workspace's orders again in the background, a slice of orders
-- (by id) per transaction, so the form answers at once and a sync waits for one slice at most.
-- One row per workspace while orders wait: the last order id routed with the current rules,
-- how many were routed, of how many when the pass began. Another change starts it over.
CREATE TABLE routing_passes (
    workspace_id BIGINT PRIMARY KEY NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    after_order_id BIGINT NOT NULL,
    routed BIGINT NOT NULL,
    total BIGINT NOT NULL,
    started_at TIMESTAMP NOT NULL
);
