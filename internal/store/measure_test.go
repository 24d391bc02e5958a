package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/cadence"
	"github.com/samwise-sam/samwise/internal/intel"
	"github.com/samwise-sam/samwise/internal/measure"
	"github.com/samwise-sam/samwise/internal/store"
	"github.com/samwise-sam/samwise/internal/store/storetest"
)

// surveyed is an organisation with one customer account owned by Ann and
// three stakeholders: an executive and a decision maker (key contacts) and
// an operational user (not one), plus an executive without e-mail.
type surveyed struct {
	db              *store.DB
	sc              account.Scope
	now             time.Time
	ann             *account.Person
	acme            *account.Account
	exec, dm, user  *account.Stakeholder
	campaign        measure.Campaign
	tokens          map[int64]string // invitation → token
	stakeholderMail map[string]int64
}

func newSurveyed(t *testing.T, d store.Dialect) *surveyed {
	t.Helper()
	ctx := context.Background()
	db, sc := storetest.New(t, d)
	s := &surveyed{db: db, sc: sc, now: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC), tokens: map[int64]string{}}
	db.Now = func() time.Time { return s.now }
	s.ann = &account.Person{Name: "Ann", Email: "ann@example.com"}
	must(t, db.CreatePerson(ctx, sc, s.ann))
	s.acme = &account.Account{Name: "Acme", Lifecycle: account.Customer, OwnerID: &s.ann.ID}
	must(t, db.CreateAccount(ctx, sc, s.acme))
	s.exec = &account.Stakeholder{AccountID: s.acme.ID, Name: "Carol Exec", Email: "carol@acme.test", Level: account.Executive, BuyingRole: account.UnknownRole, Active: true}
	s.dm = &account.Stakeholder{AccountID: s.acme.ID, Name: "Dan Decider", Email: "dan@acme.test", Level: account.MiddleManagement, BuyingRole: account.DecisionMaker, Active: true}
	s.user = &account.Stakeholder{AccountID: s.acme.ID, Name: "Uma User", Email: "uma@acme.test", Level: account.Operational, BuyingRole: account.User, Active: true}
	nomail := &account.Stakeholder{AccountID: s.acme.ID, Name: "No Mail", Level: account.Executive, BuyingRole: account.UnknownRole, Active: true}
	for _, st := range []*account.Stakeholder{s.exec, s.dm, s.user, nomail} {
		must(t, db.CreateStakeholder(ctx, sc, st))
	}
	s.campaign = measure.Campaign{Name: "NPS 2026", Year: 2026, OpensOn: account.DateOf(s.now), ClosesOn: account.DateOf(s.now).AddDays(30)}
	must(t, db.CreateCampaign(ctx, sc, &s.campaign))
	return s
}

func TestSurveyCampaignInvitesKeyContactsAndSendsEachOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		ctx := context.Background()
		s := newSurveyed(t, d)
		n, err := s.db.OpenCampaign(ctx, s.sc, s.campaign.ID)
		if err != nil || n != 2 {
			t.Fatalf("opened with %d invitations, %v; want the 2 key contacts with e-mail", n, err)
		}
		if n, err := s.db.OpenCampaign(ctx, s.sc, s.campaign.ID); err != nil || n != 0 {
			t.Fatalf("reopening invited %d more (%v)", n, err)
		}
		out, err := s.db.ClaimInvitations(ctx, s.now, 10)
		if err != nil || len(out) != 2 {
			t.Fatalf("claimed %d, %v", len(out), err)
		}
		if again, _ := s.db.ClaimInvitations(ctx, s.now, 10); len(again) != 0 {
			t.Fatalf("claimed %d twice", len(again))
		}
		// A failed delivery is tried again.
		must(t, s.db.SendFailed(ctx, out[1], "mailbox full"))
		again, _ := s.db.ClaimInvitations(ctx, s.now, 10)
		if len(again) != 1 || again[0].InvitationID != out[1].InvitationID || again[0].Token == out[1].Token {
			t.Fatalf("retry claimed %+v", again)
		}
		out[1] = again[0]
		if !out[0].Expires.Equal(time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)) {
			t.Fatalf("expires %v", out[0].Expires)
		}
		cs, err := s.db.Campaigns(ctx, s.sc)
		if err != nil || len(cs) != 1 || cs[0].Invited != 2 || cs[0].Sent != 2 || cs[0].Status != measure.Open {
			t.Fatalf("campaigns %+v %v", cs, err)
		}

		// The promoter answers once; the link is then used.
		l, err := s.db.SurveyLinkByToken(ctx, out[0].Token)
		if err != nil || l.State != measure.LinkOK || l.AccountName != "Acme" {
			t.Fatalf("link %+v %v", l, err)
		}
		if st, err := s.db.AnswerSurvey(ctx, out[0].Token, 11, ""); err == nil || account.ErrorCode(err) != account.EINVALID {
			t.Fatalf("11 accepted: %v %v", st, err)
		}
		if st, err := s.db.AnswerSurvey(ctx, out[0].Token, 9, " Great team "); err != nil || st != measure.LinkOK {
			t.Fatalf("answer: %v %v", st, err)
		}
		if st, _ := s.db.AnswerSurvey(ctx, out[0].Token, 0, ""); st != measure.LinkUsed {
			t.Fatalf("second answer: %v", st)
		}
		if l, _ := s.db.SurveyLinkByToken(ctx, "swv_garbage"); l.State != measure.LinkUnknown {
			t.Fatalf("garbage: %v", l.State)
		}
		sec, _ := measure.NewToken()
		if l, _ := s.db.SurveyLinkByToken(ctx, sec); l.State != measure.LinkUnknown || l.AccountName != "" {
			t.Fatalf("unknown: %+v", l)
		}

		// A week later the non-responder is reminded with a new link; the
		// first stops working.
		s.now = s.now.Add(measure.ReminderAfter)
		rem, err := s.db.ClaimReminders(ctx, s.now, 10)
		if err != nil || len(rem) != 1 || rem[0].InvitationID != out[1].InvitationID || !rem[0].Reminder {
			t.Fatalf("reminders %+v %v", rem, err)
		}
		if l, _ := s.db.SurveyLinkByToken(ctx, out[1].Token); l.State != measure.LinkUnknown {
			t.Fatalf("old link: %v", l.State)
		}
		// The detractor's answer creates a follow-up for Ann.
		if st, err := s.db.AnswerSurvey(ctx, rem[0].Token, 6, "Slow support"); err != nil || st != measure.LinkOK {
			t.Fatalf("detractor: %v %v", st, err)
		}
		fs, err := s.db.FollowUps(ctx, s.sc, store.FollowUpFilter{AccountID: s.acme.ID, OpenOnly: true})
		if err != nil || len(fs) != 1 || fs[0].OwnerID != s.ann.ID || fs[0].Score != 6 || fs[0].Comment != "Slow support" {
			t.Fatalf("follow-ups %+v %v", fs, err)
		}
		must(t, s.db.CloseFollowUp(ctx, s.sc, fs[0].ID, "Called Dan"))
		if err := s.db.CloseFollowUp(ctx, s.sc, fs[0].ID, ""); account.ErrorCode(err) != account.ECONFLICT {
			t.Fatalf("closing twice: %v", err)
		}
		if fs, _ := s.db.FollowUps(ctx, s.sc, store.FollowUpFilter{OpenOnly: true}); len(fs) != 0 {
			t.Fatalf("still open: %+v", fs)
		}

		ans, err := s.db.SurveyAnswers(ctx, s.sc, store.AnswerFilter{CampaignID: s.campaign.ID})
		if err != nil || len(ans) != 2 || ans[0].Comment != "Great team" || !ans[0].KeyContact || ans[0].Year != 2026 || ans[0].ManagerName != "Ann" {
			t.Fatalf("answers %+v %v", ans, err)
		}
		if n := measure.Score(store.Answers(ans)); n.Score != 0 || n.Responses != 2 {
			t.Fatalf("nps %+v", n)
		}
		// Under need-to-know, someone with no accounts sees no answers.
		if ans, _ := s.db.SurveyAnswers(ctx, s.sc, store.AnswerFilter{VisibleTo: s.ann.ID + 1000}); len(ans) != 0 {
			t.Fatalf("hidden answers %+v", ans)
		}

		// Closed: links expire.
		must(t, s.db.CloseCampaign(ctx, s.sc, s.campaign.ID))
		if _, err := s.db.OpenCampaign(ctx, s.sc, s.campaign.ID); account.ErrorCode(err) != account.ECONFLICT {
			t.Fatalf("reopen closed: %v", err)
		}
	})
}

func TestSurveyLinkExpiresAfterClosingDay(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		ctx := context.Background()
		s := newSurveyed(t, d)
		_, err := s.db.OpenCampaign(ctx, s.sc, s.campaign.ID)
		must(t, err)
		out, err := s.db.ClaimInvitations(ctx, s.now, 10)
		must(t, err)
		s.now = s.campaign.ClosesOn.Time().Add(23*time.Hour + 59*time.Minute)
		if l, _ := s.db.SurveyLinkByToken(ctx, out[0].Token); l.State != measure.LinkOK {
			t.Fatalf("last minute: %v", l.State)
		}
		s.now = s.campaign.ClosesOn.AddDays(1).Time()
		if st, _ := s.db.AnswerSurvey(ctx, out[0].Token, 10, ""); st != measure.LinkExpired {
			t.Fatalf("after closing: %v", st)
		}
		// The rate limit's record of failed look-ups.
		must(t, s.db.RecordSurveyLinkFailure(ctx, "192.0.2.1"))
		if fs, err := s.db.SurveyLinkFailures(ctx, "192.0.2.1", s.now.Add(-time.Minute)); err != nil || len(fs) != 1 {
			t.Fatalf("failures %v %v", fs, err)
		}
	})
}

func TestCampaignValidationReachesTheStore(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		s := newSurveyed(t, d)
		c := measure.Campaign{Name: "x", Year: 2026, OpensOn: account.DateOf(s.now), ClosesOn: account.DateOf(s.now), TargetAccounts: []int64{99999}}
		if err := s.db.CreateCampaign(context.Background(), s.sc, &c); account.ErrorCode(err) != account.EINVALID {
			t.Fatalf("unknown account: %v", err)
		}
	})
}

func TestAssessmentRoundsAverageRespondents(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		ctx := context.Background()
		s := newSurveyed(t, d)
		r, err := s.db.CreateRound(ctx, s.sc, "Spring 2026")
		must(t, err)
		four := make([]int, 15)
		for i := range four {
			four[i] = 4
		}
		a := s.sc
		a.UserID = 1
		b := s.sc
		b.UserID = 2
		must(t, s.db.AnswerAssessment(ctx, a, r.ID, four))
		two := append([]int(nil), four...)
		two[0], two[1], two[2], two[3] = 2, 2, 2, 2
		must(t, s.db.AnswerAssessment(ctx, b, r.ID, four))
		must(t, s.db.AnswerAssessment(ctx, b, r.ID, two)) // replaces
		if err := s.db.AnswerAssessment(ctx, b, r.ID, four[:3]); account.ErrorCode(err) != account.EINVALID {
			t.Fatalf("short: %v", err)
		}
		got, err := s.db.Round(ctx, s.sc, r.ID)
		if err != nil || got.Results.Respondents != 2 || got.Results.AverageTotal != 56 || !got.Results.Sections[0].Weak {
			t.Fatalf("round %+v %v", got, err)
		}
		mine, err := s.db.MyAssessment(ctx, b, r.ID)
		if err != nil || len(mine) != 15 || mine[0] != 2 {
			t.Fatalf("mine %v %v", mine, err)
		}
		must(t, s.db.CloseRound(ctx, s.sc, r.ID))
		if err := s.db.AnswerAssessment(ctx, a, r.ID, four); account.ErrorCode(err) != account.ECONFLICT {
			t.Fatalf("closed round: %v", err)
		}
	})
}

func TestGraderReadsTheData(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		ctx := context.Background()
		s := newSurveyed(t, d)
		orphan := &account.Account{Name: "Orphan", Lifecycle: account.Customer}
		must(t, s.db.CreateAccount(ctx, s.sc, orphan))
		today := account.DateOf(s.now)
		gs, err := s.db.Grades(ctx, s.sc, store.GraderScope{}, today)
		if err != nil || len(gs) != 2 || gs[0].AccountName != "Acme" {
			t.Fatalf("grades %+v %v", gs, err)
		}
		acme := gs[0]
		if !acme.Checks[0].Pass || !acme.Checks[1].Pass || acme.Checks[2].Pass || acme.Checks[9].Pass {
			t.Fatalf("acme %+v", acme.Checks)
		}
		if gs[1].Checks[0].Pass {
			t.Fatalf("orphan has an owner? %+v", gs[1].Checks[0])
		}
		// Levels: executive, middle management, operational → check 7
		// needs relationships: none yet.
		if acme.Checks[6].Pass {
			t.Fatalf("matrix %+v", acme.Checks[6])
		}
		// An NPS answer from a key contact passes check 10.
		_, err = s.db.OpenCampaign(ctx, s.sc, s.campaign.ID)
		must(t, err)
		out, err := s.db.ClaimInvitations(ctx, s.now, 10)
		must(t, err)
		_, err = s.db.AnswerSurvey(ctx, out[0].Token, 8, "")
		must(t, err)
		one, err := s.db.Grades(ctx, s.sc, store.GraderScope{AccountID: s.acme.ID}, today)
		if err != nil || len(one) != 1 || !one[0].Checks[9].Pass || one[0].Score != acme.Score+1 {
			t.Fatalf("after answer %+v %v", one, err)
		}
		// Need-to-know: Ann sees Acme only.
		mine, err := s.db.Grades(ctx, s.sc, store.GraderScope{VisibleTo: s.ann.ID}, today)
		if err != nil || len(mine) != 1 || mine[0].AccountID != s.acme.ID {
			t.Fatalf("visible %+v %v", mine, err)
		}
		if _, err := s.db.Grades(ctx, s.sc, store.GraderScope{AccountID: 999999}, today); account.ErrorCode(err) != account.ENOTFOUND {
			t.Fatalf("unknown account: %v", err)
		}
	})
}

func TestGraderReadsReviewsRelationshipsAndVision(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		ctx := context.Background()
		s := newSurveyed(t, d)
		today := account.DateOf(s.now)
		check := func(n int) measure.Check {
			t.Helper()
			gs, err := s.db.Grades(ctx, s.sc, store.GraderScope{AccountID: s.acme.ID}, today)
			if err != nil {
				t.Fatal(err)
			}
			return gs[0].Checks[n-1]
		}
		// 6: a review held within the (untiered → C, 365-day) interval and
		// the next one scheduled.
		must(t, s.db.CreateReview(ctx, s.sc, &cadence.Review{AccountID: s.acme.ID, Kind: cadence.QBR, ScheduledOn: today.AddDays(-30),
			HeldOn: today.AddDays(-30), Status: cadence.ReviewHeld}))
		if c := check(6); c.Pass || c.Why != "No next business review is scheduled." {
			t.Fatalf("held only: %+v", c)
		}
		must(t, s.db.CreateReview(ctx, s.sc, &cadence.Review{AccountID: s.acme.ID, Kind: cadence.QBR, ScheduledOn: today.AddDays(60),
			Status: cadence.ReviewScheduled}))
		if c := check(6); !c.Pass {
			t.Fatalf("held and scheduled: %+v", c)
		}
		// 7: relationships with people at two levels.
		for _, st := range []*account.Stakeholder{s.exec, s.user} {
			must(t, s.db.SetRelationship(ctx, s.sc, &intel.Relationship{AccountID: s.acme.ID, StakeholderID: st.ID, PersonID: s.ann.ID, Strength: intel.Strong}))
		}
		if c := check(7); !c.Pass {
			t.Fatalf("matrix: %+v", c)
		}
		// 9: a 3-year vision.
		must(t, s.db.AddVisionItem(ctx, s.sc, &intel.VisionItem{AccountID: s.acme.ID, HorizonYears: 3, Text: "Two new plants", SourceNote: "Their CEO at the QBR", StatedOn: today}))
		if c := check(9); !c.Pass {
			t.Fatalf("vision: %+v", c)
		}
	})
}
