-- The TikTok warehouses (ids, comma-separated; one per shop at most) registered for the
-- supplier's facility: a label bought for its packages carries that warehouse as sender.
ALTER TABLE suppliers ADD COLUMN tiktok_warehouse_ids TEXT NOT NULL DEFAULT '';
-- The TikTok warehouse an order's labels ship from (Get Order Detail's `warehouse_id`).
ALTER TABLE orders ADD COLUMN warehouse_id TEXT NOT NULL DEFAULT '';
