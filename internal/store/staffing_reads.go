package store

import (
	"cmp"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"github.com/samwise-sam/samwise/internal/staffing"
)

// The workload board reads every account of an organisation, its tier and
// its revenue. As for the ranking (rankRows), each list comes back as one
// text the database packs, parsed by hand: at 100,000 accounts, stepping the
// rows one by one through database/sql cost several times what reading them
// does. Texts of any content (names) are prefixed with their length in bytes.

// staffingAccounts lists the accounts that are not former customers, by id,
// with their owner (0 for none), currency and name. On SQLite it walks the
// (org_id, id) key that UNIQUE (org_id, id) of migration 00001 made: left to
// itself the planner takes accounts_updated and fetches the rows in random
// order, twice as slow.
func (tx *Tx) staffingAccounts(orgID int64) ([]staffing.Account, error) {
	var packed sql.NullString
	err := tx.QueryRow(`SELECT string_agg(id || ' ' || COALESCE(owner_id, 0) || ' ' || octet_length(currency) || ' ' || currency
			|| ' ' || octet_length(name) || ' ' || name, '')
		FROM `+tx.indexedBy("accounts", "sqlite_autoindex_accounts_1")+` WHERE org_id = $1 AND lifecycle <> 'former_customer'`, orgID).Scan(&packed)
	if err != nil || !packed.Valid {
		return nil, err
	}
	s := packed.String
	out := make([]staffing.Account, 0, len(s)/32+1)
	for len(s) > 0 {
		var a staffing.Account
		if a.ID, s, err = cutInt(s); err != nil {
			return nil, err
		}
		if a.OwnerID, s, err = cutInt(s); err != nil {
			return nil, fmt.Errorf("account %d: %w", a.ID, err)
		}
		if a.Currency, s, err = cutSized(s); err != nil {
			return nil, fmt.Errorf("account %d: %w", a.ID, err)
		}
		if len(s) == 0 || s[0] != ' ' {
			return nil, fmt.Errorf("account %d: truncated row", a.ID)
		}
		if a.Name, s, err = cutSized(s[1:]); err != nil {
			return nil, fmt.Errorf("account %d: %w", a.ID, err)
		}
		out = append(out, a)
	}
	if !slices.IsSortedFunc(out, func(a, b staffing.Account) int { return cmp.Compare(a.ID, b.ID) }) {
		slices.SortFunc(out, func(a, b staffing.Account) int { return cmp.Compare(a.ID, b.ID) })
	}
	return out, nil
}

// cutSized reads "n text" where text is n bytes long.
func cutSized(s string) (text, rest string, err error) {
	n, s, err := cutInt(s)
	if err != nil {
		return "", "", err
	}
	if n < 0 || n > int64(len(s)) {
		return "", "", errors.New("text length out of range")
	}
	return s[:n], s[n:], nil
}

// staffingTiers lists the accounts with a recorded tier, by account id.
func (tx *Tx) staffingTiers(orgID int64) ([]accountTier, error) {
	var packed sql.NullString
	err := tx.QueryRow(`SELECT string_agg(account_id || ' ' || tier || ' ', '') FROM portfolio_accounts WHERE org_id = $1 AND tier <> ''`, orgID).Scan(&packed)
	if err != nil || !packed.Valid {
		return nil, err
	}
	s := packed.String
	out := make([]accountTier, 0, len(s)/8+1)
	for len(s) > 0 {
		var at accountTier
		var t string
		if at.id, s, err = cutInt(s); err != nil {
			return nil, err
		}
		if t, s, err = cutField(s); err != nil {
			return nil, err
		}
		at.tier = tierText(t)
		out = append(out, at)
	}
	if !slices.IsSortedFunc(out, func(a, b accountTier) int { return cmp.Compare(a.id, b.id) }) {
		slices.SortFunc(out, func(a, b accountTier) int { return cmp.Compare(a.id, b.id) })
	}
	return out, nil
}

// activeRevenue lists the annual value of each account's active contracts,
// by account id (accounts without any are absent). The contracts come
// through contracts_revenue, whose entries start with the status, so only
// the active ones are read (grouping in SQL walked every contract of the
// organisation in account order instead), and are summed here.
func (tx *Tx) activeRevenue(orgID int64) ([]accountSum, error) {
	var packed sql.NullString
	err := tx.QueryRow(`SELECT string_agg(account_id || ' ' || annual_value || ' ', '')
		FROM `+tx.indexedBy("contracts", "contracts_revenue")+` WHERE org_id = $1 AND status = 'active'`, orgID).Scan(&packed)
	if err != nil || !packed.Valid {
		return nil, err
	}
	s := packed.String
	out := make([]accountSum, 0, len(s)/12+1)
	for len(s) > 0 {
		var r accountSum
		if r.id, s, err = cutInt(s); err != nil {
			return nil, err
		}
		if r.sum, s, err = cutInt(s); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b accountSum) int { return cmp.Compare(a.id, b.id) })
	// One sum per account.
	n := 0
	for i, r := range out {
		if i > 0 && out[n-1].id == r.id {
			out[n-1].sum += r.sum
			continue
		}
		out[n] = r
		n++
	}
	return out[:n], nil
}
