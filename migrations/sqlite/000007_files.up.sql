-- The file store (package files): one row per stored file, in Moodle's shape.
-- contenthash is the SHA-1 of the content; pathnamehash the SHA-1 of
-- "/contextid/component/filearea/itemid" + filepath + filename.
CREATE TABLE files (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    contenthash  VARCHAR(40)   NOT NULL,
    pathnamehash VARCHAR(40)   NOT NULL,
    contextid    BIGINT        NOT NULL,
    component    VARCHAR(100)  NOT NULL,
    filearea     VARCHAR(50)   NOT NULL,
    itemid       BIGINT        NOT NULL,
    filepath     VARCHAR(255)  NOT NULL,
    filename     VARCHAR(255)  NOT NULL,
    userid       BIGINT,
    filesize     BIGINT        NOT NULL,
    mimetype     VARCHAR(100),
    timecreated  BIGINT        NOT NULL,
    timemodified BIGINT        NOT NULL,
    author       VARCHAR(255),
    license      VARCHAR(255),
    CONSTRAINT files_pathnamehash_key UNIQUE (pathnamehash)
);
CREATE INDEX files_area_idx ON files (contextid, component, filearea, itemid);
CREATE INDEX files_contenthash_idx ON files (contenthash);
CREATE INDEX files_userid_idx ON files (userid);

-- Each content once, with the number of files rows that use it: the row is
-- the lock that orders an upload of the content against the delete of its last file.
CREATE TABLE file_contents (
    contenthash VARCHAR(40) PRIMARY KEY,
    filesize    BIGINT      NOT NULL,
    refcount    BIGINT      NOT NULL
);

-- Content kept in the database (files.backend: postgres), in chunks;
-- contentkey is the contenthash, or "staging:<random>" while an upload is under way.
CREATE TABLE file_chunks (
    contentkey  VARCHAR(60) NOT NULL,
    seq         INTEGER     NOT NULL,
    data        BLOB        NOT NULL,
    timecreated BIGINT      NOT NULL,
    PRIMARY KEY (contentkey, seq)
);
