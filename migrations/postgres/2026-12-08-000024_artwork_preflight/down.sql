DROP TABLE artwork_checks;
ALTER TABLE suppliers DROP COLUMN artwork_delivery;
ALTER TABLE workspaces DROP COLUMN print_areas;
ALTER TABLE workspaces DROP COLUMN artwork_private_hosts;
ALTER TABLE workspaces DROP COLUMN artwork_check;
