package auth

import (
	"slices"
	"time"
)

// Attempt is one sign-in attempt, as the rate limiter sees it.
type Attempt struct {
	Email   string    // as typed, normalised; need not belong to a user
	Address string    // the client's IP address
	At      time.Time //
	OK      bool      // the password was right and the user enabled
	Reason  string    // why it failed, for the audit trail only ("wrong password", "disabled")
}

// Limits bound sign-in attempts. Both counters work on failures only.
type Limits struct {
	Window     time.Duration // how far back failures count
	PerAccount int           // failures for one e-mail within Window that lock it
	PerAddress int           // failures from one address within Window that block it
	Lockout    time.Duration // how long a lock or block lasts
}

// DefaultLimits lock an e-mail for 15 minutes after 5 failures within 15
// minutes, and block an address for 15 minutes after 20 failures within 15
// minutes: a person who mistypes gets several tries, a guesser gets about
// 20 guesses an hour per account — hopeless against a 12-character
// password — and one address cannot sweep many accounts quickly.
var DefaultLimits = Limits{Window: 15 * time.Minute, PerAccount: 5, PerAddress: 20, Lockout: 15 * time.Minute}

// Lookback is how far back the attempts Check needs reach.
func (l Limits) Lookback() time.Duration { return l.Window + l.Lockout }

// Lock is the limiter's verdict: the zero Lock lets the attempt through.
type Lock struct {
	Until   time.Time // when a new attempt will be let through
	Address bool      // the address is blocked (rather than the account locked)
}

// Locked reports whether the attempt must be turned away.
func (l Lock) Locked() bool { return !l.Until.IsZero() }

// Check decides whether a sign-in for email from address may go ahead at
// now, given the recent attempts for that email or from that address (at
// least Lookback back; older ones and ones for other emails and addresses
// are ignored).
//
// A lock starts at the failure that completes PerAccount failures within
// Window and lasts Lockout; it then starts counting afresh, so one more
// mistake after a lock does not lock again at once. A successful sign-in
// also resets the account's count — but never the address's, or one good
// account would let an address guess at all the others. Attempts turned
// away by a lock are not recorded (the caller does not record them), so
// retrying during a lock does not extend it.
func (l Limits) Check(email, address string, attempts []Attempt, now time.Time) Lock {
	since := now.Add(-l.Lookback())
	var byEmail, byAddress []time.Time
	sorted := slices.SortedFunc(slices.Values(attempts), func(a, b Attempt) int { return a.At.Compare(b.At) })
	for _, a := range sorted {
		if a.At.Before(since) || a.At.After(now) {
			continue
		}
		if a.Email == email && email != "" {
			if a.OK {
				byEmail = nil // a success resets the account's count
			} else {
				byEmail = append(byEmail, a.At)
			}
		}
		if a.Address == address && address != "" && !a.OK {
			byAddress = append(byAddress, a.At)
		}
	}
	var lock Lock
	if until := l.lockedUntil(byEmail, l.PerAccount); now.Before(until) {
		lock = Lock{Until: until}
	}
	if until := l.lockedUntil(byAddress, l.PerAddress); now.Before(until) && until.After(lock.Until) {
		lock = Lock{Until: until, Address: true}
	}
	return lock
}

// lockedUntil walks failures in time order and returns the end of the last
// lock they caused (zero if none).
func (l Limits) lockedUntil(failures []time.Time, limit int) time.Time {
	if limit <= 0 {
		return time.Time{}
	}
	var until time.Time
	var run []time.Time // failures since the last lock, within Window of the newest
	for _, f := range failures {
		run = append(run, f)
		for len(run) > 0 && !run[0].After(f.Add(-l.Window)) {
			run = run[1:]
		}
		if len(run) >= limit {
			until = f.Add(l.Lockout)
			run = nil
		}
	}
	return until
}
