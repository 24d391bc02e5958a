package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"github.com/samwise-sam/samwise/internal/account"
)

// Password length limits, counted in characters. There are no composition
// rules (NIST SP 800-63B §3.1.1.2): length is what makes a password strong,
// and rules about digits and symbols only push people to predictable
// patterns. The maximum only guards the hasher against absurd input.
const (
	MinPasswordLength = 12
	MaxPasswordLength = 256
)

// CheckPassword reports whether a new password is acceptable.
func CheckPassword(password string) error {
	n := utf8.RuneCountInString(password)
	switch {
	case n < MinPasswordLength:
		return account.Invalid("password", "must be at least %d characters (is %d)", MinPasswordLength, n)
	case n > MaxPasswordLength:
		return account.Invalid("password", "must be at most %d characters (is %d)", MaxPasswordLength, n)
	}
	return nil
}

// Params are argon2id's cost parameters.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32 // passes over the memory
	Threads uint8  // lanes
	SaltLen uint32 // bytes
	KeyLen  uint32 // bytes
}

// DefaultParams is RFC 9106's second recommended option (§4): t=3 passes
// over 64 MiB with 4 lanes, a 128-bit salt and a 256-bit tag. The first
// option (2 GiB per hash) is meant for dedicated machines; samwise shares a
// server with its database, so it takes the option the RFC gives for
// memory-constrained settings. It costs about 120 ms on two 2024 server
// cores, which a person signing in does not notice and which makes offline
// guessing of a stolen hash expensive. Memory is what bounds concurrency:
// Authenticator runs at most a few hashes at once, so a burst of sign-ins
// cannot exhaust the server. Existing hashes made with other parameters keep
// working and are upgraded at the next sign-in (NeedsRehash).
var DefaultParams = Params{Memory: 64 * 1024, Time: 3, Threads: 4, SaltLen: 16, KeyLen: 32}

// HashPassword hashes password with DefaultParams and a fresh random salt.
func HashPassword(password string) (string, error) { return DefaultParams.Hash(password) }

// Hash hashes password with p and a fresh random salt, in PHC string format:
// $argon2id$v=19$m=65536,t=3,p=4$<salt>$<hash> (unpadded standard base64).
// The salt comes from crypto/rand and deliberately cannot be injected: a
// predictable salt must never reach production, so tests check properties
// (round trip, distinct salts) rather than fixed outputs.
func (p Params) Hash(password string) (string, error) {
	if err := p.check(); err != nil {
		return "", err
	}
	if len(password) > 4*MaxPasswordLength {
		return "", account.Invalid("password", "must be at most %d characters", MaxPasswordLength)
	}
	salt := make([]byte, p.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("password salt: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	return encodePHC(p, salt, key), nil
}

func encodePHC(p Params, salt, key []byte) string {
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key))
}

// Bounds on parameters read back from the database: a corrupted or
// hand-edited hash must produce an error, never a multi-gigabyte allocation
// or a panic inside argon2.
const (
	maxMemory  = 1 << 20 // KiB (1 GiB)
	maxTime    = 64
	minSaltLen = 8
	maxSaltLen = 64
	minKeyLen  = 16
	maxKeyLen  = 64
)

func (p Params) check() error {
	switch {
	case p.Time < 1 || p.Time > maxTime:
		return fmt.Errorf("argon2id: time %d out of range 1-%d", p.Time, maxTime)
	case p.Threads < 1:
		return errors.New("argon2id: at least one thread is needed")
	case p.Memory < 8*uint32(p.Threads) || p.Memory > maxMemory:
		return fmt.Errorf("argon2id: memory %d KiB out of range %d-%d", p.Memory, 8*uint32(p.Threads), maxMemory)
	case p.SaltLen < minSaltLen || p.SaltLen > maxSaltLen:
		return fmt.Errorf("argon2id: salt length %d out of range %d-%d", p.SaltLen, minSaltLen, maxSaltLen)
	case p.KeyLen < minKeyLen || p.KeyLen > maxKeyLen:
		return fmt.Errorf("argon2id: key length %d out of range %d-%d", p.KeyLen, minKeyLen, maxKeyLen)
	}
	return nil
}

// ErrMalformedHash reports a stored password hash samwise cannot read.
var ErrMalformedHash = errors.New("password hash is not an argon2id PHC string")

// decodePHC parses an argon2id PHC string.
func decodePHC(encoded string) (p Params, salt, key []byte, err error) {
	parts := strings.Split(encoded, "$")
	// "", "argon2id", "v=19", "m=…,t=…,p=…", salt, hash
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" || parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return p, nil, nil, ErrMalformedHash
	}
	var seen int
	for _, kv := range strings.Split(parts[3], ",") {
		k, v, ok := strings.Cut(kv, "=")
		n, err := strconv.ParseUint(v, 10, 32)
		if !ok || err != nil {
			return p, nil, nil, ErrMalformedHash
		}
		switch k {
		case "m":
			p.Memory, seen = uint32(n), seen|1
		case "t":
			p.Time, seen = uint32(n), seen|2
		case "p":
			if n > 255 {
				return p, nil, nil, ErrMalformedHash
			}
			p.Threads, seen = uint8(n), seen|4
		default:
			return p, nil, nil, ErrMalformedHash
		}
	}
	if seen != 7 {
		return p, nil, nil, ErrMalformedHash
	}
	b64 := base64.RawStdEncoding
	if salt, err = b64.DecodeString(parts[4]); err != nil {
		return p, nil, nil, ErrMalformedHash
	}
	if key, err = b64.DecodeString(parts[5]); err != nil {
		return p, nil, nil, ErrMalformedHash
	}
	p.SaltLen, p.KeyLen = uint32(len(salt)), uint32(len(key))
	if err := p.check(); err != nil {
		return p, nil, nil, fmt.Errorf("%w: %v", ErrMalformedHash, err)
	}
	return p, salt, key, nil
}

// VerifyPassword reports whether password matches the PHC string encoded.
// The comparison takes the same time wherever the first differing byte is.
// A hash it cannot read is an error, not a mismatch, so that a broken
// database shows up in the logs instead of as "wrong password".
func VerifyPassword(encoded, password string) (bool, error) {
	p, salt, key, err := decodePHC(encoded)
	if err != nil {
		return false, err
	}
	if len(password) > 4*MaxPasswordLength {
		return false, nil
	}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}

// NeedsRehash reports whether encoded was made with parameters other than
// DefaultParams (or cannot be read), so it should be replaced at the next
// successful sign-in.
func NeedsRehash(encoded string) bool { return DefaultParams.NeedsRehash(encoded) }

// NeedsRehash reports whether encoded was made with parameters other than p.
func (p Params) NeedsRehash(encoded string) bool {
	got, _, _, err := decodePHC(encoded)
	return err != nil || got != p
}

// GeneratePassword returns a random password of 20 characters from an
// alphabet without look-alikes (no 0/o, 1/l/i), in groups of five for
// reading aloud: about 100 bits, e.g. "k7hxq-3mzrt-9wafe-cu2np".
func GeneratePassword() string {
	const alphabet = "abcdefghjkmnpqrstuvwxyz23456789" // 31 symbols
	b := make([]byte, 0, 23)
	for i := range 20 {
		if i > 0 && i%5 == 0 {
			b = append(b, '-')
		}
		b = append(b, alphabet[randIntn(len(alphabet))])
	}
	return string(b)
}

// randIntn returns a uniform random number in [0, n) from crypto/rand,
// rejecting the bytes that would bias the result.
func randIntn(n int) int {
	limit := 256 - 256%n
	var buf [1]byte
	for {
		_, _ = rand.Read(buf[:]) // crypto/rand.Read never fails (Go 1.24+)
		if int(buf[0]) < limit {
			return int(buf[0]) % n
		}
	}
}
