// Package store persists samwise's records in SQLite or PostgreSQL.
//
// One source of SQL truth: every query is hand-written, portable SQL with $N
// placeholders, which modernc.org/sqlite binds by position and PostgreSQL
// natively. We chose portable SQL over a query builder or sqlc because the
// queries are few and simple, reviewers read SQL directly, and sqlc cannot
// target both dialects from one file. To keep one text valid for both, the
// schema avoids dialect-specific types: instants are Unix milliseconds in
// BIGINT, calendar days are 'YYYY-MM-DD' text, money is BIGINT minor units and
// booleans are BOOLEAN (an INTEGER 0/1 in SQLite). What genuinely differs —
// connection set-up, id columns in DDL, driver error codes — lives in
// dialect_sqlite.go, dialect_postgres.go and the two migration folders, which
// carry the same version numbers (a test checks that).
//
// Every exported method runs in one transaction and hands the *Tx to
// unexported helpers; the transaction carries the clock, so tests control
// time. Every write also appends to the audit trail in the same transaction.
//
// This package imports the domain packages; they never import it.
package store
