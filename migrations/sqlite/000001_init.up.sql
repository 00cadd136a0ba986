-- Users, roles and capabilities of the gateway.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    username      VARCHAR(100) NOT NULL,
    password_hash VARCHAR(255) NOT NULL DEFAULT '',
    firstname     VARCHAR(100) NOT NULL DEFAULT '',
    lastname      VARCHAR(100) NOT NULL DEFAULT '',
    email         VARCHAR(100) NOT NULL DEFAULT '',
    auth          VARCHAR(20)  NOT NULL DEFAULT 'manual',
    suspended     BOOLEAN      NOT NULL DEFAULT FALSE,
    deleted       BOOLEAN      NOT NULL DEFAULT FALSE,
    timecreated   BIGINT       NOT NULL DEFAULT 0,
    timemodified  BIGINT       NOT NULL DEFAULT 0,
    CONSTRAINT users_username_key UNIQUE (username)
);

CREATE TABLE capabilities (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        VARCHAR(255) NOT NULL,
    component   VARCHAR(100) NOT NULL DEFAULT '',
    description TEXT         NOT NULL DEFAULT '',
    CONSTRAINT capabilities_name_key UNIQUE (name)
);

CREATE TABLE roles (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    shortname   VARCHAR(100) NOT NULL,
    name        VARCHAR(255) NOT NULL DEFAULT '',
    description TEXT         NOT NULL DEFAULT '',
    CONSTRAINT roles_shortname_key UNIQUE (shortname)
);

-- A role's capabilities go with the role.
CREATE TABLE role_capabilities (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    roleid     BIGINT       NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
    capability VARCHAR(255) NOT NULL,
    CONSTRAINT role_capabilities_role_capability_key UNIQUE (roleid, capability)
);

-- An assignment goes with its role and with its user.
CREATE TABLE role_assignments (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    roleid      BIGINT NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
    userid      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    timecreated BIGINT NOT NULL DEFAULT 0,
    CONSTRAINT role_assignments_user_role_key UNIQUE (userid, roleid)
);
CREATE INDEX role_assignments_roleid_idx ON role_assignments (roleid);

-- External functions as loaded from the component manifests.
CREATE TABLE external_functions (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    name                VARCHAR(200)  NOT NULL,
    classname           VARCHAR(100)  NOT NULL,
    methodname          VARCHAR(100)  NOT NULL DEFAULT 'execute',
    classpath           VARCHAR(255),
    component           VARCHAR(100)  NOT NULL,
    capabilities        VARCHAR(1333),
    services            VARCHAR(1333),
    description         TEXT          NOT NULL DEFAULT '',
    type                VARCHAR(10)   NOT NULL DEFAULT 'read',
    deprecated          BOOLEAN       NOT NULL DEFAULT FALSE,
    parameters          TEXT          NOT NULL DEFAULT '',
    returns             TEXT          NOT NULL DEFAULT '',
    upstream_url        VARCHAR(1333),
    upstream_timeout_ms BIGINT        NOT NULL DEFAULT 0,
    CONSTRAINT external_functions_name_key UNIQUE (name)
);
CREATE INDEX external_functions_component_idx ON external_functions (component);

-- Services: component NULL marks a custom service made by an administrator.
CREATE TABLE external_services (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    name               VARCHAR(200) NOT NULL,
    shortname          VARCHAR(255),
    enabled            BOOLEAN      NOT NULL DEFAULT FALSE,
    requiredcapability VARCHAR(150),
    restrictedusers    BOOLEAN      NOT NULL DEFAULT TRUE,
    component          VARCHAR(100),
    timecreated        BIGINT       NOT NULL DEFAULT 0,
    timemodified       BIGINT,
    downloadfiles      BOOLEAN      NOT NULL DEFAULT FALSE,
    uploadfiles        BOOLEAN      NOT NULL DEFAULT FALSE,
    CONSTRAINT external_services_name_key UNIQUE (name)
);
-- Unique when not null: many services may have no shortname.
CREATE UNIQUE INDEX external_services_shortname_key ON external_services (shortname) WHERE shortname IS NOT NULL;

-- A link goes with its service and with its function (no dangling names).
CREATE TABLE external_services_functions (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    externalserviceid BIGINT       NOT NULL REFERENCES external_services (id) ON DELETE CASCADE,
    functionname      VARCHAR(200) NOT NULL REFERENCES external_functions (name) ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT external_services_functions_service_function_key UNIQUE (externalserviceid, functionname)
);
CREATE INDEX external_services_functions_functionname_idx ON external_services_functions (functionname);

-- Authorised users of restricted services.
CREATE TABLE external_services_users (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    externalserviceid BIGINT NOT NULL REFERENCES external_services (id) ON DELETE CASCADE,
    userid            BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    iprestriction     VARCHAR(255),
    validuntil        BIGINT,
    timecreated       BIGINT NOT NULL DEFAULT 0,
    CONSTRAINT external_services_users_service_user_key UNIQUE (externalserviceid, userid)
);
CREATE INDEX external_services_users_userid_idx ON external_services_users (userid);

-- Tokens: only the SHA-256 of the token is kept. A token dies with its user or
-- service; a deleted creator leaves the token in place.
CREATE TABLE external_tokens (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    tokenhash         CHAR(64)     NOT NULL,
    tokentype         INTEGER      NOT NULL DEFAULT 0,
    userid            BIGINT       NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    externalserviceid BIGINT       NOT NULL REFERENCES external_services (id) ON DELETE CASCADE,
    creatorid         BIGINT       REFERENCES users (id) ON DELETE SET NULL,
    iprestriction     VARCHAR(255),
    validuntil        BIGINT,
    timecreated       BIGINT       NOT NULL DEFAULT 0,
    lastaccess        BIGINT,
    name              VARCHAR(255) NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX external_tokens_tokenhash_key ON external_tokens (tokenhash);
CREATE INDEX external_tokens_userid_idx ON external_tokens (userid);
CREATE INDEX external_tokens_externalserviceid_idx ON external_tokens (externalserviceid);
