-- POD suppliers, their portal users, SKU routing rules, and routing on line items.
CREATE TABLE suppliers (
    id INTEGER PRIMARY KEY NOT NULL,
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    contacts TEXT NOT NULL,
    ship_from TEXT NOT NULL,
    accepted_services TEXT NOT NULL,
    packaging TEXT NOT NULL,
    cutoff_times TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    ack_deadline_hours BIGINT NOT NULL,
    archived BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX suppliers_name_key ON suppliers (workspace_id, name);

CREATE TABLE sku_rules (
    id INTEGER PRIMARY KEY NOT NULL,
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    pattern TEXT NOT NULL,
    match_kind TEXT NOT NULL,
    priority BIGINT NOT NULL,
    supplier_id BIGINT NOT NULL REFERENCES suppliers(id) ON DELETE CASCADE,
    product_code TEXT NOT NULL,
    weight_grams BIGINT,
    length_in TEXT,
    width_in TEXT,
    height_in TEXT,
    artwork TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX sku_rules_pattern_key ON sku_rules (workspace_id, match_kind, pattern);

ALTER TABLE users ADD COLUMN supplier_id BIGINT REFERENCES suppliers(id) ON DELETE CASCADE;
ALTER TABLE invites ADD COLUMN supplier_id BIGINT REFERENCES suppliers(id) ON DELETE CASCADE;
ALTER TABLE order_items ADD COLUMN supplier_id BIGINT REFERENCES suppliers(id) ON DELETE SET NULL;
ALTER TABLE order_items ADD COLUMN rule_id BIGINT REFERENCES sku_rules(id) ON DELETE SET NULL;
ALTER TABLE order_items ADD COLUMN routed_by TEXT NOT NULL DEFAULT 'none';
ALTER TABLE orders ADD COLUMN routing TEXT NOT NULL DEFAULT 'unrouted';
CREATE INDEX order_items_supplier_idx ON order_items (supplier_id, order_id);
CREATE INDEX orders_routing_idx ON orders (workspace_id, routing, create_time, id);
