DROP TRIGGER orders_name_search_update;
DROP TRIGGER orders_name_search_delete;
DROP TRIGGER orders_name_search_insert;
DROP TABLE search_order_names;
