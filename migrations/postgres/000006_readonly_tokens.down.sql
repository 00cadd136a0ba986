ALTER TABLE external_services DROP COLUMN protocols;
ALTER TABLE external_functions DROP COLUMN destructive;
ALTER TABLE external_tokens DROP COLUMN readonly;
