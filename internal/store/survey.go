package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/auth"
	"github.com/samwise-sam/samwise/internal/measure"
)

// NPS survey campaigns, their personal invitations, answers and detractor
// follow-ups (tables of 00012_measures.sql; rules in package measure).

// CampaignSummary is a campaign with its counts.
//
// The response rate is respondents ÷ invitations sent (docs/measures.md).
// An invitation answered on paper or by phone before the mailing sent it
// (RecordReceivedAnswer uses it up, so it is never sent) reached its
// contact all the same: it counts as sent, so the answered invitations are
// always among the sent ones and the rate never exceeds 100%. Answers of
// contacts who had no invitation (not key contacts, or added since) are
// counted apart, in Uninvited: they are in the NPS, not in the rate.
type CampaignSummary struct {
	measure.Campaign
	Invited   int `json:"invited"`   // invitations created
	Sent      int `json:"sent"`      // of those, sent — or answered otherwise before they went out
	Responded int `json:"responded"` // of those, answered
	Uninvited int `json:"uninvited"` // contacts who answered without an invitation of the campaign
}

// ResponseRate is respondents ÷ invitations sent (an invitation answered
// before it went out counts as sent).
func (c CampaignSummary) ResponseRate() float64 { return measure.ResponseRate(c.Sent, c.Responded) }

// RatePercent is the response rate in whole percent.
func (c CampaignSummary) RatePercent() int { return int(c.ResponseRate()*100 + 0.5) }

const campaignCols = `id, name, year, target_tiers, target_accounts, opens_on, closes_on, status, created_at, updated_at`

func scanCampaign(r rowScanner, extra ...any) (measure.Campaign, error) {
	var c measure.Campaign
	var tiers, accts, opens, closes, status string
	var created, updated int64
	if err := r.Scan(append([]any{&c.ID, &c.Name, &c.Year, &tiers, &accts, &opens, &closes, &status, &created, &updated}, extra...)...); err != nil {
		return c, err
	}
	c.TargetTiers, c.TargetAccounts = splitList(tiers), []int64{}
	for _, s := range splitList(accts) {
		if id, err := strconv.ParseInt(s, 10, 64); err == nil {
			c.TargetAccounts = append(c.TargetAccounts, id)
		}
	}
	c.OpensOn, c.ClosesOn, c.Status = parseDate(opens), parseDate(closes), measure.CampaignStatus(status)
	c.CreatedAt, c.UpdatedAt = fromMS(created), fromMS(updated)
	return c, nil
}

func splitList(s string) []string {
	out := []string{}
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func joinIDs(ids []int64) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(s, ",")
}

// CreateCampaign validates and saves a new campaign (as a draft unless
// c.Status says otherwise; opening it creates the invitations: use
// OpenCampaign).
func (db *DB) CreateCampaign(ctx context.Context, sc account.Scope, c *measure.Campaign) error {
	c.Status = measure.Draft
	if err := c.Validate(); err != nil {
		return err
	}
	return db.write(ctx, func(tx *Tx) error {
		for i := range c.TargetAccounts {
			if err := tx.mustExist("target_accounts", "accounts", sc.OrgID, &c.TargetAccounts[i]); err != nil {
				return err
			}
		}
		c.CreatedAt, c.UpdatedAt = tx.now, tx.now
		if err := tx.QueryRow(`INSERT INTO survey_campaigns (org_id, name, year, target_tiers, target_accounts, opens_on, closes_on, status, created_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id`,
			sc.OrgID, c.Name, c.Year, strings.Join(c.TargetTiers, ","), joinIDs(c.TargetAccounts), c.OpensOn.String(), c.ClosesOn.String(),
			string(c.Status), sc.UserID, ms(tx.now)).Scan(&c.ID); err != nil {
			return err
		}
		return tx.audit(sc, "create", "survey_campaign", c.ID, 0, nil, c)
	})
}

// Campaign returns one campaign with its counts.
func (db *DB) Campaign(ctx context.Context, sc account.Scope, id int64) (CampaignSummary, error) {
	var out CampaignSummary
	err := db.read(ctx, func(tx *Tx) error {
		cs, err := tx.campaigns(sc.OrgID, id)
		if err != nil {
			return err
		}
		if len(cs) == 0 {
			return account.Errorf(account.ENOTFOUND, "There is no such survey campaign.")
		}
		out = cs[0]
		return nil
	})
	return out, err
}

// Campaigns lists the organisation's campaigns, newest first.
func (db *DB) Campaigns(ctx context.Context, sc account.Scope) ([]CampaignSummary, error) {
	var out []CampaignSummary
	err := db.read(ctx, func(tx *Tx) (err error) {
		out, err = tx.campaigns(sc.OrgID, 0)
		return err
	})
	return out, err
}

func (tx *Tx) campaigns(orgID, id int64) ([]CampaignSummary, error) {
	q := `SELECT ` + campaignCols + `,
		(SELECT COUNT(*) FROM survey_invitations i WHERE i.org_id = c.org_id AND i.campaign_id = c.id),
		(SELECT COUNT(*) FROM survey_invitations i WHERE i.org_id = c.org_id AND i.campaign_id = c.id AND (i.sent_at > 0 OR i.used_at > 0)),
		(SELECT COUNT(*) FROM survey_invitations i WHERE i.org_id = c.org_id AND i.campaign_id = c.id AND i.used_at > 0),
		(SELECT COUNT(DISTINCT r.stakeholder_id) FROM survey_responses r WHERE r.org_id = c.org_id AND r.campaign_id = c.id
			AND NOT EXISTS (SELECT 1 FROM survey_invitations i WHERE i.org_id = r.org_id AND i.campaign_id = r.campaign_id AND i.stakeholder_id = r.stakeholder_id))
		FROM survey_campaigns c WHERE c.org_id = $1`
	args := []any{orgID}
	if id != 0 {
		q += ` AND c.id = $2`
		args = append(args, id)
	}
	q += ` ORDER BY c.year DESC, c.id DESC`
	out := []CampaignSummary{}
	err := tx.each(q, args, func(r *sql.Rows) error {
		var s CampaignSummary
		var err error
		s.Campaign, err = scanCampaign(r, &s.Invited, &s.Sent, &s.Responded, &s.Uninvited)
		out = append(out, s)
		return err
	})
	return out, err
}

// OpenCampaign opens a campaign and creates an invitation for every key
// contact (measure.IsKeyContact) with an e-mail address of its target
// accounts; the scheduled mailing sends them. Opening an open campaign
// again invites key contacts added since. It returns how many invitations
// were created.
func (db *DB) OpenCampaign(ctx context.Context, sc account.Scope, id int64) (int, error) {
	created := 0
	err := db.write(ctx, func(tx *Tx) error {
		cs, err := tx.campaigns(sc.OrgID, id)
		if err != nil {
			return err
		}
		if len(cs) == 0 {
			return account.Errorf(account.ENOTFOUND, "There is no such survey campaign.")
		}
		c := cs[0].Campaign
		if c.Status == measure.Closed {
			return account.Errorf(account.ECONFLICT, "The campaign is closed.")
		}
		if c.ClosesOn.Before(account.DateOf(tx.now)) {
			return account.Invalid("closes_on", "has passed: the campaign can no longer be opened")
		}
		accounts := map[int64]bool{}
		tiers := map[string]bool{}
		for _, t := range c.TargetTiers {
			tiers[t] = true
		}
		for _, a := range c.TargetAccounts {
			accounts[a] = true
		}
		everyone := len(tiers) == 0 && len(accounts) == 0
		type target struct {
			id, account int64
			email       string
		}
		var targets []target
		err = tx.each(`SELECT s.id, s.account_id, s.email, s.level, s.buying_role, s.active, COALESCE(p.tier, ''), a.lifecycle
			FROM stakeholders s JOIN accounts a ON a.org_id = s.org_id AND a.id = s.account_id
			LEFT JOIN portfolio_accounts p ON p.org_id = s.org_id AND p.account_id = s.account_id
			WHERE s.org_id = $1 AND s.active = $2 AND s.email <> '' ORDER BY s.account_id, s.id`, []any{sc.OrgID, true},
			func(r *sql.Rows) error {
				var st account.Stakeholder
				var tier, lifecycle string
				if err := r.Scan(&st.ID, &st.AccountID, &st.Email, &st.Level, &st.BuyingRole, &st.Active, &tier, &lifecycle); err != nil {
					return err
				}
				in := accounts[st.AccountID] || tiers[tier] || (everyone && lifecycle == string(account.Customer))
				if in && measure.IsKeyContact(st) {
					targets = append(targets, target{st.ID, st.AccountID, st.Email})
				}
				return nil
			})
		if err != nil {
			return err
		}
		for _, t := range targets {
			res, err := tx.Exec(`INSERT INTO survey_invitations (org_id, campaign_id, account_id, stakeholder_id, email, created_at)
				VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (org_id, campaign_id, stakeholder_id) DO NOTHING`,
				sc.OrgID, c.ID, t.account, t.id, t.email, ms(tx.now))
			if err != nil {
				return err
			}
			n, _ := res.RowsAffected()
			created += int(n)
		}
		if _, err := tx.Exec(`UPDATE survey_campaigns SET status = 'open', updated_at = $1 WHERE org_id = $2 AND id = $3`,
			ms(tx.now), sc.OrgID, c.ID); err != nil {
			return err
		}
		return tx.auditRaw(sc, "open", "survey_campaign", c.ID, 0, map[string]Change{
			"status": {Old: string(c.Status), New: string(measure.Open)}, "invitations": {Old: nil, New: created}})
	})
	return created, err
}

// CloseCampaign stops a campaign: its links no longer accept answers.
func (db *DB) CloseCampaign(ctx context.Context, sc account.Scope, id int64) error {
	return db.write(ctx, func(tx *Tx) error {
		var status string
		err := tx.QueryRow(`SELECT status FROM survey_campaigns WHERE org_id = $1 AND id = $2`, sc.OrgID, id).Scan(&status)
		if isNoRows(err) {
			return account.Errorf(account.ENOTFOUND, "There is no such survey campaign.")
		}
		if err != nil {
			return err
		}
		if status == string(measure.Closed) {
			return nil
		}
		if _, err := tx.Exec(`UPDATE survey_campaigns SET status = 'closed', updated_at = $1 WHERE org_id = $2 AND id = $3`,
			ms(tx.now), sc.OrgID, id); err != nil {
			return err
		}
		return tx.auditRaw(sc, "close", "survey_campaign", id, 0, map[string]Change{"status": {Old: status, New: string(measure.Closed)}})
	})
}

// ClaimInvitations implements measure.Surveys.
func (db *DB) ClaimInvitations(ctx context.Context, now time.Time, limit int) ([]measure.Outgoing, error) {
	return db.claim(ctx, now, limit, false)
}

// ClaimReminders implements measure.Surveys.
func (db *DB) ClaimReminders(ctx context.Context, now time.Time, limit int) ([]measure.Outgoing, error) {
	return db.claim(ctx, now, limit, true)
}

func (db *DB) claim(ctx context.Context, now time.Time, limit int, reminder bool) ([]measure.Outgoing, error) {
	var out []measure.Outgoing
	today := account.DateOf(now.UTC()).String()
	err := db.write(ctx, func(tx *Tx) error {
		q := `SELECT i.org_id, i.id, i.account_id, i.stakeholder_id, i.email, s.name, a.name, c.name, o.name, c.closes_on
			FROM survey_invitations i
			JOIN survey_campaigns c ON c.org_id = i.org_id AND c.id = i.campaign_id
			JOIN stakeholders s ON s.org_id = i.org_id AND s.id = i.stakeholder_id
			JOIN accounts a ON a.org_id = i.org_id AND a.id = i.account_id
			JOIN orgs o ON o.id = i.org_id
			WHERE c.status = 'open' AND c.opens_on <= $1 AND c.closes_on >= $1 AND i.used_at = 0 AND `
		args := []any{today}
		if reminder {
			q += `i.sent_at > 0 AND i.sent_at <= $2 AND i.reminder_sent_at = 0`
			args = append(args, ms(now.Add(-measure.ReminderAfter)))
		} else {
			q += `i.sent_at = 0`
		}
		q += ` ORDER BY i.org_id, i.id LIMIT ` + itoa(limit)
		var closes []string
		if err := tx.each(q, args, func(r *sql.Rows) error {
			var o measure.Outgoing
			var close string
			if err := r.Scan(&o.OrgID, &o.InvitationID, &o.AccountID, &o.StakeholderID, &o.Email, &o.Name, &o.AccountName, &o.CampaignName, &o.OrgName, &close); err != nil {
				return err
			}
			o.Reminder = reminder
			out = append(out, o)
			closes = append(closes, close)
			return nil
		}); err != nil {
			return err
		}
		col := "sent_at"
		if reminder {
			col = "reminder_sent_at"
		}
		perOrg := map[int64]int{}
		for i := range out {
			o := &out[i]
			var hash string
			o.Token, hash = measure.NewToken()
			o.Expires = measure.Campaign{ClosesOn: parseDate(closes[i])}.Expiry()
			if _, err := tx.Exec(`UPDATE survey_invitations SET token_hash = $1, expires_at = $2, `+col+` = $3, last_error = ''
				WHERE org_id = $4 AND id = $5`, hash, ms(o.Expires), ms(now), o.OrgID, o.InvitationID); err != nil {
				return err
			}
			perOrg[o.OrgID]++
		}
		action := "send_invitations"
		if reminder {
			action = "send_reminders"
		}
		for org, n := range perOrg {
			if err := tx.auditRaw(account.Scope{OrgID: org, Actor: "survey mailing"}, action, "survey_invitation", 0, 0,
				map[string]Change{"count": {Old: nil, New: n}}); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// SendFailed implements measure.Surveys: the invitation (or reminder) is
// unclaimed, with the reason, to be tried on the next run.
func (db *DB) SendFailed(ctx context.Context, o measure.Outgoing, reason string) error {
	col := "sent_at"
	if o.Reminder {
		col = "reminder_sent_at"
	}
	if len(reason) > 500 {
		reason = reason[:500]
	}
	return db.write(ctx, func(tx *Tx) error {
		_, err := tx.Exec(`UPDATE survey_invitations SET `+col+` = 0, last_error = $1 WHERE org_id = $2 AND id = $3`,
			reason, o.OrgID, o.InvitationID)
		return err
	})
}

// SurveyLink is what a respondent's link shows.
type SurveyLink struct {
	State        measure.LinkState
	OrgName      string
	CampaignName string
	ContactName  string
	AccountName  string
}

type linkRow struct {
	SurveyLink
	orgID, invitationID, campaignID, accountID, stakeholderID int64
	keyContact                                                bool
}

func (tx *Tx) surveyLink(token string) (linkRow, error) {
	var l linkRow
	l.State = measure.LinkUnknown
	if !measure.TokenWellFormed(token) {
		return l, nil
	}
	var expires, used int64
	var status, opens, closes, level, role string
	var active bool
	err := tx.QueryRow(`SELECT i.org_id, i.id, i.campaign_id, i.account_id, i.stakeholder_id, i.expires_at, i.used_at,
			c.status, c.opens_on, c.closes_on, c.name, o.name, s.name, a.name, s.level, s.buying_role, s.active
		FROM survey_invitations i
		JOIN survey_campaigns c ON c.org_id = i.org_id AND c.id = i.campaign_id
		JOIN orgs o ON o.id = i.org_id
		JOIN stakeholders s ON s.org_id = i.org_id AND s.id = i.stakeholder_id
		JOIN accounts a ON a.org_id = i.org_id AND a.id = i.account_id
		WHERE i.token_hash = $1`, auth.HashSecret(token)).
		Scan(&l.orgID, &l.invitationID, &l.campaignID, &l.accountID, &l.stakeholderID, &expires, &used,
			&status, &opens, &closes, &l.CampaignName, &l.OrgName, &l.ContactName, &l.AccountName, &level, &role, &active)
	if isNoRows(err) {
		return linkRow{SurveyLink: SurveyLink{State: measure.LinkUnknown}}, nil
	}
	if err != nil {
		return l, err
	}
	l.keyContact = measure.IsKeyContact(account.Stakeholder{Level: account.Level(level), BuyingRole: account.BuyingRole(role), Active: active})
	c := measure.Campaign{Status: measure.CampaignStatus(status), OpensOn: parseDate(opens), ClosesOn: parseDate(closes)}
	switch {
	case used > 0:
		l.State = measure.LinkUsed
	case !tx.now.Before(fromMS(expires)) || !c.AcceptsAnswers(account.DateOf(tx.now)):
		l.State = measure.LinkExpired
	default:
		l.State = measure.LinkOK
	}
	return l, nil
}

// SurveyLinkByToken looks a respondent's link up (no sign-in: the secret is
// the credential).
func (db *DB) SurveyLinkByToken(ctx context.Context, token string) (SurveyLink, error) {
	var out SurveyLink
	err := db.read(ctx, func(tx *Tx) error {
		l, err := tx.surveyLink(token)
		out = l.SurveyLink
		return err
	})
	return out, err
}

// AnswerSurvey records the answer given through a link, once: the link is
// used up in the same transaction. A detractor's answer creates a
// follow-up for the account's manager. It returns the link's state before
// the answer (LinkOK when the answer was recorded).
func (db *DB) AnswerSurvey(ctx context.Context, token string, score int, comment string) (measure.LinkState, error) {
	comment = strings.TrimSpace(comment)
	if err := measure.ValidateAnswer(score, comment); err != nil {
		return measure.LinkOK, err
	}
	state := measure.LinkUnknown
	err := db.write(ctx, func(tx *Tx) error {
		l, err := tx.surveyLink(token)
		if err != nil {
			return err
		}
		state = l.State
		if l.State != measure.LinkOK {
			return nil
		}
		res, err := tx.Exec(`UPDATE survey_invitations SET used_at = $1 WHERE org_id = $2 AND id = $3 AND used_at = 0`,
			ms(tx.now), l.orgID, l.invitationID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			state = measure.LinkUsed
			return nil
		}
		sc := account.Scope{OrgID: l.orgID, Actor: "survey respondent " + l.ContactName}
		var id int64
		if err := tx.QueryRow(`INSERT INTO survey_responses (org_id, campaign_id, invitation_id, account_id, stakeholder_id, key_contact, score, comment, answered_at, channel)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
			l.orgID, l.campaignID, l.invitationID, l.accountID, l.stakeholderID, l.keyContact, score, comment, ms(tx.now), ChannelLink).Scan(&id); err != nil {
			return err
		}
		if err := tx.auditRaw(sc, "answer", "survey_response", id, l.accountID, map[string]Change{
			"score": {New: score}, "comment": {New: comment}, "stakeholder_id": {New: l.stakeholderID}}); err != nil {
			return err
		}
		if measure.CategoryOf(score) != measure.Detractor {
			return nil
		}
		return tx.addFollowUp(sc, l.accountID, id)
	})
	return state, err
}

func (tx *Tx) addFollowUp(sc account.Scope, accountID, responseID int64) error {
	var owner sql.NullInt64
	if err := tx.QueryRow(`SELECT owner_id FROM accounts WHERE org_id = $1 AND id = $2`, sc.OrgID, accountID).Scan(&owner); err != nil {
		return err
	}
	var fid int64
	if err := tx.QueryRow(`INSERT INTO survey_follow_ups (org_id, account_id, response_id, owner_id, created_at)
		VALUES ($1, $2, $3, $4, $5) RETURNING id`, sc.OrgID, accountID, responseID, owner.Int64, ms(tx.now)).Scan(&fid); err != nil {
		return err
	}
	return tx.auditRaw(sc, "create", "survey_follow_up", fid, accountID, map[string]Change{
		"response_id": {New: responseID}, "owner_id": {New: owner.Int64}, "status": {New: "open"}})
}

// SurveyLinkFailures returns when the address looked up unknown survey
// links since the given instant (for the rate limit).
func (db *DB) SurveyLinkFailures(ctx context.Context, address string, since time.Time) ([]time.Time, error) {
	var out []time.Time
	err := db.read(ctx, func(tx *Tx) error {
		return tx.each(`SELECT at FROM survey_link_attempts WHERE address = $1 AND at >= $2 ORDER BY at`,
			[]any{address, ms(since)}, func(r *sql.Rows) error {
				var at int64
				err := r.Scan(&at)
				out = append(out, fromMS(at))
				return err
			})
	})
	return out, err
}

// RecordSurveyLinkFailure notes a look-up of an unknown link, and forgets
// failures older than a day.
func (db *DB) RecordSurveyLinkFailure(ctx context.Context, address string) error {
	return db.write(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(`DELETE FROM survey_link_attempts WHERE at < $1`, ms(tx.now.Add(-24*time.Hour))); err != nil {
			return err
		}
		_, err := tx.Exec(`INSERT INTO survey_link_attempts (address, at) VALUES ($1, $2)`, address, ms(tx.now))
		return err
	})
}

// SurveyAnswer is an answer with the names people read.
type SurveyAnswer struct {
	measure.Answer
	ID           int64  `json:"id"`
	Comment      string `json:"comment"`
	Channel      string `json:"channel"` // link, paper, phone, other (survey_answers.go)
	AccountName  string `json:"account_name"`
	ContactName  string `json:"contact_name"`
	ManagerName  string `json:"manager_name"`
	CampaignName string `json:"campaign_name"`
}

// AnswerFilter narrows SurveyAnswers.
type AnswerFilter struct {
	ID         int64 // one answer
	CampaignID int64
	AccountID  int64
	VisibleTo  int64 // need-to-know: only accounts this person owns or is on the team of
}

// SurveyAnswers returns answers with the account's current tier and
// manager (the groups NPS is shown by), oldest first.
func (db *DB) SurveyAnswers(ctx context.Context, sc account.Scope, f AnswerFilter) ([]SurveyAnswer, error) {
	out := []SurveyAnswer{}
	err := db.read(ctx, func(tx *Tx) error {
		q := `SELECT r.id, r.campaign_id, r.stakeholder_id, r.account_id, COALESCE(p.tier, ''), COALESCE(a.owner_id, 0), c.year,
				r.score, r.answered_at, r.key_contact, r.comment, r.channel, a.name, COALESCE(s.name, ''), COALESCE(m.name, ''), c.name
			FROM survey_responses r
			JOIN survey_campaigns c ON c.org_id = r.org_id AND c.id = r.campaign_id
			JOIN accounts a ON a.org_id = r.org_id AND a.id = r.account_id
			LEFT JOIN portfolio_accounts p ON p.org_id = r.org_id AND p.account_id = r.account_id
			LEFT JOIN stakeholders s ON s.org_id = r.org_id AND s.id = r.stakeholder_id
			LEFT JOIN people m ON m.org_id = a.org_id AND m.id = a.owner_id
			WHERE r.org_id = $1`
		args := []any{sc.OrgID}
		if f.ID != 0 {
			args = append(args, f.ID)
			q += ` AND r.id = $` + itoa(len(args))
		}
		if f.CampaignID != 0 {
			args = append(args, f.CampaignID)
			q += ` AND r.campaign_id = $` + itoa(len(args))
		}
		if f.AccountID != 0 {
			args = append(args, f.AccountID)
			q += ` AND r.account_id = $` + itoa(len(args))
		}
		if f.VisibleTo != 0 {
			args = append(args, f.VisibleTo)
			n := itoa(len(args))
			q += ` AND r.account_id IN (SELECT id FROM accounts WHERE org_id = $1 AND owner_id = $` + n +
				` UNION SELECT account_id FROM account_team WHERE org_id = $1 AND person_id = $` + n + `)`
		}
		q += ` ORDER BY r.answered_at, r.id`
		return tx.each(q, args, func(r *sql.Rows) error {
			var a SurveyAnswer
			var at int64
			if err := r.Scan(&a.ID, &a.CampaignID, &a.RespondentID, &a.AccountID, &a.Tier, &a.ManagerID, &a.Year,
				&a.Score, &at, &a.KeyContact, &a.Comment, &a.Channel, &a.AccountName, &a.ContactName, &a.ManagerName, &a.CampaignName); err != nil {
				return err
			}
			a.At = fromMS(at)
			out = append(out, a)
			return nil
		})
	})
	return out, err
}

// Answers returns the measure.Answer of each SurveyAnswer.
func Answers(sa []SurveyAnswer) []measure.Answer {
	out := make([]measure.Answer, len(sa))
	for i, a := range sa {
		out[i] = a.Answer
	}
	return out
}

// FollowUp is a detractor's follow-up task.
type FollowUp struct {
	ID          int64     `json:"id"`
	AccountID   int64     `json:"account_id"`
	AccountName string    `json:"account_name"`
	ResponseID  int64     `json:"response_id"`
	OwnerID     int64     `json:"owner_id"`
	OwnerName   string    `json:"owner_name"`
	ContactName string    `json:"contact_name"`
	Score       int       `json:"score"`
	Comment     string    `json:"comment"`
	Status      string    `json:"status"` // open, done
	Note        string    `json:"note"`
	CreatedAt   time.Time `json:"created_at"`
	ClosedAt    time.Time `json:"closed_at"`
}

// FollowUpFilter narrows FollowUps.
type FollowUpFilter struct {
	AccountID int64
	OpenOnly  bool
	VisibleTo int64
	Limit     int // 0: 200
}

// FollowUps lists detractor follow-ups, open ones first, newest first.
func (db *DB) FollowUps(ctx context.Context, sc account.Scope, f FollowUpFilter) ([]FollowUp, error) {
	out := []FollowUp{}
	if f.Limit <= 0 {
		f.Limit = 200
	}
	err := db.read(ctx, func(tx *Tx) error {
		q := `SELECT f.id, f.account_id, a.name, f.response_id, f.owner_id, COALESCE(m.name, ''), COALESCE(s.name, ''), r.score, r.comment,
				f.status, f.note, f.created_at, f.closed_at
			FROM survey_follow_ups f
			JOIN accounts a ON a.org_id = f.org_id AND a.id = f.account_id
			JOIN survey_responses r ON r.org_id = f.org_id AND r.id = f.response_id
			LEFT JOIN stakeholders s ON s.org_id = r.org_id AND s.id = r.stakeholder_id
			LEFT JOIN people m ON m.org_id = f.org_id AND m.id = f.owner_id
			WHERE f.org_id = $1`
		args := []any{sc.OrgID}
		if f.AccountID != 0 {
			args = append(args, f.AccountID)
			q += ` AND f.account_id = $` + itoa(len(args))
		}
		if f.OpenOnly {
			q += ` AND f.status = 'open'`
		}
		if f.VisibleTo != 0 {
			args = append(args, f.VisibleTo)
			n := itoa(len(args))
			q += ` AND f.account_id IN (SELECT id FROM accounts WHERE org_id = $1 AND owner_id = $` + n +
				` UNION SELECT account_id FROM account_team WHERE org_id = $1 AND person_id = $` + n + `)`
		}
		q += ` ORDER BY CASE WHEN f.status = 'open' THEN 0 ELSE 1 END, f.created_at DESC, f.id DESC LIMIT ` + itoa(f.Limit)
		return tx.each(q, args, func(r *sql.Rows) error {
			var x FollowUp
			var created, closed int64
			if err := r.Scan(&x.ID, &x.AccountID, &x.AccountName, &x.ResponseID, &x.OwnerID, &x.OwnerName, &x.ContactName, &x.Score, &x.Comment,
				&x.Status, &x.Note, &created, &closed); err != nil {
				return err
			}
			x.CreatedAt, x.ClosedAt = fromMS(created), fromMS(closed)
			out = append(out, x)
			return nil
		})
	})
	return out, err
}

// FollowUpAccount returns the account a follow-up belongs to.
func (db *DB) FollowUpAccount(ctx context.Context, sc account.Scope, id int64) (int64, error) {
	var acct int64
	err := db.read(ctx, func(tx *Tx) error {
		err := tx.QueryRow(`SELECT account_id FROM survey_follow_ups WHERE org_id = $1 AND id = $2`, sc.OrgID, id).Scan(&acct)
		if isNoRows(err) {
			return account.Errorf(account.ENOTFOUND, "There is no such follow-up.")
		}
		return err
	})
	return acct, err
}

// CloseFollowUp marks a follow-up done with what was done.
func (db *DB) CloseFollowUp(ctx context.Context, sc account.Scope, id int64, note string) error {
	note = strings.TrimSpace(note)
	if len(note) > 2000 {
		return account.Invalid("note", "must be at most 2000 characters")
	}
	return db.write(ctx, func(tx *Tx) error {
		var acct int64
		var status, old string
		err := tx.QueryRow(`SELECT account_id, status, note FROM survey_follow_ups WHERE org_id = $1 AND id = $2`, sc.OrgID, id).Scan(&acct, &status, &old)
		if isNoRows(err) {
			return account.Errorf(account.ENOTFOUND, "There is no such follow-up.")
		}
		if err != nil {
			return err
		}
		if status == "done" {
			return account.Errorf(account.ECONFLICT, "The follow-up is already done.")
		}
		if _, err := tx.Exec(`UPDATE survey_follow_ups SET status = 'done', note = $1, closed_at = $2, closed_by = $3 WHERE org_id = $4 AND id = $5`,
			note, ms(tx.now), sc.UserID, sc.OrgID, id); err != nil {
			return err
		}
		return tx.auditRaw(sc, "close", "survey_follow_up", id, acct, map[string]Change{
			"status": {Old: status, New: "done"}, "note": {Old: old, New: note}})
	})
}

// LastKeyContactAnswers returns, per account, the day of the latest answer
// from a key contact (check 10 of the grader).
func (tx *Tx) lastKeyContactAnswers(orgID int64) (map[int64]time.Time, error) {
	m, err := tx.int64s(`SELECT account_id, MAX(answered_at) FROM survey_responses WHERE org_id = $1 AND key_contact = $2 GROUP BY account_id`, orgID, true)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]time.Time, len(m))
	for k, v := range m {
		out[k] = fromMS(v)
	}
	return out, nil
}

// RecordedAnswer is an answer received outside samwise (on paper, by
// phone, in an earlier tool), recorded by one of our people.
type RecordedAnswer struct {
	CampaignID    int64
	StakeholderID int64
	Score         int
	Comment       string
	At            time.Time // when it was given; zero: now
}

// RecordAnswer records an answer for a stakeholder of a campaign's
// organisation, as an answer through a link would be (a detractor's
// creates a follow-up), and returns its id. Its channel is 'link', as for
// answers recorded before channels were kept: it is how the demo fills
// campaigns. An answer typed in from paper or a call goes through
// RecordReceivedAnswer, which keeps its channel.
func (db *DB) RecordAnswer(ctx context.Context, sc account.Scope, a RecordedAnswer) (int64, error) {
	a.Comment = strings.TrimSpace(a.Comment)
	if err := measure.ValidateAnswer(a.Score, a.Comment); err != nil {
		return 0, err
	}
	var id int64
	err := db.write(ctx, func(tx *Tx) error {
		if ok, err := tx.exists("survey_campaigns", sc.OrgID, a.CampaignID); err != nil {
			return err
		} else if !ok {
			return account.Invalid("campaign_id", "refers to no survey campaign")
		}
		var acct int64
		var level, role string
		var active bool
		err := tx.QueryRow(`SELECT account_id, level, buying_role, active FROM stakeholders WHERE org_id = $1 AND id = $2`,
			sc.OrgID, a.StakeholderID).Scan(&acct, &level, &role, &active)
		if isNoRows(err) {
			return account.Invalid("stakeholder_id", "refers to no stakeholder in this organisation")
		}
		if err != nil {
			return err
		}
		at := a.At
		if at.IsZero() {
			at = tx.now
		}
		key := measure.IsKeyContact(account.Stakeholder{Level: account.Level(level), BuyingRole: account.BuyingRole(role), Active: active})
		if err := tx.QueryRow(`INSERT INTO survey_responses (org_id, campaign_id, account_id, stakeholder_id, key_contact, score, comment, answered_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
			sc.OrgID, a.CampaignID, acct, a.StakeholderID, key, a.Score, a.Comment, ms(at)).Scan(&id); err != nil {
			return err
		}
		if err := tx.auditRaw(sc, "record", "survey_response", id, acct, map[string]Change{
			"score": {New: a.Score}, "comment": {New: a.Comment}, "stakeholder_id": {New: a.StakeholderID}}); err != nil {
			return err
		}
		if measure.CategoryOf(a.Score) != measure.Detractor {
			return nil
		}
		return tx.addFollowUp(sc, acct, id)
	})
	return id, err
}
