-- How a workspace picks a shipping service, a per-order override, and the label problems a
-- seller acts on: a label voided on purpose, a label held back because its order was cancelled.
ALTER TABLE workspaces ADD COLUMN service_rule TEXT NOT NULL DEFAULT 'cheapest';
ALTER TABLE workspaces ADD COLUMN preferred_carrier TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN service_override TEXT;
ALTER TABLE packages ADD COLUMN held_reason TEXT;
ALTER TABLE packages ADD COLUMN voided_at TIMESTAMP;
ALTER TABLE packages ADD COLUMN voided_by TEXT;
ALTER TABLE packages ADD COLUMN void_reason TEXT;
ALTER TABLE packages ADD COLUMN worker TEXT;
