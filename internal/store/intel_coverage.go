package store

import (
	"context"
	"database/sql"
	"fmt"
	"math/bits"
	"slices"
	"strings"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/intel"
)

// Coverage findings a page at a time.
//
// /coverage shows how many findings each rule raises across the portfolio
// and the first hundred of them. Running intel.Coverage over every matrix
// took 12 s of CPU at 100,000 accounts (half a million stakeholders, eight
// million attendances) for a page that shows a hundred rows. CoverageList
// counts the findings of every account per rule from three packed reads —
// the stakeholders (with their placement and, for current champions, whether
// anyone touched them lately), the relationships with current stakeholders,
// and the account names — then reads the full matrices of only the accounts
// the rows shown come from and runs intel.Coverage over those, so the rows
// are the rules' own. The counting mirrors intel.Coverage rule by rule; the
// equivalence test (intel_coverage_test.go) holds the two together.

// CoverageList is a page of coverage findings.
type CoverageList struct {
	Counts   map[intel.Rule]int // findings per rule
	Total    int                // findings of every rule
	Matching int                // findings of the rule asked for (every rule: Total)
	// Findings are the first of the matching findings in the order of
	// intel.SortFindings (every one when the limit is negative).
	Findings []intel.Finding
}

// CoverageKey is a finding's place in the order of the list: rule (in
// intel.Rules order), account name (by bytes) and id, level (top down),
// stakeholder name (by bytes) and id. The first five are intel.SortFindings'
// order; the stakeholder id sets apart findings it leaves tied — two
// stakeholders of one name at one level — in the order the rules raise them
// (accountMaps reads stakeholders by name and id). A finding without a
// stakeholder (level_gap, single_threaded) is alone at its place, since an
// account raises one per level and one thread at most. It is what the API's
// cursor carries: the list can start after any finding, even one gone since.
type CoverageKey struct {
	Rule            intel.Rule // "": before every finding
	AccountName     string
	AccountID       int64
	Level           account.Level
	StakeholderName string
	StakeholderID   int64
}

// CoverageKeyOf is f's place in the list.
func CoverageKeyOf(f intel.Finding) CoverageKey {
	return CoverageKey{Rule: f.Rule, AccountName: f.AccountName, AccountID: f.AccountID, Level: f.Level,
		StakeholderName: f.StakeholderName, StakeholderID: f.StakeholderID}
}

// compare orders two places in the list (-1, 0, 1).
func (k CoverageKey) compare(o CoverageKey) int {
	if k.Rule != o.Rule {
		return cmpInt(ruleIndex(k.Rule), ruleIndex(o.Rule))
	}
	if c := compareAccounts(k.AccountName, k.AccountID, o.AccountName, o.AccountID); c != 0 {
		return c
	}
	if k.Level != o.Level {
		return cmpInt(slices.Index(account.Levels, k.Level), slices.Index(account.Levels, o.Level))
	}
	if c := strings.Compare(k.StakeholderName, o.StakeholderName); c != 0 {
		return c
	}
	return cmpInt(k.StakeholderID, o.StakeholderID)
}

// compareAccounts orders accounts as the list does: by name, then id.
func compareAccounts(name string, id int64, otherName string, otherID int64) int {
	if c := strings.Compare(name, otherName); c != 0 {
		return c
	}
	return cmpInt(id, otherID)
}

func cmpInt[T int | int64](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// sortCoverage puts findings in the order of the list.
func sortCoverage(fs []intel.Finding) {
	slices.SortStableFunc(fs, func(a, b intel.Finding) int { return CoverageKeyOf(a).compare(CoverageKeyOf(b)) })
}

// CoverageList counts the coverage findings in scope as of today (a
// calendar day in loc) per rule and returns the first limit findings of rule
// ("" every rule), or all of them when limit is negative: the same findings,
// in the same order, as the first rows of Coverage.
func (db *DB) CoverageList(ctx context.Context, sc account.Scope, m MapScope, today account.Date, o intel.CoverageOptions,
	loc *time.Location, rule intel.Rule, limit int) (CoverageList, error) {
	return db.CoverageListAfter(ctx, sc, m, today, o, loc, rule, CoverageKey{}, limit)
}

// CoverageListAfter is CoverageList starting after the finding at key
// (the zero key: at the first finding). The counts are of every finding,
// before the key or after: following the key of each page's last finding
// visits every finding once.
func (db *DB) CoverageListAfter(ctx context.Context, sc account.Scope, m MapScope, today account.Date, o intel.CoverageOptions,
	loc *time.Location, rule intel.Rule, after CoverageKey, limit int) (CoverageList, error) {
	o = o.Complete()
	if loc == nil {
		loc = time.UTC
	}
	if after.Rule != "" && ruleIndex(after.Rule) < 0 {
		return CoverageList{}, account.Invalid("after", "has no rule %q", after.Rule)
	}
	var out CoverageList
	err := db.read(ctx, func(tx *Tx) error {
		return tx.coverageList(sc.OrgID, m, today, o, loc, rule, after, limit, &out)
	})
	return out, err
}

func (tx *Tx) coverageList(orgID int64, m MapScope, today account.Date, o intel.CoverageOptions, loc *time.Location,
	rule intel.Rule, after CoverageKey, limit int, out *CoverageList) error {
	quietFrom := time.Date(today.Year, today.Month, today.Day-o.QuietDays, 0, 0, 0, 0, loc).UnixMilli()
	if quietFrom <= 0 {
		// A touch at instant 0 reads as "never touched"; the counting cannot
		// tell it from a touch in the quiet window before 1970.
		return tx.coverageInFull(orgID, m, today, o, loc, rule, after, limit, out)
	}
	accts, err := tx.coverageCounts(orgID, m, today, o, quietFrom)
	if err != nil {
		return err
	}
	out.Counts = map[intel.Rule]int{}
	for _, a := range accts {
		for i, ru := range intel.Rules {
			out.Counts[ru] += int(a.n[i])
		}
	}
	for _, n := range out.Counts {
		out.Total += n
	}
	out.Matching = out.Total
	if rule != "" {
		out.Matching = out.Counts[rule]
	}

	picked, want := pickCoverage(accts, rule, after, limit)
	if len(picked) == 0 {
		return nil
	}
	scope := m
	if len(picked) <= coveragePickMax {
		scope.accounts = make([]int64, 0, len(picked))
		for id := range picked {
			scope.accounts = append(scope.accounts, id)
		}
		slices.Sort(scope.accounts)
	}
	maps, err := tx.accountMaps(orgID, scope, loc, mapRead{coverage: true})
	if err != nil {
		return err
	}
	var fs []intel.Finding
	counted := 0
	for _, am := range maps {
		rules := picked[am.AccountID]
		if rules == 0 {
			continue
		}
		for _, f := range intel.Coverage(am, today, o) {
			if rules&(1<<ruleIndex(f.Rule)) == 0 {
				continue
			}
			if f.Rule == after.Rule && f.AccountID == after.AccountID && f.AccountName == after.AccountName {
				// The account the key is in: only its findings after the
				// key, which the counts cannot tell.
				if after.compare(CoverageKeyOf(f)) < 0 {
					fs = append(fs, f)
				}
				continue
			}
			fs = append(fs, f)
			counted++
		}
	}
	if counted != want {
		// The counts disagree with the rules (a bug, or data the counting
		// does not foresee): answer from the rules alone.
		tx.db.coverageFallbacks.Add(1)
		return tx.coverageInFull(orgID, m, today, o, loc, rule, after, limit, out)
	}
	sortCoverage(fs)
	if limit >= 0 && len(fs) > limit {
		fs = fs[:limit]
	}
	out.Findings = fs
	return nil
}

// coveragePickMax is how many accounts' matrices are read by id; beyond it
// (every finding of a common rule, say) the matrices of the whole scope are
// read.
const coveragePickMax = 5000

// coverageInFull fills out from every matrix in scope.
func (tx *Tx) coverageInFull(orgID int64, m MapScope, today account.Date, o intel.CoverageOptions, loc *time.Location,
	rule intel.Rule, after CoverageKey, limit int, out *CoverageList) error {
	maps, err := tx.accountMaps(orgID, m, loc, mapRead{coverage: true})
	if err != nil {
		return err
	}
	all := intel.PortfolioCoverage(maps, today, o)
	sortCoverage(all)
	*out = CoverageList{Counts: intel.CountByRule(all), Total: len(all)}
	for _, f := range all {
		if rule == "" || f.Rule == rule {
			out.Matching++
			if after.Rule == "" || after.compare(CoverageKeyOf(f)) < 0 {
				out.Findings = append(out.Findings, f)
			}
		}
	}
	if limit >= 0 && len(out.Findings) > limit {
		out.Findings = out.Findings[:limit]
	}
	return nil
}

// ruleIndex is a rule's place in intel.Rules.
func ruleIndex(r intel.Rule) int { return slices.Index(intel.Rules, r) }

// accountCoverage is how many findings of each rule (in intel.Rules order)
// one account has.
type accountCoverage struct {
	id   int64
	name string
	n    [8]int32 // room for len(intel.Rules)
}

// pickCoverage chooses the accounts the first limit findings of rule (""
// every rule; limit < 0 all) after the key come from: rule by rule in
// intel.Rules order, the accounts with findings of the rule by name and id —
// the order of intel.SortFindings — until they hold enough. It returns, per
// account, the rules (bits by index in intel.Rules) whose findings to keep,
// and how many findings those are, leaving out those of the key's rule in
// the key's account: some of them come after the key, which the counts
// cannot tell, so the account is read and counted as holding none (a page
// may read an account or a few more than it needs).
func pickCoverage(accts []accountCoverage, rule intel.Rule, after CoverageKey, limit int) (map[int64]uint32, int) {
	picked := map[int64]uint32{}
	want, need := 0, limit
	from := 0
	if after.Rule != "" {
		from = ruleIndex(after.Rule)
	}
	for i, ru := range intel.Rules {
		if (rule != "" && ru != rule) || need == 0 || i < from {
			continue
		}
		resume := after.Rule == ru
		var with []*accountCoverage
		total := 0
		for k := range accts {
			a := &accts[k]
			n := a.n[i]
			if n == 0 {
				continue
			}
			if resume {
				if c := compareAccounts(a.name, a.id, after.AccountName, after.AccountID); c < 0 {
					continue
				} else if c == 0 {
					picked[a.id] |= 1 << i
					continue
				}
			}
			with = append(with, a)
			total += int(n)
		}
		if need > 0 && total > need {
			slices.SortFunc(with, func(a, b *accountCoverage) int { return compareAccounts(a.name, a.id, b.name, b.id) })
		}
		got := 0
		for _, a := range with {
			if need >= 0 && got >= need {
				break
			}
			picked[a.id] |= 1 << i
			got += int(a.n[i])
		}
		want += got
		if need > 0 {
			need = max(0, need-got)
		}
	}
	return picked, want
}

// coverageCounts counts the findings per rule of every account with a
// current stakeholder or a recent departure (with none, some).
//
// It relies on two rules the store keeps: a relationship's account_id and a
// touch attendance's account_id are those of the stakeholder
// (SetRelationship, setAttendees), so scoping by the stakeholder's account
// scopes both; and cadence_checkins holds every stakeholder's latest
// check-in (triggers of migration 00005), used to skip looking for a recent
// touch of a champion who had a check-in since quietFrom.
//
// The three reads come back as packed texts (see rankRows for why). The
// stakeholders' is nearly all of the time (0.4-0.5 s of CPU at 500,000
// stakeholders); tried and dropped: reading it in two halves side by side,
// each in its own transaction, as the ranking does (more CPU, as each
// connection's page cache read the tables again, and no faster on two
// busy cores); a covering index (migration) on the columns it reads (13%
// less CPU for that read); joining the placements to the placed
// stakeholders only (no gain).
func (tx *Tx) coverageCounts(orgID int64, m MapScope, today account.Date, o intel.CoverageOptions, quietFrom int64) ([]accountCoverage, error) {
	if len(intel.Rules) > len(accountCoverage{}.n) {
		return nil, fmt.Errorf("coverage: %d rules, room for %d", len(intel.Rules), len(accountCoverage{}.n))
	}
	level := levelIndex(0)
	current := `(s.active AND COALESCE(m.left_on, '') = '')`

	// code is a stakeholder's part in the findings: the level's index (bits
	// 0-1), current (4), and, of a current one, decision maker (8),
	// influential blocker (16), champion gone quiet (32); and a key player
	// who left lately (64). Packed with the account as one number,
	// account id × 128 + code: half the text of two.
	cond, args := m.where("s.account_id")
	args = append([]any{orgID}, args...)
	arg := func(v any) string {
		args = append(args, v)
		return "$" + itoa(len(args))
	}
	quietSince := arg(quietFrom)
	code := `(` + level + ` + CASE WHEN ` + current + ` THEN 4
			+ CASE WHEN s.buying_role = 'decision_maker' THEN 8 ELSE 0 END
			+ CASE WHEN COALESCE(m.influence, 3) >= 4 AND (s.buying_role = 'blocker' OR COALESCE(m.attitude, 0) < 0) THEN 16 ELSE 0 END
			+ CASE WHEN s.buying_role = 'champion'
				AND COALESCE((SELECT c.last_at FROM cadence_checkins c WHERE c.org_id = s.org_id AND c.stakeholder_id = s.id), 0) < ` + quietSince + `
				AND NOT EXISTS (SELECT 1 FROM touch_stakeholders ts WHERE ts.org_id = s.org_id AND ts.stakeholder_id = s.id AND ts.occurred_at >= ` + quietSince + `)
				THEN 32 ELSE 0 END
			ELSE 0 END
		+ CASE WHEN m.left_on >= ` + arg(today.AddDays(-o.DepartedDays).String()) + ` AND m.left_on <= ` + arg(today.String()) + `
			AND s.buying_role IN ('champion', 'decision_maker') THEN 64 ELSE 0 END)`
	stakeholders := "stakeholders s"
	if cond == "" {
		stakeholders = tx.fullScan(stakeholders)
	}
	var packed sql.NullString
	if err := tx.QueryRow(`SELECT string_agg((s.account_id * 128 + `+code+`) || ' ', '')
		FROM `+stakeholders+` LEFT JOIN stakeholder_maps m ON m.org_id = s.org_id AND m.stakeholder_id = s.id
		WHERE s.org_id = $1`+cond, args...).Scan(&packed); err != nil {
		return nil, fmt.Errorf("coverage of the stakeholders: %w", err)
	}

	// The relationships of at least weak with current stakeholders: who is
	// known (per level, and decision makers), and who holds the strong ones.
	cond, args = m.where("s.account_id")
	relationships := "relationships r"
	if cond == "" {
		relationships = tx.fullScan(relationships)
	}
	var related sql.NullString
	if err := tx.QueryRow(`SELECT string_agg(s.account_id || ' ' || s.id || ' ' || (`+level+`
			+ CASE WHEN s.buying_role = 'decision_maker' THEN 4 ELSE 0 END
			+ CASE WHEN r.strength = 'strong' THEN 8 ELSE 0 END) || ' ' || r.person_id || ' ', '')
		FROM `+relationships+`
		JOIN people p ON p.org_id = r.org_id AND p.id = r.person_id
		JOIN stakeholders s ON s.org_id = r.org_id AND s.id = r.stakeholder_id
		LEFT JOIN stakeholder_maps m ON m.org_id = s.org_id AND m.stakeholder_id = s.id
		WHERE r.org_id = $1 AND r.strength <> 'none' AND `+current+cond, append([]any{orgID}, args...)...).Scan(&related); err != nil {
		return nil, fmt.Errorf("coverage of the relationships: %w", err)
	}

	// The names, for the order of the list.
	cond, args = m.where("a.id")
	accounts := "accounts a"
	if cond == "" {
		accounts = tx.fullScan(accounts)
	}
	var names sql.NullString
	if err := tx.QueryRow(`SELECT string_agg(a.id || ' ' || octet_length(a.name) || ' ' || a.name, '')
		FROM `+accounts+` WHERE a.org_id = $1`+cond, append([]any{orgID}, args...)...).Scan(&names); err != nil {
		return nil, fmt.Errorf("coverage: account names: %w", err)
	}

	ix := make(map[int64]int, len(packed.String)/64)
	var accts []accountCoverage
	type tally struct {
		current, dms, known int32 // known: the levels of known current players, as bits
		knownDMs            int32
		strong              int64 // the one person with a strong relationship; -1 more than one
	}
	var tallies []tally
	last, lastAt := int64(0), 0 // an account's stakeholders mostly come together
	at := func(id int64) int {
		if id == last && len(accts) > 0 {
			return lastAt
		}
		i, ok := ix[id]
		if !ok {
			i = len(accts)
			ix[id] = i
			accts = append(accts, accountCoverage{id: id})
			tallies = append(tallies, tally{})
		}
		last, lastAt = id, i
		return i
	}
	var (
		departed = ruleIndex(intel.DepartedKeyPlayer)
		unknown  = ruleIndex(intel.UnknownDecisionMaker)
		blocker  = ruleIndex(intel.InfluentialBlocker)
		single   = ruleIndex(intel.SingleThreaded)
		gap      = ruleIndex(intel.LevelGap)
		quiet    = ruleIndex(intel.QuietChampion)
	)
	for s := packed.String; len(s) > 0; {
		var v int64
		var err error
		if v, s, err = cutInt(s); err != nil {
			return nil, fmt.Errorf("coverage of the stakeholders: %w", err)
		}
		id, c := v/128, v%128
		if c < 4 {
			continue // gone, and not lately
		}
		i := at(id)
		a, t := &accts[i], &tallies[i]
		if c&4 != 0 {
			t.current++
		}
		if c&8 != 0 {
			t.dms++
		}
		if c&16 != 0 {
			a.n[blocker]++
		}
		if c&32 != 0 {
			a.n[quiet]++
		}
		if c&64 != 0 {
			a.n[departed]++
		}
	}

	knownDM := map[int64]bool{}
	for s := related.String; len(s) > 0; {
		var acct, sid, c, person int64
		var err error
		for _, p := range []*int64{&acct, &sid, &c, &person} {
			if *p, s, err = cutInt(s); err != nil {
				return nil, fmt.Errorf("coverage of the relationships: %w", err)
			}
		}
		i, ok := ix[acct]
		if !ok {
			continue // cannot be: the stakeholder is current
		}
		t := &tallies[i]
		t.known |= 1 << (c & 3)
		if c&4 != 0 && !knownDM[sid] {
			knownDM[sid] = true
			t.knownDMs++
		}
		if c&8 != 0 {
			switch t.strong {
			case 0, person:
				t.strong = person
			default:
				t.strong = -1
			}
		}
	}

	for i := range accts {
		a, t := &accts[i], &tallies[i]
		a.n[unknown] = t.dms - t.knownDMs
		if t.current > 0 {
			a.n[gap] = int32(len(account.Levels) - bits.OnesCount32(uint32(t.known)))
		}
		if t.strong > 0 {
			a.n[single] = 1
		}
	}

	for s := names.String; len(s) > 0; {
		var id, size int64
		var err error
		if id, s, err = cutInt(s); err != nil {
			return nil, fmt.Errorf("coverage: account names: %w", err)
		}
		if size, s, err = cutInt(s); err != nil || size > int64(len(s)) {
			return nil, fmt.Errorf("coverage: name of account %d: %v", id, err)
		}
		if i, ok := ix[id]; ok {
			accts[i].name = s[:size]
		}
		s = s[size:]
	}
	return accts, nil
}
