-- TikTok's dispatch clock: an order must be in transit (a carrier scan) by a deadline. TikTok's
-- own in-transit deadline when the order carries one, else the seller's handling time in
-- business days; the first carrier scan and delivery as TikTok reports them (unix seconds,
-- 0 = not yet); each package's steps on that clock, the first of each kind (label bought,
-- published, downloaded, answered, the factory's own steps, carrier scan, delivered: when, and
-- through which channel, by whom); and the seller's calendar (time zone, holidays, handling
-- days).
ALTER TABLE orders ADD COLUMN dispatch_due BIGINT NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN dispatch_due_source TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN handling_days BIGINT NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN collected_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN delivered_at BIGINT NOT NULL DEFAULT 0;
CREATE INDEX orders_dispatch ON orders (workspace_id, collected_at, dispatch_due);
CREATE TABLE package_steps (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    package_id BIGINT NOT NULL REFERENCES packages(id) ON DELETE CASCADE,
    step TEXT NOT NULL,
    at TIMESTAMP NOT NULL,
    channel TEXT NOT NULL,
    actor TEXT NOT NULL
);
CREATE UNIQUE INDEX package_steps_once ON package_steps (package_id, step);
ALTER TABLE workspaces ADD COLUMN time_zone TEXT NOT NULL DEFAULT '';
ALTER TABLE workspaces ADD COLUMN holidays TEXT NOT NULL DEFAULT '';
ALTER TABLE workspaces ADD COLUMN handling_days BIGINT NOT NULL DEFAULT 2;
-- Escalations before an in-transit deadline: the seller's thresholds (hours before it), and
-- each one sent, once per label and threshold whatever the number of processes.
ALTER TABLE workspaces ADD COLUMN alert_hours TEXT NOT NULL DEFAULT '24, 6';
CREATE TABLE dispatch_alerts (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    package_id BIGINT NOT NULL REFERENCES packages(id) ON DELETE CASCADE,
    hours BIGINT NOT NULL,
    sent_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX dispatch_alerts_once ON dispatch_alerts (package_id, hours);
