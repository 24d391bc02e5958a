package auth

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
)

// SignInStore is what Authenticator needs from storage. The store package
// implements it.
type SignInStore interface {
	// UserByEmail finds a user across all organisations; ENOTFOUND if none.
	UserByEmail(ctx context.Context, email string) (User, error)
	// RecentSignInAttempts returns the attempts for email or from address
	// made at or after since.
	RecentSignInAttempts(ctx context.Context, email, address string, since time.Time) ([]Attempt, error)
	// RecordSignInAttempt stores an attempt for the limiter. When u is the
	// user the email belongs to, it also writes the audit trail ("sign_in",
	// or "sign_in_failed" with the reason) and, on success, the user's last
	// sign-in time.
	RecordSignInAttempt(ctx context.Context, a Attempt, u *User) error
	// SetPassword replaces a user's password hash.
	SetPassword(ctx context.Context, sc account.Scope, userID int64, hash string) error
}

// LockedError is returned when the rate limiter turns a sign-in away. It
// unwraps to an ETOOMANY *account.Error with the message to show; Until is
// for a Retry-After header.
type LockedError struct {
	Until time.Time
	Err   *account.Error
}

func (e *LockedError) Error() string { return e.Err.Error() }
func (e *LockedError) Unwrap() error { return e.Err }

// ErrBadCredentials is the one answer for an unknown e-mail and a wrong
// password alike, so the sign-in form does not reveal who has an account.
var ErrBadCredentials = account.Errorf(account.EUNAUTHORIZED, "Wrong e-mail or password.")

// ErrDisabled is returned, only after the right password, for a disabled user.
var ErrDisabled = account.Errorf(account.EFORBIDDEN, "This user is disabled; ask an administrator to enable it.")

// Authenticator checks e-mail and password sign-ins: it applies the rate
// limit, verifies the password, records the attempt and upgrades old hashes.
// Configure the exported fields before first use; it is safe for concurrent
// use afterwards.
type Authenticator struct {
	Store    SignInStore
	Limits   Limits
	Params   Params
	Now      func() time.Time
	Location *time.Location // for the "try again after HH:MM" message

	// slots bounds concurrent password hashes: each takes Params.Memory, so
	// a burst of sign-ins must queue rather than exhaust memory.
	slots chan struct{}
	once  sync.Once
	dummy string // a hash to verify against for unknown e-mails
}

// NewAuthenticator returns an Authenticator with the default limits and
// parameters, the system clock, UTC times in messages, and room for four
// concurrent hashes (256 MiB with DefaultParams).
func NewAuthenticator(s SignInStore) *Authenticator {
	return &Authenticator{Store: s, Limits: DefaultLimits, Params: DefaultParams, Now: time.Now,
		Location: time.UTC, slots: make(chan struct{}, 4)}
}

// Authenticate signs a user in with e-mail and password from address. It
// returns the user on success, and otherwise ErrBadCredentials
// (EUNAUTHORIZED), a *LockedError (ETOOMANY), ErrDisabled (EFORBIDDEN), or
// an internal error.
func (a *Authenticator) Authenticate(ctx context.Context, email, password, address string) (User, error) {
	a.once.Do(a.init)
	email = NormalizeEmail(email)
	now := a.Now()
	recent, err := a.Store.RecentSignInAttempts(ctx, email, address, now.Add(-a.Limits.Lookback()))
	if err != nil {
		return User{}, fmt.Errorf("sign-in attempts: %w", err)
	}
	if lock := a.Limits.Check(email, address, recent, now); lock.Locked() {
		return User{}, &LockedError{Until: lock.Until, Err: account.Errorf(account.ETOOMANY,
			"Too many failed sign-ins; try again after %s.", lock.Until.In(a.Location).Format("15:04 MST"))}
	}
	attempt := Attempt{Email: email, Address: address, At: now}

	u, err := a.Store.UserByEmail(ctx, email)
	var user *User
	switch {
	case err == nil:
		user = &u
	case account.ErrorCode(err) != account.ENOTFOUND:
		return User{}, fmt.Errorf("sign-in: %w", err)
	}
	hash := a.dummy
	if user != nil && user.PasswordHash != "" {
		hash = user.PasswordHash
	}
	// Verify even for an unknown e-mail, so the answer takes as long as for
	// a known one and timing does not reveal who has an account.
	ok, err := a.verify(ctx, hash, password)
	if err != nil {
		return User{}, fmt.Errorf("sign-in of user %d: %w", u.ID, err)
	}
	ok = ok && user != nil && user.PasswordHash != ""
	switch {
	case !ok:
		attempt.Reason = "wrong e-mail or password"
	case user.Disabled:
		attempt.Reason = "disabled"
	default:
		attempt.OK = true
	}
	if err := a.Store.RecordSignInAttempt(ctx, attempt, user); err != nil {
		return User{}, fmt.Errorf("record sign-in: %w", err)
	}
	if !ok {
		return User{}, ErrBadCredentials
	}
	if user.Disabled {
		return User{}, ErrDisabled
	}
	if a.Params.NeedsRehash(user.PasswordHash) {
		// The password is at hand only now: upgrade the hash to today's
		// parameters. A failure here must not fail the sign-in.
		if h, err := a.Params.Hash(password); err == nil {
			sc := (&Principal{User: user}).Scope()
			if a.Store.SetPassword(ctx, sc, user.ID, h) == nil {
				user.PasswordHash = h
			}
		}
	}
	user.LastSignInAt = now
	return *user, nil
}

func (a *Authenticator) init() {
	if a.slots == nil {
		a.slots = make(chan struct{}, 4)
	}
	if a.Location == nil {
		a.Location = time.UTC
	}
	if a.Now == nil {
		a.Now = time.Now
	}
	h, err := a.Params.Hash("not a password anyone has")
	if err != nil {
		h, _ = DefaultParams.Hash("not a password anyone has")
	}
	a.dummy = h
}

// verify checks a password while holding one of the hashing slots.
func (a *Authenticator) verify(ctx context.Context, hash, password string) (bool, error) {
	select {
	case a.slots <- struct{}{}:
	case <-ctx.Done():
		return false, ctx.Err()
	}
	defer func() { <-a.slots }()
	return VerifyPassword(hash, password)
}
