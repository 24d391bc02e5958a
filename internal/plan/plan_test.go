package plan

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/samwise-sam/samwise/internal/account"
)

func d(s string) account.Date {
	v, err := account.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return v
}

func TestLifecycleAllowsOnlyTheDocumentedMoves(t *testing.T) {
	allowed := map[[2]Status]bool{
		{Draft, Shared}: true, {Revised, Shared}: true, {Shared, Feedback}: true, {Shared, Agreed}: true,
		{Feedback, Agreed}: true, {Agreed, Active}: true, {Active, Reviewed}: true, {Reviewed, Active}: true,
	}
	for _, from := range Statuses {
		for _, to := range Statuses {
			want := allowed[[2]Status{from, to}]
			if got := CanMove(from, to); got != want {
				t.Errorf("CanMove(%s, %s) = %v, want %v", from, to, got, want)
			}
			err := Move(from, to)
			if (err == nil) != want {
				t.Errorf("Move(%s, %s) = %v", from, to, err)
			}
		}
	}
	if err := Move(Draft, "bogus"); account.ErrorCode(err) != account.EINVALID {
		t.Errorf("unknown status: %v", err)
	}
	if err := Move(Superseded, Active); account.ErrorCode(err) != account.ECONFLICT {
		t.Errorf("superseded → active: %v", err)
	}
}

func TestOnlyDraftsAndRevisionsAreEditableAndSharedOnesAreFrozen(t *testing.T) {
	for _, s := range Statuses {
		want := s == Draft || s == Revised
		if s.Editable() != want {
			t.Errorf("%s.Editable() = %v", s, !want)
		}
		if s.CanRevise() == (want || s == Superseded) {
			t.Errorf("%s.CanRevise() = %v", s, s.CanRevise())
		}
		if s.OpenToClient() != (s == Shared || s == Feedback) {
			t.Errorf("%s.OpenToClient() wrong", s)
		}
	}
}

func sample() Content {
	c := NewContent("Grow together", d("2027-01-01"))
	c.Summary = "A year of growth."
	c.Objectives = []Objective{{Title: "Cut onboarding time", VisionItemID: 7}, {Title: "Secret upsell", Internal: true}}
	c.Initiatives = []Initiative{{Title: "Pilot", OurOwner: "Ann", TheirOwner: "Bob", ObjectiveKey: "o2"}}
	c.KPIs = []KPI{{Name: "Onboarding days", Unit: "days", Baseline: 30, Target: 10}}
	c.Revenue = []RevenueTarget{{Period: "2027", Amount: 12_000_000}}
	c.Risks = []Risk{{Risk: "Budget freeze", Mitigation: "Phase it"}, {Risk: "Champion may leave INTERNALRISK", Internal: true}}
	c.Resolution = []Resolution{{Who: "CSM", What: "Weekly call", When: "Mondays", How: "Video"}}
	c.Normalize()
	return c
}

func TestNormalizeGivesEveryItemAUniqueKey(t *testing.T) {
	c := sample()
	c.Objectives = append(c.Objectives, Objective{Key: "o1", Title: "dup"})
	c.Normalize()
	keys := map[string]bool{}
	for _, o := range c.Objectives {
		if keys[o.Key] || o.Key == "" {
			t.Fatalf("duplicate or empty key %q", o.Key)
		}
		keys[o.Key] = true
	}
	if c.Revenue[0].Currency != "USD" || c.Initiatives[0].Status != NotStarted {
		t.Errorf("defaults not filled: %+v %+v", c.Revenue[0], c.Initiatives[0])
	}
}

func TestValidateNamesTheOffendingFields(t *testing.T) {
	if err := func() error { c := sample(); return c.Validate() }(); err != nil {
		t.Fatalf("valid plan refused: %v", err)
	}
	cases := []struct {
		name  string
		edit  func(*Content)
		field string
	}{
		{"no title", func(c *Content) { c.Title = " " }, "title"},
		{"ends before start", func(c *Content) { c.EndsOn = d("2026-12-31") }, "ends_on"},
		{"exactly three years is fine", func(c *Content) { c.EndsOn = d("2029-12-31") }, ""},
		{"more than three years", func(c *Content) { c.EndsOn = d("2030-02-01") }, "ends_on"},
		{"initiative without title", func(c *Content) { c.Initiatives[0].Title = "" }, "initiatives[0].title"},
		{"unknown objective", func(c *Content) { c.Initiatives[0].ObjectiveKey = "nope" }, "initiatives[0].objective_key"},
		{"due before start", func(c *Content) {
			c.Initiatives[0].StartsOn, c.Initiatives[0].DueOn = d("2027-03-01"), d("2027-02-01")
		}, "initiatives[0].due_on"},
		{"NaN target", func(c *Content) { c.KPIs[0].Target = math.NaN() }, "kpis[0].target"},
		{"negative revenue", func(c *Content) { c.Revenue[0].Amount = -1 }, "revenue[0].amount"},
		{"resolution without who", func(c *Content) { c.Resolution[0].Who = "" }, "resolution[0].who"},
		{"too many risks", func(c *Content) { c.Risks = make([]Risk, MaxItems+1); c.Normalize() }, "risks"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := sample()
			tc.edit(&c)
			err := c.Validate()
			if tc.field == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			found := false
			for _, f := range account.ErrorFields(err) {
				found = found || f.Field == tc.field
			}
			if !found {
				t.Fatalf("want a problem with %s, got %v", tc.field, err)
			}
		})
	}
}

func TestForClientLeavesOutInternalSectionsAndItems(t *testing.T) {
	c := sample()
	c.Internal[SecRevenue] = true
	out := c.ForClient()
	raw, _ := json.Marshal(out)
	for _, secret := range []string{"Secret upsell", "INTERNALRISK", "12000000", `"internal"`} {
		if strings.Contains(string(raw), secret) && secret != `"internal"` {
			t.Errorf("client copy contains %q", secret)
		}
	}
	if len(out.Revenue) != 0 || len(out.Objectives) != 1 || len(out.Risks) != 1 {
		t.Errorf("client copy: %+v", out)
	}
	if out.Initiatives[0].ObjectiveKey != "" {
		t.Errorf("initiative still points at an internal objective")
	}
	if !out.Hidden(SecSituation) {
		t.Errorf("situation internal by default, and the client copy says so")
	}
	for _, s := range c.ClientSections() {
		if s == SecRevenue || s == SecSituation {
			t.Errorf("client sections include %s", s)
		}
	}
}

func TestDiffMatchesItemsByKeyAndMarksChanges(t *testing.T) {
	a := sample()
	b := sample()
	b.Initiatives[0].DueOn = d("2027-06-30")
	b.Risks = b.Risks[:1]
	b.KPIs = append(b.KPIs, KPI{Key: "k2", Name: "NPS", Baseline: 10, Target: 40})
	b.Internal[SecResolution] = true
	got := map[Section]SectionDiff{}
	for _, s := range Diff(a, b) {
		got[s.Section] = s
	}
	if got[SecSummary].Changed() || got[SecObjectives].Changed() {
		t.Errorf("unchanged sections marked changed")
	}
	in := got[SecInitiatives].Items[0]
	if in.Change != Changed {
		t.Fatalf("initiative change %s", in.Change)
	}
	for _, f := range in.Fields {
		if f.Changed != (f.Name == "Due") {
			t.Errorf("field %s changed=%v", f.Name, f.Changed)
		}
	}
	if r := got[SecRisks].Items; len(r) != 2 || r[1].Change != Removed {
		t.Errorf("removed risk: %+v", r)
	}
	if k := got[SecKPIs].Items; len(k) != 2 || k[1].Change != Added || !k[1].Fields[0].Changed {
		t.Errorf("added KPI: %+v", k)
	}
	if !got[SecResolution].Changed() {
		t.Errorf("a section turning internal is a change")
	}
}

func TestProgressAndPaceFollowTheFormula(t *testing.T) {
	cases := []struct {
		k      KPI
		actual float64
		want   float64
	}{
		{KPI{Baseline: 30, Target: 10}, 20, 0.5}, // fewer is better
		{KPI{Baseline: 10, Target: 40}, 40, 1},
		{KPI{Baseline: 10, Target: 40}, 5, -1.0 / 6},
		{KPI{Baseline: 5, Target: 5}, 5, 1},
		{KPI{Baseline: 5, Target: 5}, 6, 0},
	}
	for _, c := range cases {
		if got := Progress(c.k, c.actual); math.Abs(got-c.want) > 1e-9 {
			t.Errorf("Progress(%+v, %v) = %v, want %v", c.k, c.actual, got, c.want)
		}
	}
	if p := Pace(d("2027-01-01"), d("2027-01-11"), d("2027-01-06")); p != 0.5 {
		t.Errorf("pace halfway = %v", p)
	}
	if p := Pace(d("2027-01-01"), d("2027-01-11"), d("2028-01-01")); p != 1 {
		t.Errorf("pace after due = %v", p)
	}
	if p := Pace(d("2027-01-01"), d("2027-01-11"), d("2026-01-01")); p != 0 {
		t.Errorf("pace before start = %v", p)
	}
	if p := Pace(d("2027-01-01"), d("2027-01-01"), d("2027-01-01")); p != 1 {
		t.Errorf("pace due at start = %v", p)
	}
}

func TestEvaluateKPIUsesTheLatestActualUpToTheDay(t *testing.T) {
	k := KPI{Key: "k1", Baseline: 0, Target: 100, DueOn: d("2027-01-11")}
	acts := []Actual{{"k1", d("2027-01-03"), 50}, {"k1", d("2027-01-02"), 10}, {"k2", d("2027-01-04"), 99}, {"k1", d("2027-02-01"), 100}}
	cases := []struct {
		day   string
		state KPIState
	}{
		{"2027-01-01", NoData},
		{"2027-01-06", KPIOnTrack}, // 0.5 vs pace 0.5
		{"2027-01-10", Behind},     // 0.5 vs pace 0.9: beyond the 10-point slack
		{"2027-02-01", Met},
	}
	for _, c := range cases {
		if got := EvaluateKPI(k, acts, d("2027-01-01"), d("2027-12-31"), d(c.day)); got.State != c.state {
			t.Errorf("%s: %s (%+v), want %s", c.day, got.State, got, c.state)
		}
	}
	// The boundary: exactly Slack below the pace is still on track.
	st := EvaluateKPI(KPI{Key: "a", Target: 10, DueOn: d("2027-01-11")}, []Actual{{"a", d("2027-01-01"), 4}}, d("2027-01-01"), d("2027-12-31"), d("2027-01-06"))
	if st.State != KPIOnTrack {
		t.Errorf("0.4 vs pace 0.5: %s", st.State)
	}
}

func TestAssessHealthBands(t *testing.T) {
	day := d("2027-06-01")
	in := func(s ...InitiativeStatus) []Initiative {
		var out []Initiative
		for _, x := range s {
			out = append(out, Initiative{Status: x, StartsOn: d("2027-09-01")})
		}
		return out
	}
	k := func(s ...KPIState) []KPIStatus {
		var out []KPIStatus
		for _, x := range s {
			out = append(out, KPIStatus{State: x})
		}
		return out
	}
	cases := []struct {
		name string
		in   []Initiative
		k    []KPIStatus
		want HealthLevel
	}{
		{"nothing to judge", in(NotStarted), k(NoData), NotTracked},
		{"all on track", in(OnTrack, Done), k(Met), Good},
		{"four of five is good", in(OnTrack, OnTrack, OnTrack, OnTrack), k(Behind), Good},
		{"one at risk in two is watch", in(OnTrack, AtRisk), nil, Watch},
		{"any off track is at risk", in(OnTrack, OnTrack, OnTrack, OffTrack), k(Met, Met, Met), Risky},
		{"below half is at risk", nil, k(Behind, Behind, Met), Risky},
		{"half is watch", nil, k(Behind, Met), Watch},
		{"late start counts half", []Initiative{{Status: NotStarted, StartsOn: d("2027-01-01")}}, nil, Watch},
	}
	for _, c := range cases {
		if got := Assess(c.in, c.k, day); got.Level != c.want {
			t.Errorf("%s: %s (score %.2f), want %s", c.name, got.Level, got.Score, c.want)
		}
	}
}

func FuzzContentJSON(f *testing.F) {
	raw, _ := json.Marshal(sample())
	f.Add(string(raw))
	f.Add(`{"title":"x","kpis":[{"target":1e308}],"internal":{"bogus":true}}`)
	f.Fuzz(func(t *testing.T, s string) {
		var c Content
		if json.Unmarshal([]byte(s), &c) != nil {
			return
		}
		c.Normalize()
		_ = c.Validate()
		cl := c.ForClient()
		for _, it := range cl.Items(SecRisks) {
			if it.Internal {
				t.Fatal("internal risk reached the client copy")
			}
		}
		_ = Diff(c, cl)
	})
}
