DROP TRIGGER orders_tally_update ON orders;
DROP TRIGGER orders_tally_insert ON orders;
DROP FUNCTION orders_tally();
DROP TABLE order_tallies;
