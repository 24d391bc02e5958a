package auth

import (
	"testing"
	"time"
)

var t0 = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

func fails(email, addr string, offsets ...time.Duration) []Attempt {
	out := make([]Attempt, len(offsets))
	for i, d := range offsets {
		out[i] = Attempt{Email: email, Address: addr, At: t0.Add(d)}
	}
	return out
}

func mins(ms ...int) []time.Duration {
	out := make([]time.Duration, len(ms))
	for i, m := range ms {
		out[i] = time.Duration(m) * time.Minute
	}
	return out
}

func TestTheAccountLockStartsAtTheFifthFailureWithinFifteenMinutes(t *testing.T) {
	l := DefaultLimits
	cases := []struct {
		name     string
		attempts []Attempt
		now      time.Duration
		until    time.Duration // 0: not locked
	}{
		{"four failures do not lock", fails("ann@x.com", "10.0.0.1", mins(0, 1, 2, 3)...), 4 * time.Minute, 0},
		{"the fifth failure locks for fifteen minutes", fails("ann@x.com", "10.0.0.1", mins(0, 1, 2, 3, 4)...), 4 * time.Minute, 19 * time.Minute},
		{"still locked a millisecond before the end", fails("ann@x.com", "10.0.0.1", mins(0, 1, 2, 3, 4)...), 19*time.Minute - time.Millisecond, 19 * time.Minute},
		{"free again at the end of the lock", fails("ann@x.com", "10.0.0.1", mins(0, 1, 2, 3, 4)...), 19 * time.Minute, 0},
		{"five failures just inside the window lock",
			fails("ann@x.com", "10.0.0.1", 0, time.Minute, 2*time.Minute, 3*time.Minute, 15*time.Minute-time.Millisecond), 15 * time.Minute, 30*time.Minute - time.Millisecond},
		{"five failures spanning exactly the window do not",
			fails("ann@x.com", "10.0.0.1", mins(0, 1, 2, 3, 15)...), 15 * time.Minute, 0},
		{"failures from different addresses add up for the account",
			append(fails("ann@x.com", "10.0.0.1", mins(0, 1)...), fails("ann@x.com", "10.0.0.2", mins(2, 3, 4)...)...), 5 * time.Minute, 19 * time.Minute},
		{"a success resets the account's count",
			append(append(fails("ann@x.com", "10.0.0.1", mins(0, 1, 2)...), Attempt{Email: "ann@x.com", Address: "10.0.0.1", At: t0.Add(3 * time.Minute), OK: true}),
				fails("ann@x.com", "10.0.0.1", mins(4, 5, 6, 7)...)...), 8 * time.Minute, 0},
		{"one failure after a lock does not lock again",
			fails("ann@x.com", "10.0.0.1", mins(0, 1, 2, 3, 4, 19)...), 20 * time.Minute, 0},
		{"five more failures after a lock lock again",
			fails("ann@x.com", "10.0.0.1", mins(0, 1, 2, 3, 4, 19, 20, 21, 22, 23)...), 23 * time.Minute, 38 * time.Minute},
		{"other accounts' failures do not count",
			fails("bob@x.com", "10.0.0.9", mins(0, 1, 2, 3, 4)...), 5 * time.Minute, 0},
		{"attempts in the future are ignored",
			fails("ann@x.com", "10.0.0.1", mins(10, 11, 12, 13, 14)...), 5 * time.Minute, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			lock := l.Check("ann@x.com", "10.0.0.1", c.attempts, t0.Add(c.now))
			want := time.Time{}
			if c.until != 0 {
				want = t0.Add(c.until)
			}
			if !lock.Until.Equal(want) || lock.Address {
				t.Errorf("Check = %+v, want until %v (account)", lock, want)
			}
		})
	}
}

func TestAnAddressIsBlockedAfterTwentyFailuresWithinFifteenMinutes(t *testing.T) {
	l := DefaultLimits
	// Twenty different e-mails from one address, one every 30 seconds: no
	// account reaches five, but the address reaches twenty.
	spray := func(n int) []Attempt {
		var out []Attempt
		for i := range n {
			out = append(out, Attempt{Email: string(rune('a'+i)) + "@x.com", Address: "10.0.0.66", At: t0.Add(time.Duration(i) * 30 * time.Second)})
		}
		return out
	}
	at := t0.Add(10 * time.Minute)
	if lock := l.Check("new@x.com", "10.0.0.66", spray(19), at); lock.Locked() {
		t.Errorf("19 failures block: %+v", lock)
	}
	lock := l.Check("new@x.com", "10.0.0.66", spray(20), at)
	if want := t0.Add(19*30*time.Second + 15*time.Minute); !lock.Until.Equal(want) || !lock.Address {
		t.Errorf("20 failures: %+v, want address blocked until %v", lock, want)
	}
	if lock := l.Check("new@x.com", "10.0.0.67", spray(20), at); lock.Locked() {
		t.Errorf("another address is blocked: %+v", lock)
	}
	// Successes from the address never reset its count.
	withSuccess := append(spray(10), Attempt{Email: "me@x.com", Address: "10.0.0.66", At: t0.Add(5 * time.Minute), OK: true})
	withSuccess = append(withSuccess, fails("z@x.com", "10.0.0.66", 6*time.Minute, 6*time.Minute, 6*time.Minute, 6*time.Minute, 6*time.Minute,
		6*time.Minute, 6*time.Minute, 6*time.Minute, 6*time.Minute, 6*time.Minute)...)
	if lock := l.Check("new@x.com", "10.0.0.66", withSuccess, at); !lock.Address {
		t.Errorf("a success reset the address: %+v", lock)
	}
}

func TestTheLaterOfTwoLocksWins(t *testing.T) {
	l := Limits{Window: 15 * time.Minute, PerAccount: 2, PerAddress: 3, Lockout: 15 * time.Minute}
	attempts := append(fails("ann@x.com", "10.0.0.1", mins(0, 1)...), fails("bob@x.com", "10.0.0.1", mins(5)...)...)
	lock := l.Check("ann@x.com", "10.0.0.1", attempts, t0.Add(6*time.Minute))
	if !lock.Address || !lock.Until.Equal(t0.Add(20*time.Minute)) {
		t.Errorf("Check = %+v, want address until +20m", lock)
	}
}

func TestLimitsOfZeroNeverLock(t *testing.T) {
	l := Limits{Window: time.Minute, Lockout: time.Minute}
	if lock := l.Check("ann@x.com", "10.0.0.1", fails("ann@x.com", "10.0.0.1", 0, 0, 0), t0); lock.Locked() {
		t.Errorf("Check = %+v", lock)
	}
}
