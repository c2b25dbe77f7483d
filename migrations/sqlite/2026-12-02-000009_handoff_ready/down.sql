DROP TABLE handoff_ready;
