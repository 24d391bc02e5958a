package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/auth"
	"github.com/samwise-sam/samwise/internal/store"
)

type usersCmd struct {
	List   usersListCmd   `cmd:"" help:"List the users of an organisation: e-mail, role and name."`
	Create usersCreateCmd `cmd:"" help:"Add a user. Prints a generated password once, unless --password-stdin gives one."`
}

type usersListCmd struct {
	Org string `help:"Organisation slug (default: the first organisation)." placeholder:"SLUG"`
}

func (c *usersListCmd) Run(e *env) error {
	db, err := e.open()
	if err != nil {
		return err
	}
	defer db.Close()
	sc, org, err := cliScope(e, db, c.Org)
	if err != nil {
		return err
	}
	users, err := db.Users(e.ctx, sc)
	if err != nil {
		return err
	}
	if len(users) == 0 {
		fmt.Fprintf(e.stderr, "%s has no users yet; add the first administrator with: samwise users create --admin --email you@example.com\n", org.Name)
		return nil
	}
	w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "EMAIL\tROLE\tNAME\tLAST SIGN-IN")
	for _, u := range users {
		role := u.Role.Label()
		if u.Disabled {
			role += " (disabled)"
		}
		last := "never"
		if !u.LastSignInAt.IsZero() {
			last = u.LastSignInAt.Format("2006-01-02 15:04 UTC")
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", u.Email, role, u.Name, last)
	}
	return w.Flush()
}

type usersCreateCmd struct {
	Email         string `required:"" help:"E-mail address the user signs in with." placeholder:"EMAIL"`
	Name          string `help:"Full name (default: taken from the e-mail address)."`
	Role          string `help:"administrator, leader, account_manager, team_member or viewer." placeholder:"ROLE"`
	Admin         bool   `help:"Make the user an administrator (--role administrator)."`
	PasswordStdin bool   `help:"Read the password from the first line of standard input instead of generating one."`
	Org           string `help:"Organisation slug (default: the first organisation; with --admin on an empty database, a new \"default\" one)." placeholder:"SLUG"`
}

func (c *usersCreateCmd) Run(e *env) error {
	role, err := c.role()
	if err != nil {
		return err
	}
	password, generated := "", false
	if c.PasswordStdin {
		if password, err = readPassword(os.Stdin); err != nil {
			return err
		}
	} else {
		password, generated = auth.GeneratePassword(), true
	}
	if err := auth.CheckPassword(password); err != nil {
		return err
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		return err
	}

	db, err := e.open()
	if err != nil {
		return err
	}
	defer db.Close()
	sc, org, err := cliScope(e, db, c.Org)
	if account.ErrorCode(err) == account.ENOTFOUND && c.Org == "" && role == auth.RoleAdministrator {
		// First run: the first administrator brings the organisation with them.
		org = account.Organisation{Name: "My Company", Slug: "default"}
		if err = db.CreateOrganisation(e.ctx, &org); err == nil {
			sc = account.Scope{OrgID: org.ID, Actor: "cli"}
			fmt.Fprintf(e.stderr, "created organisation %q (slug %s)\n", org.Name, org.Slug)
		}
	}
	if err != nil {
		return err
	}
	u := &auth.User{Email: c.Email, Name: c.Name, Role: role, PasswordHash: hash}
	if strings.TrimSpace(u.Name) == "" {
		u.Name = nameFromEmail(c.Email)
	}
	if err := db.CreateUser(e.ctx, sc, u); err != nil {
		return fmt.Errorf("create user %s: %w", auth.NormalizeEmail(c.Email), err)
	}
	fmt.Fprintf(e.stdout, "created %s %s (%s) in %s\n", strings.ToLower(u.Role.Label()), u.Email, u.Name, org.Name)
	if u.PersonID != nil {
		fmt.Fprintf(e.stdout, "linked to person %d, who has the same e-mail\n", *u.PersonID)
	}
	if generated {
		fmt.Fprintf(e.stdout, "password: %s\n", password)
		fmt.Fprintln(e.stderr, "The password is shown only this once; pass it on safely and change it after signing in.")
	}
	return nil
}

func (c *usersCreateCmd) role() (auth.Role, error) {
	switch {
	case c.Admin && c.Role != "":
		if r, err := auth.ParseRole(c.Role); err != nil || r != auth.RoleAdministrator {
			return "", account.Invalid("role", "conflicts with --admin")
		}
		return auth.RoleAdministrator, nil
	case c.Admin:
		return auth.RoleAdministrator, nil
	case c.Role == "":
		return "", account.Invalid("role", "is required: give --role ROLE or --admin")
	}
	return auth.ParseRole(c.Role)
}

// readPassword reads one line, without its line ending, so that
// `echo "$PW" | samwise users create --password-stdin …` works.
func readPassword(r io.Reader) (string, error) {
	line, err := bufio.NewReader(io.LimitReader(r, 4*auth.MaxPasswordLength+2)).ReadString('\n')
	if err != nil && err != io.EOF {
		return "", fmt.Errorf("read password from standard input: %w", err)
	}
	line = strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
	if line == "" {
		return "", account.Invalid("password", "is empty: --password-stdin reads it from the first line of standard input")
	}
	return line, nil
}

// nameFromEmail turns "ann.lee@example.com" into "Ann Lee".
func nameFromEmail(email string) string {
	local, _, _ := strings.Cut(auth.NormalizeEmail(email), "@")
	words := strings.FieldsFunc(local, func(r rune) bool { return r == '.' || r == '_' || r == '-' || r == '+' })
	for i, w := range words {
		words[i] = strings.ToUpper(w[:1]) + w[1:]
	}
	if len(words) == 0 {
		return local
	}
	return strings.Join(words, " ")
}

// cliScope returns the scope the admin commands act in: the organisation
// named by slug, or the first one, with "cli" as the actor in the audit
// trail. ENOTFOUND when the database has no organisation yet.
func cliScope(e *env, db *store.DB, slug string) (account.Scope, account.Organisation, error) {
	var org account.Organisation
	if slug != "" {
		o, err := db.OrganisationBySlug(e.ctx, slug)
		if err != nil {
			return account.Scope{}, org, fmt.Errorf("organisation %q: %w", slug, err)
		}
		org = o
	} else {
		orgs, err := db.Organisations(e.ctx)
		if err != nil {
			return account.Scope{}, org, err
		}
		if len(orgs) == 0 {
			return account.Scope{}, org, account.Errorf(account.ENOTFOUND,
				"The database has no organisation yet; start with: samwise users create --admin --email you@example.com")
		}
		org = orgs[0]
	}
	return account.Scope{OrgID: org.ID, Actor: "cli"}, org, nil
}
