ALTER TABLE workspaces DROP COLUMN allocated_service;
