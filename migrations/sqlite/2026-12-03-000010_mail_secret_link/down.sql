ALTER TABLE mail_outbox DROP COLUMN secret_link;
