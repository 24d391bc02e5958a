package main

import (
	"context"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/auth"
)

func TestTokensAreCreatedPrintedOnceListedAndRevoked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "samwise.db")
	for _, args := range [][]string{
		{"users", "create", "--admin", "--email", "admin@example.com"},
		{"users", "create", "--role", "viewer", "--email", "vic@example.com"},
	} {
		if _, _, err := runSplit(t, path, args...); err != nil {
			t.Fatal(err)
		}
	}
	before := time.Now()
	out, errOut, err := runSplit(t, path, "tokens", "create", "--user", "Admin@Example.com", "--scope", "read-write", "--expires", "30d", "--name", "nightly sync")
	if err != nil {
		t.Fatalf("%v\n%s", err, errOut)
	}
	secret := strings.TrimSpace(out)
	if !auth.WellFormed(secret, auth.TokenPrefix) || strings.Count(out, "\n") != 1 {
		t.Fatalf("standard output should be the token alone, got %q", out)
	}
	if !strings.Contains(errOut, `"nightly sync" for admin@example.com (read-write, expires`) || !strings.Contains(errOut, "shown only this once") {
		t.Errorf("standard error: %s", errOut)
	}
	db := openDB(t, path)
	tok, u, err := db.TokenBySecret(context.Background(), secret)
	if err != nil {
		t.Fatal(err)
	}
	wantExpiry := before.Add(30 * 24 * time.Hour)
	if u.Email != "admin@example.com" || tok.Scope != auth.ScopeReadWrite || tok.ExpiresAt.Sub(wantExpiry).Abs() > time.Minute {
		t.Errorf("token = %+v of %s", tok, u.Email)
	}
	out, _, err = runSplit(t, path, "tokens", "create", "--user", "vic@example.com", "--scope", "read", "--expires", "never")
	if err != nil {
		t.Fatal(err)
	}
	vicTok, _, err := db.TokenBySecret(context.Background(), strings.TrimSpace(out))
	if err != nil || !vicTok.ExpiresAt.IsZero() || vicTok.Name != "CLI token" {
		t.Errorf("never-expiring token = %+v, %v", vicTok, err)
	}

	list, _, err := runSplit(t, path, "tokens", "list")
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile(`(?m)^` + strconv.FormatInt(tok.ID, 10) + `\s+admin@example.com\s+nightly sync\s+read-write\s+active\s+\S+ \S+\s+\d{4}-\d\d-\d\d \d\d:\d\d\s+\d{4}`)
	if !row.MatchString(list) || !strings.Contains(list, "vic@example.com") || strings.Contains(list, secret) {
		t.Errorf("tokens list:\n%s", list)
	}
	mine, _, _ := runSplit(t, path, "tokens", "list", "--user", "vic@example.com")
	if strings.Contains(mine, "admin@example.com") || !strings.Contains(mine, "vic@example.com") || !strings.Contains(mine, "never") {
		t.Errorf("tokens list --user:\n%s", mine)
	}

	out, _, err = runSplit(t, path, "tokens", "revoke", strconv.FormatInt(tok.ID, 10))
	if err != nil || !strings.Contains(out, `revoked token `+strconv.FormatInt(tok.ID, 10)+` "nightly sync" of admin@example.com`) {
		t.Errorf("revoke: %v\n%s", err, out)
	}
	if _, _, err := db.TokenBySecret(context.Background(), secret); account.ErrorCode(err) != account.EUNAUTHORIZED {
		t.Errorf("revoked token still works: %v", err)
	}
	out, _, err = runSplit(t, path, "tokens", "revoke", strconv.FormatInt(tok.ID, 10))
	if err != nil || !strings.Contains(out, "already revoked") {
		t.Errorf("revoke again: %v\n%s", err, out)
	}
	list, _, _ = runSplit(t, path, "tokens", "list")
	if !regexp.MustCompile(`nightly sync\s+read-write\s+revoked`).MatchString(list) {
		t.Errorf("list after revoke:\n%s", list)
	}
	if _, _, err := runSplit(t, path, "tokens", "revoke", "999"); account.ErrorCode(err) != account.ENOTFOUND {
		t.Errorf("revoke unknown: %v", err)
	}
}

func TestTokensCreateRejectsBadInput(t *testing.T) {
	path := filepath.Join(t.TempDir(), "samwise.db")
	if _, _, err := runSplit(t, path, "users", "create", "--admin", "--email", "admin@example.com"); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"an unknown scope", []string{"--user", "admin@example.com", "--scope", "admin"}, "read or read-write"},
		{"a bad lifetime", []string{"--user", "admin@example.com", "--scope", "read", "--expires", "soon"}, "30d"},
		{"an unknown user", []string{"--user", "nobody@example.com", "--scope", "read"}, "No user has the e-mail"},
		{"no scope", []string{"--user", "admin@example.com"}, "--scope"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, _, err := runSplit(t, path, append([]string{"tokens", "create"}, c.args...)...)
			if err == nil || !strings.Contains(err.Error(), c.want) || out != "" {
				t.Errorf("err = %v, stdout %q; want an error mentioning %q", err, out, c.want)
			}
		})
	}
}

func TestTokenLifetimes(t *testing.T) {
	day := 24 * time.Hour
	for in, want := range map[string]time.Duration{"30d": 30 * day, "2w": 14 * day, "1y": 365 * day, "12h": 12 * time.Hour,
		"90m": 90 * time.Minute, "never": 0, "0": 0, " 7D ": 7 * day} {
		if got, err := parseLifetime(in); got != want || err != nil {
			t.Errorf("parseLifetime(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "d", "-1d", "30s", "11y", "99999999999999y", "tomorrow", "1.5d"} {
		if _, err := parseLifetime(in); err == nil {
			t.Errorf("parseLifetime(%q) succeeded", in)
		}
	}
}
