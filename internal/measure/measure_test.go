package measure

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/mail"
)

func TestCategoryBoundaries(t *testing.T) {
	for score, want := range map[int]Category{0: Detractor, 6: Detractor, 7: Passive, 8: Passive, 9: Promoter, 10: Promoter} {
		if got := CategoryOf(score); got != want {
			t.Errorf("CategoryOf(%d) = %s, want %s", score, got, want)
		}
	}
	for _, s := range []int{-1, 11} {
		if ValidateAnswer(s, "") == nil {
			t.Errorf("score %d accepted", s)
		}
	}
	if ValidateAnswer(10, strings.Repeat("x", MaxComment+1)) == nil {
		t.Error("long comment accepted")
	}
	// The limit counts characters, not bytes: "é" is two bytes.
	if err := ValidateAnswer(10, strings.Repeat("é", MaxComment)); err != nil {
		t.Errorf("a comment of %d accented letters refused: %v", MaxComment, err)
	}
}

func answers(scores ...int) []Answer {
	out := make([]Answer, len(scores))
	for i, s := range scores {
		out[i] = Answer{CampaignID: 1, RespondentID: int64(i + 1), Score: s, Year: 2026}
	}
	return out
}

func TestNPSWorkedExample(t *testing.T) {
	// DOMAIN.md: 5 promoters, 3 passives, 2 detractors → 50 − 20 = 30.
	n := Score(answers(9, 10, 9, 10, 9, 7, 8, 7, 6, 0))
	if n.Score != 30 || n.Promoters != 5 || n.Passives != 3 || n.Detractors != 2 || n.Rounded() != 30 {
		t.Fatalf("got %+v", n)
	}
}

func TestNPSExtremesAndEmpty(t *testing.T) {
	cases := []struct {
		name   string
		scores []int
		want   float64
	}{
		{"all promoters", []int{9, 10}, 100},
		{"all detractors", []int{0, 6}, -100},
		{"all passives", []int{7, 8}, 0},
		{"one third", []int{10, 7, 7}, 100.0 / 3},
	}
	for _, c := range cases {
		if got := Score(answers(c.scores...)).Score; got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
	if Score(nil).Defined() {
		t.Error("no answers is defined")
	}
	if r := (NPS{Score: -33.4}).Rounded(); r != -33 {
		t.Errorf("rounded %d", r)
	}
}

func TestNPSCountsLatestAnswerOfEachRespondent(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	as := []Answer{
		{CampaignID: 1, RespondentID: 1, Score: 2, At: t0.Add(time.Hour)},
		{CampaignID: 1, RespondentID: 1, Score: 10, At: t0}, // older: ignored
		{CampaignID: 1, RespondentID: 2, Score: 9, At: t0},
	}
	n := Score(as)
	if n.Responses != 2 || n.Detractors != 1 || n.Promoters != 1 || n.Score != 0 {
		t.Fatalf("got %+v", n)
	}
	// The same person in another campaign counts again.
	as = append(as, Answer{CampaignID: 2, RespondentID: 1, Score: 9, Year: 2027})
	if n := Score(as); n.Responses != 3 {
		t.Fatalf("got %+v", n)
	}
	tr := Trend(as)
	if len(tr) != 2 || tr[0].Year != 0 || tr[1].Year != 2027 || tr[1].NPS.Score != 100 {
		t.Fatalf("trend %+v", tr)
	}
}

func TestScoreByGroups(t *testing.T) {
	as := answers(10, 0, 8)
	as[0].Tier, as[1].Tier, as[2].Tier = "A", "A", "B"
	g := ScoreBy(as, func(a Answer) string { return a.Tier })
	if len(g) != 2 || g[0].Key != "A" || g[0].NPS.Score != 0 || g[1].NPS.Score != 0 || g[1].NPS.Passives != 1 {
		t.Fatalf("got %+v", g)
	}
}

func TestResponseRate(t *testing.T) {
	for _, c := range []struct {
		inv, resp int
		want      float64
	}{{0, 0, 0}, {10, 0, 0}, {10, 4, 0.4}, {10, 10, 1}, {3, 5, 1}} {
		if got := ResponseRate(c.inv, c.resp); got != c.want {
			t.Errorf("ResponseRate(%d, %d) = %v, want %v", c.inv, c.resp, got, c.want)
		}
	}
}

func TestGraderBands(t *testing.T) {
	for score, want := range map[int]Band{0: AtRisk, 6: AtRisk, 7: WorkOn, 8: WorkOn, 9: DoingWell, 10: DoingWell} {
		if got := BandOf(score); got != want {
			t.Errorf("BandOf(%d) = %s, want %s", score, got, want)
		}
	}
}

var today = account.Date{Year: 2026, Month: 11, Day: 23}

// perfect passes all ten checks.
func perfect() GraderInput {
	return GraderInput{AccountID: 7, AccountName: "Acme", Today: today,
		OwnerID: 1, OwnerName: "Ann", ManagerLoad: 10, ManagerCapacity: 10,
		GoalsPeriod: "2026", GoalRevenue: 1, GoalRetention: 90, GoalTouches: 40, CurrentYear: "2026", CurrentQuarter: "2026-Q4",
		TierPlan: true, Tier: "A", CheckInDays: 30, ActiveStakeholders: 3,
		ReviewDays: 90, LastReviewHeld: today.AddDays(-90), NextReviewDue: today,
		Levels: []string{"executive", "operational"}, KnownLevels: []string{"executive", "operational"},
		RoadmapItems: 1, VisionHorizons: []int{3, 5}, LastKeyNPS: today.AddDays(-365)}
}

func TestGraderEveryCheckAtItsBoundary(t *testing.T) {
	g := GradeAccount(perfect())
	if g.Score != 10 || g.Band != DoingWell || len(g.Checks) != 10 {
		t.Fatalf("perfect: %+v", g)
	}
	cases := []struct {
		name  string
		check int
		edit  func(*GraderInput)
		pass  bool
	}{
		{"no owner", 1, func(in *GraderInput) { in.OwnerID = 0 }, false},
		{"no owner but exempt", 1, func(in *GraderInput) { in.OwnerID, in.Exempt = 0, true }, true},
		{"exempt without owner: capacity n/a", 2, func(in *GraderInput) { in.OwnerID, in.Exempt = 0, true }, true},
		{"load one over capacity", 2, func(in *GraderInput) { in.ManagerLoad = 11 }, false},
		{"no goals", 3, func(in *GraderInput) { in.GoalsPeriod = "" }, false},
		{"no retention goal", 3, func(in *GraderInput) { in.GoalRetention = 0 }, false},
		{"no communication goal", 3, func(in *GraderInput) { in.GoalTouches = 0 }, false},
		{"untiered", 4, func(in *GraderInput) { in.Tier = "" }, false},
		{"no tier plan", 4, func(in *GraderInput) { in.TierPlan = false }, false},
		{"no plan but agreed cadence", 5, func(in *GraderInput) { in.TierPlan, in.Agreed = false, true }, true},
		{"no plan, no agreement", 5, func(in *GraderInput) { in.TierPlan = false }, false},
		{"no stakeholders", 5, func(in *GraderInput) { in.ActiveStakeholders = 0 }, false},
		{"review one day too old", 6, func(in *GraderInput) { in.LastReviewHeld = today.AddDays(-91) }, false},
		{"review held today", 6, func(in *GraderInput) { in.LastReviewHeld = today }, true},
		{"next review yesterday", 6, func(in *GraderInput) { in.NextReviewDue = today.AddDays(-1) }, false},
		{"no next review", 6, func(in *GraderInput) { in.NextReviewDue = account.Date{} }, false},
		{"one level", 7, func(in *GraderInput) { in.Levels = []string{"executive", "executive"} }, false},
		{"known at one level", 7, func(in *GraderInput) { in.KnownLevels = []string{"executive"} }, false},
		{"no roadmap", 8, func(in *GraderInput) { in.RoadmapItems = 0 }, false},
		{"tier A without 5-year", 9, func(in *GraderInput) { in.VisionHorizons = []int{1} }, false},
		{"tier B without 5-year", 9, func(in *GraderInput) { in.Tier, in.VisionHorizons = "B", []int{1} }, true},
		{"only 5-year", 9, func(in *GraderInput) { in.VisionHorizons = []int{5} }, false},
		{"NPS 366 days ago", 10, func(in *GraderInput) { in.LastKeyNPS = today.AddDays(-366) }, false},
		{"no NPS", 10, func(in *GraderInput) { in.LastKeyNPS = account.Date{} }, false},
	}
	for _, c := range cases {
		in := perfect()
		c.edit(&in)
		g := GradeAccount(in)
		got := g.Checks[c.check-1]
		if got.N != c.check || got.Pass != c.pass {
			t.Errorf("%s: check %d pass=%v (%s), want %v", c.name, got.N, got.Pass, got.Why, c.pass)
		}
		if !got.Pass && got.FixURL == "" {
			t.Errorf("%s: failing check without a fix link", c.name)
		}
	}
}

func TestGraderScoreCountsPasses(t *testing.T) {
	in := perfect()
	in.RoadmapItems = 0
	in.LastKeyNPS = account.Date{}
	g := GradeAccount(in)
	if g.Score != 8 || g.Band != WorkOn || len(g.Failing()) != 2 {
		t.Fatalf("got %d %s", g.Score, g.Band)
	}
	in.OwnerID = 0 // fails 1, 2 and 3
	g = GradeAccount(in)
	if g.Score != 5 || g.Band != AtRisk {
		t.Fatalf("got %d %s", g.Score, g.Band)
	}
	p := Summarise([]Grade{g, GradeAccount(perfect())})
	if p.Accounts != 2 || p.Distribution[5] != 1 || p.Distribution[10] != 1 || p.Average != 7.5 ||
		p.Bands[AtRisk] != 1 || p.Bands[DoingWell] != 1 || p.Weakest[0].Failing != 1 || p.Weakest[len(p.Weakest)-1].Failing != 0 {
		t.Fatalf("summary %+v", p)
	}
}

func TestAssessmentBands(t *testing.T) {
	for total, want := range map[int]AssessmentBand{75: Excellent, 60: Excellent, 59: Good, 50: Good, 49: Concern, 40: Concern, 39: CallForHelp, 15: CallForHelp} {
		if got := AssessmentBandOf(total); got != want {
			t.Errorf("AssessmentBandOf(%d) = %s, want %s", total, got, want)
		}
	}
}

func TestAssessmentStatementsAndSections(t *testing.T) {
	if len(Statements) != NumStatements {
		t.Fatal(len(Statements))
	}
	want := map[string]int{"resolution": 4, "retention": 2, "revenue": 5, "relationships": 4}
	for _, s := range Sections {
		if len(s.Statements) != want[s.Key] {
			t.Errorf("%s has %d statements", s.Key, len(s.Statements))
		}
		for _, n := range s.Statements {
			if Statements[n-1].Section != s.Key {
				t.Errorf("statement %d not in %s", n, s.Key)
			}
		}
	}
}

func rate(v ...int) []int {
	if len(v) == 1 {
		out := make([]int, NumStatements)
		for i := range out {
			out[i] = v[0]
		}
		return out
	}
	return v
}

func TestAssessmentValidationAndTotals(t *testing.T) {
	if ValidateRatings(rate(1)) != nil || ValidateRatings(rate(5)) != nil {
		t.Fatal("valid ratings refused")
	}
	if Total(rate(1)) != 15 || Total(rate(5)) != 75 || Total(rate(4)) != 60 {
		t.Fatal("totals")
	}
	bad := rate(3)
	bad[14] = 6
	if ValidateRatings(bad) == nil || ValidateRatings(rate(3)[:14]) == nil {
		t.Fatal("invalid ratings accepted")
	}
	bad[14] = 0
	if ValidateRatings(bad) == nil {
		t.Fatal("0 accepted")
	}
}

func TestAssessmentAveragesAndWeakSections(t *testing.T) {
	// Two respondents: one rates everything 4; the other rates resolution
	// 2 and everything else 4. Resolution averages 3 (weak), the rest 4.
	a := rate(4)
	b := rate(4)
	for i := range 4 {
		b[i] = 2
	}
	res := SummariseRatings([][]int{a, b, rate(9)}) // the invalid one is skipped
	if res.Respondents != 2 || res.AverageTotal != 56 || res.Band != Good || res.Statements[0] != 3 || res.Statements[4] != 4 {
		t.Fatalf("got %+v", res)
	}
	if !res.Sections[0].Weak || len(res.Sections[0].Practices) == 0 || res.Sections[1].Weak || res.Sections[1].Practices != nil {
		t.Fatalf("sections %+v", res.Sections)
	}
	// 3.5 exactly is not weak.
	c := rate(3)
	d := rate(4)
	if r := SummariseRatings([][]int{c, d}); r.Sections[0].Weak || r.Sections[0].Average != 3.5 {
		t.Fatalf("3.5: %+v", r.Sections[0])
	}
	if r := SummariseRatings(nil); r.Band != "" || r.Respondents != 0 {
		t.Fatal("empty round")
	}
}

func TestCampaignValidation(t *testing.T) {
	ok := Campaign{Name: "NPS 2026", Year: 2026, OpensOn: today, ClosesOn: today.AddDays(MaxCampaignDays)}
	if err := ok.Validate(); err != nil || ok.Status != Draft {
		t.Fatal(err)
	}
	for name, edit := range map[string]func(*Campaign){
		"no name":      func(c *Campaign) { c.Name = " " },
		"bad year":     func(c *Campaign) { c.Year = 26 },
		"bad tier":     func(c *Campaign) { c.TargetTiers = []string{"D"} },
		"closes early": func(c *Campaign) { c.ClosesOn = today.AddDays(-1) },
		"too long":     func(c *Campaign) { c.ClosesOn = today.AddDays(MaxCampaignDays + 1) },
	} {
		c := ok
		edit(&c)
		if c.Validate() == nil {
			t.Errorf("%s accepted", name)
		}
	}
	c := Campaign{Status: Open, OpensOn: today, ClosesOn: today.AddDays(1)}
	if !c.AcceptsAnswers(today) || !c.AcceptsAnswers(today.AddDays(1)) || c.AcceptsAnswers(today.AddDays(2)) || c.AcceptsAnswers(today.AddDays(-1)) {
		t.Fatal("AcceptsAnswers boundaries")
	}
}

func TestTokens(t *testing.T) {
	s, h := NewToken()
	if !TokenWellFormed(s) || len(h) != 64 || TokenWellFormed(s[:len(s)-1]) || TokenWellFormed("sw_"+s[4:]) {
		t.Fatal("token shape")
	}
	s2, _ := NewToken()
	if s == s2 {
		t.Fatal("same token twice")
	}
}

type fakeSurveys struct {
	out    []Outgoing
	failed []int64
}

func (f *fakeSurveys) ClaimInvitations(context.Context, time.Time, int) ([]Outgoing, error) {
	o := f.out
	f.out = nil
	return o, nil
}
func (f *fakeSurveys) ClaimReminders(context.Context, time.Time, int) ([]Outgoing, error) {
	return nil, nil
}
func (f *fakeSurveys) SendFailed(_ context.Context, o Outgoing, _ string) error {
	f.failed = append(f.failed, o.InvitationID)
	return nil
}

type fakeSender struct{ got []mail.Message }

func (f *fakeSender) Send(_ context.Context, m mail.Message) error {
	if strings.Contains(m.To, "bounce") {
		return errors.New("mailbox unavailable")
	}
	f.got = append(f.got, m)
	return nil
}

func TestSendInvitationsReportsFailuresForRetry(t *testing.T) {
	st := &fakeSurveys{out: []Outgoing{
		{InvitationID: 1, Email: "carol@acme.test", Name: "Carol Jones", OrgName: "Globex", Token: "swv_x", Expires: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)},
		{InvitationID: 2, Email: "bounce@acme.test", Token: "swv_y"},
	}}
	snd := &fakeSender{}
	n, err := SendInvitations(context.Background(), Mailing{Store: st, Sender: snd, BaseURL: "https://sam.example/"}, time.Now())
	if n != 1 || err == nil || len(st.failed) != 1 || st.failed[0] != 2 {
		t.Fatalf("sent %d, err %v, failed %v", n, err, st.failed)
	}
	m := snd.got[0]
	if !strings.Contains(m.Text, "https://sam.example/s/swv_x") || !strings.Contains(m.Text, "Hello Carol,") ||
		!strings.Contains(m.Text, "30 November 2026") || !strings.Contains(m.Subject, "Globex") {
		t.Fatalf("message %+v", m)
	}
}
