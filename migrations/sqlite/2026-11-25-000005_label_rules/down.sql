ALTER TABLE packages DROP COLUMN worker;
ALTER TABLE packages DROP COLUMN void_reason;
ALTER TABLE packages DROP COLUMN voided_by;
ALTER TABLE packages DROP COLUMN voided_at;
ALTER TABLE packages DROP COLUMN held_reason;
ALTER TABLE orders DROP COLUMN service_override;
ALTER TABLE workspaces DROP COLUMN preferred_carrier;
ALTER TABLE workspaces DROP COLUMN service_rule;
