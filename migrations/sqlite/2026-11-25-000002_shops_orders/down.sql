DROP TABLE webhook_receipts;
DROP TABLE order_events;
DROP TABLE order_items;
DROP TABLE orders;
DROP TABLE shops;
DROP TABLE tiktok_connections;
