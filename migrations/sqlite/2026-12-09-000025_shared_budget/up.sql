-- Each shop's budget of TikTok calls per API, shared by every podgate process on this database
-- (TikTok counts 50 calls a second per shop and API, whoever sends them). One row per
-- "shop|api": the generic cell rate algorithm's theoretical arrival time of the next call
-- (`next_us`, microseconds since the Unix epoch) and the clock it was last reserved against.
CREATE TABLE rate_slots (
    bucket TEXT PRIMARY KEY NOT NULL,
    next_us BIGINT NOT NULL,
    now_us BIGINT NOT NULL
);
