DROP TABLE file_chunks;
DROP TABLE file_contents;
DROP TABLE files;
