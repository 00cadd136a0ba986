// Package db opens the gateway's store, SQLite (embedded) or PostgreSQL, behind
// one *sql.DB so that one body of SQL serves both dialects ($1 placeholders),
// runs transactions, and turns driver errors into typed constraint errors.
package db
