-- Each person's time zone, for the times in the mail podgate sends them (an IANA name such as
-- America/Chicago): taken from their browser at sign-in until they choose one on the Account
-- page. Empty: not known yet (mail then names UTC).
ALTER TABLE users ADD COLUMN time_zone TEXT NOT NULL DEFAULT '';
