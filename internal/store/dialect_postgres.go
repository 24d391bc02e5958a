package store

import (
	"database/sql"
	"errors"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver

	"github.com/samwise-sam/samwise/internal/account"
)

func openPostgres(url string) (*sql.DB, error) {
	db, err := sql.Open("pgx", url)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(20)
	db.SetMaxIdleConns(10)
	return db, nil
}

func postgresError(err error) error {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return nil
	}
	switch pe.Code {
	case "23505": // unique_violation
		field := pe.ColumnName
		if field == "" {
			// Detail reads: Key (org_id, email)=(1, x) already exists.
			if i, j := strings.Index(pe.Detail, "("), strings.Index(pe.Detail, ")"); i >= 0 && j > i {
				cols := strings.Split(pe.Detail[i+1:j], ", ")
				field = cols[len(cols)-1]
			}
		}
		return conflict(field)
	case "23503": // foreign_key_violation
		return account.Errorf(account.EINVALID, "A referenced record does not exist, or the record is still referenced by others.")
	case "23514", "23502", "22P02", "22001": // check, not null, bad text representation, too long
		return account.Invalid(pe.ColumnName, "has a value the database does not accept")
	}
	return nil
}
