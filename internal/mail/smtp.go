package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// TLS is how the SMTP connection is secured.
type TLS string

const (
	TLSNone     TLS = "none"     // plain text: a relay on localhost or a test server
	TLSStartTLS TLS = "starttls" // upgrade after connecting (port 587); required, never skipped
	TLSImplicit TLS = "tls"      // TLS from the first byte (port 465)
)

// ParseTLS reads a --smtp-tls value.
func ParseTLS(s string) (TLS, error) {
	switch t := TLS(strings.ToLower(strings.TrimSpace(s))); t {
	case TLSNone, TLSStartTLS, TLSImplicit:
		return t, nil
	case "":
		return TLSStartTLS, nil
	}
	return "", fmt.Errorf("smtp tls %q: must be none, starttls or tls", s)
}

// SMTP sends mail through an SMTP server. Password is never logged nor
// shown: String leaves it out.
type SMTP struct {
	Host     string
	Port     int // default: 25 for none, 587 for starttls, 465 for tls
	TLS      TLS
	User     string // no authentication when empty
	Password string
	From     string // the sender address, e.g. "samwise <samwise@example.com>"
	Timeout  time.Duration
	// TLSConfig overrides the TLS settings (tests trust their own CA).
	TLSConfig *tls.Config
}

// String describes the sender for logs, without the password.
func (s SMTP) String() string {
	user := ""
	if s.User != "" {
		user = s.User + "@"
	}
	return fmt.Sprintf("smtp://%s%s:%d (%s) from %s", user, s.Host, s.port(), s.TLS, s.From)
}

func (s SMTP) port() int {
	if s.Port != 0 {
		return s.Port
	}
	switch s.TLS {
	case TLSNone:
		return 25
	case TLSImplicit:
		return 465
	}
	return 587
}

// Validate checks the configuration before the server starts with it.
func (s SMTP) Validate() error {
	var errs []error
	if s.Host == "" {
		errs = append(errs, errors.New("smtp host is required"))
	}
	if _, err := ParseTLS(string(s.TLS)); err != nil {
		errs = append(errs, err)
	}
	if s.Port < 0 || s.Port > 65535 {
		errs = append(errs, fmt.Errorf("smtp port %d out of range", s.Port))
	}
	if _, err := mail.ParseAddress(s.From); err != nil {
		errs = append(errs, fmt.Errorf("mail from %q: %w", s.From, err))
	}
	if s.User == "" && s.Password != "" {
		errs = append(errs, errors.New("an smtp password without a user"))
	}
	return errors.Join(errs...)
}

func (s SMTP) client() (*gomail.Client, error) {
	opts := []gomail.Option{gomail.WithPort(s.port()), gomail.WithTimeout(cmpDuration(s.Timeout, 30*time.Second))}
	switch s.TLS {
	case TLSNone:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	case TLSImplicit:
		opts = append(opts, gomail.WithSSL())
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if s.TLSConfig != nil {
		opts = append(opts, gomail.WithTLSConfig(s.TLSConfig))
	}
	if s.User != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover), gomail.WithUsername(s.User), gomail.WithPassword(s.Password))
	}
	return gomail.NewClient(s.Host, opts...)
}

func cmpDuration(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

// Send delivers one message. With m.ID set, the Message-ID is derived from
// it, so a resend of the same message carries the same Message-ID.
func (s SMTP) Send(ctx context.Context, m Message) error {
	msg := gomail.NewMsg()
	if err := msg.From(s.From); err != nil {
		return fmt.Errorf("mail from: %w", err)
	}
	if err := msg.To(m.To); err != nil {
		return fmt.Errorf("mail to: %w", err)
	}
	msg.Subject(m.Subject)
	msg.SetDate()
	if m.ID != "" {
		domain := "samwise.invalid"
		if a, err := mail.ParseAddress(s.From); err == nil {
			if _, d, ok := strings.Cut(a.Address, "@"); ok {
				domain = d
			}
		}
		msg.SetMessageIDWithValue(sanitizeID(m.ID) + "@" + domain)
	}
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	c, err := s.client()
	if err != nil {
		return fmt.Errorf("smtp client: %w", err)
	}
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		return fmt.Errorf("send mail to %s via %s:%d: %w", m.To, s.Host, s.port(), err)
	}
	return nil
}

// sanitizeID keeps a Message-ID's left part to safe characters.
func sanitizeID(id string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '.', r == '_':
			return r
		}
		return '-'
	}, id)
}
