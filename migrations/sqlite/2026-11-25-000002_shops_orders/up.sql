-- Connected TikTok shops and their orders.
CREATE TABLE tiktok_connections (
    id INTEGER PRIMARY KEY NOT NULL,
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    open_id TEXT NOT NULL,
    seller_name TEXT NOT NULL,
    region TEXT NOT NULL,
    access_token_enc TEXT NOT NULL,
    access_expires_at BIGINT NOT NULL,
    refresh_token_enc TEXT NOT NULL,
    refresh_expires_at BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX tiktok_connections_seller_key ON tiktok_connections (workspace_id, open_id);

CREATE TABLE shops (
    id INTEGER PRIMARY KEY NOT NULL,
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    connection_id BIGINT NOT NULL REFERENCES tiktok_connections(id) ON DELETE CASCADE,
    tiktok_shop_id TEXT NOT NULL,
    name TEXT NOT NULL,
    region TEXT NOT NULL,
    cipher TEXT NOT NULL,
    code TEXT NOT NULL,
    status TEXT NOT NULL,
    sync_cursor BIGINT NOT NULL DEFAULT 0,
    last_sync_at TIMESTAMP,
    last_sync_ok_at TIMESTAMP,
    last_sync_error TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX shops_tiktok_key ON shops (workspace_id, tiktok_shop_id);
CREATE INDEX shops_tiktok_id_idx ON shops (tiktok_shop_id);

CREATE TABLE orders (
    id INTEGER PRIMARY KEY NOT NULL,
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    shop_id BIGINT NOT NULL REFERENCES shops(id) ON DELETE CASCADE,
    tiktok_order_id TEXT NOT NULL,
    status TEXT NOT NULL,
    create_time BIGINT NOT NULL,
    update_time BIGINT NOT NULL,
    paid_time BIGINT NOT NULL,
    ship_by BIGINT NOT NULL,
    recipient_name TEXT NOT NULL,
    recipient_json TEXT NOT NULL,
    buyer_message TEXT NOT NULL,
    total_amount TEXT NOT NULL,
    currency TEXT NOT NULL,
    item_count BIGINT NOT NULL,
    label_state TEXT NOT NULL,
    exception TEXT,
    synced_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX orders_tiktok_key ON orders (shop_id, tiktok_order_id);
CREATE INDEX orders_list_idx ON orders (workspace_id, create_time, id);
CREATE INDEX orders_status_idx ON orders (workspace_id, status, create_time, id);
CREATE INDEX orders_ship_by_idx ON orders (workspace_id, ship_by, id);
CREATE INDEX orders_recipient_idx ON orders (workspace_id, recipient_name);

CREATE TABLE order_items (
    id INTEGER PRIMARY KEY NOT NULL,
    order_id BIGINT NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
    tiktok_line_item_id TEXT NOT NULL,
    sku_id TEXT NOT NULL,
    seller_sku TEXT NOT NULL,
    product_name TEXT NOT NULL,
    sku_name TEXT NOT NULL,
    image_url TEXT NOT NULL,
    sale_price TEXT NOT NULL,
    status TEXT NOT NULL,
    tiktok_package_id TEXT,
    tracking_number TEXT
);
CREATE UNIQUE INDEX order_items_tiktok_key ON order_items (order_id, tiktok_line_item_id);
CREATE INDEX order_items_sku_idx ON order_items (seller_sku);

CREATE TABLE order_events (
    id INTEGER PRIMARY KEY NOT NULL,
    order_id BIGINT NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    detail TEXT NOT NULL,
    actor TEXT NOT NULL,
    channel TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX order_events_order_idx ON order_events (order_id, id);

CREATE TABLE webhook_receipts (
    id INTEGER PRIMARY KEY NOT NULL,
    notification_key TEXT NOT NULL,
    tiktok_shop_id TEXT NOT NULL,
    event_type BIGINT NOT NULL,
    body TEXT NOT NULL,
    received_at TIMESTAMP NOT NULL,
    processed_at TIMESTAMP
);
CREATE UNIQUE INDEX webhook_receipts_key ON webhook_receipts (notification_key);
