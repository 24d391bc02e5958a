package auth

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
)

// memStore is an in-memory SignInStore.
type memStore struct {
	mu       sync.Mutex
	users    map[string]User
	attempts []Attempt
	audit    []string // "action email"
}

func (m *memStore) UserByEmail(_ context.Context, email string) (User, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	u, ok := m.users[email]
	if !ok {
		return User{}, account.Errorf(account.ENOTFOUND, "No such user.")
	}
	return u, nil
}

func (m *memStore) RecentSignInAttempts(_ context.Context, email, address string, since time.Time) ([]Attempt, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Attempt
	for _, a := range m.attempts {
		if (a.Email == email || a.Address == address) && !a.At.Before(since) {
			out = append(out, a)
		}
	}
	return out, nil
}

func (m *memStore) RecordSignInAttempt(_ context.Context, a Attempt, u *User) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.attempts = append(m.attempts, a)
	if u != nil {
		action := "sign_in"
		if !a.OK {
			action = "sign_in_failed " + a.Reason
		}
		m.audit = append(m.audit, action+" "+u.Email)
	}
	return nil
}

func (m *memStore) SetPassword(_ context.Context, sc account.Scope, id int64, hash string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for k, u := range m.users {
		if u.ID == id {
			u.PasswordHash = hash
			m.users[k] = u
			m.audit = append(m.audit, "set_password "+sc.Actor)
		}
	}
	return nil
}

func newTestAuthenticator(t *testing.T) (*Authenticator, *memStore, *time.Time) {
	t.Helper()
	h, err := fast.Hash("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	m := &memStore{users: map[string]User{
		"ann@example.com":  {ID: 1, OrgID: 1, Email: "ann@example.com", Role: RoleLeader, PasswordHash: h},
		"dan@example.com":  {ID: 2, OrgID: 1, Email: "dan@example.com", Role: RoleViewer, PasswordHash: h, Disabled: true},
		"sso@example.com":  {ID: 3, OrgID: 1, Email: "sso@example.com", Role: RoleViewer},
		"old@example.com":  {ID: 4, OrgID: 1, Email: "old@example.com", Role: RoleViewer, PasswordHash: "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4"},
		"bad@example.com":  {ID: 5, OrgID: 1, Email: "bad@example.com", Role: RoleViewer, PasswordHash: "$2a$10$notargon"},
		"anna@example.com": {ID: 6, OrgID: 1, Email: "anna@example.com", Role: RoleViewer, PasswordHash: h},
	}}
	now := t0
	a := NewAuthenticator(m)
	a.Params = fast
	a.Now = func() time.Time { return now }
	return a, m, &now
}

func TestSignInWithTheRightPasswordReturnsTheUser(t *testing.T) {
	a, m, _ := newTestAuthenticator(t)
	u, err := a.Authenticate(context.Background(), "  Ann@Example.com ", "correct horse battery", "10.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	if u.ID != 1 || !u.LastSignInAt.Equal(t0) {
		t.Errorf("user = %+v", u)
	}
	if len(m.attempts) != 1 || !m.attempts[0].OK || m.attempts[0].Email != "ann@example.com" || m.attempts[0].Address != "10.0.0.1" {
		t.Errorf("attempts = %+v", m.attempts)
	}
	if strings.Join(m.audit, ",") != "sign_in ann@example.com" {
		t.Errorf("audit = %v", m.audit)
	}
}

func TestWrongPasswordAndUnknownEmailGetTheSameAnswer(t *testing.T) {
	a, m, _ := newTestAuthenticator(t)
	ctx := context.Background()
	for _, c := range []struct{ email, pw string }{
		{"ann@example.com", "wrong horse battery"},
		{"nobody@example.com", "correct horse battery"},
		{"sso@example.com", ""}, // no password: password sign-in is impossible
		{"sso@example.com", "correct horse battery"},
	} {
		_, err := a.Authenticate(ctx, c.email, c.pw, "10.0.0.1")
		if !errors.Is(err, ErrBadCredentials) || account.ErrorCode(err) != account.EUNAUTHORIZED {
			t.Errorf("%s: err = %v", c.email, err)
		}
		if account.ErrorMessage(err) != "Wrong e-mail or password." {
			t.Errorf("%s: message = %q", c.email, account.ErrorMessage(err))
		}
	}
	if len(m.attempts) != 4 {
		t.Errorf("%d attempts recorded, want 4", len(m.attempts))
	}
	// Failures of known users reach the audit trail; unknown e-mails have no
	// organisation to audit in.
	want := "sign_in_failed wrong e-mail or password ann@example.com,sign_in_failed wrong e-mail or password sso@example.com,sign_in_failed wrong e-mail or password sso@example.com"
	if got := strings.Join(m.audit, ","); got != want {
		t.Errorf("audit = %s", got)
	}
}

func TestADisabledUserIsToldSoOnlyAfterTheRightPassword(t *testing.T) {
	a, _, _ := newTestAuthenticator(t)
	ctx := context.Background()
	if _, err := a.Authenticate(ctx, "dan@example.com", "wrong horse battery", "10.0.0.1"); !errors.Is(err, ErrBadCredentials) {
		t.Errorf("wrong password: %v", err)
	}
	_, err := a.Authenticate(ctx, "dan@example.com", "correct horse battery", "10.0.0.1")
	if account.ErrorCode(err) != account.EFORBIDDEN || !strings.Contains(account.ErrorMessage(err), "disabled") {
		t.Errorf("right password: %v", err)
	}
}

func TestTheSixthTryIsTurnedAwayWithTheTimeToComeBack(t *testing.T) {
	a, m, now := newTestAuthenticator(t)
	ctx := context.Background()
	for i := range 5 {
		*now = t0.Add(time.Duration(i) * time.Minute)
		if _, err := a.Authenticate(ctx, "ann@example.com", "guess", "10.0.0.1"); !errors.Is(err, ErrBadCredentials) {
			t.Fatalf("try %d: %v", i+1, err)
		}
	}
	*now = t0.Add(5 * time.Minute)
	// Even the right password is turned away while locked.
	_, err := a.Authenticate(ctx, "ann@example.com", "correct horse battery", "10.0.0.2")
	var locked *LockedError
	if !errors.As(err, &locked) || account.ErrorCode(err) != account.ETOOMANY {
		t.Fatalf("err = %v", err)
	}
	if !locked.Until.Equal(t0.Add(19*time.Minute)) || account.ErrorMessage(err) != "Too many failed sign-ins; try again after 09:19 UTC." {
		t.Errorf("locked until %v: %q", locked.Until, account.ErrorMessage(err))
	}
	if len(m.attempts) != 5 {
		t.Errorf("a turned-away attempt was recorded: %d", len(m.attempts))
	}
	// Another user from the same address is not affected.
	if _, err := a.Authenticate(ctx, "anna@example.com", "correct horse battery", "10.0.0.1"); err != nil {
		t.Errorf("other user: %v", err)
	}
	*now = t0.Add(19 * time.Minute)
	if _, err := a.Authenticate(ctx, "ann@example.com", "correct horse battery", "10.0.0.1"); err != nil {
		t.Errorf("after the lock: %v", err)
	}
}

func TestTheMessageUsesTheConfiguredTimeZone(t *testing.T) {
	a, _, now := newTestAuthenticator(t)
	a.Location = time.FixedZone("CET", 3600)
	for range 5 {
		a.Authenticate(context.Background(), "nobody@example.com", "guess", "10.0.0.1")
	}
	*now = t0.Add(time.Minute)
	_, err := a.Authenticate(context.Background(), "nobody@example.com", "guess", "10.0.0.1")
	if got := account.ErrorMessage(err); got != "Too many failed sign-ins; try again after 10:15 CET." {
		t.Errorf("message = %q", got)
	}
}

func TestAnOldHashIsUpgradedAtSignIn(t *testing.T) {
	a, m, _ := newTestAuthenticator(t)
	u, err := a.Authenticate(context.Background(), "old@example.com", "password", "10.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	stored := m.users["old@example.com"].PasswordHash
	if stored == "" || fast.NeedsRehash(stored) || u.PasswordHash != stored {
		t.Errorf("hash not upgraded: %s", stored)
	}
	if ok, _ := VerifyPassword(stored, "password"); !ok {
		t.Error("upgraded hash does not verify")
	}
	if m.audit[len(m.audit)-1] != "set_password old@example.com" {
		t.Errorf("audit = %v", m.audit)
	}
}

func TestAnUnreadableStoredHashIsAnInternalError(t *testing.T) {
	a, _, _ := newTestAuthenticator(t)
	_, err := a.Authenticate(context.Background(), "bad@example.com", "whatever it is", "10.0.0.1")
	if account.ErrorCode(err) != account.EINTERNAL || !errors.Is(err, ErrMalformedHash) {
		t.Errorf("err = %v", err)
	}
}

func TestAZeroAuthenticatorWorksWithDefaults(t *testing.T) {
	_, m, _ := newTestAuthenticator(t)
	a := &Authenticator{Store: m, Limits: DefaultLimits, Params: fast}
	if _, err := a.Authenticate(context.Background(), "ann@example.com", "correct horse battery", "10.0.0.1"); err != nil {
		t.Fatal(err)
	}
}

func TestACancelledSignInStopsWaitingForAHashingSlot(t *testing.T) {
	a, _, _ := newTestAuthenticator(t)
	a.once.Do(a.init)
	for range cap(a.slots) {
		a.slots <- struct{}{} // every slot busy
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := a.Authenticate(ctx, "ann@example.com", "correct horse battery", "10.0.0.1"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v", err)
	}
}
