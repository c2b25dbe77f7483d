-- How many orders each workspace has per shop, status, label state and routing, kept by the
-- database itself so the orders list can say "N orders match" without counting 100,000 rows
-- on every page. Each change to an order appends signed rows (+1 for what it is now, -1 for
-- what it was): appending takes no lock another transaction waits on (a counter row updated in
-- place would, and two bulk changes would deadlock on two such rows), and a reader sees
-- exactly the changes its snapshot sees. The rows of a workspace are folded into one per key
-- now and then (`db::models::order_tally::fold`).
CREATE TABLE order_tallies (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id BIGINT NOT NULL,
    shop_id BIGINT NOT NULL,
    status TEXT NOT NULL,
    label_state TEXT NOT NULL,
    routing TEXT NOT NULL,
    n BIGINT NOT NULL
);
CREATE INDEX order_tallies_key ON order_tallies (workspace_id, shop_id, status, label_state, routing);
INSERT INTO order_tallies (workspace_id, shop_id, status, label_state, routing, n)
    SELECT workspace_id, shop_id, status, label_state, routing, count(*) FROM orders
    GROUP BY workspace_id, shop_id, status, label_state, routing;
-- Statement-level triggers: one grouped INSERT per statement, however many orders it
-- changed (a row-level trigger ran once per order: re-routing 100,000 orders took twice as
-- long). PostgreSQL does not allow a column list with transition tables, so an UPDATE compares
-- each order's old and new key and appends only what changed.
CREATE FUNCTION orders_tally_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO order_tallies (workspace_id, shop_id, status, label_state, routing, n)
    SELECT workspace_id, shop_id, status, label_state, routing, count(*) FROM new_orders
    GROUP BY workspace_id, shop_id, status, label_state, routing;
    RETURN NULL;
END
$$;
CREATE FUNCTION orders_tally_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO order_tallies (workspace_id, shop_id, status, label_state, routing, n)
    SELECT workspace_id, shop_id, status, label_state, routing, -count(*) FROM old_orders
    GROUP BY workspace_id, shop_id, status, label_state, routing;
    RETURN NULL;
END
$$;
CREATE FUNCTION orders_tally_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO order_tallies (workspace_id, shop_id, status, label_state, routing, n)
    SELECT workspace_id, shop_id, status, label_state, routing, sum(n) FROM (
        SELECT o.workspace_id, o.shop_id, o.status, o.label_state, o.routing, -1 AS n
        FROM old_orders o JOIN new_orders w ON w.id = o.id
        WHERE (o.workspace_id, o.shop_id, o.status, o.label_state, o.routing)
            IS DISTINCT FROM (w.workspace_id, w.shop_id, w.status, w.label_state, w.routing)
        UNION ALL
        SELECT w.workspace_id, w.shop_id, w.status, w.label_state, w.routing, 1 AS n
        FROM old_orders o JOIN new_orders w ON w.id = o.id
        WHERE (o.workspace_id, o.shop_id, o.status, o.label_state, o.routing)
            IS DISTINCT FROM (w.workspace_id, w.shop_id, w.status, w.label_state, w.routing)
    ) changed
    GROUP BY workspace_id, shop_id, status, label_state, routing
    HAVING sum(n) <> 0;
    RETURN NULL;
END
$$;
CREATE TRIGGER orders_tally_insert AFTER INSERT ON orders
    REFERENCING NEW TABLE AS new_orders
    FOR EACH STATEMENT EXECUTE FUNCTION orders_tally_inserted();
CREATE TRIGGER orders_tally_delete AFTER DELETE ON orders
    REFERENCING OLD TABLE AS old_orders
    FOR EACH STATEMENT EXECUTE FUNCTION orders_tally_deleted();
CREATE TRIGGER orders_tally_update AFTER UPDATE ON orders
    REFERENCING OLD TABLE AS old_orders NEW TABLE AS new_orders
    FOR EACH STATEMENT EXECUTE FUNCTION orders_tally_updated();
-- The ship-by filter counts its orders from this index alone (their status in it, no read of
-- each order), and still pages in deadline order through it.
DROP INDEX orders_ship_by_idx;
CREATE INDEX orders_ship_by_idx ON orders (workspace_id, ship_by, id, status);
