package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/intel"
	"github.com/samwise-sam/samwise/internal/store"
)

// intelAccounts is how many of the largest customers get a full picture:
// profile, vision, placed stakeholders, relationships, roadmap and needs.
const intelAccounts = 24

// productFamilies groups the demo products of words.go.
var productFamilies = map[string]string{
	"Core Platform": "Platform", "Integration Hub": "Platform", "Analytics Suite": "Data",
	"Data Warehouse Connector": "Data", "Premium Support": "Services", "Training Package": "Services",
	"Security Add-on": "Security", "Mobile Workforce": "Field",
}

var productBlurbs = map[string]string{
	"Core Platform":            "Account and relationship management for the whole client team.",
	"Integration Hub":          "Connectors to ERP, CRM and data platforms.",
	"Analytics Suite":          "Dashboards, forecasting and portfolio analytics.",
	"Data Warehouse Connector": "Nightly export to the client's warehouse.",
	"Premium Support":          "24/7 support with a named engineer.",
	"Training Package":         "On-site and online training for new users.",
	"Security Add-on":          "SSO, audit exports and data residency.",
	"Mobile Workforce":         "Field apps for technicians and sales reps.",
}

// functions are the business units stakeholders are placed in, by level.
var functions = map[account.Level][]string{
	account.Executive:        {"Executive board", "Finance", "Operations"},
	account.SeniorManagement: {"Finance", "IT", "Operations", "Procurement"},
	account.MiddleManagement: {"IT", "Operations", "Procurement", "Sales"},
	account.Operational:      {"IT", "Operations", "Sales"},
}

var (
	targetMarkets = []string{"Mid-market buyers in North America", "Public sector in the EU", "Direct-to-consumer online",
		"Large enterprises in DACH", "Emerging markets in South-East Asia", "Regional distributors"}
	shortGoals = []string{"Cut operating costs by 8% this year", "Consolidate three legacy systems", "Launch the new customer portal",
		"Pass the ISO 27001 audit", "Reduce churn of their own customers", "Open two new regional offices"}
	longGoals = []string{"Double international revenue by 2029", "Become the service leader of their segment",
		"Move every product to a subscription model", "Reach net-zero operations", "Build a data-driven sales organisation"}
	industryNotes = map[string][]string{
		"Manufacturing":      {"Long planning cycles tied to plant shutdowns", "Margins under pressure from raw material prices"},
		"Healthcare":         {"Strict patient-data regulation", "Budgets approved once a year"},
		"Financial Services": {"Regulator audits every vendor", "Data must stay in-country"},
		"Retail":             {"Peak season freezes all change from November to January", "Thin margins, fast decisions"},
		"Software":           {"Fast release cadence", "Engineers choose tools bottom-up"},
	}
	theirOfferings   = []string{"Premium product line", "After-sales service contracts", "Online shop", "Consulting services", "Private-label range"}
	theirCompetitors = []string{"Northwind", "Contoso", "Fabrikam", "Tailspin", "Wide World Importers", "Litware"}
	ourCompetitors   = []string{"Salesforce Key Accounts", "An in-house spreadsheet", "Gainsight", "A regional consultancy"}
	visionTexts      = map[int][]string{
		1: {"Finish the migration to the cloud ERP", "Every account manager works from one client view", "Cut onboarding time of new clients in half"},
		3: {"Expand into two new countries with the same back office", "Grow service revenue to 30% of the total", "Run sales from one forecast across all regions"},
		5: {"Be the most trusted supplier in their industry", "A fully digital, self-service customer experience"},
	}
	needTexts = []string{"One view of every client across regions", "Forecasts the board can trust", "Faster onboarding of new sites",
		"Proof of data residency for the regulator", "Field teams working offline", "Fewer manual exports to the warehouse"}
)

// SeedIntel adds what the account teams know about the largest customers:
// the products catalog (the demo company's products), a profile, a
// business vision (with a 5-year vision for tier A accounts, and one
// revision so earlier versions show), placed stakeholders with our
// people's relationships, a technology roadmap over the catalog and a
// needs assessment. The matrices are built so that every coverage rule
// finds something somewhere: the largest account's champion has just left
// for a competitor. It does nothing when the catalog has any product.
func SeedIntel(ctx context.Context, db *store.DB, sc account.Scope, now time.Time) error {
	existing, err := db.Products(ctx, sc, true)
	if err != nil {
		return err
	}
	if len(existing) > 0 {
		return nil
	}
	big, _, err := db.Accounts(ctx, sc, account.AccountFilter{Page: account.Page{Limit: intelAccounts, Sort: "-annual_revenue"}, Lifecycle: account.Customer})
	if err != nil {
		return err
	}
	if len(big) < 4 {
		return nil // not the demo portfolio
	}
	catalog := make([]intel.Product, 0, len(products))
	for _, p := range products {
		ip := intel.Product{Name: p.name, Family: productFamilies[p.name], ListPrice: p.price * 100, Description: productBlurbs[p.name]}
		if err := db.CreateProduct(ctx, sc, &ip); err != nil {
			return fmt.Errorf("demo product: %w", err)
		}
		catalog = append(catalog, ip)
	}
	tiers, err := db.AccountTiers(ctx, sc)
	if err != nil {
		return err
	}
	people, err := db.AllPeople(ctx, sc)
	if err != nil {
		return err
	}
	r := rand.New(rand.NewPCG(6, 2026))
	today := account.DateOf(now.UTC())
	for i, a := range big {
		if err := seedAccountIntel(ctx, db, sc, r, i, a, tiers[a.ID] == "A", catalog, people, today); err != nil {
			return fmt.Errorf("demo intel for %s: %w", a.Name, err)
		}
	}
	return nil
}

func seedAccountIntel(ctx context.Context, db *store.DB, sc account.Scope, r *rand.Rand, i int, a account.Account, topTier bool,
	catalog []intel.Product, people []account.Person, today account.Date) error {
	shs, _, err := db.Stakeholders(ctx, sc, account.StakeholderFilter{AccountID: a.ID, Page: account.Page{Limit: 50}})
	if err != nil {
		return err
	}
	var current []account.Stakeholder
	for _, s := range shs {
		if s.Active {
			current = append(current, s)
		}
	}
	slices.SortStableFunc(current, func(x, y account.Stakeholder) int {
		return slices.Index(account.Levels, x.Level) - slices.Index(account.Levels, y.Level)
	})
	if len(current) == 0 {
		return nil
	}
	top := current[0]

	// The profile.
	p := intel.Profile{AccountID: a.ID, Summary: fmt.Sprintf("%s is a %s business; we have served them since %d.",
		a.Name, a.Industry, a.CreatedAt.Year())}
	for k, s := range current {
		if s.BuyingRole == account.DecisionMaker || s.BuyingRole == account.Champion || k == 0 {
			id := s.ID
			p.Buying = append(p.Buying, intel.Entry{Text: s.Name, Note: account.Label(s.BuyingRole) + ", " + s.Title, StakeholderID: &id})
		}
	}
	p.Buying = append(p.Buying, intel.Entry{Text: "Central procurement", Note: "runs the tender for anything above $250K"})
	p.TargetMarkets = entries(r, targetMarkets, 2)
	p.GoalsShort = entries(r, shortGoals, 2)
	p.GoalsLong = entries(r, longGoals, 2)
	notes := industryNotes[a.Industry]
	if notes == nil {
		notes = []string{"Seasonal demand", "Consolidating suppliers"}
	}
	p.IndustrySpecifics = entries(r, notes, 2)
	p.Offerings = entries(r, theirOfferings, 2)
	p.TheirCompetitors = entries(r, theirCompetitors, 3)
	p.OurCompetitors = entries(r, ourCompetitors, 1)
	if err := db.SetProfile(ctx, sc, &p); err != nil {
		return err
	}

	// The vision: 1 and 3 years, and 5 for tier A.
	horizons := []int{1, 3}
	if topTier || i == 0 {
		horizons = append(horizons, 5)
	}
	var vision []intel.VisionItem
	for _, y := range horizons {
		texts := visionTexts[y]
		v := intel.VisionItem{AccountID: a.ID, HorizonYears: y, Text: texts[(i+y)%len(texts)], StatedOn: today.AddDays(-30 - 7*y),
			TargetDate: today.AddDays(365 * y)}
		if y == 1 {
			v.SourceNote = "Annual report"
		} else {
			id := top.ID
			v.SourceStakeholderID = &id
			v.SourceNote = "Executive briefing"
		}
		if err := db.AddVisionItem(ctx, sc, &v); err != nil {
			return err
		}
		vision = append(vision, v)
	}
	if i < 3 {
		// A revision: the 3-year vision grew more precise at the last
		// business review; the first statement stays in the history.
		time.Sleep(2 * time.Millisecond)
		old := vision[1]
		rev := old
		rev.ID, rev.Text, rev.StatedOn = 0, old.Text+", starting with Germany and Japan", today.AddDays(-10)
		if err := db.ReviseVisionItem(ctx, sc, old.ID, &rev); err != nil {
			return err
		}
		vision[1] = rev
	}

	// The matrix: placements and relationships. The owner knows most
	// people; the team and a second director know some.
	var ours []int64
	if a.OwnerID != nil {
		ours = append(ours, *a.OwnerID)
	}
	team, err := db.AccountTeam(ctx, sc, a.ID)
	if err != nil {
		return err
	}
	for _, m := range team {
		if !slices.Contains(ours, m.PersonID) {
			ours = append(ours, m.PersonID)
		}
	}
	if len(ours) < 2 && len(people) > 1 {
		other := people[(i+1)%len(people)].ID
		if !slices.Contains(ours, other) {
			ours = append(ours, other)
		}
	}
	if len(ours) == 0 {
		return nil
	}
	for k, s := range current {
		fs := functions[s.Level]
		m := intel.StakeholderMap{StakeholderID: s.ID, Function: fs[(i+k)%len(fs)], Influence: influenceOf(s.Level), Attitude: intel.Attitude(r.IntN(4) - 1)}
		switch s.BuyingRole {
		case account.Champion:
			m.Attitude = 2
		case account.Blocker:
			m.Attitude = -1
		}
		if err := db.SetStakeholderMap(ctx, sc, &m); err != nil {
			return err
		}
	}
	// The shape of the matrix depends on the account, so that every
	// coverage rule fires somewhere in the demo:
	//   0: strong through two people, but the champion just left;
	//   1: single-threaded (every strong relationship through the owner);
	//   2: the decision makers are known to nobody;
	//   3: an influential blocker;
	//   others: varied.
	for k, s := range current {
		var rel []intel.Relationship
		switch {
		case i == 2 && s.BuyingRole == account.DecisionMaker:
			continue // nobody knows them
		case i == 1:
			st := intel.Moderate
			if k < 2 {
				st = intel.Strong
			}
			rel = append(rel, intel.Relationship{PersonID: ours[0], Strength: st})
		case s.Level == account.Operational && i%3 == 0:
			continue // nobody at the operational level: a level gap
		default:
			st := []intel.Strength{intel.Strong, intel.Moderate, intel.Weak}[(k+i)%3]
			rel = append(rel, intel.Relationship{PersonID: ours[k%len(ours)], Strength: st})
			if len(ours) > 1 && k%2 == 0 {
				rel = append(rel, intel.Relationship{PersonID: ours[(k+1)%len(ours)], Strength: intel.Weak})
			}
		}
		for _, x := range rel {
			x.AccountID, x.StakeholderID = a.ID, s.ID
			if err := db.SetRelationship(ctx, sc, &x); err != nil {
				return err
			}
		}
	}
	if i == 3 && len(current) > 1 {
		// A blocker with a say: the head of IT prefers the incumbent.
		s := current[1]
		s.BuyingRole = account.Blocker
		if err := db.UpdateStakeholder(ctx, sc, &s); err != nil {
			return err
		}
		m, err := db.StakeholderMap(ctx, sc, s.ID)
		if err != nil {
			return err
		}
		m.Influence, m.Attitude, m.Function = 5, -2, "IT"
		if err := db.SetStakeholderMap(ctx, sc, &m); err != nil {
			return err
		}
	}
	if i == 4 {
		// A new champion we have not met yet: they have gone quiet before
		// we ever spoke.
		s := account.Stakeholder{AccountID: a.ID, Name: "Nadia Brooks", Title: "VP Customer Experience", Level: account.SeniorManagement,
			BuyingRole: account.Champion, Active: true}
		if err := db.CreateStakeholder(ctx, sc, &s); err != nil {
			return err
		}
		if err := db.SetStakeholderMap(ctx, sc, &intel.StakeholderMap{StakeholderID: s.ID, Function: "Operations", Influence: 4, Attitude: 1}); err != nil {
			return err
		}
		if err := db.SetRelationship(ctx, sc, &intel.Relationship{AccountID: a.ID, StakeholderID: s.ID, PersonID: ours[0], Strength: intel.Weak,
			Note: "Introduced by e-mail"}); err != nil {
			return err
		}
	}
	if i == 0 {
		// The champion (or, failing one, the second person) of the largest
		// account has just left for a competitor.
		var gone *account.Stakeholder
		for k := range current {
			if current[k].BuyingRole == account.Champion && current[k].ID != top.ID {
				gone = &current[k]
				break
			}
		}
		if gone == nil && len(current) > 1 {
			gone = &current[1]
			gone.BuyingRole = account.Champion
			if err := db.UpdateStakeholder(ctx, sc, gone); err != nil {
				return err
			}
		}
		if gone != nil {
			if err := db.MarkStakeholderLeft(ctx, sc, gone.ID, today.AddDays(-6), theirCompetitors[0]); err != nil {
				return err
			}
		}
	}

	// The roadmap over the catalog: contracts' products are in place;
	// others could be used, are needed for the vision, or do not fit.
	contracts, _, err := db.Contracts(ctx, sc, account.ContractFilter{AccountID: a.ID, Page: account.Page{Limit: 50}})
	if err != nil {
		return err
	}
	scale := max(0.3, float64(a.AnnualRevenue)/5e10)
	for k, prod := range catalog {
		it := intel.RoadmapItem{AccountID: a.ID, ProductID: prod.ID}
		for _, c := range contracts {
			if c.Product == prod.Name && c.Status == account.ContractActive {
				id := c.ID
				it.State, it.Since, it.ContractID = intel.InPlace, c.Start, &id
				break
			}
		}
		if it.State == "" {
			switch (i*3 + k*5) % 7 {
			case 0:
				it.State, it.Since = intel.NotUsed, today.AddDays(-400)
				it.Note = "Bought with the platform; never rolled out"
			case 1, 2:
				it.State, it.Fit = intel.CouldUse, 3+(i+k)%3
				it.EstimatedValue = int64(float64(prod.ListPrice) * scale / 100 * 100)
			case 3:
				id := vision[len(vision)-1].ID
				it.State, it.VisionItemID, it.Fit = intel.NeededForVision, &id, 4
				it.EstimatedValue = int64(float64(prod.ListPrice) * scale * 1.5 / 100 * 100)
			case 4:
				it.State = intel.NotRelevant
			default:
				continue // not assessed yet
			}
		}
		if err := db.SetRoadmapItem(ctx, sc, &it); err != nil {
			return err
		}
	}

	// The needs assessment.
	for k := range 3 {
		n := intel.Need{AccountID: a.ID, Text: needTexts[(i+k)%len(needTexts)], Horizon: intel.CurrentNeed,
			Priority: intel.Priorities[(i+k)%3], Status: intel.Open,
			ProductIDs: []int64{catalog[(i+2*k)%len(catalog)].ID}}
		if k == 1 {
			n.Horizon = intel.FutureNeed
			id := vision[len(vision)-1].ID
			n.VisionItemID = &id
		}
		if k == 2 && i%2 == 1 {
			n.Status, n.Note = intel.Addressed, "Solved with the last release"
		}
		if k == 2 && i%4 == 0 {
			n.Status, n.ProductIDs, n.Note = intel.NoFit, nil, "Outside what we offer"
		}
		if err := db.CreateNeed(ctx, sc, &n); err != nil {
			return err
		}
	}
	return nil
}

func influenceOf(l account.Level) int {
	switch l {
	case account.Executive:
		return 5
	case account.SeniorManagement:
		return 4
	case account.MiddleManagement:
		return 3
	}
	return 2
}

// entries picks n different lines of a list as profile entries.
func entries(r *rand.Rand, from []string, n int) []intel.Entry {
	idx := r.Perm(len(from))
	out := make([]intel.Entry, 0, n)
	for _, k := range idx[:min(n, len(from))] {
		out = append(out, intel.Entry{Text: from[k]})
	}
	return out
}
