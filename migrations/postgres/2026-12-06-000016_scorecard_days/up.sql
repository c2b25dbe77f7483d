-- The supplier scorecard's figures per workspace, supplier and UTC day of purchase, so a
-- 90-day scorecard reads one row per supplier and day instead of every label: how many labels,
-- how many are decided (scanned, or past their in-transit deadline) and late, the answer-time
-- and label-to-scan histograms, late ones by the step they stalled at, rejections by reason,
-- and when the row next changes by itself (an open label's deadline passing; 0 = never).
CREATE TABLE scorecard_days (
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    supplier_id BIGINT NOT NULL REFERENCES suppliers(id) ON DELETE CASCADE,
    day BIGINT NOT NULL,
    labels BIGINT NOT NULL,
    decided BIGINT NOT NULL,
    late BIGINT NOT NULL,
    ack_histogram TEXT NOT NULL,
    scan_histogram TEXT NOT NULL,
    late_by_step TEXT NOT NULL,
    rejections TEXT NOT NULL,
    next_change BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, supplier_id, day)
);
CREATE INDEX scorecard_days_changes ON scorecard_days (workspace_id, next_change);
-- Counted again each time a workspace's rows change: a process keeps a scorecard it merged
-- while this number stays the same.
ALTER TABLE workspaces ADD COLUMN scorecard_version BIGINT NOT NULL DEFAULT 0;
-- Labels whose clock changed since their day was counted (a step, a deadline, a void, an
-- answer, a move): their days are counted again before the scorecard is next read.
CREATE TABLE scorecard_dirty (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    package_id BIGINT NOT NULL
);
-- The labels bought on a day, for counting it again.
CREATE INDEX package_steps_by_time ON package_steps (step, at);
-- Labels bought before this migration are counted at the first refresh.
INSERT INTO scorecard_dirty (package_id) SELECT package_id FROM package_steps WHERE step = 'bought';
-- The "labelled, not yet scanned" queue read from indexes alone: the order's clock with its
-- status (TikTok cancels an order not in transit by its collection deadline), and each order's
-- packages with their status and supplier.
DROP INDEX orders_dispatch;
CREATE INDEX orders_dispatch ON orders (workspace_id, collected_at, dispatch_due, status);
DROP INDEX packages_order_idx;
CREATE INDEX packages_order_idx ON packages (order_id, status, supplier_id);
