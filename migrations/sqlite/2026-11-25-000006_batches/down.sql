DROP TABLE password_resets;
DROP TABLE mail_outbox;
DROP TABLE api_tokens;
DROP TABLE batch_downloads;
DROP TABLE ack_events;
DROP TABLE batch_packages;
DROP TABLE batches;
