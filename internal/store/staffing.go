package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/auth"
	"github.com/samwise-sam/samwise/internal/staffing"
)

// staffingKey is the key of orgs.settings holding the staffing policy.
const staffingKey = "staffing"

// StaffingSettings returns the organisation's staffing policy, the defaults
// where nothing was saved.
func (db *DB) StaffingSettings(ctx context.Context, sc account.Scope) (staffing.Settings, error) {
	var s staffing.Settings
	err := db.read(ctx, func(tx *Tx) (err error) {
		s, err = tx.staffingSettings(sc.OrgID)
		return err
	})
	return s, err
}

func (tx *Tx) orgSettingsMap(orgID int64) (map[string]json.RawMessage, error) {
	var raw string
	if err := tx.QueryRow(`SELECT settings FROM orgs WHERE id = $1`, orgID).Scan(&raw); err != nil {
		if isNoRows(err) {
			return nil, account.Errorf(account.ENOTFOUND, "Organisation %d not found.", orgID)
		}
		return nil, err
	}
	all := map[string]json.RawMessage{}
	if err := json.Unmarshal([]byte(raw), &all); err != nil {
		return nil, err
	}
	return all, nil
}

func (tx *Tx) staffingSettings(orgID int64) (staffing.Settings, error) {
	s := staffing.DefaultSettings
	all, err := tx.orgSettingsMap(orgID)
	if err != nil {
		return s, err
	}
	if v, ok := all[staffingKey]; ok {
		// Fields missing from what was saved keep their defaults.
		if err := json.Unmarshal(v, &s); err != nil {
			return s, err
		}
	}
	return s, nil
}

// SetStaffingSettings saves the staffing policy under its own key of
// orgs.settings, keeping the other keys as they are.
func (db *DB) SetStaffingSettings(ctx context.Context, sc account.Scope, s staffing.Settings) error {
	if err := s.Validate(); err != nil {
		return err
	}
	return db.write(ctx, func(tx *Tx) error {
		old, err := tx.staffingSettings(sc.OrgID)
		if err != nil {
			return err
		}
		all, err := tx.orgSettingsMap(sc.OrgID)
		if err != nil {
			return err
		}
		if all[staffingKey], err = json.Marshal(s); err != nil {
			return err
		}
		merged, err := json.Marshal(all)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(`UPDATE orgs SET settings = $2 WHERE id = $1`, sc.OrgID, string(merged)); err != nil {
			return err
		}
		return tx.audit(sc, "update", "staffing_settings", sc.OrgID, 0, &old, &s)
	})
}

// capacityRecord is how a capacity change appears in the audit trail.
type capacityRecord struct {
	PersonID int64 `json:"person_id"`
	Capacity *int  `json:"capacity"`
}

// SetCapacity gives a person a capacity of their own (which also puts them
// on the workload board), or with nil returns them to the default.
func (db *DB) SetCapacity(ctx context.Context, sc account.Scope, personID int64, capacity *int) error {
	if capacity != nil {
		if err := staffing.ValidCapacity(*capacity); err != nil {
			return err
		}
	}
	return db.write(ctx, func(tx *Tx) error {
		if err := tx.mustExist("person_id", "people", sc.OrgID, &personID); err != nil {
			return err
		}
		old := capacityRecord{PersonID: personID}
		var c int
		switch err := tx.QueryRow(`SELECT capacity FROM staffing_capacities WHERE org_id = $1 AND person_id = $2`, sc.OrgID, personID).Scan(&c); {
		case err == nil:
			old.Capacity = &c
		case !isNoRows(err):
			return err
		}
		var err error
		if capacity == nil {
			_, err = tx.Exec(`DELETE FROM staffing_capacities WHERE org_id = $1 AND person_id = $2`, sc.OrgID, personID)
		} else {
			_, err = tx.Exec(`INSERT INTO staffing_capacities (org_id, person_id, capacity, updated_at) VALUES ($1, $2, $3, $4)
				ON CONFLICT (org_id, person_id) DO UPDATE SET capacity = excluded.capacity, updated_at = excluded.updated_at`,
				sc.OrgID, personID, *capacity, ms(tx.now))
		}
		if err != nil {
			return err
		}
		return tx.audit(sc, "update", "capacity", personID, 0, &old, &capacityRecord{PersonID: personID, Capacity: capacity})
	})
}

// exemptionRecord is how an exemption appears in the audit trail.
type exemptionRecord struct {
	Reason string `json:"reason"`
}

// MaxExemptReason is the longest reason an exemption may give.
const MaxExemptReason = 500

// SetExemption marks an account as one that may stay without an owner, with
// the reason (required); ClearExemption takes the mark away.
func (db *DB) SetExemption(ctx context.Context, sc account.Scope, accountID int64, reason string) error {
	reason = strings.TrimSpace(reason)
	if reason == "" || len([]rune(reason)) > MaxExemptReason {
		return account.Invalid("reason", "must say why, in 1 to %d characters", MaxExemptReason)
	}
	return db.write(ctx, func(tx *Tx) error {
		if _, err := tx.account(sc.OrgID, accountID); err != nil {
			return err
		}
		old, err := tx.exemption(sc.OrgID, accountID)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(`INSERT INTO account_exemptions (org_id, account_id, reason, created_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (org_id, account_id) DO UPDATE SET reason = excluded.reason`, sc.OrgID, accountID, reason, ms(tx.now)); err != nil {
			return err
		}
		action := "create"
		if old != nil {
			action = "update"
		}
		return tx.audit(sc, action, "exemption", accountID, accountID, old, &exemptionRecord{reason})
	})
}

// ClearExemption removes an account's exemption; ENOTFOUND if it has none.
func (db *DB) ClearExemption(ctx context.Context, sc account.Scope, accountID int64) error {
	return db.write(ctx, func(tx *Tx) error {
		old, err := tx.exemption(sc.OrgID, accountID)
		if err != nil {
			return err
		}
		if old == nil {
			return account.Errorf(account.ENOTFOUND, "Account %d is not exempt.", accountID)
		}
		if _, err := tx.Exec(`DELETE FROM account_exemptions WHERE org_id = $1 AND account_id = $2`, sc.OrgID, accountID); err != nil {
			return err
		}
		return tx.audit(sc, "delete", "exemption", accountID, accountID, old, nil)
	})
}

func (tx *Tx) exemption(orgID, accountID int64) (*exemptionRecord, error) {
	var r exemptionRecord
	err := tx.QueryRow(`SELECT reason FROM account_exemptions WHERE org_id = $1 AND account_id = $2`, orgID, accountID).Scan(&r.Reason)
	if isNoRows(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// Staffing is what the workload board is computed from.
type Staffing struct {
	Settings staffing.Settings
	Managers []staffing.Manager
	Accounts []staffing.Account
}

// Staffing gathers the workload board's inputs: the policy, every account
// that is not a former customer with its owner, tier, revenue (the annual
// value of its active contracts) and exemption, and the managers — people
// who own such an account or have a capacity of their own.
//
// It reads in two read transactions at once — the accounts in one, the
// rest in the other — and joins tiers and revenue onto the accounts by
// walking lists sorted by account id, not through maps: at 100,000
// accounts the reading is most of the board's cost (BENCHMARKS.md,
// Staffing). The two are separate snapshots; a write committed between
// them can show in one and not the other, for this one view.
func (db *DB) Staffing(ctx context.Context, sc account.Scope) (Staffing, error) {
	var out Staffing
	var tiers []accountTier
	var revenue []accountSum
	var caps map[int64]int64
	var people []staffing.Manager
	exempt := map[int64]string{}
	err := db.readParallel(ctx,
		func(tx *Tx) (err error) {
			out.Accounts, err = tx.staffingAccounts(sc.OrgID)
			return err
		},
		func(tx *Tx) (err error) {
			if out.Settings, err = tx.staffingSettings(sc.OrgID); err != nil {
				return err
			}
			if tiers, err = tx.staffingTiers(sc.OrgID); err != nil {
				return err
			}
			if revenue, err = tx.activeRevenue(sc.OrgID); err != nil {
				return err
			}
			if err := tx.each(`SELECT account_id, reason FROM account_exemptions WHERE org_id = $1`, []any{sc.OrgID},
				func(r *sql.Rows) error {
					var id int64
					var reason string
					err := r.Scan(&id, &reason)
					exempt[id] = reason
					return err
				}); err != nil {
				return err
			}
			if caps, err = tx.int64s(`SELECT person_id, capacity FROM staffing_capacities WHERE org_id = $1`, sc.OrgID); err != nil {
				return err
			}
			return tx.each(`SELECT id, name FROM people WHERE org_id = $1 ORDER BY name, id`, []any{sc.OrgID}, func(r *sql.Rows) error {
				var m staffing.Manager
				err := r.Scan(&m.ID, &m.Name)
				people = append(people, m)
				return err
			})
		})
	if err != nil {
		return out, err
	}
	owners := map[int64]bool{}
	ti, ri := 0, 0
	for i := range out.Accounts {
		a := &out.Accounts[i]
		for ti < len(tiers) && tiers[ti].id < a.ID {
			ti++
		}
		if ti < len(tiers) && tiers[ti].id == a.ID {
			a.Tier = tiers[ti].tier
		}
		for ri < len(revenue) && revenue[ri].id < a.ID {
			ri++
		}
		if ri < len(revenue) && revenue[ri].id == a.ID {
			a.Revenue = revenue[ri].sum
		}
		if reason, ok := exempt[a.ID]; ok {
			a.Exempt, a.ExemptReason = true, reason
		}
		if a.OwnerID != 0 {
			owners[a.OwnerID] = true
		}
	}
	for _, m := range people {
		c, hasCap := caps[m.ID]
		if !hasCap && !owners[m.ID] {
			continue
		}
		m.Capacity, m.CapacitySet = out.Settings.DefaultCapacity, hasCap
		if hasCap {
			m.Capacity = int(c)
		}
		out.Managers = append(out.Managers, m)
	}
	return out, nil
}

// Workload computes the board from Staffing.
func (db *DB) Workload(ctx context.Context, sc account.Scope) (staffing.Workload, error) {
	s, err := db.Staffing(ctx, sc)
	if err != nil {
		return staffing.Workload{}, err
	}
	return staffing.Compute(s.Settings, s.Managers, s.Accounts), nil
}

// RelationshipWindow is how far back a touch makes a relationship.
const RelationshipWindow = 365 * 24 * time.Hour

// relationshipChunk bounds the ids per query, well below both databases'
// limits on parameters.
const relationshipChunk = 2000

// Relationships returns, for each of the accounts, the people with a strong
// relationship with it: on its team, or present at one of its touches since
// the given instant. Accounts without any are absent.
//
// The touches are not read: account_contacts (migration 00014) keeps, per
// account and person present at any of its touches, the instant of the
// latest, so the look-up reads one short index range per account instead
// of a year of touches and their attendance (seconds for a manager with
// thousands of accounts).
func (db *DB) Relationships(ctx context.Context, sc account.Scope, accountIDs []int64, since time.Time) (map[int64][]int64, error) {
	out := map[int64][]int64{}
	if len(accountIDs) == 0 {
		return out, nil
	}
	err := db.read(ctx, func(tx *Tx) error {
		// Team seats first; the contacts below are distinct pairs already,
		// so only accounts with a seat need checking for duplicates.
		seen := map[[2]int64]bool{}
		for ids := range slices.Chunk(accountIDs, relationshipChunk) {
			list, args := tx.idList(2, ids, []any{sc.OrgID})
			if err := tx.each(`SELECT DISTINCT account_id, person_id FROM account_team WHERE org_id = $1 AND account_id IN `+list, args, func(r *sql.Rows) error {
				var a, p int64
				if err := r.Scan(&a, &p); err != nil {
					return err
				}
				seen[[2]int64{a, p}] = true
				out[a] = append(out[a], p)
				return nil
			}); err != nil {
				return err
			}
		}
		for ids := range slices.Chunk(accountIDs, relationshipChunk) {
			list, args := tx.idList(3, ids, []any{sc.OrgID, ms(since)})
			if err := tx.each(`SELECT account_id, person_id FROM account_contacts WHERE org_id = $1 AND last_touch_at >= $2 AND account_id IN `+list, args, func(r *sql.Rows) error {
				var a, p int64
				if err := r.Scan(&a, &p); err != nil {
					return err
				}
				if len(seen) > 0 && seen[[2]int64{a, p}] {
					return nil
				}
				out[a] = append(out[a], p)
				return nil
			}); err != nil {
				return err
			}
		}
		return nil
	})
	for _, ps := range out {
		slices.Sort(ps)
	}
	return out, err
}

// MoveAccount changes an account's owner from one person to another (from 0:
// an account without an owner; to 0 is refused), as an ordinary update of
// the account, audited as such. ECONFLICT when the owner is no longer from,
// so a stale proposal is never applied.
func (db *DB) MoveAccount(ctx context.Context, sc account.Scope, accountID, from, to int64) (account.Account, error) {
	var a account.Account
	if to == 0 {
		return a, account.Invalid("to_id", "must name the new owner")
	}
	err := db.write(ctx, func(tx *Tx) error {
		old, err := tx.account(sc.OrgID, accountID)
		if err != nil {
			return err
		}
		cur := int64(0)
		if old.OwnerID != nil {
			cur = *old.OwnerID
		}
		if cur != from {
			return account.Errorf(account.ECONFLICT,
				"This proposal is out of date: the owner of %s has changed since it was made. Look at the new proposals.", old.Name)
		}
		if err := tx.mustExist("to_id", "people", sc.OrgID, &to); err != nil {
			return err
		}
		a = old
		a.OwnerID, a.UpdatedAt = &to, tx.now
		if _, err := tx.Exec(`UPDATE accounts SET owner_id = $3, updated_at = $4 WHERE org_id = $1 AND id = $2`,
			sc.OrgID, accountID, to, ms(tx.now)); err != nil {
			return err
		}
		return tx.audit(sc, "update", "account", accountID, accountID, &old, &a)
	})
	return a, err
}

// Goals returns a person's goals for a period; ok is false when none are set
// (the zero Goals for that person and period are returned).
func (db *DB) Goals(ctx context.Context, sc account.Scope, personID int64, period string) (g staffing.Goals, ok bool, err error) {
	g = staffing.Goals{PersonID: personID, Period: period}
	err = db.read(ctx, func(tx *Tx) error {
		var updated int64
		err := tx.QueryRow(`SELECT revenue, retention, touches, updated_at FROM manager_goals
			WHERE org_id = $1 AND person_id = $2 AND period = $3`, sc.OrgID, personID, period).
			Scan(&g.Revenue, &g.Retention, &g.Touches, &updated)
		switch {
		case isNoRows(err):
			return nil
		case err != nil:
			return err
		}
		ok, g.UpdatedAt = true, fromMS(updated)
		return nil
	})
	return g, ok, err
}

// SetGoals saves a person's goals for a period (replacing earlier ones).
func (db *DB) SetGoals(ctx context.Context, sc account.Scope, g *staffing.Goals) error {
	if err := g.Validate(); err != nil {
		return err
	}
	return db.write(ctx, func(tx *Tx) error {
		if err := tx.mustExist("person_id", "people", sc.OrgID, &g.PersonID); err != nil {
			return err
		}
		var old *staffing.Goals
		var o staffing.Goals
		err := tx.QueryRow(`SELECT revenue, retention, touches FROM manager_goals WHERE org_id = $1 AND person_id = $2 AND period = $3`,
			sc.OrgID, g.PersonID, g.Period).Scan(&o.Revenue, &o.Retention, &o.Touches)
		switch {
		case err == nil:
			o.PersonID, o.Period = g.PersonID, g.Period
			old = &o
		case !isNoRows(err):
			return err
		}
		g.UpdatedAt = tx.now
		if _, err := tx.Exec(`INSERT INTO manager_goals (org_id, person_id, period, revenue, retention, touches, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)
			ON CONFLICT (org_id, person_id, period) DO UPDATE SET revenue = excluded.revenue, retention = excluded.retention,
				touches = excluded.touches, updated_at = excluded.updated_at`,
			sc.OrgID, g.PersonID, g.Period, g.Revenue, g.Retention, g.Touches, ms(tx.now)); err != nil {
			return err
		}
		action := "create"
		if old != nil {
			action = "update"
		}
		return tx.audit(sc, action, "goals", g.PersonID, 0, old, g)
	})
}

// GoalActuals measures what a person achieved in a period for the accounts
// they own now (formulas in the staffing package doc). The period's days
// start at midnight in loc, the zone people read dates in.
func (db *DB) GoalActuals(ctx context.Context, sc account.Scope, personID int64, p staffing.Period, today account.Date, loc *time.Location) (staffing.Actuals, error) {
	var a staffing.Actuals
	err := db.read(ctx, func(tx *Tx) error {
		var won sql.NullInt64
		if err := tx.QueryRow(`SELECT CAST(SUM(o.amount) AS BIGINT) FROM opportunities o
			JOIN accounts a ON a.org_id = o.org_id AND a.id = o.account_id
			WHERE o.org_id = $1 AND a.owner_id = $2 AND o.stage = 'won' AND o.actual_close >= $3 AND o.actual_close < $4`,
			sc.OrgID, personID, p.From.String(), p.To.String()).Scan(&won); err != nil {
			return err
		}
		a.Revenue = won.Int64
		var cs []staffing.Contract
		if err := tx.each(`SELECT c.id, c.account_id, c.product, c.start_date, c.end_date, c.auto_renew, c.status FROM contracts c
			JOIN accounts a ON a.org_id = c.org_id AND a.id = c.account_id
			WHERE c.org_id = $1 AND a.owner_id = $2`, []any{sc.OrgID, personID}, func(r *sql.Rows) error {
			var c staffing.Contract
			var start, end string
			if err := r.Scan(&c.ID, &c.AccountID, &c.Product, &start, &end, &c.AutoRenew, &c.Status); err != nil {
				return err
			}
			c.Start, c.End = parseDate(start), parseDate(end)
			cs = append(cs, c)
			return nil
		}); err != nil {
			return err
		}
		a.Due, a.Renewed, a.Upcoming = staffing.Renewals(cs, p, today)
		from := time.Date(p.From.Year, p.From.Month, p.From.Day, 0, 0, 0, 0, loc)
		to := time.Date(p.To.Year, p.To.Month, p.To.Day, 0, 0, 0, 0, loc)
		return tx.QueryRow(`SELECT COUNT(*) FROM touch_people tp JOIN touches t ON t.org_id = tp.org_id AND t.id = tp.touch_id
			WHERE tp.org_id = $1 AND tp.person_id = $2 AND t.occurred_at >= $3 AND t.occurred_at < $4`,
			sc.OrgID, personID, ms(from), ms(to)).Scan(&a.Touches)
	})
	return a, err
}

// TeamSeats returns an account's team with each seat's "as needed" flag, in
// team-role order.
func (db *DB) TeamSeats(ctx context.Context, sc account.Scope, accountID int64) ([]staffing.Seat, error) {
	var out []staffing.Seat
	err := db.read(ctx, func(tx *Tx) (err error) {
		out, err = tx.seats(sc.OrgID, accountID)
		return err
	})
	return out, err
}

func (tx *Tx) seats(orgID, accountID int64) ([]staffing.Seat, error) {
	var out []staffing.Seat
	err := tx.each(`SELECT person_id, role, as_needed, created_at FROM account_team WHERE org_id = $1 AND account_id = $2`,
		[]any{orgID, accountID}, func(r *sql.Rows) error {
			s := staffing.Seat{AccountID: accountID}
			var created int64
			if err := r.Scan(&s.PersonID, &s.Role, &s.AsNeeded, &created); err != nil {
				return err
			}
			s.CreatedAt = fromMS(created)
			out = append(out, s)
			return nil
		})
	slices.SortFunc(out, func(a, b staffing.Seat) int {
		return cmp.Or(cmp.Compare(slices.Index(auth.TeamRoles, a.Role), slices.Index(auth.TeamRoles, b.Role)), cmp.Compare(a.PersonID, b.PersonID))
	})
	return out, err
}

// seatRecord is how a seat appears in the audit trail (the same fields as
// AddTeamMember's entries, plus the flag).
type seatRecord struct {
	AccountID int64         `json:"account_id"`
	PersonID  int64         `json:"person_id"`
	Role      auth.TeamRole `json:"role"`
	AsNeeded  bool          `json:"as_needed"`
}

// AddSeat seats a person on an account's team in a role, as needed or not.
// ECONFLICT if they already hold that role there.
func (db *DB) AddSeat(ctx context.Context, sc account.Scope, s *staffing.Seat) error {
	if !s.Role.Valid() {
		return account.Invalid("role", "must be one of the account-team roles")
	}
	return db.write(ctx, func(tx *Tx) error {
		cur, err := tx.seats(sc.OrgID, s.AccountID)
		if err != nil {
			return err
		}
		if slices.ContainsFunc(cur, func(c staffing.Seat) bool { return c.PersonID == s.PersonID && c.Role == s.Role }) {
			return account.Errorf(account.ECONFLICT, "That person is already %s on this account.", s.Role.Label())
		}
		return tx.addSeat(sc, s)
	})
}

func (tx *Tx) addSeat(sc account.Scope, s *staffing.Seat) error {
	if err := tx.mustExist("account_id", "accounts", sc.OrgID, &s.AccountID); err != nil {
		return err
	}
	if err := tx.mustExist("person_id", "people", sc.OrgID, &s.PersonID); err != nil {
		return err
	}
	s.CreatedAt = tx.now
	if _, err := tx.Exec(`INSERT INTO account_team (org_id, account_id, person_id, role, created_at, as_needed) VALUES ($1, $2, $3, $4, $5, $6)`,
		sc.OrgID, s.AccountID, s.PersonID, s.Role, ms(tx.now), s.AsNeeded); err != nil {
		return err
	}
	return tx.audit(sc, "create", "team_member", s.PersonID, s.AccountID, nil, &seatRecord{s.AccountID, s.PersonID, s.Role, s.AsNeeded})
}

// ReplaceTeam makes an account's team exactly the seats given: seats no
// longer listed are removed, new ones added, changed flags updated; each
// change is audited. Duplicate seats in the list are refused.
func (db *DB) ReplaceTeam(ctx context.Context, sc account.Scope, accountID int64, seats []staffing.Seat) error {
	want := map[[2]any]staffing.Seat{}
	for i, s := range seats {
		if !s.Role.Valid() {
			return account.Invalid("members", "item %d: role must be one of the account-team roles", i+1)
		}
		k := [2]any{s.PersonID, s.Role}
		if _, dup := want[k]; dup {
			return account.Invalid("members", "item %d: person %d holds %s twice", i+1, s.PersonID, s.Role.Label())
		}
		s.AccountID = accountID
		want[k] = s
	}
	return db.write(ctx, func(tx *Tx) error {
		if _, err := tx.account(sc.OrgID, accountID); err != nil {
			return err
		}
		cur, err := tx.seats(sc.OrgID, accountID)
		if err != nil {
			return err
		}
		have := map[[2]any]staffing.Seat{}
		for _, c := range cur {
			k := [2]any{c.PersonID, c.Role}
			have[k] = c
			w, keep := want[k]
			switch {
			case !keep:
				if _, err := tx.Exec(`DELETE FROM account_team WHERE org_id = $1 AND account_id = $2 AND person_id = $3 AND role = $4`,
					sc.OrgID, accountID, c.PersonID, c.Role); err != nil {
					return err
				}
				if err := tx.audit(sc, "delete", "team_member", c.PersonID, accountID, &seatRecord{accountID, c.PersonID, c.Role, c.AsNeeded}, nil); err != nil {
					return err
				}
			case w.AsNeeded != c.AsNeeded:
				if _, err := tx.Exec(`UPDATE account_team SET as_needed = $5 WHERE org_id = $1 AND account_id = $2 AND person_id = $3 AND role = $4`,
					sc.OrgID, accountID, c.PersonID, c.Role, w.AsNeeded); err != nil {
					return err
				}
				if err := tx.audit(sc, "update", "team_member", c.PersonID, accountID,
					&seatRecord{accountID, c.PersonID, c.Role, c.AsNeeded}, &seatRecord{accountID, c.PersonID, c.Role, w.AsNeeded}); err != nil {
					return err
				}
			}
		}
		// Added in the order given, so errors name the first bad item.
		for _, s := range seats {
			if _, ok := have[[2]any{s.PersonID, s.Role}]; ok {
				continue
			}
			s.AccountID = accountID
			if err := tx.addSeat(sc, &s); err != nil {
				return err
			}
		}
		return nil
	})
}

const deliverableCols = `d.account_id, d.role, d.title, d.link, d.note, d.owner_id, d.updated_on, d.refresh_days, d.changed_at`

func scanDeliverable(r rowScanner, extra ...any) (staffing.Deliverable, error) {
	var d staffing.Deliverable
	var owner sql.NullInt64
	var updated string
	var changed int64
	err := r.Scan(append([]any{&d.AccountID, &d.Role, &d.Title, &d.Link, &d.Note, &owner, &updated, &d.RefreshDays, &changed}, extra...)...)
	d.OwnerID, d.UpdatedOn, d.ChangedAt = idPtr(owner), parseDate(updated), fromMS(changed)
	return d, err
}

// Deliverables returns an account's recorded deliverables, in team-role
// order.
func (db *DB) Deliverables(ctx context.Context, sc account.Scope, accountID int64) ([]staffing.Deliverable, error) {
	var out []staffing.Deliverable
	err := db.read(ctx, func(tx *Tx) error {
		return tx.each(`SELECT `+deliverableCols+` FROM team_deliverables d WHERE d.org_id = $1 AND d.account_id = $2`,
			[]any{sc.OrgID, accountID}, func(r *sql.Rows) error {
				d, err := scanDeliverable(r)
				out = append(out, d)
				return err
			})
	})
	slices.SortFunc(out, func(a, b staffing.Deliverable) int {
		return cmp.Compare(slices.Index(auth.TeamRoles, a.Role), slices.Index(auth.TeamRoles, b.Role))
	})
	return out, err
}

// SetDeliverable records (or replaces) the deliverable of a role on an
// account, after filling the role's defaults and validating it.
func (db *DB) SetDeliverable(ctx context.Context, sc account.Scope, d *staffing.Deliverable) error {
	d.Normalize()
	if err := d.Validate(); err != nil {
		return err
	}
	return db.write(ctx, func(tx *Tx) error {
		if _, err := tx.account(sc.OrgID, d.AccountID); err != nil {
			return err
		}
		if err := tx.mustExist("owner_id", "people", sc.OrgID, d.OwnerID); err != nil {
			return err
		}
		var old *staffing.Deliverable
		o, err := scanDeliverable(tx.QueryRow(`SELECT `+deliverableCols+` FROM team_deliverables d
			WHERE d.org_id = $1 AND d.account_id = $2 AND d.role = $3`, sc.OrgID, d.AccountID, d.Role))
		switch {
		case err == nil:
			old = &o
		case !isNoRows(err):
			return err
		}
		d.ChangedAt = tx.now
		if _, err := tx.Exec(`INSERT INTO team_deliverables (org_id, account_id, role, title, link, note, owner_id, updated_on,
				refresh_days, due_on, changed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
			ON CONFLICT (org_id, account_id, role) DO UPDATE SET title = excluded.title, link = excluded.link, note = excluded.note,
				owner_id = excluded.owner_id, updated_on = excluded.updated_on, refresh_days = excluded.refresh_days,
				due_on = excluded.due_on, changed_at = excluded.changed_at`,
			sc.OrgID, d.AccountID, d.Role, d.Title, d.Link, d.Note, nullID(d.OwnerID), d.UpdatedOn.String(), d.RefreshDays,
			d.DueOn().String(), ms(tx.now)); err != nil {
			return err
		}
		action := "create"
		if old != nil {
			old.ChangedAt = time.Time{}
			action = "update"
		}
		rec := *d
		rec.ChangedAt = time.Time{}
		return tx.audit(sc, action, "deliverable", 0, d.AccountID, old, &rec)
	})
}

// DeliverableItem is a deliverable on the portfolio-wide team view.
type DeliverableItem struct {
	staffing.Deliverable
	AccountName string
	// Recorded is false for a role held on the account (other than only as
	// needed) with nothing recorded.
	Recorded bool
}

// DeliverablesNeedingAttention lists, across the accounts visibleTo may see
// (0: all), the recorded deliverables that are due by through (stale or due
// soon, as the caller chooses the day) or have no content, and the roles
// held on a team with nothing recorded — at most limit of each, oldest due
// first. An account's owner is its implicit account manager, but a missing
// account plan is flagged on the account page, not here: it would list every
// account that has no plan yet.
func (db *DB) DeliverablesNeedingAttention(ctx context.Context, sc account.Scope, through account.Date, visibleTo int64, limit int) ([]DeliverableItem, error) {
	var out []DeliverableItem
	err := db.read(ctx, func(tx *Tx) error {
		args := []any{sc.OrgID, through.String(), limit}
		visible := ""
		if visibleTo != 0 {
			visible = ` AND a.id IN (SELECT id FROM accounts WHERE org_id = $1 AND owner_id = $4
				UNION SELECT account_id FROM account_team WHERE org_id = $1 AND person_id = $4)`
			args = append(args, visibleTo)
		}
		if err := tx.each(`SELECT `+deliverableCols+`, a.name FROM team_deliverables d
			JOIN accounts a ON a.org_id = d.org_id AND a.id = d.account_id
			WHERE d.org_id = $1 AND (d.due_on = '' OR d.due_on <= $2 OR (d.link = '' AND d.note = ''))`+visible+`
			ORDER BY d.due_on, a.name_key, a.id, d.role LIMIT $3`, args, func(r *sql.Rows) error {
			var it DeliverableItem
			var err error
			it.Deliverable, err = scanDeliverable(r, &it.AccountName)
			it.Recorded = true
			out = append(out, it)
			return err
		}); err != nil {
			return err
		}
		return tx.each(`SELECT DISTINCT t.account_id, t.role, a.name, a.name_key FROM account_team t
			JOIN accounts a ON a.org_id = t.org_id AND a.id = t.account_id
			LEFT JOIN team_deliverables d ON d.org_id = t.org_id AND d.account_id = t.account_id AND d.role = t.role
			WHERE t.org_id = $1 AND d.account_id IS NULL AND t.as_needed = $2`+visible+`
			ORDER BY a.name_key, t.account_id, t.role LIMIT $3`, append([]any{sc.OrgID, false, limit}, args[3:]...), func(r *sql.Rows) error {
			var it DeliverableItem
			var key string
			if err := r.Scan(&it.AccountID, &it.Role, &it.AccountName, &key); err != nil {
				return err
			}
			it.Title = staffing.DefaultTitle(it.Role)
			it.RefreshDays = staffing.DefaultRefreshDays(it.Role)
			out = append(out, it)
			return nil
		})
	})
	return out, err
}

// each runs a query and calls fn for every row.
func (tx *Tx) each(q string, args []any, fn func(*sql.Rows) error) error {
	rows, err := tx.Query(q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// int64s reads a two-column query of (id, number) into a map.
func (tx *Tx) int64s(q string, args ...any) (map[int64]int64, error) {
	out := map[int64]int64{}
	err := tx.each(q, args, func(r *sql.Rows) error {
		var k int64
		var v sql.NullInt64
		err := r.Scan(&k, &v)
		out[k] = v.Int64
		return err
	})
	return out, err
}
