package auth

import (
	"strings"
	"testing"
)

func TestSecretsAreRecognisableRandomAndStoredOnlyAsTheirHash(t *testing.T) {
	tok, hash := NewTokenSecret()
	if !strings.HasPrefix(tok, "sw_") || len(tok) != 3+43 {
		t.Errorf("token %q", tok)
	}
	if hash != HashSecret(tok) || len(hash) != 64 || strings.Contains(hash, tok[3:]) {
		t.Errorf("hash %q", hash)
	}
	sess, _ := NewSessionSecret()
	if !strings.HasPrefix(sess, "sws_") {
		t.Errorf("session %q", sess)
	}
	if !WellFormed(tok, TokenPrefix) || !WellFormed(sess, SessionPrefix) {
		t.Error("fresh secrets are not well formed")
	}
	for _, bad := range []string{"", "sw_", tok[:len(tok)-1], "sw_" + strings.Repeat("!", 43), sess} {
		if WellFormed(bad, TokenPrefix) {
			t.Errorf("%q is well formed as a token", bad)
		}
	}
	seen := map[string]bool{}
	for range 1000 {
		s, _ := NewTokenSecret()
		if seen[s] {
			t.Fatal("token repeated")
		}
		seen[s] = true
	}
}
