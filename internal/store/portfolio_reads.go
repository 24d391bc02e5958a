package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"

	"github.com/samwise-sam/samwise/internal/portfolio"
)

// readParallel runs each function in its own read transaction, all at
// once, and returns their errors joined. Reads that each visit a whole
// organisation's rows cost more in the SQLite driver than in the database,
// so two cores finish two of them in about the time of one. The
// transactions are separate snapshots: use it only where a write committed
// between them does no harm beyond one view.
func (db *DB) readParallel(ctx context.Context, fns ...func(tx *Tx) error) error {
	errs := make([]error, len(fns))
	var wg sync.WaitGroup
	for i, fn := range fns {
		wg.Go(func() { errs[i] = db.read(ctx, fn) })
	}
	wg.Wait()
	return errors.Join(errs...)
}

// accountTier is one account's recorded effective tier.
type accountTier struct {
	id   int64
	tier portfolio.Tier
}

// accountSum is a sum of money for one account.
type accountSum struct {
	id  int64
	sum int64
}

// idList returns "(p1, p2, …)" with one placeholder per id, numbered from
// first, and args with the ids appended. On SQLite the placeholders are
// ?NNN rather than $NNN: SQLite takes $NNN for a name and looks each one up
// among those seen before, so preparing a statement with 2,000 of them cost
// more than running it; ?NNN is a plain number. Both bind by position.
func (tx *Tx) idList(first int, ids []int64, args []any) (string, []any) {
	var sb strings.Builder
	sb.Grow(len(ids) * 7)
	mark := byte('$')
	if tx.db.dialect == SQLite {
		mark = '?'
	}
	sb.WriteByte('(')
	for i, id := range ids {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteByte(mark)
		sb.WriteString(strconv.Itoa(first + i))
		args = append(args, id)
	}
	sb.WriteByte(')')
	return sb.String(), args
}

// ---- Reading the portfolio for ranking -------------------------------------

// rankParts is how many id ranges a large ranking is read in, each in its
// own read transaction: one per core the machine is likely to have free.
const rankParts = 2

// rankSplitAt is the id span below which the ranking is read in one part.
const rankSplitAt = 20_000

// rankRanges splits the organisation's account ids into at most parts
// ranges [lo, hi] of about equal span (ids are allocated in order, so equal
// spans hold about equal numbers of accounts). No accounts: no ranges.
func (tx *Tx) rankRanges(orgID int64, parts int) ([][2]int64, error) {
	// Two sub-selects: SQLite finds a MIN or a MAX alone at one end of the
	// primary key, but both in one select by reading every row.
	var lo, hi sql.NullInt64
	if err := tx.QueryRow(`SELECT (SELECT MIN(account_id) FROM portfolio_accounts WHERE org_id = $1),
		(SELECT MAX(account_id) FROM portfolio_accounts WHERE org_id = $1)`, orgID).Scan(&lo, &hi); err != nil {
		return nil, err
	}
	if !lo.Valid {
		return nil, nil
	}
	span := hi.Int64 - lo.Int64 + 1
	if span < rankSplitAt {
		parts = 1
	}
	out := make([][2]int64, 0, parts)
	for i := range int64(parts) {
		a, b := lo.Int64+span*i/int64(parts), lo.Int64+span*(i+1)/int64(parts)-1
		out = append(out, [2]int64{a, b})
	}
	return out, nil
}

// rankRows reads the portfolio rows (one per account, migration 00014) of
// the organisation's accounts with ids in [lo, hi]: owner, sort name,
// recorded revenue and tiers, designation and ratings.
//
// The rows come back as ONE text, each row packed by the database as
//
//	id owner revenue tier/override/decision ratings namelen name
//
// (fields separated by a space, the sort name last and prefixed with its
// length in bytes, so it may hold any character). Stepping 100,000 result
// rows through database/sql cost more than reading them in SQLite — a
// conversion and an allocation per column, a Scan per row —, and the names
// are then slices of the one text rather than 100,000 strings.
func (tx *Tx) rankRows(orgID, lo, hi int64) ([]portfolio.Account, error) {
	var packed sql.NullString
	err := tx.QueryRow(`SELECT string_agg(account_id || ' ' || owner_id || ' ' || revenue || ' ' || tier || '/' || override_tier || '/' || decision
			|| ' ' || ratings || ' ' || octet_length(name_key) || ' ' || name_key, '')
		FROM portfolio_accounts WHERE org_id = $1 AND account_id BETWEEN $2 AND $3`, orgID, lo, hi).Scan(&packed)
	if err != nil || !packed.Valid {
		return nil, err
	}
	return parseRankRows(packed.String)
}

// parseRankRows reads rankRows' packing.
func parseRankRows(s string) ([]portfolio.Account, error) {
	out := make([]portfolio.Account, 0, len(s)/40+1)
	// Every account's ratings share a few large arrays rather than one small
	// allocation each.
	var slab []portfolio.Rating
	for len(s) > 0 {
		var a portfolio.Account
		var states, ratings string
		var n int64
		var err error
		if a.ID, s, err = cutInt(s); err != nil {
			return nil, err
		}
		bad := func(err error) error { return fmt.Errorf("portfolio row of account %d: %w", a.ID, err) }
		if a.OwnerID, s, err = cutInt(s); err != nil {
			return nil, bad(err)
		}
		if a.Revenue, s, err = cutInt(s); err != nil {
			return nil, bad(err)
		}
		if states, s, err = cutField(s); err != nil {
			return nil, bad(err)
		}
		if ratings, s, err = cutField(s); err != nil {
			return nil, bad(err)
		}
		if n, s, err = cutInt(s); err != nil {
			return nil, bad(err)
		}
		if n < 0 || n > int64(len(s)) {
			return nil, bad(errors.New("name length out of range"))
		}
		a.Name, s = s[:n], s[n:]
		if len(ratings) > 0 {
			if cap(slab)-len(slab) < 64 {
				slab = make([]portfolio.Rating, 0, 16384)
			}
			from := len(slab)
			if slab, err = unpackRatings(slab, ratings); err != nil {
				return nil, bad(err)
			}
			a.Ratings = slab[from:len(slab):len(slab)]
		}
		tier, rest, _ := strings.Cut(states, "/")
		override, decision, _ := strings.Cut(rest, "/")
		a.Stored, a.Override = tierText(tier), tierText(override)
		switch decision {
		case "designated":
			a.Decision = portfolio.Designated
		case "declined":
			a.Decision = portfolio.Declined
		}
		out = append(out, a)
	}
	return out, nil
}

// cutField returns the text up to the next space and what follows it.
func cutField(s string) (field, rest string, err error) {
	i := strings.IndexByte(s, ' ')
	if i < 0 {
		return "", "", errors.New("truncated row")
	}
	return s[:i], s[i+1:], nil
}

// cutInt reads a decimal integer up to the next space.
func cutInt(s string) (int64, string, error) {
	f, rest, err := cutField(s)
	if err != nil {
		return 0, "", err
	}
	neg := len(f) > 0 && f[0] == '-'
	if neg {
		f = f[1:]
	}
	if len(f) == 0 || len(f) > 18 {
		return 0, "", fmt.Errorf("bad number %q", f)
	}
	var v int64
	for i := 0; i < len(f); i++ {
		c := f[i]
		if c < '0' || c > '9' {
			return 0, "", fmt.Errorf("bad number %q", f)
		}
		v = v*10 + int64(c-'0')
	}
	if neg {
		v = -v
	}
	return v, rest, nil
}

// rankAll reads every portfolio row of the organisation in one transaction
// (for the nightly recompute, which holds the write lock anyway).
func (tx *Tx) rankAll(orgID int64) ([]portfolio.Account, error) {
	return tx.rankRows(orgID, math.MinInt64, math.MaxInt64)
}

// tierText is tierOf for a string.
func tierText(s string) portfolio.Tier {
	switch s {
	case "A":
		return portfolio.TierA
	case "B":
		return portfolio.TierB
	case "C":
		return portfolio.TierC
	}
	return ""
}
