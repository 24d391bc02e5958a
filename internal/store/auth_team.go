package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"slices"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/auth"
)

// AccountTeam returns the team of one account, in team-role order.
func (db *DB) AccountTeam(ctx context.Context, sc account.Scope, accountID int64) ([]auth.TeamMember, error) {
	teams, err := db.AccountTeams(ctx, sc, []int64{accountID})
	return teams[accountID], err
}

// AccountTeams returns the teams of several accounts in one query, keyed by
// account id (accounts without a team are absent), for list pages.
func (db *DB) AccountTeams(ctx context.Context, sc account.Scope, accountIDs []int64) (map[int64][]auth.TeamMember, error) {
	out := map[int64][]auth.TeamMember{}
	if len(accountIDs) == 0 {
		return out, nil
	}
	err := db.read(ctx, func(tx *Tx) (err error) {
		out, err = tx.teams(sc.OrgID, accountIDs)
		return err
	})
	return out, err
}

func (tx *Tx) teams(orgID int64, accountIDs []int64) (map[int64][]auth.TeamMember, error) {
	q, args := inList(`SELECT account_id, person_id, role, created_at FROM account_team WHERE org_id = $1 AND account_id IN `, orgID, accountIDs)
	rows, err := tx.Query(q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64][]auth.TeamMember{}
	for rows.Next() {
		var m auth.TeamMember
		var created int64
		if err := rows.Scan(&m.AccountID, &m.PersonID, &m.Role, &created); err != nil {
			return nil, err
		}
		m.CreatedAt = fromMS(created)
		out[m.AccountID] = append(out[m.AccountID], m)
	}
	for _, team := range out {
		slices.SortFunc(team, func(a, b auth.TeamMember) int {
			return cmp.Or(cmp.Compare(slices.Index(auth.TeamRoles, a.Role), slices.Index(auth.TeamRoles, b.Role)),
				cmp.Compare(a.PersonID, b.PersonID))
		})
	}
	return out, rows.Err()
}

// AddTeamMember seats a person on an account's team in a role. ECONFLICT if
// they already hold that role there.
func (db *DB) AddTeamMember(ctx context.Context, sc account.Scope, m *auth.TeamMember) error {
	if !m.Role.Valid() {
		return account.Invalid("role", "must be one of the account-team roles")
	}
	return db.write(ctx, func(tx *Tx) error {
		if err := tx.mustExist("account_id", "accounts", sc.OrgID, &m.AccountID); err != nil {
			return err
		}
		if err := tx.mustExist("person_id", "people", sc.OrgID, &m.PersonID); err != nil {
			return err
		}
		var one int
		err := tx.QueryRow(`SELECT 1 FROM account_team WHERE org_id = $1 AND account_id = $2 AND person_id = $3 AND role = $4`,
			sc.OrgID, m.AccountID, m.PersonID, m.Role).Scan(&one)
		if err == nil {
			return account.Errorf(account.ECONFLICT, "Person %d is already %s on this account.", m.PersonID, m.Role.Label())
		} else if !isNoRows(err) {
			return err
		}
		m.CreatedAt = tx.now
		if _, err := tx.Exec(`INSERT INTO account_team (org_id, account_id, person_id, role, created_at) VALUES ($1, $2, $3, $4, $5)`,
			sc.OrgID, m.AccountID, m.PersonID, m.Role, ms(tx.now)); err != nil {
			return err
		}
		return tx.audit(sc, "create", "team_member", m.PersonID, m.AccountID, nil, m)
	})
}

// RemoveTeamMember takes a person's role on an account's team away.
// ENOTFOUND if they do not hold it.
func (db *DB) RemoveTeamMember(ctx context.Context, sc account.Scope, m auth.TeamMember) error {
	return db.write(ctx, func(tx *Tx) error {
		res, err := tx.Exec(`DELETE FROM account_team WHERE org_id = $1 AND account_id = $2 AND person_id = $3 AND role = $4`,
			sc.OrgID, m.AccountID, m.PersonID, m.Role)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return account.Errorf(account.ENOTFOUND, "Person %d is not %s on account %d.", m.PersonID, m.Role.Label(), m.AccountID)
		}
		return tx.audit(sc, "delete", "team_member", m.PersonID, m.AccountID, &m, nil)
	})
}

// AccountAccess gathers what the access rules need about one account — its
// owner, its team and the organisation's need-to-know setting — in three
// small queries in one read transaction. ENOTFOUND if the account is not in the organisation.
func (db *DB) AccountAccess(ctx context.Context, sc account.Scope, accountID int64) (auth.AccountAccess, error) {
	all, err := db.AccountAccesses(ctx, sc, []int64{accountID})
	if err != nil {
		return auth.AccountAccess{}, err
	}
	a, ok := all[accountID]
	if !ok {
		return a, account.Errorf(account.ENOTFOUND, "Account %d not found.", accountID)
	}
	return a, nil
}

// AccountAccesses is AccountAccess for several accounts at once (for list
// pages that show what may be edited), in three queries whatever their
// number. Accounts not in the organisation are absent from the result.
func (db *DB) AccountAccesses(ctx context.Context, sc account.Scope, accountIDs []int64) (map[int64]auth.AccountAccess, error) {
	out := make(map[int64]auth.AccountAccess, len(accountIDs))
	if len(accountIDs) == 0 {
		return out, nil
	}
	err := db.read(ctx, func(tx *Tx) error {
		settings, err := tx.orgSettings(sc.OrgID)
		if err != nil {
			return err
		}
		q, args := inList(`SELECT id, owner_id FROM accounts WHERE org_id = $1 AND id IN `, sc.OrgID, accountIDs)
		rows, err := tx.Query(q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var owner sql.NullInt64
			if err := rows.Scan(&id, &owner); err != nil {
				return err
			}
			out[id] = auth.AccountAccess{AccountID: id, OwnerID: owner.Int64, NeedToKnow: settings.NeedToKnow}
		}
		if err := rows.Err(); err != nil {
			return err
		}
		teams, err := tx.teams(sc.OrgID, accountIDs)
		if err != nil {
			return err
		}
		for id, team := range teams {
			if a, ok := out[id]; ok {
				a.Team = team
				out[id] = a
			}
		}
		return nil
	})
	return out, err
}

// OrgSettings returns the organisation's access settings.
func (db *DB) OrgSettings(ctx context.Context, sc account.Scope) (auth.OrgSettings, error) {
	var s auth.OrgSettings
	err := db.read(ctx, func(tx *Tx) (err error) {
		s, err = tx.orgSettings(sc.OrgID)
		return err
	})
	return s, err
}

func (tx *Tx) orgSettings(orgID int64) (auth.OrgSettings, error) {
	var s auth.OrgSettings
	var raw string
	if err := tx.QueryRow(`SELECT settings FROM orgs WHERE id = $1`, orgID).Scan(&raw); err != nil {
		if isNoRows(err) {
			return s, account.Errorf(account.ENOTFOUND, "Organisation %d not found.", orgID)
		}
		return s, err
	}
	if err := json.Unmarshal([]byte(raw), &s); err != nil {
		return s, err
	}
	return s, nil
}

// SetOrgSettings saves the organisation's access settings. orgs.settings is
// a JSON object other features share, so only the keys of auth.OrgSettings
// are replaced and the others are kept as they are.
func (db *DB) SetOrgSettings(ctx context.Context, sc account.Scope, s auth.OrgSettings) error {
	return db.write(ctx, func(tx *Tx) error {
		old, err := tx.orgSettings(sc.OrgID)
		if err != nil {
			return err
		}
		var raw string
		if err := tx.QueryRow(`SELECT settings FROM orgs WHERE id = $1`, sc.OrgID).Scan(&raw); err != nil {
			return err
		}
		all := map[string]json.RawMessage{}
		if err := json.Unmarshal([]byte(raw), &all); err != nil {
			return err
		}
		mine, _ := json.Marshal(s)
		var keys map[string]json.RawMessage
		_ = json.Unmarshal(mine, &keys)
		for k, v := range keys {
			all[k] = v
		}
		merged, err := json.Marshal(all)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(`UPDATE orgs SET settings = $2 WHERE id = $1`, sc.OrgID, string(merged)); err != nil {
			return err
		}
		return tx.audit(sc, "update", "org_settings", sc.OrgID, 0, &old, &s)
	})
}
