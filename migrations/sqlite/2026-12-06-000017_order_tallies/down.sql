DROP TRIGGER orders_tally_update;
DROP TRIGGER orders_tally_delete;
DROP TRIGGER orders_tally_insert;
DROP TABLE order_tallies;
