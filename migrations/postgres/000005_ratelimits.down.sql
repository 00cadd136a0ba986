DROP TABLE ratelimit_weights;
DROP TABLE ratelimits;
