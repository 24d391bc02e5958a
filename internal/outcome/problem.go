package outcome

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/samwise-sam/samwise/internal/account"
)

// Severity is how badly a problem hurts the client.
type Severity string

const (
	Critical Severity = "critical"
	High     Severity = "high"
	Medium   Severity = "medium"
	Low      Severity = "low"
)

// Severities lists every severity, worst first.
var Severities = []Severity{Critical, High, Medium, Low}

// Status is where a problem is in its workflow.
type Status string

const (
	Open          Status = "open"
	Acknowledged  Status = "acknowledged"
	InProgress    Status = "in_progress"
	Resolved      Status = "resolved"
	Closed        Status = "closed"
	statusesWords        = "open, acknowledged, in_progress, resolved, closed"
)

// Statuses lists every status, in workflow order.
var Statuses = []Status{Open, Acknowledged, InProgress, Resolved, Closed}

// Done reports whether the problem is resolved (or closed after that).
func (s Status) Done() bool { return s == Resolved || s == Closed }

// Kind tells a problem the client had from one we saw coming and prevented.
type Kind string

const (
	KindProblem Kind = "problem"
	KindAvoided Kind = "avoided" // a risk or problem prevented: proactive work made visible
)

// Kinds lists every kind.
var Kinds = []Kind{KindProblem, KindAvoided}

// MaxEscalation is the deepest step of an escalation path.
const MaxEscalation = 5

// Problem is an issue of an account's, or one avoided.
type Problem struct {
	ID            int64      `json:"id"`
	AccountID     int64      `json:"account_id"`
	Kind          Kind       `json:"kind"`
	Title         string     `json:"title"`
	Detail        string     `json:"detail"`
	Severity      Severity   `json:"severity"`
	ReportedBy    *int64     `json:"reported_by"`    // a stakeholder of the account
	OwnerID       *int64     `json:"owner_id"`       // a person of ours, working on it
	AccountableID *int64     `json:"accountable_id"` // a person of ours, answerable for it
	Status        Status     `json:"status"`
	Escalation    int        `json:"escalation"` // 0 not escalated; n: step n of the account's path
	OpenedAt      time.Time  `json:"opened_at"`
	RespondedAt   *time.Time `json:"responded_at"`
	ResolvedAt    *time.Time `json:"resolved_at"`
	CreatedAt     time.Time  `json:"created_at"`
	UpdatedAt     time.Time  `json:"updated_at"`
}

// Normalize trims text, fills defaults and keeps the instants consistent with
// the status: a problem resolved without a response time was responded to
// when it was resolved; an avoided one is resolved when recorded.
func (p *Problem) Normalize(now time.Time) {
	p.Title, p.Detail = strings.TrimSpace(p.Title), strings.TrimSpace(p.Detail)
	if p.Kind == "" {
		p.Kind = KindProblem
	}
	if p.Status == "" {
		p.Status = Open
		if p.Kind == KindAvoided {
			p.Status = Resolved
		}
	}
	if p.Severity == "" {
		p.Severity = Medium
	}
	if p.OpenedAt.IsZero() {
		p.OpenedAt = now
	}
	if p.Status.Done() && p.ResolvedAt == nil {
		t := now
		p.ResolvedAt = &t
	}
	if p.Status != Open && p.RespondedAt == nil && p.Kind == KindProblem {
		t := now
		if p.ResolvedAt != nil {
			t = *p.ResolvedAt
		}
		p.RespondedAt = &t
	}
	if !p.Status.Done() {
		p.ResolvedAt = nil
	}
}

// Validate reports every field that breaks a rule.
func (p *Problem) Validate() error {
	var fs []account.FieldError
	add := func(field, format string, args ...any) {
		fs = append(fs, account.FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
	}
	if p.AccountID <= 0 {
		add("account_id", "is required")
	}
	switch n := utf8.RuneCountInString(p.Title); {
	case n == 0:
		add("title", "is required")
	case n > 200:
		add("title", "must be at most 200 characters")
	}
	if utf8.RuneCountInString(p.Detail) > 5000 {
		add("detail", "must be at most 5000 characters")
	}
	if !slices.Contains(Kinds, p.Kind) {
		add("kind", "must be one of problem, avoided")
	}
	if !slices.Contains(Severities, p.Severity) {
		add("severity", "must be one of critical, high, medium, low")
	}
	if !slices.Contains(Statuses, p.Status) {
		add("status", "must be one of %s", statusesWords)
	}
	if p.Escalation < 0 || p.Escalation > MaxEscalation {
		add("escalation", "must be between 0 and %d", MaxEscalation)
	}
	if p.RespondedAt != nil && p.RespondedAt.Before(p.OpenedAt) {
		add("responded_at", "must not be before the problem was opened")
	}
	if p.ResolvedAt != nil && p.ResolvedAt.Before(p.OpenedAt) {
		add("resolved_at", "must not be before the problem was opened")
	}
	if p.ResolvedAt != nil && p.RespondedAt != nil && p.ResolvedAt.Before(*p.RespondedAt) {
		add("resolved_at", "must not be before the response")
	}
	if len(fs) == 0 {
		return nil
	}
	return &account.Error{Code: account.EINVALID, Message: fmt.Sprintf("The problem has %d invalid field(s).", len(fs)), Fields: fs}
}

// Target is how fast a problem must be answered and resolved.
type Target struct {
	Tier     string        `json:"tier"` // A, B or C (untiered accounts use C)
	Severity Severity      `json:"severity"`
	Respond  time.Duration `json:"respond"`
	Resolve  time.Duration `json:"resolve"`
}

// Tiers whose targets are kept; an untiered account uses TierOf("") = "C".
var Tiers = []string{"A", "B", "C"}

// TierOf maps an account's tier to the tier of its targets.
func TierOf(t string) string {
	if t == "A" || t == "B" {
		return t
	}
	return "C"
}

// DefaultTargets are the targets until a leader changes them: hours to
// respond and to resolve per tier and severity.
func DefaultTargets() []Target {
	h := time.Hour
	hours := map[string][4][2]time.Duration{
		"A": {{1 * h, 8 * h}, {2 * h, 24 * h}, {8 * h, 72 * h}, {24 * h, 240 * h}},
		"B": {{2 * h, 24 * h}, {4 * h, 48 * h}, {24 * h, 120 * h}, {48 * h, 336 * h}},
		"C": {{4 * h, 48 * h}, {8 * h, 96 * h}, {48 * h, 240 * h}, {72 * h, 480 * h}},
	}
	var out []Target
	for _, tier := range Tiers {
		for i, s := range Severities {
			out = append(out, Target{Tier: tier, Severity: s, Respond: hours[tier][i][0], Resolve: hours[tier][i][1]})
		}
	}
	return out
}

// Targets finds the target of a tier and severity.
type Targets map[string]Target

// NewTargets indexes ts over the defaults (ts wins).
func NewTargets(ts []Target) Targets {
	out := Targets{}
	for _, t := range DefaultTargets() {
		out[t.Tier+"/"+string(t.Severity)] = t
	}
	for _, t := range ts {
		out[TierOf(t.Tier)+"/"+string(t.Severity)] = t
	}
	return out
}

// For returns the target of an account tier ("" counts as C) and severity.
func (ts Targets) For(tier string, s Severity) Target { return ts[TierOf(tier)+"/"+string(s)] }

// List returns every target, tier then severity order.
func (ts Targets) List() []Target {
	var out []Target
	for _, tier := range Tiers {
		for _, s := range Severities {
			out = append(out, ts.For(tier, s))
		}
	}
	return out
}

// ValidateTargets checks a full set of targets.
func ValidateTargets(ts []Target) error {
	var fs []account.FieldError
	for i, t := range ts {
		f := fmt.Sprintf("targets[%d]", i)
		if !slices.Contains(Tiers, t.Tier) {
			fs = append(fs, account.FieldError{Field: f + ".tier", Message: "must be one of A, B, C"})
		}
		if !slices.Contains(Severities, t.Severity) {
			fs = append(fs, account.FieldError{Field: f + ".severity", Message: "must be one of critical, high, medium, low"})
		}
		if t.Respond <= 0 || t.Respond > 365*24*time.Hour {
			fs = append(fs, account.FieldError{Field: f + ".respond", Message: "must be between one minute and a year"})
		}
		if t.Resolve < t.Respond || t.Resolve > 365*24*time.Hour {
			fs = append(fs, account.FieldError{Field: f + ".resolve", Message: "must be at least the response time and at most a year"})
		}
	}
	if len(fs) == 0 {
		return nil
	}
	return &account.Error{Code: account.EINVALID, Message: fmt.Sprintf("The targets have %d invalid field(s).", len(fs)), Fields: fs}
}

// Breach is how a problem stands against its target.
type Breach string

const (
	BreachNone       Breach = ""            // avoided, or nothing to measure
	OnTrack          Breach = "on_track"    // open, well within its target
	Approaching      Breach = "approaching" // open, ApproachingShare of a window gone
	Breached         Breach = "breached"    // a target passed (open or not)
	Met              Breach = "met"         // resolved within both targets
	ApproachingShare        = 0.75
)

// Standing is a problem's breach state with the deadline that decides it.
type Standing struct {
	State   Breach    `json:"state"`
	Which   string    `json:"which"` // "respond" or "resolve": the deadline that decides the state
	Due     time.Time `json:"due"`
	Overdue bool      `json:"overdue"` // an open problem past its deadline
}

// Stand says how problem p stands against target t at now. A deadline is
// approaching once ApproachingShare of its window has passed, breached once
// it has passed. The response deadline decides until the problem is
// responded to; then the resolution deadline. A response or resolution that
// came late keeps the problem breached.
func Stand(p Problem, t Target, now time.Time) Standing {
	if p.Kind == KindAvoided {
		return Standing{State: BreachNone}
	}
	respondBy, resolveBy := p.OpenedAt.Add(t.Respond), p.OpenedAt.Add(t.Resolve)
	if p.RespondedAt != nil && p.RespondedAt.After(respondBy) {
		return Standing{State: Breached, Which: "respond", Due: respondBy}
	}
	if p.ResolvedAt != nil {
		if p.ResolvedAt.After(resolveBy) {
			return Standing{State: Breached, Which: "resolve", Due: resolveBy}
		}
		return Standing{State: Met, Which: "resolve", Due: resolveBy}
	}
	which, due, window := "resolve", resolveBy, t.Resolve
	if p.RespondedAt == nil {
		which, due, window = "respond", respondBy, t.Respond
		// A resolution deadline can pass before the response one only if
		// the targets are odd; the passed deadline wins.
		if now.After(resolveBy) {
			which, due = "resolve", resolveBy
		}
	}
	switch {
	case now.After(due):
		return Standing{State: Breached, Which: which, Due: due, Overdue: true}
	case now.Sub(p.OpenedAt) >= time.Duration(float64(window)*ApproachingShare):
		return Standing{State: Approaching, Which: which, Due: due}
	}
	return Standing{State: OnTrack, Which: which, Due: due}
}

// Durations summarises a set of durations: how many, the median (the middle
// one, or the mean of the two middle ones) and the 90th percentile (nearest
// rank: the value at position ⌈0.9·n⌉ in ascending order).
type Durations struct {
	N      int           `json:"n"`
	Median time.Duration `json:"median"`
	P90    time.Duration `json:"p90"`
}

// Summarise computes the Durations of ds (it sorts ds).
func Summarise(ds []time.Duration) Durations {
	n := len(ds)
	if n == 0 {
		return Durations{}
	}
	slices.Sort(ds)
	med := ds[n/2]
	if n%2 == 0 {
		med = (ds[n/2-1] + ds[n/2]) / 2
	}
	rank := (9*n + 9) / 10 // ⌈0.9·n⌉ in integers
	return Durations{N: n, Median: med, P90: ds[rank-1]}
}

// Resolution is a group's response and resolution times, counts and breaches.
type Resolution struct {
	Key      string    `json:"key"` // what the group is: an account id, a manager id, a tier
	Respond  Durations `json:"respond"`
	Resolve  Durations `json:"resolve"`
	Open     int       `json:"open"`
	Resolved int       `json:"resolved"`
	Avoided  int       `json:"avoided"`
	Breached int       `json:"breached"` // breached, open or resolved late
	Near     int       `json:"approaching"`
}

// Measure computes the Resolution of a group of problems at now: response
// times of those responded to, resolution times of those resolved; avoided
// ones are counted, not timed.
func Measure(key string, ps []Problem, targets Targets, tiers func(accountID int64) string, now time.Time) Resolution {
	r := Resolution{Key: key}
	var resp, res []time.Duration
	for _, p := range ps {
		if p.Kind == KindAvoided {
			r.Avoided++
			continue
		}
		if p.RespondedAt != nil {
			resp = append(resp, p.RespondedAt.Sub(p.OpenedAt))
		}
		if p.ResolvedAt != nil && p.Status.Done() {
			res = append(res, p.ResolvedAt.Sub(p.OpenedAt))
			r.Resolved++
		} else {
			r.Open++
		}
		tier := ""
		if tiers != nil {
			tier = tiers(p.AccountID)
		}
		switch Stand(p, targets.For(tier, p.Severity), now).State {
		case Breached:
			r.Breached++
		case Approaching:
			r.Near++
		}
	}
	r.Respond, r.Resolve = Summarise(resp), Summarise(res)
	return r
}

// AgeBucket names how long an open problem has been open.
type AgeBucket struct {
	Label string `json:"label"`
	Days  int    `json:"max_days"` // the bucket holds ages up to this many days; 0 for the last
	Count int    `json:"count"`
}

// AgeBuckets counts open problems by age at now: up to 7 days, 30, 90, older.
func AgeBuckets(opened []time.Time, now time.Time) []AgeBucket {
	out := []AgeBucket{{Label: "0–7 days", Days: 7}, {Label: "8–30 days", Days: 30}, {Label: "31–90 days", Days: 90}, {Label: "over 90 days"}}
	for _, o := range opened {
		days := int(now.Sub(o).Hours() / 24)
		i := len(out) - 1
		for j, b := range out[:len(out)-1] {
			if days <= b.Days {
				i = j
				break
			}
		}
		out[i].Count++
	}
	return out
}
