package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/auth"
	"github.com/samwise-sam/samwise/internal/store"
)

// runSplit runs samwise against the database file db and returns standard output
// and standard error apart: tokens and passwords go to the one, advice to
// the other.
func runSplit(t *testing.T, db string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err = run(context.Background(), append([]string{"--database", db}, args...), getenvFrom(nil), &out, &errOut)
	return out.String(), errOut.String(), err
}

// withStdin makes s the process's standard input until the test ends.
func withStdin(t *testing.T, s string) {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.WriteString(s); err != nil {
		t.Fatal(err)
	}
	w.Close()
	old := os.Stdin
	os.Stdin = r
	t.Cleanup(func() { os.Stdin = old; r.Close() })
}

func openDB(t *testing.T, path string) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func signIn(t *testing.T, path, email, password string) error {
	t.Helper()
	_, err := auth.NewAuthenticator(openDB(t, path)).Authenticate(context.Background(), email, password, "127.0.0.1")
	return err
}

var printedPassword = regexp.MustCompile(`(?m)^password: (\S+)$`)

func TestTheFirstAdministratorBringsTheDefaultOrganisationAndAPrintedPassword(t *testing.T) {
	db := filepath.Join(t.TempDir(), "samwise.db")
	out, errOut, err := runSplit(t, db, "users", "create", "--admin", "--email", "Admin@Example.com")
	if err != nil {
		t.Fatalf("users create: %v\n%s%s", err, out, errOut)
	}
	if !strings.Contains(errOut, `created organisation "My Company" (slug default)`) || !strings.Contains(out, "created administrator admin@example.com (Admin) in My Company") {
		t.Errorf("output:\n%s%s", out, errOut)
	}
	m := printedPassword.FindStringSubmatch(out)
	if m == nil || len(m[1]) != 23 {
		t.Fatalf("no generated password in:\n%s", out)
	}
	if err := signIn(t, db, "admin@example.com", m[1]); err != nil {
		t.Errorf("the printed password does not sign in: %v", err)
	}

	out, _, err = runSplit(t, db, "users", "list")
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`admin@example.com\s+Administrator\s+Admin\s+\d{4}-\d\d-\d\d`).MatchString(out) {
		t.Errorf("users list:\n%s", out)
	}
	// A second administrator joins the same organisation.
	if out, errOut, err := runSplit(t, db, "users", "create", "--admin", "--email", "second@example.com"); err != nil || strings.Contains(errOut, "created organisation") {
		t.Errorf("second administrator: %v\n%s%s", err, out, errOut)
	}
	orgs, _ := openDB(t, db).Organisations(context.Background())
	if len(orgs) != 1 {
		t.Errorf("organisations = %+v", orgs)
	}
}

func TestUsersCreateReadsThePasswordFromStandardInput(t *testing.T) {
	db := filepath.Join(t.TempDir(), "samwise.db")
	withStdin(t, "correct horse battery staple\r\nignored second line\n")
	out, errOut, err := runSplit(t, db, "users", "create", "--admin", "--email", "ann.lee@example.com", "--password-stdin")
	if err != nil {
		t.Fatalf("%v\n%s%s", err, out, errOut)
	}
	if strings.Contains(out, "password:") || !strings.Contains(out, "(Ann Lee)") {
		t.Errorf("output:\n%s", out)
	}
	if err := signIn(t, db, "ann.lee@example.com", "correct horse battery staple"); err != nil {
		t.Errorf("sign in: %v", err)
	}

	withStdin(t, "too short\n")
	_, _, err = runSplit(t, db, "users", "create", "--role", "viewer", "--email", "bob@example.com", "--password-stdin")
	if account.ErrorCode(err) != account.EINVALID || !strings.Contains(err.Error(), "at least 12") {
		t.Errorf("short password: %v", err)
	}
	withStdin(t, "")
	if _, _, err := runSplit(t, db, "users", "create", "--role", "viewer", "--email", "bob@example.com", "--password-stdin"); account.ErrorCode(err) != account.EINVALID {
		t.Errorf("empty standard input: %v", err)
	}
	out, _, _ = runSplit(t, db, "users", "list")
	if strings.Contains(out, "bob@") {
		t.Errorf("a rejected user was created:\n%s", out)
	}
}

func TestUsersCreateExplainsWhatIsMissing(t *testing.T) {
	db := filepath.Join(t.TempDir(), "samwise.db")
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"no organisation yet for a non-administrator", []string{"--role", "viewer", "--email", "v@example.com"}, "no organisation yet"},
		{"no role", []string{"--email", "v@example.com"}, "--role ROLE or --admin"},
		{"an unknown role", []string{"--role", "root", "--email", "v@example.com"}, "must be one of administrator, leader"},
		{"a role that contradicts --admin", []string{"--admin", "--role", "viewer", "--email", "v@example.com"}, "conflicts with --admin"},
		{"a bad e-mail", []string{"--admin", "--email", "not-an-address"}, "e-mail address"},
		{"an unknown organisation", []string{"--admin", "--email", "v@example.com", "--org", "nope"}, `organisation "nope"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := runSplit(t, db, append([]string{"users", "create"}, c.args...)...)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err = %v, want it to mention %q", err, c.want)
			}
		})
	}
	if _, _, err := runSplit(t, db, "users", "create", "--admin", "--email", "a@example.com"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := runSplit(t, db, "users", "create", "--role", "leader", "--email", "A@example.com"); account.ErrorCode(err) != account.ECONFLICT {
		t.Errorf("duplicate e-mail: %v", err)
	}
}

func TestUsersListShowsOneOrganisationAtATime(t *testing.T) {
	path := filepath.Join(t.TempDir(), "samwise.db")
	if out, _, err := runSplit(t, path, "users", "list"); err == nil {
		t.Errorf("list on an empty database succeeded:\n%s", out)
	}
	if _, _, err := runSplit(t, path, "users", "create", "--admin", "--email", "admin@example.com"); err != nil {
		t.Fatal(err)
	}
	db := openDB(t, path)
	emea := account.Organisation{Name: "EMEA", Slug: "emea"}
	if err := db.CreateOrganisation(context.Background(), &emea); err != nil {
		t.Fatal(err)
	}
	if _, _, err := runSplit(t, path, "users", "create", "--org", "emea", "--role", "team-member", "--email", "tm@example.com", "--name", "Tam Member"); err != nil {
		t.Fatal(err)
	}
	first, _, _ := runSplit(t, path, "users", "list")
	second, _, _ := runSplit(t, path, "users", "list", "--org", "emea")
	if !strings.Contains(first, "admin@example.com") || strings.Contains(first, "tm@example.com") {
		t.Errorf("default organisation:\n%s", first)
	}
	if !regexp.MustCompile(`tm@example.com\s+Team member\s+Tam Member\s+never`).MatchString(second) || strings.Contains(second, "admin@") {
		t.Errorf("--org emea:\n%s", second)
	}
	if _, errOut, err := runSplit(t, path, "users", "list", "--org", "nowhere"); err == nil {
		t.Errorf("unknown organisation listed:\n%s", errOut)
	}
}

func TestNamesAreTakenFromTheEmailWhenNotGiven(t *testing.T) {
	for in, want := range map[string]string{"ann.lee@example.com": "Ann Lee", "BOB@example.com": "Bob", "jean-luc_picard+x@x.org": "Jean Luc Picard X", "@x": ""} {
		if got := nameFromEmail(in); got != want {
			t.Errorf("nameFromEmail(%q) = %q, want %q", in, got, want)
		}
	}
}
