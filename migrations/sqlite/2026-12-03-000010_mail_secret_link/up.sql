-- The one-time link of an invitation or reset mail, kept apart from the body (which shows a
-- placeholder to anyone reading the outbox) and erased once the message is sent or failed.
ALTER TABLE mail_outbox ADD COLUMN secret_link TEXT;
