package web

import (
	"testing"
	"time"

	"github.com/samwise-sam/samwise/internal/store"
)

func TestChangesReadAsSentences(t *testing.T) {
	d := describer{
		people:       map[int64]string{1: "Ann Lee", 2: "Bob Stone"},
		byEmail:      map[string]string{"ann@example.com": "Ann Lee"},
		stakeholders: map[int64]string{7: "Carol Diaz"},
		accounts:     map[int64]string{3: "Acme Corp"},
		nouns:        map[string]map[int64]string{"stakeholder": {7: "Carol Diaz"}, "opportunity": {}, "touch": {}},
		currency:     "USD",
		loc:          time.UTC,
	}
	cases := []struct {
		name  string
		entry store.AuditEntry
		actor string
		text  string
		lines []string
	}{
		{"one account field inline",
			store.AuditEntry{Actor: "ann@example.com", Action: "update", Entity: "account",
				Changes: map[string]store.Change{"industry": {Old: "Energy", New: "Retail"}}},
			"Ann Lee", "changed industry from Energy to Retail", nil},
		{"an owner set, a parent cleared, money in words",
			store.AuditEntry{Actor: "ann@example.com", Action: "update", Entity: "account",
				Changes: map[string]store.Change{
					"owner_id":       {Old: nil, New: float64(2)},
					"parent_id":      {Old: float64(3), New: nil},
					"annual_revenue": {Old: float64(100_00), New: float64(12_400_000_00)},
				}},
			"Ann Lee", "changed the account:", []string{"set owner to Bob Stone", "changed annual revenue from $100.00 to $12,400,000.00", "cleared parent account (was Acme Corp)"}},
		{"a stakeholder marked inactive, named from the page",
			store.AuditEntry{Actor: "bob@example.com", Action: "update", Entity: "stakeholder", EntityID: 7,
				Changes: map[string]store.Change{"active": {Old: true, New: false}, "level": {Old: "operational", New: "senior_management"}}},
			"bob@example.com", "updated stakeholder Carol Diaz:", []string{"changed level from operational to senior management", "changed active from yes to no"}},
		{"a deleted opportunity named from the entry",
			store.AuditEntry{Actor: "system", Action: "delete", Entity: "opportunity", EntityID: 9,
				Changes: map[string]store.Change{"name": {Old: "Plant rollout", New: nil}}},
			"samwise", "removed opportunity Plant rollout", nil},
		{"touch attendees by name",
			store.AuditEntry{Actor: "ann@example.com", Action: "update", Entity: "touch", EntityID: 4,
				Changes: map[string]store.Change{"people_ids": {Old: []any{float64(1)}, New: []any{float64(1), float64(2)}},
					"occurred_at": {Old: "2026-03-01T10:00:00Z", New: "2026-03-02T09:30:00Z"}}},
			"Ann Lee", "updated a touch:", []string{"changed time from 1 Mar 2026, 10:00 to 2 Mar 2026, 09:30", "changed our people from Ann Lee to Ann Lee, Bob Stone"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := d.change(c.entry)
			if got == nil {
				t.Fatal("no sentence")
			}
			if got.Actor != c.actor || got.Text != c.text || len(got.Lines) != len(c.lines) {
				t.Fatalf("got %q %q %q", got.Actor, got.Text, got.Lines)
			}
			for i := range c.lines {
				if got.Lines[i] != c.lines[i] {
					t.Errorf("line %d = %q, want %q", i, got.Lines[i], c.lines[i])
				}
			}
		})
	}
	if got := d.change(store.AuditEntry{Action: "update", Entity: "stakeholder", Changes: map[string]store.Change{"org_id": {}}}); got != nil {
		t.Errorf("a change of bookkeeping only is shown: %+v", got)
	}
}
