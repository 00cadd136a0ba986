-- One row counting committed changes to authorization data. Every process
-- that changes it bumps the count; every serving process polls it (off the
-- call path) and drops its caches when it moves, so a change made by the CLI
-- or by another instance is seen within the poll interval.
CREATE TABLE change_generation (
    id         INTEGER PRIMARY KEY,
    generation BIGINT NOT NULL DEFAULT 0
);
INSERT INTO change_generation (id, generation) VALUES (1, 0);
