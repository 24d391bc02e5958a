package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/measure"
	"github.com/samwise-sam/samwise/internal/store"
)

// SeedMeasures adds the demo's measures: last year's NPS campaign (closed,
// its detractors followed up) and this year's (open, tiers A and B: key
// contacts who answered as promoters, passives and detractors — each
// detractor with an open follow-up — and non-responders still to be
// reminded); and two rounds of the SAM self-assessment, the older closed.
// It is idempotent: it does nothing once any campaign exists.
//
// Invitations of this year's campaign are marked sent without mail going
// out: the demo's contacts are not real people.
func SeedMeasures(ctx context.Context, db *store.DB, sc account.Scope, now time.Time) error {
	r := rand.New(rand.NewPCG(12, 10))
	y := now.UTC().Year()
	rounds, err := db.Rounds(ctx, sc)
	if err != nil {
		return err
	}
	if len(rounds) == 0 {
		if err := seedAssessment(ctx, db, sc, r, y); err != nil {
			return err
		}
	}
	cs, err := db.Campaigns(ctx, sc)
	if err != nil || len(cs) > 0 {
		return err
	}
	today := account.DateOf(now.UTC())

	last := measure.Campaign{Name: fmt.Sprintf("NPS %d", y-1), Year: y - 1, TargetTiers: []string{"A", "B"},
		OpensOn: account.Date{Year: y - 1, Month: 11, Day: 1}, ClosesOn: account.Date{Year: y - 1, Month: 11, Day: 30}}
	if err := db.CreateCampaign(ctx, sc, &last); err != nil {
		return fmt.Errorf("campaign: %w", err)
	}
	cur := measure.Campaign{Name: fmt.Sprintf("NPS %d", y), Year: y, TargetTiers: []string{"A", "B"},
		OpensOn: today.AddDays(-10), ClosesOn: today.AddDays(20)}
	if err := db.CreateCampaign(ctx, sc, &cur); err != nil {
		return fmt.Errorf("campaign: %w", err)
	}
	if _, err := db.OpenCampaign(ctx, sc, cur.ID); err != nil {
		return fmt.Errorf("open campaign: %w", err)
	}
	out, err := db.ClaimInvitations(ctx, now, 1_000_000)
	if err != nil {
		return err
	}

	// Last year: most of the same contacts answered, somewhat less warmly.
	lastAt := last.OpensOn.Time().Add(10 * time.Hour)
	for _, o := range out {
		if r.IntN(100) >= 70 {
			continue
		}
		score, comment := demoScore(r, 35, 35)
		if _, err := db.RecordAnswer(ctx, sc, store.RecordedAnswer{CampaignID: last.ID, StakeholderID: o.StakeholderID,
			Score: score, Comment: comment, At: lastAt.Add(time.Duration(r.IntN(20*24)) * time.Hour)}); err != nil {
			return fmt.Errorf("last year's answer: %w", err)
		}
	}
	if err := db.CloseCampaign(ctx, sc, last.ID); err != nil {
		return err
	}
	fs, err := db.FollowUps(ctx, sc, store.FollowUpFilter{OpenOnly: true, Limit: 1_000_000})
	if err != nil {
		return err
	}
	for _, f := range fs {
		if err := db.CloseFollowUp(ctx, sc, f.ID, "Met them; agreed a fix plan and a monthly check-in."); err != nil {
			return err
		}
	}

	// This year: about 60% have answered so far; the others are the
	// non-responders the reminder will reach.
	for _, o := range out {
		if r.IntN(100) >= 60 {
			continue
		}
		score, comment := demoScore(r, 45, 30)
		if _, err := db.AnswerSurvey(ctx, o.Token, score, comment); err != nil {
			return fmt.Errorf("answer: %w", err)
		}
	}
	return nil
}

var (
	promoterComments  = []string{"Responsive team that knows our business.", "Our account manager is proactive.", "The quarterly reviews are genuinely useful.", ""}
	passiveComments   = []string{"Good product; support could be faster.", "Fine overall, pricing is a concern.", ""}
	detractorComments = []string{"Slow response to our outage in spring.", "We rarely hear from anyone senior.", "Invoices keep arriving wrong.", ""}
)

// demoScore draws an answer: promoters% promoters, passives% passives,
// the rest detractors.
func demoScore(r *rand.Rand, promoters, passives int) (int, string) {
	pick := func(cs []string) string { return cs[r.IntN(len(cs))] }
	switch n := r.IntN(100); {
	case n < promoters:
		return 9 + r.IntN(2), pick(promoterComments)
	case n < promoters+passives:
		return 7 + r.IntN(2), pick(passiveComments)
	default:
		return r.IntN(7), pick(detractorComments)
	}
}

// seedAssessment adds two rounds: last autumn's (closed, revenue weak) and
// this spring's (open, better), answered by the demo's team. The demo seeds
// before its sign-ins exist, so the respondents are the demo's people under
// negative user ids, which no real user has: results are anonymous
// averages, and no demo user finds an answer of theirs already given.
func seedAssessment(ctx context.Context, db *store.DB, sc account.Scope, r *rand.Rand, y int) error {
	people, err := db.AllPeople(ctx, sc)
	if err != nil {
		return err
	}
	users := make([]int64, len(people))
	for i := range people {
		users[i] = -int64(i + 1)
	}
	rounds := []struct {
		name  string
		means [4]float64 // resolution, retention, revenue, relationships
		share int        // % of users answering
		close bool
	}{
		{fmt.Sprintf("Autumn %d", y-1), [4]float64{3.4, 3.1, 2.6, 3.5}, 100, true},
		{fmt.Sprintf("Spring %d", y), [4]float64{3.9, 3.7, 3.2, 4.0}, 80, false},
	}
	for _, rd := range rounds {
		round, err := db.CreateRound(ctx, sc, rd.name)
		if err != nil {
			return err
		}
		for _, u := range users {
			if r.IntN(100) >= rd.share {
				continue
			}
			ratings := make([]int, measure.NumStatements)
			for si, s := range measure.Sections {
				for _, n := range s.Statements {
					v := int(rd.means[si] + r.Float64()*2 - 0.5)
					ratings[n-1] = min(max(v, 1), 5)
				}
			}
			usc := sc
			usc.UserID = u
			if err := db.AnswerAssessment(ctx, usc, round.ID, ratings); err != nil {
				return err
			}
		}
		if rd.close {
			if err := db.CloseRound(ctx, sc, round.ID); err != nil {
				return err
			}
		}
	}
	return nil
}
