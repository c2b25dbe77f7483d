-- When a label became ready for handoff to its current supplier (stored, or moved to this
-- supplier after a rejection). A cut-off seals only labels ready at or before it: a cut-off is a
-- moment, and a label bought after it waits for the next one even when that cut-off sealed
-- nothing. Labels stored before this table existed have no row and count as ready.
CREATE TABLE handoff_ready (
    package_id BIGINT PRIMARY KEY NOT NULL REFERENCES packages(id),
    ready_at TIMESTAMP NOT NULL
);
CREATE INDEX handoff_ready_at ON handoff_ready (ready_at);
