package store

import (
	"context"
	"database/sql"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/measure"
)

// The survey pages' pickers (accounts for a campaign, the contacts a
// campaign covers) search here rather than load every record, so the pages
// stay small at 100,000 accounts; and answers received on paper or by phone
// are recorded here against the campaign that covers the contact.

// PickLimit is how many matches a picker search answers at most.
const PickLimit = 20

// Pick is one match of a picker search: the record, and a line that tells
// namesakes apart.
type Pick struct {
	ID     int64  `json:"id"`
	Name   string `json:"name"`
	Detail string `json:"detail,omitempty"`
}

// likePattern is a case-insensitive LIKE pattern for q (lower-cased as
// name_key is) with its wildcards escaped, so user input is always data.
func likePattern(q string, prefix bool) string {
	p := likeExact(q)
	if prefix {
		return p + "%"
	}
	return "%" + p + "%"
}

// likeExact is a LIKE pattern matching q whole (lower-cased as name_key
// is), its wildcards escaped.
func likeExact(q string) string { return likeEscape(strings.ToLower(strings.TrimSpace(q))) }

func likeEscape(q string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(q)
}

// Pattern shapes for nameLike.
const (
	likeWhole = iota
	likePrefix
	likeContains
)

// nameLike is the condition that col (a name as typed, with no lower-cased
// key beside it) matches q ignoring case. Neither database folds the case
// of letters beyond ASCII for certain: SQLite's LIKE and lower() fold
// ASCII only, and so does PostgreSQL's lower() under the C locale. So the
// column is compared with its ASCII letters folded (by SQLite's LIKE, by
// PostgreSQL's lower()) against the forms of q a name is written in — as
// typed, in lower case, in capitals and capitalised by word ("émile zola"
// finds "Émile Zola" and "ÉMILE ZOLA") — each with its ASCII letters in
// lower case. A q of ASCII only has one form: one LIKE, as before. Names
// are compared exactly (matchRefs) after, so a LIKE that folds more only
// fetches the same candidates.
func (tx *Tx) nameLike(col, q string, shape int, args *[]any) string {
	if tx.db.dialect == Postgres {
		col = "lower(" + col + ")"
	}
	q = strings.TrimSpace(q)
	var forms []string
	for _, f := range []string{strings.ToLower(q), q, strings.ToUpper(q), titleWords(q)} {
		if f = asciiLower(f); !slices.Contains(forms, f) {
			forms = append(forms, f)
		}
	}
	or := make([]string, len(forms))
	for i, f := range forms {
		p := likeEscape(f)
		switch shape {
		case likePrefix:
			p += "%"
		case likeContains:
			p = "%" + p + "%"
		}
		*args = append(*args, p)
		or[i] = col + ` LIKE $` + itoa(len(*args)) + ` ESCAPE '\'`
	}
	if len(or) == 1 {
		return or[0]
	}
	return `(` + strings.Join(or, ` OR `) + `)`
}

// asciiLower lower-cases the ASCII letters of s only.
func asciiLower(s string) string {
	return strings.Map(func(r rune) rune {
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, s)
}

// titleWords capitalises each word of s and lower-cases the rest of it.
func titleWords(s string) string {
	var b strings.Builder
	start := true
	for _, r := range s {
		if start {
			b.WriteRune(unicode.ToUpper(r))
		} else {
			b.WriteRune(unicode.ToLower(r))
		}
		start = !unicode.IsLetter(r) && r != '\''
	}
	return b.String()
}

// visibleClause confines col (an account id) to the accounts person owns or
// is on the team of; "" when person is 0 (no need-to-know rule).
func visibleClause(col string, person int64, args *[]any) string {
	if person == 0 {
		return ""
	}
	*args = append(*args, person)
	n := itoa(len(*args))
	return ` AND ` + col + ` IN (SELECT id FROM accounts WHERE org_id = $1 AND owner_id = $` + n +
		` UNION SELECT account_id FROM account_team WHERE org_id = $1 AND person_id = $` + n + `)`
}

// SearchAccounts returns up to limit accounts whose name contains q
// (ignoring case), names that start with q first, and whether there are
// more. visibleTo applies the need-to-know rule (0: every account).
func (db *DB) SearchAccounts(ctx context.Context, sc account.Scope, q string, visibleTo int64, limit int) ([]Pick, bool, error) {
	out := []Pick{}
	if strings.TrimSpace(q) == "" {
		return out, false, nil
	}
	limit = cmpLimit(limit)
	more := false
	err := db.read(ctx, func(tx *Tx) error {
		// The matches are ranked and cut on the name index alone; only
		// the few listed are joined to their tier and manager.
		args := []any{sc.OrgID, likePattern(q, false), likePattern(q, true)}
		vis := visibleClause("id", visibleTo, &args)
		where := `a.org_id = $1 AND a.id IN (SELECT id FROM (SELECT id, CASE WHEN name_key LIKE $3 ESCAPE '\' THEN 0 ELSE 1 END AS r, name_key
			FROM accounts WHERE org_id = $1 AND name_key LIKE $2 ESCAPE '\'` + vis + ` ORDER BY r, name_key, id LIMIT ` + itoa(limit+1) + `) m)`
		var err error
		out, more, err = tx.accountPicks(where, `CASE WHEN a.name_key LIKE $3 ESCAPE '\' THEN 0 ELSE 1 END, a.name_key, a.id`, args, limit)
		return err
	})
	return out, more, err
}

func cmpLimit(limit int) int {
	if limit <= 0 || limit > 100 {
		return PickLimit
	}
	return limit
}

// accountPicks lists accounts with their tier and manager (the detail that
// tells namesakes apart), one more than limit to tell whether there are more.
func (tx *Tx) accountPicks(where, order string, args []any, limit int) ([]Pick, bool, error) {
	out := []Pick{}
	q := `SELECT a.id, a.name, COALESCE(p.tier, ''), COALESCE(m.name, ''), a.domain
		FROM accounts a
		LEFT JOIN portfolio_accounts p ON p.org_id = a.org_id AND p.account_id = a.id
		LEFT JOIN people m ON m.org_id = a.org_id AND m.id = a.owner_id
		WHERE ` + where + ` ORDER BY ` + order
	if limit > 0 {
		q += ` LIMIT ` + itoa(limit+1)
	}
	err := tx.each(q, args, func(r *sql.Rows) error {
		var p Pick
		var tier, owner, domain string
		if err := r.Scan(&p.ID, &p.Name, &tier, &owner, &domain); err != nil {
			return err
		}
		var d []string
		if tier != "" {
			d = append(d, "Tier "+tier)
		}
		if owner != "" {
			d = append(d, owner)
		}
		if domain != "" {
			d = append(d, domain)
		}
		p.Detail = strings.Join(d, " · ")
		out = append(out, p)
		return nil
	})
	if limit > 0 && len(out) > limit {
		return out[:limit], true, err
	}
	return out, false, err
}

// Match is what one typed reference (a name or an id) matched.
type Match struct {
	Ref   string
	Picks []Pick // none: unknown; more than one: ambiguous
	More  bool   // more matched than Picks lists
}

// refArgs splits references into ids and lower-cased names.
func refArgs(refs []string) (ids []int64, names []string) {
	for _, r := range refs {
		if id, err := strconv.ParseInt(strings.TrimSpace(r), 10, 64); err == nil && id > 0 {
			ids = append(ids, id)
		}
		names = append(names, strings.ToLower(strings.TrimSpace(r)))
	}
	return ids, names
}

// bindList is "$a, $b, …" for values appended to args.
func bindList[T any](vals []T, args *[]any) string {
	ps := make([]string, len(vals))
	for i, v := range vals {
		*args = append(*args, v)
		ps[i] = "$" + itoa(len(*args))
	}
	return strings.Join(ps, ", ")
}

// matchRefs sorts picks (with their lower-cased names) under the
// references they answer: an id matches by id first, else by name.
func matchRefs(refs []string, picks []Pick) []Match {
	byID := map[int64]Pick{}
	byName := map[string][]Pick{}
	for _, p := range picks {
		byID[p.ID] = p
		k := strings.ToLower(p.Name)
		byName[k] = append(byName[k], p)
	}
	out := make([]Match, len(refs))
	for i, r := range refs {
		out[i].Ref = strings.TrimSpace(r)
		if id, err := strconv.ParseInt(out[i].Ref, 10, 64); err == nil {
			if p, ok := byID[id]; ok {
				out[i].Picks = []Pick{p}
				continue
			}
		}
		out[i].Picks = byName[strings.ToLower(out[i].Ref)]
	}
	return out
}

// maxRefs bounds how many names or ids one form may type.
const maxRefs = 500

// AccountsByRef resolves account names (ignoring case) or ids typed into
// a form, among the accounts visibleTo may see.
func (db *DB) AccountsByRef(ctx context.Context, sc account.Scope, refs []string, visibleTo int64) ([]Match, error) {
	if len(refs) == 0 {
		return nil, nil
	}
	if len(refs) > maxRefs {
		return nil, account.Invalid("target_accounts", "lists more than %d accounts", maxRefs)
	}
	var picks []Pick
	err := db.read(ctx, func(tx *Tx) error {
		ids, names := refArgs(refs)
		args := []any{sc.OrgID}
		cond := `a.name_key IN (` + bindList(names, &args) + `)`
		if len(ids) > 0 {
			// ids are parsed integers: written as literals (see joinIDs).
			cond = `(` + cond + ` OR a.id IN (` + joinIDs(ids) + `))`
		}
		where := `a.org_id = $1 AND ` + cond + visibleClause("a.id", visibleTo, &args)
		var err error
		picks, _, err = tx.accountPicks(where, `a.name_key, a.id`, args, 0)
		return err
	})
	return matchRefs(refs, picks), err
}

// AccountPicks returns the accounts of ids that visibleTo may see, by name
// (to show the accounts a form has chosen).
func (db *DB) AccountPicks(ctx context.Context, sc account.Scope, ids []int64, visibleTo int64) ([]Pick, error) {
	if len(ids) == 0 {
		return []Pick{}, nil
	}
	if len(ids) > 5000 {
		return nil, account.Invalid("target_accounts", "lists more than 5000 accounts")
	}
	var out []Pick
	err := db.read(ctx, func(tx *Tx) (err error) {
		// Integers written as literals: thousands of bound variables would
		// cost SQLite time quadratic in their number.
		args := []any{sc.OrgID}
		where := `a.org_id = $1 AND a.id IN (` + joinIDs(ids) + `)` + visibleClause("a.id", visibleTo, &args)
		out, _, err = tx.accountPicks(where, `a.name_key, a.id`, args, 0)
		return err
	})
	return out, err
}

// coverage is the condition on col (an account id) for the accounts
// campaign c surveys — the same rule OpenCampaign applies: its chosen
// accounts, the accounts of its tiers, or with neither every customer
// account. For a search over many contacts (few is false) it is written as
// IN lists, built once, so the database need not join each contact to its
// account; for a check of a few contacts, as correlated look-ups by key,
// so no list of every covered account is built for them.
func coverage(col string, c measure.Campaign, args *[]any, few bool) string {
	if len(c.TargetTiers) == 0 && len(c.TargetAccounts) == 0 {
		*args = append(*args, string(account.Customer))
		n := itoa(len(*args))
		if few {
			return `EXISTS (SELECT 1 FROM accounts x WHERE x.org_id = $1 AND x.id = ` + col + ` AND x.lifecycle = $` + n + `)`
		}
		return col + ` IN (SELECT id FROM accounts WHERE org_id = $1 AND lifecycle = $` + n + `)`
	}
	var or []string
	if len(c.TargetAccounts) > 0 {
		// ids are integers from the campaign's own record: written as
		// literals, so a long list does not run into a bind-variable limit.
		or = append(or, col+` IN (`+joinIDs(c.TargetAccounts)+`)`)
	}
	if len(c.TargetTiers) > 0 {
		tiers := bindList(c.TargetTiers, args)
		if few {
			or = append(or, `EXISTS (SELECT 1 FROM portfolio_accounts x WHERE x.org_id = $1 AND x.account_id = `+col+` AND x.tier IN (`+tiers+`))`)
		} else {
			or = append(or, col+` IN (SELECT account_id FROM portfolio_accounts WHERE org_id = $1 AND tier IN (`+tiers+`))`)
		}
	}
	return `(` + strings.Join(or, " OR ") + `)`
}

const coveredFrom = ` FROM stakeholders s JOIN accounts a ON a.org_id = s.org_id AND a.id = s.account_id `

func (tx *Tx) campaign(orgID, id int64) (measure.Campaign, error) {
	c, err := scanCampaign(tx.QueryRow(`SELECT `+campaignCols+` FROM survey_campaigns WHERE org_id = $1 AND id = $2`, orgID, id))
	if isNoRows(err) {
		return c, account.Errorf(account.ENOTFOUND, "There is no such survey campaign.")
	}
	return c, err
}

// stakeholderPicks lists contacts with their title and account.
func (tx *Tx) stakeholderPicks(where, order string, args []any, limit int) ([]Pick, bool, error) {
	out := []Pick{}
	q := `SELECT s.id, s.name, s.title, a.name, s.active` + coveredFrom + `WHERE ` + where + ` ORDER BY ` + order
	if limit > 0 {
		q += ` LIMIT ` + itoa(limit+1)
	}
	err := tx.each(q, args, func(r *sql.Rows) error {
		var p Pick
		var title, acct string
		var active bool
		if err := r.Scan(&p.ID, &p.Name, &title, &acct, &active); err != nil {
			return err
		}
		d := []string{}
		if title != "" {
			d = append(d, title)
		}
		d = append(d, acct)
		if !active {
			d = append(d, "inactive")
		}
		p.Detail = strings.Join(d, " · ")
		out = append(out, p)
		return nil
	})
	if limit > 0 && len(out) > limit {
		return out[:limit], true, err
	}
	return out, false, err
}

// SearchCampaignContacts returns up to limit stakeholders of the accounts
// the campaign covers whose name contains q, names that start with q first.
func (db *DB) SearchCampaignContacts(ctx context.Context, sc account.Scope, campaignID int64, q string, visibleTo int64, limit int) ([]Pick, bool, error) {
	out := []Pick{}
	more := false
	err := db.read(ctx, func(tx *Tx) error {
		c, err := tx.campaign(sc.OrgID, campaignID)
		if err != nil || strings.TrimSpace(q) == "" {
			return err
		}
		// Ranked and cut on the contacts alone; only the few listed are
		// joined to their accounts.
		limit = cmpLimit(limit)
		args := []any{sc.OrgID}
		match := tx.nameLike("s.name", q, likeContains, &args)
		rank := `CASE WHEN ` + tx.nameLike("s.name", q, likePrefix, &args) + ` THEN 0 ELSE 1 END`
		where := `s.org_id = $1 AND s.id IN (SELECT id FROM (SELECT s.id, ` + rank + ` AS r, s.name FROM stakeholders s
			WHERE s.org_id = $1 AND ` + match + ` AND ` + coverage("s.account_id", c, &args, false) +
			visibleClause("s.account_id", visibleTo, &args) + ` ORDER BY r, s.name, s.id LIMIT ` + itoa(limit+1) + `) m)`
		out, more, err = tx.stakeholderPicks(where, rank+`, s.name, a.name, s.id`, args, limit)
		return err
	})
	return out, more, err
}

// CampaignContactByRef resolves a contact's name (ignoring case) or id
// typed into a form, among the stakeholders the campaign covers.
func (db *DB) CampaignContactByRef(ctx context.Context, sc account.Scope, campaignID int64, ref string, visibleTo int64) (Match, error) {
	var picks []Pick
	var more bool
	err := db.read(ctx, func(tx *Tx) error {
		c, err := tx.campaign(sc.OrgID, campaignID)
		if err != nil {
			return err
		}
		find := func(cond func(args *[]any) string) error {
			args := []any{sc.OrgID}
			where := `s.org_id = $1 AND ` + cond(&args) + ` AND ` + coverage("s.account_id", c, &args, true) + visibleClause("s.account_id", visibleTo, &args)
			picks, more, err = tx.stakeholderPicks(where, `s.name, a.name, s.id`, args, 50)
			return err
		}
		// An id by its key first; a name (the patterns have no wildcard:
		// an exact match, ignoring case; matchRefs keeps only the names
		// equal to ref in lower case) only when no contact has that id.
		if ids, _ := refArgs([]string{ref}); len(ids) > 0 {
			err := find(func(args *[]any) string { *args = append(*args, ids[0]); return `s.id = $2` })
			if err != nil || len(picks) > 0 {
				return err
			}
		}
		return find(func(args *[]any) string { return tx.nameLike("s.name", ref, likeWhole, args) })
	})
	m := matchRefs([]string{ref}, picks)[0]
	m.More = more && len(m.Picks) > 1
	return m, err
}

// CampaignContact returns one stakeholder the campaign covers among those
// of the accounts visibleTo may see (ENOTFOUND when it covers no such
// stakeholder).
func (db *DB) CampaignContact(ctx context.Context, sc account.Scope, campaignID, stakeholderID, visibleTo int64) (Pick, error) {
	var out Pick
	err := db.read(ctx, func(tx *Tx) error {
		c, err := tx.campaign(sc.OrgID, campaignID)
		if err != nil {
			return err
		}
		args := []any{sc.OrgID, stakeholderID}
		where := `s.org_id = $1 AND s.id = $2 AND ` + coverage("s.account_id", c, &args, true) + visibleClause("s.account_id", visibleTo, &args)
		ps, _, err := tx.stakeholderPicks(where, `s.id`, args, 1)
		if err != nil {
			return err
		}
		if len(ps) == 0 {
			return account.Errorf(account.ENOTFOUND, "The campaign covers no such contact.")
		}
		out = ps[0]
		return nil
	})
	return out, err
}

// Channels an answer reaches us through (survey_responses.channel, 00018):
// the respondent's link, or one of the others, typed in by our people.
const (
	ChannelLink  = "link"
	ChannelPaper = "paper"
	ChannelPhone = "phone"
	ChannelOther = "other"
)

// Channels lists those an answer can be recorded from, in the order forms
// offer them.
var Channels = []string{ChannelPaper, ChannelPhone, ChannelOther}

// CheckReceivedAnswer checks what can be checked of an answer without
// the database: the channel, the score, the comment's length and that
// there is a contact and a date.
func CheckReceivedAnswer(a ReceivedAnswer) error {
	var errs []account.FieldError
	if !slices.Contains(Channels, a.Channel) {
		errs = append(errs, account.FieldError{Field: "channel", Message: "must be paper, phone or other"})
	}
	if a.StakeholderID <= 0 {
		errs = append(errs, account.FieldError{Field: "stakeholder_id", Message: "must be a contact of the campaign"})
	}
	if !measure.ValidScore(a.Score) {
		errs = append(errs, account.FieldError{Field: "score", Message: "must be a whole number from 0 to 10"})
	}
	if utf8.RuneCountInString(strings.TrimSpace(a.Comment)) > measure.MaxComment {
		errs = append(errs, account.FieldError{Field: "comment", Message: "must be at most " + itoa(measure.MaxComment) + " characters"})
	}
	if a.ReceivedOn.IsZero() {
		errs = append(errs, account.FieldError{Field: "received_on", Message: "must be a date"})
	}
	if len(errs) > 0 {
		return &account.Error{Code: account.EINVALID, Message: "The answer has " + itoa(len(errs)) + " invalid field(s).", Fields: errs}
	}
	return nil
}

// ReceivedAnswer is an answer a contact gave outside their link — on
// paper, by phone — typed in by one of our people.
type ReceivedAnswer struct {
	CampaignID    int64
	StakeholderID int64
	Score         int
	Comment       string
	ReceivedOn    account.Date
	Channel       string // paper, phone, other
	VisibleTo     int64  // need-to-know: the contact's account must be one of this person's

	// Today is the day ReceivedOn may be at the latest — today where the
	// person typing it is, as the form's default date is (zero: today in
	// Loc). Loc is their time zone (nil: UTC): an answer of an earlier day
	// is stamped at its midnight there, so it lists under the day typed.
	Today account.Date
	Loc   *time.Location
}

// RecordReceivedAnswer records an answer received on paper or by phone for
// a stakeholder the campaign covers. It counts in the NPS as an answer
// through a link does (a detractor's creates a follow-up), uses up the
// contact's unanswered invitation (so neither the invitation nor a reminder
// goes out, and the response rate counts it as sent and answered), and
// keeps its channel and its comment as typed. It returns the answer's id.
func (db *DB) RecordReceivedAnswer(ctx context.Context, sc account.Scope, a ReceivedAnswer) (int64, error) {
	if err := CheckReceivedAnswer(a); err != nil {
		return 0, err
	}
	comment := strings.TrimSpace(a.Comment)
	var id int64
	err := db.write(ctx, func(tx *Tx) error {
		c, err := tx.campaign(sc.OrgID, a.CampaignID)
		if err != nil {
			return err
		}
		loc := a.Loc
		if loc == nil {
			loc = time.UTC
		}
		today := a.Today
		if today.IsZero() {
			today = account.DateOf(tx.now.In(loc))
		}
		if today.Before(a.ReceivedOn) {
			return account.Invalid("received_on", "is in the future")
		}
		if a.ReceivedOn.Before(c.OpensOn) {
			return account.Invalid("received_on", "is before the campaign opened (%s)", c.OpensOn)
		}
		args := []any{sc.OrgID, a.StakeholderID}
		var acct int64
		var level, role string
		var active bool
		err = tx.QueryRow(`SELECT s.account_id, s.level, s.buying_role, s.active`+coveredFrom+
			`WHERE s.org_id = $1 AND s.id = $2 AND `+coverage("s.account_id", c, &args, true)+visibleClause("s.account_id", a.VisibleTo, &args), args...).
			Scan(&acct, &level, &role, &active)
		if isNoRows(err) {
			return account.Invalid("stakeholder_id", "is not a contact of an account this campaign covers")
		}
		if err != nil {
			return err
		}
		at := time.Date(a.ReceivedOn.Year, a.ReceivedOn.Month, a.ReceivedOn.Day, 0, 0, 0, 0, loc)
		if a.ReceivedOn == today || tx.now.Before(at) {
			at = tx.now // so it counts as the latest answer when it is
		}
		var invitation int64
		err = tx.QueryRow(`UPDATE survey_invitations SET used_at = $1
			WHERE org_id = $2 AND campaign_id = $3 AND stakeholder_id = $4 AND used_at = 0 RETURNING id`,
			ms(tx.now), sc.OrgID, c.ID, a.StakeholderID).Scan(&invitation)
		if err != nil && !isNoRows(err) {
			return err
		}
		key := measure.IsKeyContact(account.Stakeholder{Level: account.Level(level), BuyingRole: account.BuyingRole(role), Active: active})
		if err := tx.QueryRow(`INSERT INTO survey_responses (org_id, campaign_id, invitation_id, account_id, stakeholder_id, key_contact, score, comment, answered_at, channel)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
			sc.OrgID, c.ID, invitation, acct, a.StakeholderID, key, a.Score, comment, ms(at), a.Channel).Scan(&id); err != nil {
			return err
		}
		if err := tx.auditRaw(sc, "record", "survey_response", id, acct, map[string]Change{
			"score": {New: a.Score}, "comment": {New: comment}, "stakeholder_id": {New: a.StakeholderID},
			"campaign_id": {New: c.ID}, "channel": {New: a.Channel}, "received_on": {New: a.ReceivedOn.String()}}); err != nil {
			return err
		}
		if measure.CategoryOf(a.Score) != measure.Detractor {
			return nil
		}
		return tx.addFollowUp(sc, acct, id)
	})
	return id, err
}
