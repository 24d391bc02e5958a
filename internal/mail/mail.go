// Package mail sends e-mail: reminder digests, survey invitations. Sender
// is what the rest of samwise uses; SMTP is the real one.
package mail

import "context"

// Message is one e-mail to one recipient.
type Message struct {
	To      string // address
	Subject string
	Text    string // plain-text body
	HTML    string // optional HTML alternative
	// ID, when set, is used to build the Message-ID header so that a resend
	// of the same message is recognisable.
	ID string
}

// Sender delivers messages.
type Sender interface {
	Send(ctx context.Context, m Message) error
}
