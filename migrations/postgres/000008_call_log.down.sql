ALTER TABLE external_tokens DROP COLUMN lastaccessip;
DROP TABLE external_calls;
