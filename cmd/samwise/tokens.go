package main

import (
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/auth"
)

type tokensCmd struct {
	Create tokensCreateCmd `cmd:"" help:"Create an API token for a user and print it (once)."`
	List   tokensListCmd   `cmd:"" help:"List API tokens: who, what for, scope, status, last use."`
	Revoke tokensRevokeCmd `cmd:"" help:"Revoke an API token for good."`
}

type tokensCreateCmd struct {
	User    string `required:"" help:"E-mail of the user the token acts as." placeholder:"EMAIL"`
	Scope   string `required:"" help:"read, or read-write (never more than the user's role allows)." placeholder:"SCOPE"`
	Expires string `default:"90d" help:"Lifetime such as 30d, 12h, 2w or 1y, or \"never\"."`
	Name    string `help:"What the token is for, to recognise it in lists." default:"CLI token"`
}

func (c *tokensCreateCmd) Run(e *env) error {
	scope, err := auth.ParseTokenScope(c.Scope)
	if err != nil {
		return err
	}
	life, err := parseLifetime(c.Expires)
	if err != nil {
		return err
	}
	db, err := e.open()
	if err != nil {
		return err
	}
	defer db.Close()
	u, err := db.UserByEmail(e.ctx, c.User)
	if err != nil {
		return err
	}
	if u.Disabled {
		return account.Errorf(account.EINVALID, "%s is disabled; a token of theirs would not work.", u.Email)
	}
	t := &auth.Token{UserID: u.ID, Name: c.Name, Scope: scope}
	if life > 0 {
		t.ExpiresAt = db.Now().UTC().Add(life)
	}
	secret, err := db.CreateToken(e.ctx, account.Scope{OrgID: u.OrgID, Actor: "cli"}, t)
	if err != nil {
		return err
	}
	// The secret alone goes to standard output, so TOKEN=$(samwise tokens
	// create …) captures it; the explanation goes to standard error.
	fmt.Fprintln(e.stdout, secret)
	expires := "never expires"
	if !t.ExpiresAt.IsZero() {
		expires = "expires " + t.ExpiresAt.Format("2006-01-02 15:04 UTC")
	}
	fmt.Fprintf(e.stderr, "Token %d %q for %s (%s, %s). It is shown only this once: store it now.\n",
		t.ID, t.Name, u.Email, t.Scope.Label(), expires)
	return nil
}

// parseLifetime reads a token lifetime: a number with a unit d (days), w
// (weeks) or y (365 days), any Go duration such as 12h, or "never" (0).
func parseLifetime(s string) (time.Duration, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "never" || s == "0" {
		return 0, nil
	}
	bad := account.Invalid("expires", "must be a lifetime such as 30d, 12h, 2w or 1y, or never")
	if s == "" {
		return 0, bad
	}
	days := map[byte]time.Duration{'d': 1, 'w': 7, 'y': 365}
	var d time.Duration
	if per, ok := days[s[len(s)-1]]; ok {
		n, err := strconv.Atoi(s[:len(s)-1])
		if err != nil || n < 0 || n > 10*365 { // bounded before multiplying, so it cannot overflow
			return 0, bad
		}
		d = time.Duration(n) * per * 24 * time.Hour
	} else if parsed, err := time.ParseDuration(s); err == nil {
		d = parsed
	} else {
		return 0, bad
	}
	if d < time.Minute || d > 10*365*24*time.Hour {
		return 0, account.Invalid("expires", "must be between a minute and ten years, or never")
	}
	return d, nil
}

type tokensListCmd struct {
	User string `help:"Only this user's tokens." placeholder:"EMAIL"`
	Org  string `help:"Organisation slug (default: the user's, or the first organisation)." placeholder:"SLUG"`
}

func (c *tokensListCmd) Run(e *env) error {
	db, err := e.open()
	if err != nil {
		return err
	}
	defer db.Close()
	var sc account.Scope
	var userID int64
	if c.User != "" && c.Org == "" {
		u, err := db.UserByEmail(e.ctx, c.User)
		if err != nil {
			return err
		}
		sc, userID = account.Scope{OrgID: u.OrgID, Actor: "cli"}, u.ID
	} else {
		if sc, _, err = cliScope(e, db, c.Org); err != nil {
			return err
		}
		if c.User != "" {
			u, err := db.UserByEmail(e.ctx, c.User)
			if err != nil {
				return err
			}
			if u.OrgID != sc.OrgID {
				return account.Errorf(account.ENOTFOUND, "%s is not a user of organisation %s.", u.Email, c.Org)
			}
			userID = u.ID
		}
	}
	tokens, err := db.Tokens(e.ctx, sc, userID)
	if err != nil {
		return err
	}
	if len(tokens) == 0 {
		fmt.Fprintln(e.stderr, "no API tokens")
		return nil
	}
	now := db.Now()
	when := func(t time.Time, zero string) string {
		if t.IsZero() {
			return zero
		}
		return t.Format("2006-01-02 15:04")
	}
	w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tUSER\tNAME\tSCOPE\tSTATUS\tCREATED\tEXPIRES\tLAST USED")
	for _, t := range tokens {
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.UserEmail, t.Name, t.Scope.Label(), t.Status(now),
			when(t.CreatedAt, ""), when(t.ExpiresAt, "never"), when(t.LastUsedAt, "never"))
	}
	return w.Flush()
}

type tokensRevokeCmd struct {
	ID  int64  `arg:"" help:"The token's id (see tokens list)."`
	Org string `help:"Organisation slug (default: the first organisation)." placeholder:"SLUG"`
}

func (c *tokensRevokeCmd) Run(e *env) error {
	db, err := e.open()
	if err != nil {
		return err
	}
	defer db.Close()
	sc, _, err := cliScope(e, db, c.Org)
	if err != nil {
		return err
	}
	t, err := db.Token(e.ctx, sc, c.ID)
	if err != nil {
		return err
	}
	if !t.RevokedAt.IsZero() {
		fmt.Fprintf(e.stdout, "token %d was already revoked on %s\n", t.ID, t.RevokedAt.Format("2006-01-02 15:04 UTC"))
		return nil
	}
	if err := db.RevokeToken(e.ctx, sc, c.ID); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "revoked token %d %q of %s\n", t.ID, t.Name, t.UserEmail)
	return nil
}
