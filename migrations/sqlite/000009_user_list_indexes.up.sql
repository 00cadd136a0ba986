-- The admin user list orders by LOWER(column), column, id (admin/crud's SQL
-- paging): these indexes let a page of 100,000 users read only its rows.
CREATE INDEX users_username_list_idx ON users (LOWER(username), username, id);
CREATE INDEX users_firstname_list_idx ON users (LOWER(firstname), firstname, id);
CREATE INDEX users_lastname_list_idx ON users (LOWER(lastname), lastname, id);
CREATE INDEX users_email_list_idx ON users (LOWER(email), email, id);
