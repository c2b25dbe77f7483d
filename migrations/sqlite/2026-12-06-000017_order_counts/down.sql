DROP INDEX orders_ship_by_idx;
CREATE INDEX orders_ship_by_idx ON orders (workspace_id, ship_by, id);
DROP TRIGGER orders_tally_update;
DROP TRIGGER orders_tally_delete;
DROP TRIGGER orders_tally_insert;
DROP TABLE order_tallies;
