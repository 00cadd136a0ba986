-- Call rate limits: a service's default (counted per token of the service),
-- an override per token or per user; each rule names exactly one of them.
-- A window's limit of 0 means no limit in that window.
CREATE TABLE ratelimits (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    externalserviceid BIGINT REFERENCES external_services (id) ON DELETE CASCADE,
    tokenid           BIGINT REFERENCES external_tokens (id) ON DELETE CASCADE,
    userid            BIGINT REFERENCES users (id) ON DELETE CASCADE,
    persecond         BIGINT NOT NULL DEFAULT 0 CHECK (persecond >= 0),
    perminute         BIGINT NOT NULL DEFAULT 0 CHECK (perminute >= 0),
    perhour           BIGINT NOT NULL DEFAULT 0 CHECK (perhour >= 0),
    perday            BIGINT NOT NULL DEFAULT 0 CHECK (perday >= 0),
    timemodified      BIGINT NOT NULL DEFAULT 0,
    CHECK ((externalserviceid IS NOT NULL) + (tokenid IS NOT NULL) + (userid IS NOT NULL) = 1)
);
CREATE UNIQUE INDEX ratelimits_externalserviceid_key ON ratelimits (externalserviceid);
CREATE UNIQUE INDEX ratelimits_tokenid_key ON ratelimits (tokenid);
CREATE UNIQUE INDEX ratelimits_userid_key ON ratelimits (userid);

-- What one call of a function spends of a limit (1 when absent).
CREATE TABLE ratelimit_weights (
    functionname VARCHAR(200) PRIMARY KEY,
    weight       BIGINT NOT NULL CHECK (weight >= 1),
    timemodified BIGINT NOT NULL DEFAULT 0
);
