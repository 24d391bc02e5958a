package auth

import (
	"errors"
	"strings"
	"testing"

	"github.com/samwise-sam/samwise/internal/account"
)

// fast are cheap parameters for tests that hash many times.
var fast = Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

func TestPasswordsNeedTwelveToTwoHundredFiftySixCharactersAndNothingElse(t *testing.T) {
	cases := []struct {
		name, pw string
		ok       bool
	}{
		{"empty", "", false},
		{"eleven", "abcdefghijk", false},
		{"twelve lower-case letters", "abcdefghijkl", true},
		{"twelve spaces", strings.Repeat(" ", 12), true},
		{"twelve accented letters count as characters, not bytes", strings.Repeat("é", 12), true},
		{"eleven accented letters", strings.Repeat("é", 11), false},
		{"256", strings.Repeat("x", 256), true},
		{"257", strings.Repeat("x", 257), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := CheckPassword(c.pw)
			if (err == nil) != c.ok {
				t.Fatalf("CheckPassword = %v, want ok=%v", err, c.ok)
			}
			if err != nil && account.ErrorCode(err) != account.EINVALID {
				t.Errorf("code = %s", account.ErrorCode(err))
			}
		})
	}
}

func TestDefaultHashesArePHCStringsWithRFC9106Parameters(t *testing.T) {
	h, err := HashPassword("correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=65536,t=3,p=4$") {
		t.Errorf("hash = %s", h)
	}
	parts := strings.Split(h, "$")
	if len(parts[4]) != 22 || len(parts[5]) != 43 { // 16 and 32 bytes, unpadded base64
		t.Errorf("salt %q or key %q has the wrong length", parts[4], parts[5])
	}
	if ok, err := VerifyPassword(h, "correct horse battery staple"); !ok || err != nil {
		t.Errorf("verify right password = %v, %v", ok, err)
	}
	if ok, err := VerifyPassword(h, "correct horse battery stapl"); ok || err != nil {
		t.Errorf("verify wrong password = %v, %v", ok, err)
	}
	if NeedsRehash(h) {
		t.Error("a fresh default hash needs rehashing")
	}
}

// Vectors from the reference C implementation (P-H-C/phc-winner-argon2):
// its CLI (echo -n password | argon2 somesalt -id -t 2 -m 16 -p 4 -l 32 -e)
// and its src/test.c (t=2, m=2^8, p=1).
func TestVerifyAcceptsHashesFromTheReferenceImplementation(t *testing.T) {
	for _, h := range []string{
		"$argon2id$v=19$m=65536,t=2,p=4$c29tZXNhbHQ$GpZ3sK/oH9p7VIiV56G/64Zo/8GaUw434IimaPqxwCo",
		"$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
	} {
		if ok, err := VerifyPassword(h, "password"); !ok || err != nil {
			t.Errorf("VerifyPassword(%s) = %v, %v", h, ok, err)
		}
		if ok, _ := VerifyPassword(h, "passwore"); ok {
			t.Errorf("wrong password accepted for %s", h)
		}
		if !NeedsRehash(h) {
			t.Errorf("%s has old parameters but needs no rehash", h)
		}
	}
}

func TestTwoHashesOfOnePasswordDifferBySalt(t *testing.T) {
	a, _ := fast.Hash("same password here")
	b, _ := fast.Hash("same password here")
	if a == b {
		t.Error("salts repeat")
	}
	if !fast.NeedsRehash("$argon2id$v=19$m=64,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$GpZ3sK/oH9p7VIiV56G/64Zo/8GaUw434IimaPqxwCo") {
		t.Error("a different time cost needs no rehash")
	}
	if fast.NeedsRehash(a) {
		t.Error("a hash with the same parameters needs rehash")
	}
}

func TestMalformedHashesAreErrorsNotPanicsOrMatches(t *testing.T) {
	good := "$argon2id$v=19$m=65536,t=2,p=4$c29tZXNhbHQ$GpZ3sK/oH9p7VIiV56G/64Zo/8GaUw434IimaPqxwCo"
	for name, h := range map[string]string{
		"empty":               "",
		"bcrypt":              "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy",
		"argon2i":             strings.Replace(good, "argon2id", "argon2i", 1),
		"version 16":          strings.Replace(good, "v=19", "v=16", 1),
		"zero threads":        strings.Replace(good, "p=4", "p=0", 1),
		"300 threads":         strings.Replace(good, "p=4", "p=300", 1),
		"zero time":           strings.Replace(good, "t=2", "t=0", 1),
		"64 GiB of memory":    strings.Replace(good, "m=65536", "m=67108864", 1),
		"missing memory":      strings.Replace(good, "m=65536,", "", 1),
		"unknown parameter":   strings.Replace(good, "p=4", "p=4,x=1", 1),
		"negative memory":     strings.Replace(good, "m=65536", "m=-1", 1),
		"bad salt":            strings.Replace(good, "c29tZXNhbHQ", "c29t!XNhbHQ", 1),
		"short salt":          strings.Replace(good, "c29tZXNhbHQ", "c29t", 1),
		"short key":           strings.Replace(good, "GpZ3sK/oH9p7VIiV56G/64Zo/8GaUw434IimaPqxwCo", "GpZ3sK", 1),
		"too many fields":     good + "$x",
		"padded base64 salt":  strings.Replace(good, "c29tZXNhbHQ", "c29tZXNhbHQ=", 1),
		"no leading dollar":   strings.TrimPrefix(good, "$"),
		"plain text password": "password",
	} {
		t.Run(name, func(t *testing.T) {
			ok, err := VerifyPassword(h, "password")
			if ok || !errors.Is(err, ErrMalformedHash) {
				t.Errorf("VerifyPassword = %v, %v; want false, ErrMalformedHash", ok, err)
			}
			if !NeedsRehash(h) {
				t.Error("an unreadable hash needs no rehash")
			}
		})
	}
}

func TestHashRefusesUnsafeParameters(t *testing.T) {
	for _, p := range []Params{{}, {Memory: 64, Time: 1, Threads: 1, SaltLen: 4, KeyLen: 32}, {Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 8}} {
		if _, err := p.Hash("long enough password"); err == nil {
			t.Errorf("Hash with %+v succeeded", p)
		}
	}
}

func TestGeneratedPasswordsAreLongUnambiguousAndDistinct(t *testing.T) {
	seen := map[string]bool{}
	for range 200 {
		pw := GeneratePassword()
		if err := CheckPassword(pw); err != nil {
			t.Fatal(err)
		}
		if len(pw) != 23 || strings.Count(pw, "-") != 3 || strings.ContainsAny(pw, "01ilo") {
			t.Fatalf("password %q", pw)
		}
		if seen[pw] {
			t.Fatalf("password %q repeated", pw)
		}
		seen[pw] = true
	}
}

func BenchmarkDefaultHash(b *testing.B) {
	for b.Loop() {
		if _, err := HashPassword("correct horse battery staple"); err != nil {
			b.Fatal(err)
		}
	}
}
