DROP INDEX packages_order_idx;
CREATE INDEX packages_order_idx ON packages (order_id);
DROP INDEX orders_dispatch;
CREATE INDEX orders_dispatch ON orders (workspace_id, collected_at, dispatch_due);
DROP INDEX package_steps_by_time;
DROP TABLE scorecard_dirty;
DROP TABLE scorecard_days;
ALTER TABLE workspaces DROP COLUMN scorecard_version;
