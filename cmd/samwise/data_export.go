package main

import (
	"io"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/exchange"
	"github.com/samwise-sam/samwise/internal/store"
)

// exportTo writes kind's records in format to w.
func exportTo(e *env, db *store.DB, sc account.Scope, kind exchange.Kind, f store.ExportFilter, format string, w io.Writer) (int64, error) {
	keys, err := db.CustomKeys(e.ctx, sc, kind)
	if err != nil {
		return 0, err
	}
	return exchange.WriteAll(format, w, kind, keys, func(fn func(*exchange.Record) error) error {
		return db.Export(e.ctx, sc, kind, f, fn)
	})
}
