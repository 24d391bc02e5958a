package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/auth"
	"github.com/samwise-sam/samwise/internal/plan"
)

// Share links for the client: a token of 256 random bits (auth.NewTokenSecret)
// of which only the hash is stored, scoped to one version, optionally
// expiring, revocable, every view logged. Wrong tokens count as failures
// against the caller's address and are limited with auth.Limits, as
// sign-ins are.

// Errors a share link answers with. They say what happened to the link and
// nothing about the plan behind it.
var (
	ErrShareUnknown = account.Errorf(account.ENOTFOUND, "This link does not open anything. Check that it was copied whole, or ask for a new one.")
	ErrShareExpired = account.Errorf(account.ENOTFOUND, "This link has expired. Ask the person who sent it for a new one.")
	ErrShareRevoked = account.Errorf(account.ENOTFOUND, "This link was withdrawn. Ask the person who sent it for a new one.")
	ErrShareLimited = account.Errorf(account.ETOOMANY, "Too many wrong links from your address.")
)

// ShareLimits bound wrong share tokens per address: 20 within 15 minutes
// block the address for 15 minutes. Guessing a 256-bit token is hopeless
// anyway; the limit keeps scanners from hammering the database.
var ShareLimits = auth.Limits{Window: 15 * time.Minute, PerAddress: 20, Lockout: 15 * time.Minute}

const shareCols = `s.id, s.plan_id, s.version_id, v.n, s.label, s.expires_at, s.revoked_at, s.created_by, s.created_at`

func scanShare(r rowScanner, extra ...any) (plan.Share, error) {
	var s plan.Share
	var exp, rev, created int64
	err := r.Scan(append([]any{&s.ID, &s.PlanID, &s.VersionID, &s.VersionN, &s.Label, &exp, &rev, &s.CreatedBy, &created}, extra...)...)
	s.ExpiresAt, s.RevokedAt, s.CreatedAt = fromMS(exp), fromMS(rev), fromMS(created)
	return s, err
}

// CreatePlanShare makes a link to version n of a plan, which must be the
// current version. Sharing a draft or revision freezes it (it becomes
// "shared"). The token is returned once; only its hash is kept. A zero
// expiresAt never expires.
func (db *DB) CreatePlanShare(ctx context.Context, sc account.Scope, planID int64, n int, label string, expiresAt time.Time) (string, plan.Share, error) {
	label = strings.TrimSpace(label)
	if len(label) > 200 {
		return "", plan.Share{}, account.Invalid("label", "must be at most 200 characters")
	}
	secret, hash := auth.NewTokenSecret()
	var s plan.Share
	err := db.write(ctx, func(tx *Tx) error {
		if !expiresAt.IsZero() && !expiresAt.After(tx.now) {
			return account.Invalid("expires_at", "must be in the future")
		}
		p, err := tx.plan(sc.OrgID, planID)
		if err != nil {
			return err
		}
		v, err := tx.version(sc.OrgID, planID, n)
		if err != nil {
			return err
		}
		if n != p.CurrentVersion || !v.Status.Shareable() {
			return account.Errorf(account.ECONFLICT, "Only the current version can be shared; version %d is %s.", n, v.Status.Words())
		}
		if v.Status.Editable() {
			if _, err := tx.moveVersion(sc, p, n, plan.Shared); err != nil {
				return err
			}
		}
		var id int64
		if err := tx.QueryRow(`INSERT INTO plan_shares (org_id, plan_id, version_id, token_hash, label, expires_at, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, sc.OrgID, planID, v.ID, hash, label, ms(expiresAt), sc.UserID, ms(tx.now)).Scan(&id); err != nil {
			return err
		}
		if s, err = scanShare(tx.QueryRow(`SELECT `+shareCols+` FROM plan_shares s JOIN plan_versions v ON v.org_id = s.org_id AND v.id = s.version_id
			WHERE s.org_id = $1 AND s.id = $2`, sc.OrgID, id)); err != nil {
			return err
		}
		return tx.audit(sc, "create", "plan_share", id, p.AccountID, nil, &s)
	})
	if err != nil {
		return "", plan.Share{}, err
	}
	return secret, s, nil
}

// PlanShares lists a plan's links, newest first, with their view counts.
func (db *DB) PlanShares(ctx context.Context, sc account.Scope, planID int64) ([]plan.Share, error) {
	var out []plan.Share
	err := db.read(ctx, func(tx *Tx) (err error) {
		if _, err := tx.plan(sc.OrgID, planID); err != nil {
			return err
		}
		out, err = tx.shares(sc.OrgID, planID)
		return err
	})
	return out, err
}

func (tx *Tx) shares(orgID, planID int64) ([]plan.Share, error) {
	rows, err := tx.Query(`SELECT `+shareCols+`,
		(SELECT COUNT(*) FROM plan_share_views w WHERE w.org_id = s.org_id AND w.share_id = s.id),
		(SELECT COALESCE(MAX(viewed_at), 0) FROM plan_share_views w WHERE w.org_id = s.org_id AND w.share_id = s.id)
		FROM plan_shares s JOIN plan_versions v ON v.org_id = s.org_id AND v.id = s.version_id
		WHERE s.org_id = $1 AND s.plan_id = $2 ORDER BY s.created_at DESC, s.id DESC`, orgID, planID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []plan.Share
	for rows.Next() {
		var views int
		var last int64
		s, err := scanShare(rows, &views, &last)
		if err != nil {
			return nil, err
		}
		s.Views, s.LastView = views, fromMS(last)
		out = append(out, s)
	}
	return out, rows.Err()
}

// RevokePlanShare withdraws a link; it then says so to whoever opens it.
func (db *DB) RevokePlanShare(ctx context.Context, sc account.Scope, planID, shareID int64) error {
	return db.write(ctx, func(tx *Tx) error {
		p, err := tx.plan(sc.OrgID, planID)
		if err != nil {
			return err
		}
		old, err := scanShare(tx.QueryRow(`SELECT `+shareCols+` FROM plan_shares s JOIN plan_versions v ON v.org_id = s.org_id AND v.id = s.version_id
			WHERE s.org_id = $1 AND s.plan_id = $2 AND s.id = $3`, sc.OrgID, planID, shareID))
		if isNoRows(err) {
			return account.Errorf(account.ENOTFOUND, "Link %d not found.", shareID)
		}
		if err != nil {
			return err
		}
		if !old.RevokedAt.IsZero() {
			return nil
		}
		if _, err := tx.Exec(`UPDATE plan_shares SET revoked_at = $1 WHERE org_id = $2 AND id = $3`, ms(tx.now), sc.OrgID, shareID); err != nil {
			return err
		}
		nw := old
		nw.RevokedAt = tx.now
		return tx.audit(sc, "update", "plan_share", shareID, p.AccountID, &old, &nw)
	})
}

// SharedPlan is what a share link opens: one version as the client may see
// it, with the client's comments and sign-off. Content has gone through
// plan.Content.ForClient.
type SharedPlan struct {
	OrgID       int64
	AccountID   int64
	AccountName string
	Share       plan.Share
	Plan        plan.Plan
	Version     plan.Version // Content is the client's copy
	Sections    []plan.Section
	Comments    []plan.Comment // on this version, from the client
	SignOff     *plan.SignOff
}

// OpenSharedPlan opens a share link for someone at address and logs the view.
// It answers ErrShareUnknown, ErrShareExpired, ErrShareRevoked or
// ErrShareLimited, each saying nothing of the plan.
func (db *DB) OpenSharedPlan(ctx context.Context, token, address string) (SharedPlan, error) {
	var sp SharedPlan
	var failed bool
	err := db.write(ctx, func(tx *Tx) (err error) {
		sp, failed, err = tx.sharedPlan(token, address)
		if err != nil || failed {
			return err
		}
		_, err = tx.Exec(`INSERT INTO plan_share_views (org_id, share_id, viewed_at, address) VALUES ($1, $2, $3, $4)`,
			sp.OrgID, sp.Share.ID, ms(tx.now), address)
		return err
	})
	if err == nil && failed {
		err = ErrShareUnknown
	}
	return sp, err
}

// sharedPlan looks a token up. A token that is malformed or unknown is
// recorded as a failure of the address (failed true, nil error, so the
// caller commits the record); a locked-out address is refused before any
// look-up.
func (tx *Tx) sharedPlan(token, address string) (SharedPlan, bool, error) {
	var sp SharedPlan
	since := tx.now.Add(-ShareLimits.Lookback())
	if _, err := tx.Exec(`DELETE FROM plan_share_failures WHERE at < $1`, ms(since)); err != nil {
		return sp, false, err
	}
	rows, err := tx.Query(`SELECT at FROM plan_share_failures WHERE address = $1 AND at >= $2`, address, ms(since))
	if err != nil {
		return sp, false, err
	}
	var attempts []auth.Attempt
	for rows.Next() {
		var at int64
		if err := rows.Scan(&at); err != nil {
			rows.Close()
			return sp, false, err
		}
		attempts = append(attempts, auth.Attempt{Address: address, At: fromMS(at)})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return sp, false, err
	}
	if ShareLimits.Check("", address, attempts, tx.now).Locked() {
		return sp, false, ErrShareLimited
	}
	fail := func() (SharedPlan, bool, error) {
		_, err := tx.Exec(`INSERT INTO plan_share_failures (address, at) VALUES ($1, $2)`, address, ms(tx.now))
		return SharedPlan{}, true, err
	}
	if !auth.WellFormed(token, auth.TokenPrefix) {
		return fail()
	}
	var orgID int64
	var last int64
	row := tx.QueryRow(`SELECT s.org_id, `+shareCols+`, 0, 0 FROM plan_shares s JOIN plan_versions v ON v.org_id = s.org_id AND v.id = s.version_id
		WHERE s.token_hash = $1`, auth.HashSecret(token))
	var views int
	var share plan.Share
	var exp, rev, created int64
	err = row.Scan(&orgID, &share.ID, &share.PlanID, &share.VersionID, &share.VersionN, &share.Label, &exp, &rev, &share.CreatedBy, &created, &views, &last)
	if isNoRows(err) {
		return fail()
	}
	if err != nil {
		return sp, false, err
	}
	share.ExpiresAt, share.RevokedAt, share.CreatedAt = fromMS(exp), fromMS(rev), fromMS(created)
	switch share.State(tx.now) {
	case "revoked":
		return sp, false, ErrShareRevoked
	case "expired":
		return sp, false, ErrShareExpired
	}
	sp.OrgID, sp.Share = orgID, share
	if sp.Plan, err = tx.plan(orgID, share.PlanID); err != nil {
		return sp, false, err
	}
	sp.AccountID, sp.AccountName = sp.Plan.AccountID, sp.Plan.AccountName
	v, err := scanVersion(tx.QueryRow(`SELECT `+versionCols+` FROM plan_versions WHERE org_id = $1 AND id = $2`, orgID, share.VersionID))
	if err != nil {
		return sp, false, err
	}
	sp.Sections = v.Content.ClientSections()
	v.Content = v.Content.ForClient()
	v.Note, v.CreatedBy = "", 0 // the team's note on a version is theirs
	sp.Version = v
	all, err := tx.comments(orgID, share.PlanID)
	if err != nil {
		return sp, false, err
	}
	for _, c := range all {
		if c.VersionID == v.ID && c.FromClient {
			sp.Comments = append(sp.Comments, c)
		}
	}
	offs, err := tx.signOffs(orgID, share.PlanID)
	if err != nil {
		return sp, false, err
	}
	for i := range offs {
		if offs[i].VersionID == v.ID {
			sp.SignOff = &offs[i]
		}
	}
	return sp, false, nil
}

// clientScope is how the audit trail names the client acting through a
// link: no user, the name they typed and the link.
func clientScope(sp SharedPlan, name string) account.Scope {
	return account.Scope{OrgID: sp.OrgID, Actor: fmt.Sprintf("client %s (link %d)", name, sp.Share.ID)}
}

// CommentOnSharedPlan adds the client's comment on a section (or proposed
// change) through a link. The first comment on a shared version moves it to
// "feedback".
func (db *DB) CommentOnSharedPlan(ctx context.Context, token, address string, c *plan.Comment) error {
	if err := c.Validate(); err != nil {
		return err
	}
	var failed bool
	err := db.write(ctx, func(tx *Tx) error {
		sp, f, err := tx.sharedPlan(token, address)
		if failed = f; err != nil || f {
			return err
		}
		if !sp.Version.Status.OpenToClient() {
			return account.Errorf(account.ECONFLICT, "This version is no longer open for comments.")
		}
		open := false
		for _, s := range sp.Sections {
			open = open || s == c.Section
		}
		if !open {
			return account.Invalid("section", "is not a section of the plan")
		}
		c.PlanID, c.VersionID, c.VersionN, c.ShareID, c.FromClient, c.CreatedAt = sp.Plan.ID, sp.Version.ID, sp.Version.N, sp.Share.ID, true, tx.now
		if err := tx.QueryRow(`INSERT INTO plan_comments (org_id, plan_id, version_id, share_id, section, author, body, proposal, from_client, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9) RETURNING id`, sp.OrgID, c.PlanID, c.VersionID, c.ShareID, string(c.Section),
			c.Author, c.Body, c.Proposal, ms(tx.now)).Scan(&c.ID); err != nil {
			return err
		}
		sc := clientScope(sp, c.Author)
		if sp.Version.Status == plan.Shared {
			if _, err := tx.moveVersion(sc, sp.Plan, sp.Version.N, plan.Feedback); err != nil {
				return err
			}
		} else if _, err := tx.Exec(`UPDATE plans SET updated_at = $1 WHERE org_id = $2 AND id = $3`, ms(tx.now), sp.OrgID, sp.Plan.ID); err != nil {
			return err
		}
		return tx.audit(sc, "create", "plan_comment", c.ID, sp.AccountID, nil, c)
	})
	if err == nil && failed {
		err = ErrShareUnknown
	}
	return err
}

// SignSharedPlan records the client's sign-off of the version behind a link,
// which becomes "agreed".
func (db *DB) SignSharedPlan(ctx context.Context, token, address string, s *plan.SignOff) error {
	if err := s.Validate(); err != nil {
		return err
	}
	var failed bool
	err := db.write(ctx, func(tx *Tx) error {
		sp, f, err := tx.sharedPlan(token, address)
		if failed = f; err != nil || f {
			return err
		}
		if sp.SignOff != nil {
			return account.Errorf(account.ECONFLICT, "This version is already signed off.")
		}
		if !sp.Version.Status.OpenToClient() {
			return account.Errorf(account.ECONFLICT, "This version is no longer open for sign-off.")
		}
		s.PlanID, s.VersionID, s.ShareID, s.CreatedAt = sp.Plan.ID, sp.Version.ID, sp.Share.ID, tx.now
		if err := tx.QueryRow(`INSERT INTO plan_signoffs (org_id, plan_id, version_id, share_id, name, role, signed_on, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, sp.OrgID, s.PlanID, s.VersionID, s.ShareID, s.Name, s.Role,
			s.SignedOn.String(), ms(tx.now)).Scan(&s.ID); err != nil {
			return err
		}
		sc := clientScope(sp, s.Name)
		if _, err := tx.moveVersion(sc, sp.Plan, sp.Version.N, plan.Agreed); err != nil {
			return err
		}
		return tx.audit(sc, "create", "plan_signoff", s.ID, sp.AccountID, nil, s)
	})
	if err == nil && failed {
		err = ErrShareUnknown
	}
	return err
}

// AnswerPlanComment adds the team's answer on a section of a version (shown
// to the team beside the client's comments; the client sees the answer in the
// next version).
func (db *DB) AnswerPlanComment(ctx context.Context, sc account.Scope, planID int64, n int, c *plan.Comment) error {
	if err := c.Validate(); err != nil {
		return err
	}
	return db.write(ctx, func(tx *Tx) error {
		p, err := tx.plan(sc.OrgID, planID)
		if err != nil {
			return err
		}
		v, err := tx.version(sc.OrgID, planID, n)
		if err != nil {
			return err
		}
		c.PlanID, c.VersionID, c.VersionN, c.FromClient, c.CreatedAt = planID, v.ID, n, false, tx.now
		if err := tx.QueryRow(`INSERT INTO plan_comments (org_id, plan_id, version_id, share_id, section, author, body, proposal, from_client, created_at)
			VALUES ($1, $2, $3, 0, $4, $5, $6, $7, 0, $8) RETURNING id`, sc.OrgID, planID, v.ID, string(c.Section),
			c.Author, c.Body, c.Proposal, ms(tx.now)).Scan(&c.ID); err != nil {
			return err
		}
		return tx.audit(sc, "create", "plan_comment", c.ID, p.AccountID, nil, c)
	})
}

// PlanComments lists the comments on every version of a plan, oldest first.
func (db *DB) PlanComments(ctx context.Context, sc account.Scope, planID int64) ([]plan.Comment, error) {
	var out []plan.Comment
	err := db.read(ctx, func(tx *Tx) (err error) {
		if _, err := tx.plan(sc.OrgID, planID); err != nil {
			return err
		}
		out, err = tx.comments(sc.OrgID, planID)
		return err
	})
	return out, err
}

func (tx *Tx) comments(orgID, planID int64) ([]plan.Comment, error) {
	rows, err := tx.Query(`SELECT c.id, c.version_id, v.n, c.share_id, c.section, c.author, c.body, c.proposal, c.from_client, c.created_at
		FROM plan_comments c JOIN plan_versions v ON v.org_id = c.org_id AND v.id = c.version_id
		WHERE c.org_id = $1 AND c.plan_id = $2 ORDER BY c.created_at, c.id`, orgID, planID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []plan.Comment
	for rows.Next() {
		c := plan.Comment{PlanID: planID}
		var from, at int64
		if err := rows.Scan(&c.ID, &c.VersionID, &c.VersionN, &c.ShareID, &c.Section, &c.Author, &c.Body, &c.Proposal, &from, &at); err != nil {
			return nil, err
		}
		c.FromClient, c.CreatedAt = from != 0, fromMS(at)
		out = append(out, c)
	}
	return out, rows.Err()
}

func (tx *Tx) signOffs(orgID, planID int64) ([]plan.SignOff, error) {
	rows, err := tx.Query(`SELECT id, version_id, share_id, name, role, signed_on, created_at FROM plan_signoffs
		WHERE org_id = $1 AND plan_id = $2 ORDER BY created_at, id`, orgID, planID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []plan.SignOff
	for rows.Next() {
		s := plan.SignOff{PlanID: planID}
		var on string
		var at int64
		if err := rows.Scan(&s.ID, &s.VersionID, &s.ShareID, &s.Name, &s.Role, &on, &at); err != nil {
			return nil, err
		}
		s.SignedOn, s.CreatedAt = parseDate(on), fromMS(at)
		out = append(out, s)
	}
	return out, rows.Err()
}
