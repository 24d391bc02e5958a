package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
)

// Prefixes make samwise's secrets recognisable: to people reading a script,
// to secret scanners, and to the code that must tell a token from a session.
const (
	TokenPrefix   = "sw_"
	SessionPrefix = "sws_"
)

// secretBytes is the entropy of every token and session secret: 256 bits,
// far beyond guessing, which is why a fast hash (SHA-256) is enough to store
// them — unlike passwords, they need no slow hash to resist offline guessing,
// and a fast one lets the database find a secret by its hash.
const secretBytes = 32

// NewTokenSecret returns a new API token secret ("sw_" and 43 characters of
// base64url) and the hash to store.
func NewTokenSecret() (secret, hash string) { return newSecret(TokenPrefix) }

// NewSessionSecret returns a new session secret for a cookie and the hash to
// store.
func NewSessionSecret() (secret, hash string) { return newSecret(SessionPrefix) }

func newSecret(prefix string) (string, string) {
	b := make([]byte, secretBytes)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	s := prefix + base64.RawURLEncoding.EncodeToString(b)
	return s, HashSecret(s)
}

// HashSecret is how a token or session secret is stored and looked up: the
// hex SHA-256 of the whole secret, prefix included.
func HashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// WellFormed reports whether s could be a secret with prefix: the right
// prefix and length, base64url characters. Callers use it to turn garbage
// away before touching the database.
func WellFormed(s, prefix string) bool {
	rest, ok := strings.CutPrefix(s, prefix)
	if !ok || len(rest) != base64.RawURLEncoding.EncodedLen(secretBytes) {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(rest)
	return err == nil
}
