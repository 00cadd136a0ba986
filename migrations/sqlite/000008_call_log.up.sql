-- The call log: one row per call through the pipeline (each inner call of a
-- batch too), written in batches off the call path and pruned by age and
-- count. The token is kept by id, never by value; users and services by id
-- and by the name they had, so a row outlives them.
CREATE TABLE external_calls (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    timecreated  BIGINT       NOT NULL,
    functionname VARCHAR(255) NOT NULL,
    protocol     VARCHAR(20)  NOT NULL,
    userid       BIGINT       NOT NULL DEFAULT 0,
    username     VARCHAR(100) NOT NULL DEFAULT '',
    serviceid    BIGINT       NOT NULL DEFAULT 0,
    service      VARCHAR(255) NOT NULL DEFAULT '',
    tokenid      BIGINT       NOT NULL DEFAULT 0,
    outcome      VARCHAR(100) NOT NULL,
    durationus   BIGINT       NOT NULL DEFAULT 0,
    remoteaddr   VARCHAR(45)  NOT NULL DEFAULT '',
    requestsize  BIGINT       NOT NULL DEFAULT 0
);
CREATE INDEX external_calls_timecreated_idx ON external_calls (timecreated);
CREATE INDEX external_calls_functionname_idx ON external_calls (functionname, timecreated);
CREATE INDEX external_calls_tokenid_idx ON external_calls (tokenid, timecreated);

-- The address a token was last used from, written with its lastaccess.
ALTER TABLE external_tokens ADD COLUMN lastaccessip VARCHAR(45);
