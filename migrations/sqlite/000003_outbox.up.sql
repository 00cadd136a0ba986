-- Events written in the same transaction as the change they describe, and
-- relayed to the bus (RabbitMQ or the log) after the commit, in id order, so
-- that no event is lost while the broker is down.
CREATE TABLE outbox (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        VARCHAR(100) NOT NULL,
    routing_key VARCHAR(255) NOT NULL,
    body        TEXT         NOT NULL,
    timecreated BIGINT       NOT NULL DEFAULT 0
);
