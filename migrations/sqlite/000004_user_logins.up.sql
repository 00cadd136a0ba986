-- get_users_by_field matches emails without regard to case: lower(email) IN (...).
CREATE INDEX users_email_lower_idx ON users (lower(email));

-- Counts the password changes that ended the user's logins: an admin page
-- session remembers the value it was made at and ends when it moves.
ALTER TABLE users ADD COLUMN logingen BIGINT NOT NULL DEFAULT 0;
