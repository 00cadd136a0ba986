// Package db opens the gateway's store, SQLite (embedded) or PostgreSQL, so
// that one body of SQL serves both dialects ($1 placeholders): one writer for
// statements and transactions, a read pool with cached prepared statements
// for reads outside transactions, and driver errors turned into typed
// constraint errors.
package db
