ALTER TABLE suppliers DROP COLUMN tiktok_warehouse_ids;
ALTER TABLE orders DROP COLUMN warehouse_id;
