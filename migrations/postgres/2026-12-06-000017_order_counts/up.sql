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
CREATE FUNCTION orders_tally() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        INSERT INTO order_tallies (workspace_id, shop_id, status, label_state, routing, n)
        VALUES (OLD.workspace_id, OLD.shop_id, OLD.status, OLD.label_state, OLD.routing, -1);
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        INSERT INTO order_tallies (workspace_id, shop_id, status, label_state, routing, n)
        VALUES (NEW.workspace_id, NEW.shop_id, NEW.status, NEW.label_state, NEW.routing, 1);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER orders_tally_insert AFTER INSERT OR DELETE ON orders
    FOR EACH ROW EXECUTE FUNCTION orders_tally();
CREATE TRIGGER orders_tally_update AFTER UPDATE OF workspace_id, shop_id, status, label_state, routing ON orders
    FOR EACH ROW
    WHEN (OLD.workspace_id IS DISTINCT FROM NEW.workspace_id OR OLD.shop_id IS DISTINCT FROM NEW.shop_id
        OR OLD.status IS DISTINCT FROM NEW.status OR OLD.label_state IS DISTINCT FROM NEW.label_state
        OR OLD.routing IS DISTINCT FROM NEW.routing)
    EXECUTE FUNCTION orders_tally();
-- The ship-by filter counts its orders from this index alone (their status in it, no read of
-- each order), and still pages in deadline order through it.
DROP INDEX orders_ship_by_idx;
CREATE INDEX orders_ship_by_idx ON orders (workspace_id, ship_by, id, status);
