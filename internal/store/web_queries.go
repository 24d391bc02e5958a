package store

import (
	"context"

	"github.com/samwise-sam/samwise/internal/account"
)

// AccountCountsByOwner returns how many accounts each person owns, in one
// grouped query (for the people list). People who own none are absent.
func (db *DB) AccountCountsByOwner(ctx context.Context, sc account.Scope) (map[int64]int, error) {
	out := map[int64]int{}
	err := db.read(ctx, func(tx *Tx) error {
		rows, err := tx.Query(`SELECT owner_id, COUNT(*) FROM accounts WHERE org_id = $1 AND owner_id IS NOT NULL GROUP BY owner_id`, sc.OrgID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var n int
			if err := rows.Scan(&id, &n); err != nil {
				return err
			}
			out[id] = n
		}
		return rows.Err()
	})
	return out, err
}
