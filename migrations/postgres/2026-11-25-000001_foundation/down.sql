DROP TABLE audit_events;
DROP TABLE login_attempts;
DROP TABLE invites;
DROP TABLE sessions;
DROP TABLE users;
DROP TABLE workspaces;
