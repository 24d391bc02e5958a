package outcome

import (
	"testing"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
)

// FuzzProblemInput feeds arbitrary text and enum values through Normalize
// and Validate: no panic, and a problem that validates has consistent
// instants.
func FuzzProblemInput(f *testing.F) {
	f.Add("Outage", "detail", "critical", "open", "problem", 0, int64(0), int64(0))
	f.Add("", "", "urgent", "done", "x", 9, int64(-5), int64(10))
	f.Fuzz(func(t *testing.T, title, detail, sev, status, kind string, esc int, respond, resolve int64) {
		now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
		p := Problem{AccountID: 1, Title: title, Detail: detail, Severity: Severity(sev), Status: Status(status), Kind: Kind(kind),
			Escalation: esc, OpenedAt: now.Add(-48 * time.Hour)}
		if respond != 0 {
			v := p.OpenedAt.Add(time.Duration(respond) * time.Minute)
			p.RespondedAt = &v
		}
		if resolve != 0 {
			v := p.OpenedAt.Add(time.Duration(resolve) * time.Minute)
			p.ResolvedAt = &v
		}
		p.Normalize(now)
		if err := p.Validate(); err != nil {
			if account.ErrorCode(err) != account.EINVALID {
				t.Fatalf("want EINVALID, got %v", err)
			}
			return
		}
		if p.ResolvedAt != nil && p.ResolvedAt.Before(p.OpenedAt) {
			t.Fatalf("valid problem resolved before it opened: %+v", p)
		}
		_ = Stand(p, NewTargets(nil).For("A", p.Severity), now)
	})
}
