package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/measure"
	"github.com/samwise-sam/samwise/internal/portfolio"
	"github.com/samwise-sam/samwise/internal/store"
	"github.com/samwise-sam/samwise/internal/store/storetest"
)

// The contacts a campaign covers are those OpenCampaign would invite from:
// its chosen accounts, its tiers' accounts, or with neither every customer.
func TestCampaignContactsAreThoseOfTheAccountsItCovers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		ctx := context.Background()
		db, sc := storetest.New(t, d)
		now := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return now }
		contact := map[string]int64{}
		accountOf := func(name string, lc account.Lifecycle, tier portfolio.Tier) {
			a := account.Account{Name: name, Lifecycle: lc}
			must(t, db.CreateAccount(ctx, sc, &a))
			if tier != "" {
				must(t, db.OverrideTier(ctx, sc, a.ID, tier, "test"))
			}
			s := account.Stakeholder{AccountID: a.ID, Name: "Pat " + name, Level: account.Executive, Active: true}
			must(t, db.CreateStakeholder(ctx, sc, &s))
			contact[name] = s.ID
			contact["id "+name] = a.ID
		}
		accountOf("Alpha", account.Customer, portfolio.TierA)
		accountOf("Bravo", account.Prospect, portfolio.TierB)
		accountOf("Charlie", account.Customer, "")
		accountOf("Delta", account.Prospect, "")

		for _, c := range []struct {
			name     string
			tiers    []string
			accounts []string
			want     []string
		}{
			{"tiers: their accounts, whatever the lifecycle", []string{"A", "B"}, nil, []string{"Pat Alpha", "Pat Bravo"}},
			{"chosen accounts", nil, []string{"Delta"}, []string{"Pat Delta"}},
			{"a tier and an account", []string{"B"}, []string{"Charlie"}, []string{"Pat Bravo", "Pat Charlie"}},
			{"neither: every customer", nil, nil, []string{"Pat Alpha", "Pat Charlie"}},
		} {
			t.Run(c.name, func(t *testing.T) {
				camp := measure.Campaign{Name: c.name, Year: 2026, OpensOn: account.DateOf(now), ClosesOn: account.DateOf(now).AddDays(10), TargetTiers: c.tiers}
				for _, a := range c.accounts {
					camp.TargetAccounts = append(camp.TargetAccounts, contact["id "+a])
				}
				must(t, db.CreateCampaign(ctx, sc, &camp))
				found, more, err := db.SearchCampaignContacts(ctx, sc, camp.ID, "pat", 0, 0)
				if err != nil || more {
					t.Fatal(err, more)
				}
				var got []string
				for _, p := range found {
					got = append(got, p.Name)
				}
				if !slices.Equal(got, c.want) {
					t.Errorf("search finds %v, want %v", got, c.want)
				}
				for _, name := range []string{"Alpha", "Bravo", "Charlie", "Delta"} {
					_, err := db.RecordReceivedAnswer(ctx, sc, store.ReceivedAnswer{CampaignID: camp.ID, StakeholderID: contact[name],
						Score: 9, ReceivedOn: account.DateOf(now), Channel: store.ChannelPaper})
					if covered := slices.Contains(c.want, "Pat "+name); covered != (err == nil) {
						t.Errorf("recording Pat %s: %v (covered %v)", name, err, covered)
					}
				}
			})
		}
	})
}

// An answer keeps how it reached us: 'link' through the contact's link (or
// recorded without a channel, as the demo does), else the channel it was
// recorded from, with the comment as typed.
func TestSurveyAnswersKeepTheirChannelAndTheCommentAsTyped(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		ctx := context.Background()
		db, sc := storetest.New(t, d)
		now := rateDay // the mailing claims across organisations: a day no other test's campaign is open
		db.Now = func() time.Time { return now }
		f := newRateFixture(t, db, sc, now)

		tok := f.claim(2)[f.uma]
		if state, err := db.AnswerSurvey(ctx, tok, 9, "Great team"); err != nil || state != measure.LinkOK {
			t.Fatal(state, err)
		}
		for _, a := range []store.ReceivedAnswer{
			{StakeholderID: f.quinn, Score: 4, Comment: "  Too slow  ", Channel: store.ChannelPaper},
			{StakeholderID: f.sam, Score: 10, Channel: store.ChannelPhone},
			{StakeholderID: f.rae, Score: 8, Comment: "(on paper) is what I typed", Channel: store.ChannelOther},
		} {
			a.CampaignID, a.ReceivedOn = f.campaign, account.DateOf(now)
			_, err := db.RecordReceivedAnswer(ctx, sc, a)
			must(t, err)
		}
		_, err := db.RecordAnswer(ctx, sc, store.RecordedAnswer{CampaignID: f.campaign, StakeholderID: f.pat, Score: 7, Comment: "From last year's tool"})
		must(t, err)

		as, err := db.SurveyAnswers(ctx, sc, store.AnswerFilter{CampaignID: f.campaign})
		must(t, err)
		got := map[int64][2]string{}
		for _, a := range as {
			got[a.RespondentID] = [2]string{a.Channel, a.Comment}
		}
		for _, c := range []struct {
			name    string
			contact int64
			channel string
			comment string
		}{
			{"through the link", f.uma, store.ChannelLink, "Great team"},
			{"on paper, the comment trimmed and not prefixed", f.quinn, store.ChannelPaper, "Too slow"},
			{"by phone, without a comment", f.sam, store.ChannelPhone, ""},
			{"otherwise, a comment that looks like an old note kept as typed", f.rae, store.ChannelOther, "(on paper) is what I typed"},
			{"recorded without a channel", f.pat, store.ChannelLink, "From last year's tool"},
		} {
			t.Run(c.name, func(t *testing.T) {
				if g := got[c.contact]; g != [2]string{c.channel, c.comment} {
					t.Errorf("channel and comment %q, want %q and %q", g, c.channel, c.comment)
				}
			})
		}
		es, _, err := db.Audit(ctx, sc, store.AuditFilter{Entity: "survey_response"})
		must(t, err)
		for _, e := range es {
			if e.Action == "record" && e.Changes["channel"].New == store.ChannelPaper && e.Changes["comment"].New != "Too slow" {
				t.Errorf("audited comment %v, want it as stored", e.Changes["comment"].New)
			}
		}
	})
}

// The response rate is respondents ÷ invitations sent. An invitation
// answered on paper before the mailing sent it reached its contact: it
// counts as sent, so answered invitations never outnumber sent ones (the
// rate once read 100% for 1 answer on paper and 1 unanswered e-mail).
// Contacts who answered without an invitation count apart.
func TestSurveyResponseRateCountsAnInvitationAnsweredBeforeItWasSent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		ctx := context.Background()
		db, sc := storetest.New(t, d)
		now := rateDay // the mailing claims across organisations: a day no other test's campaign is open
		db.Now = func() time.Time { return now }
		f := newRateFixture(t, db, sc, now)
		record := func(who int64, ch string) {
			t.Helper()
			_, err := db.RecordReceivedAnswer(ctx, sc, store.ReceivedAnswer{CampaignID: f.campaign, StakeholderID: who, Score: 9,
				ReceivedOn: account.DateOf(now), Channel: ch})
			must(t, err)
		}
		type counts struct{ invited, sent, responded, uninvited, pct int }
		for _, step := range []struct {
			name string
			do   func()
			want counts
		}{
			{"nothing sent yet", func() {}, counts{4, 0, 0, 0, 0}},
			{"Pat's and Uma's e-mails sent", func() { f.claim(2) }, counts{4, 2, 0, 0, 0}},
			{"Quinn answers on paper before his e-mail went out", func() { record(f.quinn, store.ChannelPaper) }, counts{4, 3, 1, 0, 33}},
			{"Uma answers by phone", func() { record(f.uma, store.ChannelPhone) }, counts{4, 3, 2, 0, 67}},
			{"Sam, never invited (no e-mail), answers by phone", func() { record(f.sam, store.ChannelPhone) }, counts{4, 3, 2, 1, 67}},
			{"Quinn answers again: still one respondent", func() { record(f.quinn, store.ChannelOther) }, counts{4, 3, 2, 1, 67}},
			{"the mailing sends only Rae's: Quinn's is used up", func() {
				if sent := f.claim(10); len(sent) != 1 || sent[f.rae] == "" {
					t.Errorf("mailing sent %v, want Rae's invitation only", sent)
				}
			}, counts{4, 4, 2, 1, 50}},
		} {
			step.do()
			c, err := db.Campaign(ctx, sc, f.campaign)
			must(t, err)
			got := counts{c.Invited, c.Sent, c.Responded, c.Uninvited, c.RatePercent()}
			if got != step.want {
				t.Errorf("%s: invited, sent, responded, uninvited, rate %% = %v, want %v", step.name, got, step.want)
			}
			if c.Responded > c.Sent {
				t.Errorf("%s: %d answered of %d sent", step.name, c.Responded, c.Sent)
			}
		}
	})
}

// rateFixture is a campaign covering Acme: Pat, Uma, Quinn and Rae are
// key contacts with an e-mail (invited, in that order), Sam has no e-mail
// (not invited).
var rateDay = time.Date(2031, 7, 14, 9, 0, 0, 0, time.UTC)

type rateFixture struct {
	t                         *testing.T
	db                        *store.DB
	now                       time.Time
	campaign                  int64
	pat, uma, quinn, rae, sam int64
}

func newRateFixture(t *testing.T, db *store.DB, sc account.Scope, now time.Time) *rateFixture {
	ctx := context.Background()
	f := &rateFixture{t: t, db: db, now: now}
	a := account.Account{Name: "Acme", Lifecycle: account.Customer}
	must(t, db.CreateAccount(ctx, sc, &a))
	for _, c := range []struct {
		id          *int64
		name, email string
	}{{&f.pat, "Pat", "pat@acme.example"}, {&f.uma, "Uma", "uma@acme.example"}, {&f.quinn, "Quinn", "quinn@acme.example"},
		{&f.rae, "Rae", "rae@acme.example"}, {&f.sam, "Sam", ""}} {
		s := account.Stakeholder{AccountID: a.ID, Name: c.name, Email: c.email, Level: account.Executive, Active: true}
		must(t, db.CreateStakeholder(ctx, sc, &s))
		*c.id = s.ID
	}
	camp := measure.Campaign{Name: "NPS", Year: 2026, OpensOn: account.DateOf(now), ClosesOn: account.DateOf(now).AddDays(20), TargetAccounts: []int64{a.ID}}
	must(t, db.CreateCampaign(ctx, sc, &camp))
	if n, err := db.OpenCampaign(ctx, sc, camp.ID); err != nil || n != 4 {
		t.Fatalf("open: %d invitations, %v", n, err)
	}
	f.campaign = camp.ID
	return f
}

// claim runs the mailing for up to n invitations and returns their links
// by contact.
func (f *rateFixture) claim(n int) map[int64]string {
	out, err := f.db.ClaimInvitations(context.Background(), f.now, n)
	must(f.t, err)
	m := map[int64]string{}
	for _, o := range out {
		m[o.StakeholderID] = o.Token
	}
	return m
}
