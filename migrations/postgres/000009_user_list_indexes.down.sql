DROP INDEX users_email_list_idx;
DROP INDEX users_lastname_list_idx;
DROP INDEX users_firstname_list_idx;
DROP INDEX users_username_list_idx;
