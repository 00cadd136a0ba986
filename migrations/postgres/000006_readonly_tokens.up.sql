-- A read-only token may call only functions of type read, on every protocol.
ALTER TABLE external_tokens ADD COLUMN readonly BOOLEAN NOT NULL DEFAULT FALSE;

-- A write function whose manifest says destructive: true (MCP's destructiveHint).
ALTER TABLE external_functions ADD COLUMN destructive BOOLEAN NOT NULL DEFAULT FALSE;

-- The protocols a service may be called over (comma-separated, as rest,mcp);
-- NULL for every protocol enabled on the site.
ALTER TABLE external_services ADD COLUMN protocols VARCHAR(255);
