package mail_test

import (
	"context"
	"strings"
	"testing"

	"github.com/samwise-sam/samwise/internal/mail"
	"github.com/samwise-sam/samwise/internal/mail/mailtest"
)

func TestSMTPDeliversAMessageWithAStableMessageID(t *testing.T) {
	srv := mailtest.Start(t)
	s := mail.SMTP{Host: srv.Host, Port: srv.Port, TLS: mail.TLSNone, From: "samwise <samwise@example.com>"}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	m := mail.Message{To: "ann@example.com", Subject: "samwise: 2 check-ins overdue", Text: "Dana Lee at Acme\n", ID: "digest-1-2-2026-04-10"}
	if err := s.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	got := srv.Messages()
	if len(got) != 1 {
		t.Fatalf("%d messages", len(got))
	}
	g := got[0]
	if g.From != "samwise@example.com" || len(g.To) != 1 || g.To[0] != "ann@example.com" {
		t.Errorf("envelope %s → %v", g.From, g.To)
	}
	if g.Header.Get("Subject") != m.Subject || g.Header.Get("Message-Id") != "<digest-1-2-2026-04-10@example.com>" {
		t.Errorf("headers %v", g.Header)
	}
	if !strings.Contains(g.Body, "Dana Lee at Acme") {
		t.Errorf("body %q", g.Body)
	}
}

func TestSMTPConfigurationIsChecked(t *testing.T) {
	for _, c := range []struct {
		s  mail.SMTP
		ok bool
	}{
		{mail.SMTP{Host: "smtp.example.com", TLS: mail.TLSStartTLS, From: "a@example.com"}, true},
		{mail.SMTP{TLS: mail.TLSStartTLS, From: "a@example.com"}, false},
		{mail.SMTP{Host: "h", TLS: "ssl3", From: "a@example.com"}, false},
		{mail.SMTP{Host: "h", TLS: mail.TLSNone, From: "not an address"}, false},
		{mail.SMTP{Host: "h", TLS: mail.TLSNone, From: "a@example.com", Password: "x"}, false},
	} {
		if err := c.s.Validate(); (err == nil) != c.ok {
			t.Errorf("%v: %v", c.s, err)
		}
	}
	if s := (mail.SMTP{Host: "h", User: "u", Password: "secret", TLS: mail.TLSImplicit, From: "a@b.c"}).String(); strings.Contains(s, "secret") || !strings.Contains(s, ":465") {
		t.Errorf("String() = %q", s)
	}
	for in, want := range map[string]mail.TLS{"": mail.TLSStartTLS, "NONE": mail.TLSNone, "tls": mail.TLSImplicit} {
		if got, err := mail.ParseTLS(in); err != nil || got != want {
			t.Errorf("ParseTLS(%q) = %v %v", in, got, err)
		}
	}
}

func TestASendToAServerThatIsNotThereFails(t *testing.T) {
	s := mail.SMTP{Host: "127.0.0.1", Port: 1, TLS: mail.TLSNone, From: "a@example.com"}
	if err := s.Send(context.Background(), mail.Message{To: "b@example.com", Subject: "x", Text: "y"}); err == nil {
		t.Fatal("sent to nowhere")
	}
}
