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
