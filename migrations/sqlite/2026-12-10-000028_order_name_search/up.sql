-- The orders list's search finds a recipient's name by any part of it ("smith" in "Jo
-- Smithers"): a substring, which no ordinary index serves, so at 100,000 orders every search
-- read every order, for the page and again for its count (docs/performance.md). SQLite's
-- full-text index with the trigram tokenizer finds a text of three characters or more in it
-- from the index alone (a phrase query, `search_order_names MATCH '"smith"'`). It is an external-content index: it holds the trigrams,
-- the names stay in `orders`, and these triggers keep it in step in the same transaction as
-- the change. (PostgreSQL's counterpart is a pg_trgm index on the same expression; the schema
-- parity test leaves `search_*` tables out.)
CREATE VIRTUAL TABLE search_order_names USING fts5(
    recipient_name, content = 'orders', content_rowid = 'id', tokenize = 'trigram'
);
INSERT INTO search_order_names (search_order_names) VALUES ('rebuild');
CREATE TRIGGER orders_name_search_insert AFTER INSERT ON orders BEGIN
    INSERT INTO search_order_names (rowid, recipient_name) VALUES (NEW.id, NEW.recipient_name);
END;
CREATE TRIGGER orders_name_search_delete AFTER DELETE ON orders BEGIN
    INSERT INTO search_order_names (search_order_names, rowid, recipient_name)
    VALUES ('delete', OLD.id, OLD.recipient_name);
END;
CREATE TRIGGER orders_name_search_update AFTER UPDATE OF recipient_name ON orders
WHEN OLD.recipient_name IS NOT NEW.recipient_name
BEGIN
    INSERT INTO search_order_names (search_order_names, rowid, recipient_name)
    VALUES ('delete', OLD.id, OLD.recipient_name);
    INSERT INTO search_order_names (rowid, recipient_name) VALUES (NEW.id, NEW.recipient_name);
END;
