DROP INDEX orders_ship_by_idx;
CREATE INDEX orders_ship_by_idx ON orders (workspace_id, ship_by, id);
DROP TRIGGER orders_tally_update ON orders;
DROP TRIGGER orders_tally_delete ON orders;
DROP TRIGGER orders_tally_insert ON orders;
DROP FUNCTION orders_tally_updated();
DROP FUNCTION orders_tally_deleted();
DROP FUNCTION orders_tally_inserted();
DROP TABLE order_tallies;
