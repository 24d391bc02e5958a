package store_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/measure"
	"github.com/samwise-sam/samwise/internal/store"
	"github.com/samwise-sam/samwise/internal/store/storetest"
)

// Names with letters beyond ASCII are found ignoring case, though neither
// database folds their case for certain (SQLite's LIKE folds ASCII only).
func TestSurveyPickersFindNamesWithLettersBeyondASCIIIgnoringCase(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		ctx := context.Background()
		db, sc := storetest.New(t, d)
		now := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return now }
		a := account.Account{Name: "Émile Zola SA", Lifecycle: account.Customer}
		must(t, db.CreateAccount(ctx, sc, &a))
		for _, n := range []string{"Émile Zola", "ÅSA ÖBERG", "Zoë Ångström", "Pat O'Brien"} {
			must(t, db.CreateStakeholder(ctx, sc, &account.Stakeholder{AccountID: a.ID, Name: n, Level: account.Executive, Active: true}))
		}
		camp := measure.Campaign{Name: "NPS", Year: 2026, OpensOn: account.DateOf(now), ClosesOn: account.DateOf(now).AddDays(10), TargetAccounts: []int64{a.ID}}
		must(t, db.CreateCampaign(ctx, sc, &camp))

		for _, c := range []struct {
			typed string
			want  string // the contact found by a search, "" none
			exact bool   // typed is the whole name: the form resolves it
		}{
			{"Émile", "Émile Zola", false},
			{"émile", "Émile Zola", false},
			{"ÉMILE", "Émile Zola", false},
			{"mile zo", "Émile Zola", false},
			{"Émile Zola", "Émile Zola", true},
			{"émile zola", "Émile Zola", true},
			{"ÉMILE ZOLA", "Émile Zola", true},
			{"  émile ZOLA ", "Émile Zola", true},
			{"åsa öberg", "ÅSA ÖBERG", true},
			{"Åsa Öberg", "ÅSA ÖBERG", true},
			{"öberg", "ÅSA ÖBERG", false},
			{"zoë ångström", "Zoë Ångström", true},
			{"ZOË ÅNGSTRÖM", "Zoë Ångström", true},
			{"ångström", "Zoë Ångström", false},
			{"pat o'brien", "Pat O'Brien", true},
			{"Emile", "", false}, // another letter, not another case
		} {
			t.Run(fmt.Sprintf("%q finds %q", c.typed, c.want), func(t *testing.T) {
				found, _, err := db.SearchCampaignContacts(ctx, sc, camp.ID, c.typed, 0, 0)
				must(t, err)
				var got []string
				for _, p := range found {
					got = append(got, p.Name)
				}
				if want := []string{c.want}; c.want == "" && len(got) > 0 || c.want != "" && !slices.Equal(got, want) {
					t.Errorf("search finds %q, want %q", got, c.want)
				}
				if !c.exact {
					return
				}
				m, err := db.CampaignContactByRef(ctx, sc, camp.ID, c.typed, 0)
				must(t, err)
				if len(m.Picks) != 1 || m.Picks[0].Name != c.want {
					t.Errorf("typed whole, it resolves to %v, want %q", m.Picks, c.want)
				}
			})
		}
		for _, q := range []string{"Émile", "émile", "ÉMILE ZOLA", "zola sa"} {
			t.Run(fmt.Sprintf("the account search finds %q", q), func(t *testing.T) {
				found, _, err := db.SearchAccounts(ctx, sc, q, 0, 0)
				must(t, err)
				if len(found) != 1 || found[0].ID != a.ID {
					t.Errorf("found %v", found)
				}
			})
		}
		ms, err := db.AccountsByRef(ctx, sc, []string{"ÉMILE ZOLA SA", "émile zola sa"}, 0)
		must(t, err)
		for _, m := range ms {
			if len(m.Picks) != 1 || m.Picks[0].ID != a.ID {
				t.Errorf("%q resolves to %v", m.Ref, m.Picks)
			}
		}
	})
}

// The day an answer was received is checked against today where the
// person typing it is, as the form's default date is: east of UTC after
// local midnight, west of it before UTC's midnight.
func TestAnAnswerReceivedTodayIsTodaysInTheTimeZoneOfWhoTypesIt(t *testing.T) {
	east := time.FixedZone("UTC+10", 10*3600)
	west := time.FixedZone("UTC-5", -5*3600)
	for _, c := range []struct {
		name     string
		now      time.Time
		loc      *time.Location
		received account.Date
		wantErr  string        // "" recorded
		wantAt   time.Duration // after midnight of received in loc; -1: at now
	}{
		{"east: today, still yesterday in UTC", time.Date(2026, 5, 4, 20, 0, 0, 0, time.UTC), east, account.Date{Year: 2026, Month: 5, Day: 5}, "", -1},
		{"east: tomorrow is in the future", time.Date(2026, 5, 4, 20, 0, 0, 0, time.UTC), east, account.Date{Year: 2026, Month: 5, Day: 6}, "in the future", 0},
		{"west: today, already tomorrow in UTC, at now", time.Date(2026, 5, 5, 2, 0, 0, 0, time.UTC), west, account.Date{Year: 2026, Month: 5, Day: 4}, "", -1},
		{"west: the UTC date is in the future", time.Date(2026, 5, 5, 2, 0, 0, 0, time.UTC), west, account.Date{Year: 2026, Month: 5, Day: 5}, "in the future", 0},
		{"west: an earlier day, at its midnight there", time.Date(2026, 5, 5, 2, 0, 0, 0, time.UTC), west, account.Date{Year: 2026, Month: 5, Day: 3}, "", 0},
		{"no time zone: UTC", time.Date(2026, 5, 4, 20, 0, 0, 0, time.UTC), nil, account.Date{Year: 2026, Month: 5, Day: 4}, "", -1},
	} {
		t.Run(c.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, d store.Dialect) {
				ctx := context.Background()
				db, sc := storetest.New(t, d)
				db.Now = func() time.Time { return c.now }
				a := account.Account{Name: "Acme", Lifecycle: account.Customer}
				must(t, db.CreateAccount(ctx, sc, &a))
				s := account.Stakeholder{AccountID: a.ID, Name: "Pat", Level: account.Executive, Active: true}
				must(t, db.CreateStakeholder(ctx, sc, &s))
				opens := account.Date{Year: 2026, Month: 5, Day: 1}
				camp := measure.Campaign{Name: "NPS", Year: 2026, OpensOn: opens, ClosesOn: opens.AddDays(30), TargetAccounts: []int64{a.ID}}
				must(t, db.CreateCampaign(ctx, sc, &camp))
				loc := c.loc
				if loc == nil {
					loc = time.UTC
				}
				in := store.ReceivedAnswer{CampaignID: camp.ID, StakeholderID: s.ID, Score: 9, ReceivedOn: c.received, Channel: store.ChannelPhone,
					Today: account.DateOf(c.now.In(loc)), Loc: c.loc}
				id, err := db.RecordReceivedAnswer(ctx, sc, in)
				if c.wantErr != "" {
					if err == nil || !strings.Contains(fmt.Sprint(err), c.wantErr) {
						t.Fatalf("recorded (%v), want %q", err, c.wantErr)
					}
					return
				}
				must(t, err)
				as, err := db.SurveyAnswers(ctx, sc, store.AnswerFilter{ID: id})
				must(t, err)
				want := c.now
				if c.wantAt >= 0 {
					want = time.Date(c.received.Year, c.received.Month, c.received.Day, 0, 0, 0, 0, loc).Add(c.wantAt)
				}
				if len(as) != 1 || !as[0].At.Equal(want) {
					t.Fatalf("answered at %v, want %v", as, want)
				}
				if got := account.DateOf(as[0].At.In(loc)); got != c.received {
					t.Errorf("lists under %s there, want %s", got, c.received)
				}
			})
		})
	}
}

// A comment's limit counts characters, not bytes.
func TestAReceivedAnswersCommentIsCheckedInCharacters(t *testing.T) {
	for _, c := range []struct {
		name    string
		comment string
		ok      bool
	}{
		{"accented letters at the limit", strings.Repeat("é", measure.MaxComment), true},
		{"an emoji over it", strings.Repeat("é", measure.MaxComment-1) + "👍👍", false},
		{"ASCII at the limit, with spaces around", "  " + strings.Repeat("x", measure.MaxComment) + "\n", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := store.CheckReceivedAnswer(store.ReceivedAnswer{StakeholderID: 1, Score: 5, Comment: c.comment,
				ReceivedOn: account.Date{Year: 2026, Month: 5, Day: 4}, Channel: store.ChannelPaper})
			if (err == nil) != c.ok {
				t.Errorf("check: %v, want ok %v", err, c.ok)
			}
		})
	}
}

// The contact a form chose is shown again only to whom may see its account;
// the accounts a form chose are listed whatever their number.
func TestSurveyPicksHeedNeedToKnowAndTakeThousandsOfIDs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		ctx := context.Background()
		db, sc := storetest.New(t, d)
		now := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return now }
		ann := &account.Person{Name: "Ann", Email: "ann@example.com"}
		bob := &account.Person{Name: "Bob", Email: "bob@example.com"}
		must(t, db.CreatePerson(ctx, sc, ann))
		must(t, db.CreatePerson(ctx, sc, bob))
		a := account.Account{Name: "Acme", Lifecycle: account.Customer, OwnerID: &ann.ID}
		must(t, db.CreateAccount(ctx, sc, &a))
		s := account.Stakeholder{AccountID: a.ID, Name: "Pat", Level: account.Executive, Active: true}
		must(t, db.CreateStakeholder(ctx, sc, &s))
		camp := measure.Campaign{Name: "NPS", Year: 2026, OpensOn: account.DateOf(now), ClosesOn: account.DateOf(now).AddDays(10)}
		must(t, db.CreateCampaign(ctx, sc, &camp))
		for _, c := range []struct {
			name    string
			visible int64
			found   bool
		}{{"no need-to-know rule", 0, true}, {"the owner", ann.ID, true}, {"someone else", bob.ID, false}} {
			t.Run(c.name, func(t *testing.T) {
				p, err := db.CampaignContact(ctx, sc, camp.ID, s.ID, c.visible)
				if found := err == nil && p.ID == s.ID; found != c.found || !c.found && account.ErrorCode(err) != account.ENOTFOUND {
					t.Errorf("found %v (%v), want %v", p, err, c.found)
				}
			})
		}
		ids := []int64{a.ID}
		for i := range int64(4999) {
			ids = append(ids, a.ID+1000+i)
		}
		for _, c := range []struct {
			name    string
			visible int64
			want    int
		}{{"5,000 ids, one an account", 0, 1}, {"5,000 ids, for someone who may not see it", bob.ID, 0}} {
			t.Run(c.name, func(t *testing.T) {
				ps, err := db.AccountPicks(ctx, sc, ids, c.visible)
				must(t, err)
				if len(ps) != c.want {
					t.Errorf("picks %v, want %d", ps, c.want)
				}
			})
		}
	})
}
